// `.env` and `env_file:` files, as Compose reads them: `KEY=value` (or `KEY: value`), optional
// `export `, `#` comments, single quotes (literal), double quotes (escapes, may span lines,
// interpolated), unquoted values (trimmed, ` #` starts a comment). Every variable keeps the
// line and column of its name, and `# iac-guard-ignore` comments work as in YAML.
import { ParseError } from '../core/errors.js';
import type { InlineSuppression } from '../core/source.js';
import { inlineSuppression, parseIgnoreComment } from '../core/inline.js';
import type { Range } from '../core/types.js';
import { interpolate, type Lookup } from './compose-interpolate.js';

export interface EnvEntry {
  name: string;
  /** Undefined for a bare `KEY` line whose value comes from the environment and is not set there. */
  value?: string;
  /** The value names a variable nobody set. */
  unresolved: boolean;
  /** From the name to the end of the value. */
  range: Range;
}

export interface EnvFile {
  entries: EnvEntry[];
  suppressions: InlineSuppression[];
}

const KEY = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*([=:])?/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/** Parses an env file. `lookup` supplies variables for `${...}` and bare `KEY` lines. */
export function parseEnvFile(text: string, file: string, lookup: Lookup): EnvFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: EnvEntry[] = [];
  const suppressions: InlineSuppression[] = [];
  const own = new Map<string, string>();
  const resolve: Lookup = (n) => own.get(n) ?? lookup(n);
  // Own-line ignore comments wait here for the next variable.
  let pending: { parsed: NonNullable<ReturnType<typeof parseIgnoreComment>>; comment: Range }[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    if (body === '') continue;
    if (body.startsWith('#')) {
      const parsed = parseIgnoreComment(body);
      if (parsed) pending.push({ parsed, comment: span(lineNo, indent + 1, lineNo, line.length + 1) });
      continue;
    }
    const m = KEY.exec(body);
    if (!m || !m[2]) {
      if (m && m[0].trimEnd() === body.trimEnd()) {
        // A bare `KEY`: the value comes from the environment Compose runs in.
        const name = m[1]!;
        const v = lookup(name);
        const range = span(lineNo, indent + 1 + body.indexOf(name), lineNo, line.length + 1);
        entries.push({ name, ...(v !== undefined ? { value: v } : {}), unresolved: false, range });
        flush(range);
        continue;
      }
      throw new ParseError(file, `invalid line in env file: expected KEY=VALUE, got "${truncate(body)}"`, lineNo, indent + 1);
    }
    const name = m[1]!;
    const nameCol = indent + 1 + body.indexOf(name);
    let rest = body.slice(m[0].length).replace(/^[ \t]+/, '');
    let value: string;
    let unresolved = false;
    let endLine = lineNo;
    let endCol = line.length + 1;
    let trailing: string | undefined;
    if (rest.startsWith("'") || rest.startsWith('"')) {
      const quote = rest[0]!;
      // Find the closing quote, possibly on a later line.
      let raw = '';
      let closed = false;
      let j = i;
      let text = rest.slice(1);
      for (;;) {
        const end = closingQuote(text, quote);
        if (end >= 0) {
          raw += text.slice(0, end);
          trailing = text.slice(end + 1);
          closed = true;
          break;
        }
        raw += text + '\n';
        j++;
        if (j >= lines.length) break;
        text = lines[j]!;
      }
      if (!closed) throw new ParseError(file, `unterminated ${quote === '"' ? 'double' : 'single'}-quoted value for ${name}`, lineNo, nameCol);
      endLine = j + 1;
      endCol = (lines[j] ?? '').length + 1;
      i = j;
      if (quote === "'") value = raw;
      else {
        const unescaped = raw.replace(/\\(.)/g, (whole, ch: string) => ESCAPES[ch] ?? whole);
        const r = interpolate(unescaped, resolve);
        value = r.value;
        unresolved = r.unresolved;
      }
    } else {
      const hash = rest.search(/(^|[ \t])#/);
      if (hash >= 0) {
        trailing = rest.slice(hash);
        rest = rest.slice(0, hash);
      }
      const r = interpolate(rest.trim(), resolve);
      value = r.value;
      unresolved = r.unresolved;
    }
    const range = span(lineNo, nameCol, endLine, endCol);
    entries.push({ name, value, unresolved, range });
    if (!unresolved) own.set(name, value);
    flush(range);
    const trailingIgnore = trailing !== undefined ? trailing.trim() : '';
    if (trailingIgnore.startsWith('#')) {
      const parsed = parseIgnoreComment(trailingIgnore);
      if (parsed) {
        const col = (lines[endLine - 1] ?? '').lastIndexOf(trailingIgnore) + 1;
        suppressions.push(inlineSuppression(file, parsed, span(endLine, col, endLine, endCol), range));
      }
    }
  }
  // Ignore comments with nothing below them still get checked (reason, rule id).
  for (const p of pending) suppressions.push(inlineSuppression(file, p.parsed, p.comment, undefined));
  return { entries, suppressions };

  function flush(covers: Range) {
    for (const p of pending) suppressions.push(inlineSuppression(file, p.parsed, p.comment, covers));
    pending = [];
  }
}

function closingQuote(text: string, quote: string): number {
  for (let k = 0; k < text.length; k++) {
    if (quote === '"' && text[k] === '\\') {
      k++;
      continue;
    }
    if (text[k] === quote) return k;
  }
  return -1;
}

const span = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, column: sc }, end: { line: el, column: ec } });
const truncate = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
