// The default, human format: findings grouped by file, errors, then one summary line.
//
//   infra/kms.tf
//     error    kms-key-ring-replaced  infra/kms.tf:3:3  google_kms_key_ring.logs
//       Replacing google_kms_key_ring.logs destroys every key in it ...
//       related: google_kms_crypto_key.archive at infra/kms.tf:9:1: encrypted with a key in this ring
//
//   1 blocking finding (1 error) in 1 of 3 files; 0 suppressed; 0 files not understood
import kleur from 'kleur';
import { isBlocking } from '../engine/runner.js';
import { SEVERITIES, type Finding, type RelatedLocation, type RunResult, type Severity } from '../core/types.js';
import { causesFirst, countResult, formatErrorPlace, formatLocation, subjectOf, summaryLine, visible } from './common.js';
import type { Reporter, ReportOptions } from './types.js';

type Kleur = typeof kleur;

/**
 * kleur decides on its own (from the environment) whether to colour; the CLI has already decided,
 * so the reporter sets kleur's switch for the duration of one synchronous render and restores it.
 * With colour off kleur returns its input unchanged: no escape sequence can appear.
 */
function withColor<T>(on: boolean, render: (k: Kleur) => T): T {
  const saved = kleur.enabled;
  kleur.enabled = on;
  try {
    return render(kleur);
  } finally {
    kleur.enabled = saved;
  }
}

const SEVERITY_WIDTH = Math.max(...SEVERITIES.map((s) => s.length));

function severityLabel(k: Kleur, severity: Severity, blocking: boolean): string {
  const label = severity.padEnd(SEVERITY_WIDTH);
  const painted = severity === 'error' ? k.red(label) : severity === 'warning' ? k.yellow(label) : k.blue(label);
  return blocking ? k.bold(painted) : painted;
}

function relatedLine(k: Kleur, r: RelatedLocation): string {
  const where = [r.resource !== undefined ? k.cyan(visible(r.resource)) : '', r.location ? `at ${visible(formatLocation(r.location))}` : '']
    .filter(Boolean)
    .join(' ');
  return `    ${k.gray('related:')} ${where ? `${where}: ` : ''}${visible(r.message)}`;
}

function suppressionLine(k: Kleur, f: Finding): string {
  const s = f.suppression;
  const by =
    s?.kind === 'inline'
      ? 'by an iac-guard-ignore comment'
      : s?.kind === 'baseline'
        ? 'by the baseline'
        : s?.kind === 'dev-file'
          ? 'as an example, test or dev file'
          : 'by an allow entry in the config';
  const reason = s ? `: ${visible(s.reason)}${s.expires ? ` (until ${visible(s.expires)})` : ''}` : '';
  return `    ${k.gray(`suppressed ${by}${reason}`)}`;
}

function findingLines(k: Kleur, f: Finding, blocking: boolean): string[] {
  const subject = subjectOf(f);
  const head = [
    severityLabel(k, f.severity, blocking),
    k.gray(visible(f.ruleId)),
    visible(formatLocation(f.location)),
    ...(subject !== undefined ? [k.cyan(visible(subject))] : []),
  ].join('  ');
  const lines = [`  ${f.suppressed ? k.dim(head) : head}`, `    ${visible(f.message)}`];
  for (const r of f.related ?? []) lines.push(relatedLine(k, r));
  if (f.relaxed) lines.push(`    ${k.gray(`${f.severity} here, not ${f.relaxed.from}: ${visible(f.relaxed.reason)} (\`dev-files: strict\` in .iac-guard.yml blocks it)`)}`);
  if (f.suppressed) lines.push(suppressionLine(k, f));
  return lines;
}

function render(k: Kleur, result: RunResult, options: ReportOptions): string {
  const blocking = (f: Finding) => isBlocking(f, options.failOn);
  const shown = causesFirst(result.findings.filter((f) => (options.quiet ? blocking(f) : !f.suppressed || options.showSuppressed)));
  const counts = countResult(result, options.failOn);
  if (options.quiet && !shown.length && !result.errors.length) return '';

  const out: string[] = [];
  let currentFile: string | undefined;
  for (const f of shown) {
    if (f.location.file !== currentFile) {
      if (currentFile !== undefined) out.push('');
      currentFile = f.location.file;
      out.push(k.bold().underline(visible(currentFile)));
    }
    out.push(...findingLines(k, f, blocking(f)));
  }

  if (result.errors.length) {
    if (out.length) out.push('');
    out.push(k.bold('Files not understood (nothing in them was checked):'));
    for (const e of result.errors) out.push(`  ${k.red(visible(formatErrorPlace(e)))}: ${visible(e.message)}`);
  }

  // A file the user named and the config excludes: one line, so it is not mistaken for checked.
  const excluded = (result.skipped ?? []).filter((x) => x.kind === 'excluded');
  if (excluded.length) {
    if (out.length) out.push('');
    for (const x of excluded) out.push(`${k.dim('skipped')} ${visible(x.file)}: ${visible(x.reason)}`);
  }

  if (out.length) out.push('');
  const summary = summaryLine(counts);
  out.push(counts.blocking ? k.bold().red(summary) : counts.errors ? k.bold().yellow(summary) : k.green(summary));
  return `${out.join('\n')}\n`;
}

export const textReporter: Reporter = (result, options) => withColor(options.color, (k) => render(k, result, options));
