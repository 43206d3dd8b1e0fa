// Helpers every reporter shares: counts, the one-line summary, places as `file:line:col`,
// and making text from scanned files safe to print.
import { isBlocking } from '../engine/runner.js';
import { SEVERITIES, type FileError, type Finding, type Location, type RunResult, type Severity } from '../core/types.js';
import type { ReportOptions } from './types.js';

export interface Counts {
  /** Distinct files the run read or reported on, understood or not. */
  files: number;
  /** Every finding, suppressed ones included. */
  findings: number;
  blocking: number;
  /** Neither blocking nor suppressed (e.g. warnings under `--fail-on error`). */
  nonBlocking: number;
  suppressed: number;
  /** Upkeep findings left out because they are in example, test or dev files (not in `suppressed`). */
  leftOut: number;
  /** Lowered from error to warning because they are in example, test or dev files. */
  relaxed: number;
  errors: number;
  filesNotUnderstood: number;
  /** Named files an `exclude:` glob covers, and YAML in folder walks that is neither Compose nor Helm values. */
  excluded: number;
  yamlSkipped: number;
  filesWithBlocking: number;
  blockingBySeverity: Record<Severity, number>;
}

export function countResult(result: RunResult, failOn: ReportOptions['failOn']): Counts {
  const blocking = result.findings.filter((f) => isBlocking(f, failOn));
  const leftOut = result.findings.filter((f) => f.suppressed && f.suppression?.kind === 'dev-file').length;
  const suppressed = result.findings.filter((f) => f.suppressed).length - leftOut;
  const errorFiles = new Set(result.errors.map((e) => e.file));
  const files = new Set([...result.files, ...result.findings.map((f) => f.location.file), ...errorFiles]);
  const blockingBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of blocking) blockingBySeverity[f.severity]++;
  return {
    files: files.size,
    findings: result.findings.length,
    blocking: blocking.length,
    nonBlocking: result.findings.length - blocking.length - suppressed - leftOut,
    suppressed,
    leftOut,
    relaxed: result.findings.filter((f) => f.relaxed && !f.suppressed).length,
    errors: result.errors.length,
    filesNotUnderstood: errorFiles.size,
    excluded: (result.skipped ?? []).filter((x) => x.kind === 'excluded').length,
    yamlSkipped: (result.skipped ?? []).filter((x) => x.kind === 'not-ours').length,
    filesWithBlocking: new Set(blocking.map((f) => f.location.file)).size,
    blockingBySeverity,
  };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * "3 blocking findings (2 errors, 1 warning) in 2 of 5 files; 1 suppressed; 0 files not understood"
 * or "No blocking findings in 5 files" (with the other counts only when they are not zero).
 */
export function summaryLine(c: Counts): string {
  if (c.blocking > 0) {
    const bySeverity = SEVERITIES.filter((s) => c.blockingBySeverity[s] > 0)
      .map((s) => plural(c.blockingBySeverity[s], s))
      .join(', ');
    return [
      `${plural(c.blocking, 'blocking finding')} (${bySeverity}) in ${c.filesWithBlocking} of ${plural(c.files, 'file')}`,
      ...(c.nonBlocking ? [`${c.nonBlocking} not blocking`] : []),
      ...(c.relaxed ? [relaxedNote(c.relaxed)] : []),
      ...(c.leftOut ? [leftOutNote(c.leftOut)] : []),
      `${c.suppressed} suppressed`,
      `${plural(c.filesNotUnderstood, 'file')} not understood`,
      ...skippedNotes(c),
    ].join('; ');
  }
  return [
    `No blocking findings in ${plural(c.files, 'file')}`,
    ...(c.nonBlocking ? [`${c.nonBlocking} not blocking`] : []),
    ...(c.relaxed ? [relaxedNote(c.relaxed)] : []),
    ...(c.leftOut ? [leftOutNote(c.leftOut)] : []),
    ...(c.suppressed ? [`${c.suppressed} suppressed`] : []),
    ...(c.filesNotUnderstood ? [`${plural(c.filesNotUnderstood, 'file')} not understood`] : []),
    ...skippedNotes(c),
  ].join('; ');
}

