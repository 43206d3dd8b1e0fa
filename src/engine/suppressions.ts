// Deliberate exceptions: config `allow` entries and inline `# iac-guard-ignore` comments.
// Both need a reason; both may expire. An expired one stops allowing and is itself reported,
// so a "temporary" exception cannot quietly become permanent.
import { minimatch } from 'minimatch';
import type { AllowEntry } from './config.js';
import type { InlineSuppression } from '../core/source.js';
import type { Finding, Location, Position, Range, Severity } from '../core/types.js';

export const SUPPRESSION_EXPIRED = 'suppression-expired';
export const SUPPRESSION_INVALID = 'suppression-invalid';

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);
const inside = (p: Position, r: Range) => before(r.start, p) && before(p, r.end);

/** An expiry date is inclusive: `expires: 2026-12-31` still allows on that day. */
export const isExpired = (expires: string | undefined, today: string) => expires !== undefined && expires < today;

export interface EngineFinding {
  ruleId: string;
  messageId: string;
  severity: Severity;
  message: string;
  location: Location;
}

export interface SuppressionOutcome {
  findings: Finding[];
  /** Findings about the suppressions themselves (expired, missing reason). */
  extra: EngineFinding[];
}

/** Resolves alias → canonical rule id. */
export type RuleIdResolver = (id: string) => string | undefined;

export function applySuppressions(
  findings: Finding[],
  allow: AllowEntry[],
  inline: InlineSuppression[],
  today: string,
  resolveId: RuleIdResolver,
  configFile: string | undefined,
): SuppressionOutcome {
  const extra: EngineFinding[] = [];
  const configLocation: Location = {
    file: configFile ?? '.iac-guard.yml',
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  };

  const activeAllow = allow.filter((entry) => {
    if (!isExpired(entry.expires, today)) return true;
    extra.push({
      ruleId: SUPPRESSION_EXPIRED,
      messageId: 'configExpired',
      severity: 'warning',
      message: `The allow entry for ${entry.rule}${entry.resource ? ` on ${entry.resource}` : ''} expired on ${entry.expires} ("${entry.reason}"); its findings are reported again. Fix them, or renew the entry with a new date and reason.`,
      location: configLocation,
    });
    return false;
  });

  const activeInline = inline.filter((s) => {
    const location = { file: s.file, range: s.comment };
    if (!resolveId(s.ruleId)) {
      extra.push({
        ruleId: SUPPRESSION_INVALID,
        messageId: 'unknownRule',
        severity: 'error',
        message: `iac-guard-ignore names unknown rule "${s.ruleId}"; nothing is suppressed. Check the id with \`iac-guard rules\`.`,
        location,
      });
      return false;
    }
    if (!s.reason.trim()) {
      extra.push({
        ruleId: SUPPRESSION_INVALID,
        messageId: 'missingReason',
        severity: 'error',
        message: `iac-guard-ignore ${s.ruleId} has no reason, so it suppresses nothing. Write it as \`iac-guard-ignore ${s.ruleId}: <why this is safe>\`.`,
        location,
      });
      return false;
    }
    if (isExpired(s.until, today)) {
      extra.push({
        ruleId: SUPPRESSION_EXPIRED,
        messageId: 'inlineExpired',
        severity: 'warning',
        message: `iac-guard-ignore ${s.ruleId} expired on ${s.until} ("${s.reason}"); its findings are reported again.`,
        location,
      });
      return false;
    }
    return true;
  });

  const out = findings.map((f): Finding => {
    for (const s of activeInline) {
      if (resolveId(s.ruleId) === f.ruleId && s.file === f.location.file && inside(f.location.range.start, s.covers)) {
        return { ...f, suppressed: true, suppression: { kind: 'inline', reason: s.reason, ...(s.until ? { expires: s.until } : {}) } };
      }
    }
    for (const a of activeAllow) {
      if (resolveId(a.rule) !== f.ruleId) continue;
      const subject = f.resource ?? f.path;
      if (a.resource && !(subject && minimatch(subject, a.resource, { dot: true }))) continue;
      if (a.file && !minimatch(f.location.file, a.file, { dot: true, matchBase: !a.file.includes('/') })) continue;
      return { ...f, suppressed: true, suppression: { kind: 'config', reason: a.reason, ...(a.expires ? { expires: a.expires } : {}) } };
    }
    return f;
  });
  return { findings: out, extra };
}
