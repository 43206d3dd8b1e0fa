// GitHub Actions workflow commands: one annotation per finding, shown on the pull request diff.
//   ::error file=main.tf,line=3,col=3,endLine=3,endColumn=20,title=rule-id address::message
// The runner reads one command per line, so every value is escaped as it documents: `%`, CR, LF
// in the message; additionally `:` and `,` in properties. A hostile resource name cannot end the
// command early or start a new one.
import { isBlocking } from '../engine/runner.js';
import type { FileError, Finding, Severity } from '../core/types.js';
import { countResult, formatLocation, relaxedSuffix, subjectOf, summaryLine, visible } from './common.js';
import type { Reporter } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Other control and bidi characters have no runner escape; they are shown as `\x1b`-style text. */
const clean = (s: string) => visible(s, { keepLineBreaks: true });

export const escapeData = (s: string) => clean(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(name: string, properties: [string, string | number | undefined][], message: string): string {
  const props = properties
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name} ${props}::${escapeData(message)}`;
}

/**
 * A file outside the repository (a plan written to /tmp by an earlier step) has no place on the
 * pull request: GitHub drops such annotations. It is annotated without a file, naming it instead.
 */
const outsideRepository = (file: string) => file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('../');

function annotation(f: Finding): string {
  const { start, end } = f.location.range;
  const subject = subjectOf(f);
  if (outsideRepository(f.location.file)) {
    return command(COMMAND[f.severity], [['title', subject !== undefined ? `${f.ruleId} ${subject}` : f.ruleId]], `${formatLocation(f.location)}: ${f.message}${relaxedSuffix(f)}`);
  }
  const related = (f.related ?? []).map(
    (r) => `related: ${[r.resource, r.location ? `at ${formatLocation(r.location)}` : undefined].filter(Boolean).join(' ')}${r.resource || r.location ? ': ' : ''}${r.message}`,
  );
  return command(
    COMMAND[f.severity],
    [
      ['file', f.location.file],
      ['line', start.line],
      ['col', start.column],
      ['endLine', end.line],
      ['endColumn', end.column],
      ['title', subject !== undefined ? `${f.ruleId} ${subject}` : f.ruleId],
    ],
    [f.message + relaxedSuffix(f), ...related].join('\n'),
  );
}

const errorAnnotation = (e: FileError) =>
  outsideRepository(e.file)
    ? command('error', [['title', 'iac-guard: file not understood']], `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`)
    : command('error', [['file', e.file], ['line', e.line], ['col', e.column], ['title', 'iac-guard: file not understood']], e.message);

/** GitHub keeps only the first annotations of each kind per step (10 at the time of writing) and drops the rest. */
export const GITHUB_ANNOTATIONS_PER_KIND = 10;

export const githubReporter: Reporter = (result, options) => {
  const blocking = (f: Finding) => isBlocking(f, options.failOn);
  // Most important first, so GitHub's per-step cap drops the least important:
  // files not understood (nothing in them was checked), then blocking findings, then the rest.
  const annotated = [
    ...result.findings.filter(blocking),
    ...(options.quiet ? [] : result.findings.filter((f) => !f.suppressed && !blocking(f))),
  ];
  const lines = [...result.errors.map(errorAnnotation), ...annotated.map(annotation)];
  const perKind = new Map<string, number>();
  for (const f of annotated) perKind.set(COMMAND[f.severity], (perKind.get(COMMAND[f.severity]) ?? 0) + 1);
  perKind.set('error', (perKind.get('error') ?? 0) + result.errors.length);
  if ([...perKind.values()].some((n) => n > GITHUB_ANNOTATIONS_PER_KIND)) {
    lines.push(`iac-guard: GitHub shows only the first ${GITHUB_ANNOTATIONS_PER_KIND} annotations of each kind per step; every finding is listed in this log.`);
  }
  lines.push(`iac-guard: ${summaryLine(countResult(result, options.failOn))}`);
  return `${lines.join('\n')}\n`;
};