const skippedNotes = (c: Counts) => [
  ...(c.excluded ? [`${plural(c.excluded, 'named file')} excluded by config`] : []),
  ...(c.yamlSkipped ? [`${plural(c.yamlSkipped, 'YAML file')} skipped: not Compose or Helm values (--verbose lists them)`] : []),
];

const leftOutNote = (n: number) =>
  `${plural(n, 'finding')} in tests, or on upkeep (log rotation, pins, backups) in example or dev files, left out (\`dev-files: warn\` shows them)`;

const relaxedNote = (n: number) => `${plural(n, 'error')} in example, test or dev files reported as ${n === 1 ? 'a warning' : 'warnings'}`;

/** Why a finding is a warning rather than an error, for formats that have only the message to say it in. */
export const relaxedSuffix = (f: Finding): string =>
  f.relaxed ? ` (${f.severity} here, not ${f.relaxed.from}: ${f.relaxed.reason}; \`dev-files: strict\` blocks it)` : '';

/** `file:line:col` (1-based). */
export const formatLocation = (l: Location) => `${l.file}:${l.range.start.line}:${l.range.start.column}`;

/** `file:line:col`, `file:line` or `file`, as much as an error knows. */
export function formatErrorPlace(e: FileError): string {
  return `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}`;
}

/** What a finding is about: its Terraform address or YAML path, if it has one. */
export const subjectOf = (f: Finding): string | undefined => f.resource ?? f.path;

// Characters that can rewrite a terminal or a log viewer, or hide text: C0 controls, DEL, C1
// controls (ESC [ and its 8-bit twin CSI start colour/cursor sequences), the Arabic letter mark,
// left/right marks, bidi embeddings/overrides/isolates (Trojan Source) and Unicode line/paragraph
// separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Shows unsafe characters as visible escapes (`\x1b`, `\n`, `\u202e`) so text that came from a
 * scanned file can neither drive the terminal nor disguise itself. With `keepLineBreaks`, CR and
 * LF are left for the caller to encode (GitHub workflow commands have their own escapes for them).
 */
export function visible(text: string, opts: { keepLineBreaks?: boolean } = {}): string {
  return text.replace(UNSAFE_CHARS, (ch) => {
    if (opts.keepLineBreaks && (ch === '\n' || ch === '\r')) return ch;
    const named = NAMED_ESCAPES[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Characters JSON may carry raw but that should not reach a terminal or an editor unescaped
 * (JSON.stringify already escapes C0 controls). Only ever inside string literals in JSON output,
 * so escaping them there keeps the document equal.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify with 2-space indentation, a trailing newline and the characters above escaped. */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${text}\n`;
}

/**
 * Findings in the same order, except that within each file a finding comes before those it
 * causes: one whose `related` names another finding's resource (a key ring that dies takes its
 * keys, a key takes the disks encrypted with it) is listed first, so the root cause reads first.
 */
export function causesFirst(findings: readonly Finding[]): Finding[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.location.file, [...(byFile.get(f.location.file) ?? []), f]);
  const out: Finding[] = [];
  for (const group of byFile.values()) {
    const causedBy = new Map<string, Finding[]>();
    for (const f of group) for (const r of f.related ?? []) if (r.resource && r.resource !== f.resource) causedBy.set(r.resource, [...(causedBy.get(r.resource) ?? []), f]);
    const depth = new Map<Finding, number>();
    const depthOf = (f: Finding, seen: Set<Finding>): number => {
      const known = depth.get(f);
      if (known !== undefined) return known;
      if (seen.has(f)) return 0; // a cycle: leave it where it is
      seen.add(f);
      const causes = f.resource ? (causedBy.get(f.resource) ?? []).filter((c) => c !== f) : [];
      const d = causes.length ? 1 + Math.max(...causes.map((c) => depthOf(c, seen))) : 0;
      depth.set(f, d);
      return d;
    };
    const ranked = group.map((f, i) => ({ f, i, d: depthOf(f, new Set()) }));
    ranked.sort((a, b) => a.d - b.d || a.i - b.i);
    out.push(...ranked.map((r) => r.f));
  }
  return out;
}
