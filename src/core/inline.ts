// The inline suppression comment, shared by every parser:
//   # iac-guard-ignore <rule-id>: <reason> [until YYYY-MM-DD]
// (`//` and `/* */` in HCL). Parsers find comments; this reads their text.

import type { InlineSuppression } from './source.js';
import type { Range } from './types.js';

export interface ParsedIgnore {
  ruleId: string;
  reason: string;
  until?: string;
}

const MARKER = /iac-guard-ignore\b/;
const FORM = /iac-guard-ignore\s+([A-Za-z0-9_-]+)\s*(?::\s*(.*?))?\s*$/s;
const UNTIL = /\s+until\s+(\d{4}-\d{2}-\d{2})\s*$/;

/** Returns undefined when the comment is not an iac-guard-ignore comment at all. */
export function parseIgnoreComment(comment: string): ParsedIgnore | undefined {
  const body = comment
    .replace(/^\s*(#|\/\/|\/\*)\s*/, '')
    .replace(/\*\/\s*$/, '')
    .trim();
  if (!MARKER.test(body) || !body.startsWith('iac-guard-ignore')) return undefined;
  const m = FORM.exec(body);
  if (!m) return { ruleId: '', reason: '' };
  let reason = (m[2] ?? '').trim();
  let until: string | undefined;
  const u = UNTIL.exec(reason);
  if (u) {
    until = u[1];
    reason = reason.slice(0, u.index).trim();
  }
  return { ruleId: m[1]!, reason, ...(until ? { until } : {}) };
}

/** The suppression a parsed comment makes: `covers` is the entry below it (or on its line). */
export function inlineSuppression(file: string, parsed: ParsedIgnore, comment: Range, covers: Range | undefined): InlineSuppression {
  return {
    file,
    ruleId: parsed.ruleId,
    reason: parsed.reason,
    ...(parsed.until ? { until: parsed.until } : {}),
    comment,
    covers: covers ?? comment,
  };
}
