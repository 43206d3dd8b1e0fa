// A pull-request comment or job summary ($GITHUB_STEP_SUMMARY): verdict, counts, a table of
// blocking findings, the rest folded away, files not understood, and the blast radius graph.
// Every value that came from a scanned file is escaped (markdown-escape.ts): it cannot leave
// its table cell, inject HTML, links or images, or mention anyone.
import { isBlocking } from '../engine/runner.js';
import type { Finding } from '../core/types.js';
import { causesFirst, countResult, formatErrorPlace, plural, relaxedSuffix, subjectOf, summaryLine } from './common.js';
import { markdownCode, markdownProse } from './markdown-escape.js';
import { blastRadiusMermaid } from './mermaid.js';
import type { Reporter } from './types.js';

/** Rows per table, so the comment stays readable. */
export const MARKDOWN_TABLE_LIMIT = 50;
/** GitHub rejects a comment longer than this. */
export const MARKDOWN_COMMENT_LIMIT = 65_536;
/** Characters the table rows and the error list may take together, leaving room for the rest. */
export const MARKDOWN_TABLE_BUDGET = 45_000;

function findingRow(f: Finding): string {
  const subject = subjectOf(f);
  const cells = [
    f.severity,
    markdownCode(f.ruleId),
    subject !== undefined ? markdownCode(subject) : '',
    markdownCode(`${f.location.file}:${f.location.range.start.line}`),
    markdownProse(f.message + relaxedSuffix(f)),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Takes lines while they fit: at most MARKDOWN_TABLE_LIMIT, and within `budget.left` characters (shared by one report). */
function takeWithin<T>(items: T[], toLine: (item: T) => string, budget: { left: number }): string[] {
  const lines: string[] = [];
  for (const item of items) {
    if (lines.length >= MARKDOWN_TABLE_LIMIT) break;
    const line = toLine(item);
    if (line.length > budget.left) break;
    budget.left -= line.length;
    lines.push(line);
  }
  return lines;
}

const notShown = (left: number, what: string, anyShown: boolean) =>
  `_${plural(left, `${anyShown ? 'more ' : ''}${what}`)} not shown; run iac-guard locally or see the SARIF or JSON report for all of them._`;

function findingsTable(findings: Finding[], kind: string, budget: { left: number }): string[] {
  const rows = takeWithin(findings, findingRow, budget);
  const lines = rows.length ? ['| Severity | Rule | Resource or path | Location | Problem |', '| --- | --- | --- | --- | --- |', ...rows] : [];
  const left = findings.length - rows.length;
  if (left > 0) lines.push(...(lines.length ? [''] : []), notShown(left, `${kind} finding`, rows.length > 0));
  return lines;
}

export const markdownReporter: Reporter = (result, options) => {
  const counts = countResult(result, options.failOn);
  // Within a file, a root cause (the key ring) before what dies with it (its keys, their data).
  const blocking = causesFirst(result.findings.filter((f) => isBlocking(f, options.failOn)));
  const nonBlocking = causesFirst(result.findings.filter((f) => !f.suppressed && !isBlocking(f, options.failOn)));

  const verdict = counts.blocking
    ? '## ❌ iac-guard: blocked'
    : counts.errors
      ? '## ⚠️ iac-guard: failed, some files were not understood'
      : '## ✅ iac-guard: passed';
  const out = [verdict, '', `${summaryLine(counts)}.`];

  const budget = { left: MARKDOWN_TABLE_BUDGET };
  if (blocking.length) out.push('', ...findingsTable(blocking, 'blocking', budget));

  if (nonBlocking.length && !options.quiet) {
    out.push(
      '',
      '<details>',
      `<summary>${plural(nonBlocking.length, 'finding')} not blocking under fail-on ${options.failOn}</summary>`,
      '',
      ...findingsTable(nonBlocking, 'non-blocking', budget),
      '',
      '</details>',
    );
  }

  if (result.errors.length) {
    out.push('', '### Files not understood', '', 'Nothing in these was checked, so the run fails (exit 2).', '');
    const listed = takeWithin(result.errors, (e) => `- ${markdownCode(formatErrorPlace(e))}: ${markdownProse(e.message)}`, budget);
    out.push(...listed);
    if (listed.length < result.errors.length) out.push('', notShown(result.errors.length - listed.length, 'file', listed.length > 0));
  }

  const footer = counts.suppressed || counts.leftOut
    ? [
        '',
        ...(counts.suppressed ? [`<sub>${plural(counts.suppressed, 'suppressed finding')} not shown (allowed in config or by an iac-guard-ignore comment with a reason).</sub>`] : []),
        ...(counts.leftOut ? [`<sub>${plural(counts.leftOut, 'finding')} in tests, or on upkeep in example or dev files, not shown (\`dev-files: warn\` shows them).</sub>`] : []),
      ]
    : [];
  const graph = blastRadiusMermaid(result);
  if (graph) {
    const section = ['', '### Blast radius', '', '```mermaid', graph, '```'];
    const length = [...out, ...section, ...footer].join('\n').length + 1;
    out.push(...(length <= MARKDOWN_COMMENT_LIMIT ? section : ['', '_Blast radius graph left out: the comment would be too long for GitHub._']));
  }
  out.push(...footer);
  return `${out.join('\n')}\n`;
};
