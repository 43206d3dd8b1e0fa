// JUnit XML for CI systems that show test reports (Jenkins, Azure DevOps, GitLab, CircleCI): one
// test suite per file, one test case per finding. A blocking finding is a <failure>, a file not
// understood an <error>; findings that do not block (warnings under --fail-on error, suppressed)
// are <skipped> with why, so they are visible without failing the build. A file with no finding
// is one passing case, so the report shows what was checked.
import { isBlocking } from '../engine/runner.js';
import type { FileError, Finding } from '../core/types.js';
import { countResult, formatLocation, relaxedSuffix, subjectOf, summaryLine, visible } from './common.js';
import type { Reporter } from './types.js';

/** XML 1.0 text and attribute values: the five markup characters, and no control characters at all. */
export function xmlEscape(s: string): string {
  return visible(s, { keepLineBreaks: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r?\n/g, '&#10;');
}

const attrs = (pairs: [string, string | number][]) => pairs.map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');

export const junitReporter: Reporter = (result, options) => {
  const byFile = new Map<string, { findings: Finding[]; errors: FileError[] }>();
  const entry = (file: string) => {
    let e = byFile.get(file);
    if (!e) byFile.set(file, (e = { findings: [], errors: [] }));
    return e;
  };
  for (const file of result.files) entry(file);
  for (const f of result.findings) entry(f.location.file).findings.push(f);
  for (const e of result.errors) entry(e.file).errors.push(e);

  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const suites: string[] = [];
  for (const [file, { findings, errors: fileErrors }] of byFile) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const e of fileErrors) {
      cases.push(`    <testcase${attrs([['name', 'file not understood'], ['classname', file]])}>\n      <error${attrs([['message', e.message], ['type', 'file-not-understood']])}/>\n    </testcase>`);
    }
    for (const f of findings) {
      const subject = subjectOf(f);
      const name = `${f.ruleId}${subject !== undefined ? ` ${subject}` : ''} at ${formatLocation(f.location)}`;
      const head = `    <testcase${attrs([['name', name], ['classname', f.ruleId], ['file', file], ['line', f.location.range.start.line]])}>`;
      const text = f.message + relaxedSuffix(f);
      if (isBlocking(f, options.failOn)) {
        suiteFailures++;
        cases.push(`${head}\n      <failure${attrs([['message', text], ['type', f.severity]])}>${xmlEscape(text)}</failure>\n    </testcase>`);
      } else {
        suiteSkipped++;
        const why = f.suppressed ? `suppressed: ${f.suppression?.reason ?? ''}` : `${f.severity}, not blocking: ${text}`;
        cases.push(`${head}\n      <skipped${attrs([['message', why]])}/>\n    </testcase>`);
      }
    }
    if (!cases.length) cases.push(`    <testcase${attrs([['name', 'no findings'], ['classname', file]])}/>`);
    tests += cases.length;
    failures += suiteFailures;
    errors += fileErrors.length;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite${attrs([['name', file], ['tests', cases.length], ['failures', suiteFailures], ['errors', fileErrors.length], ['skipped', suiteSkipped]])}>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const summary = summaryLine(countResult(result, options.failOn));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([['name', `${options.tool.name} ${options.tool.version}: ${summary}`], ['tests', tests], ['failures', failures], ['errors', errors], ['skipped', skipped]])}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
};
