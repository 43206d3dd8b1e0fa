#!/usr/bin/env node
// Runs the built CLI over ../shared/corpus (real Compose files, Helm values, plan JSON) and prints
// what fires and what was not understood. The corpus is not part of the project: when it is
// absent this says so and exits 0.
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, fmtMs, fmtMb } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.IAC_GUARD_CORPUS ?? join(root, '..', 'shared', 'corpus');
if (!existsSync(corpus)) {
  console.log(`corpus: skipped, ${corpus} is absent (set IAC_GUARD_CORPUS to point at one)`);
  process.exit(0);
}

let failed = false;
for (const part of ['tf-plans', 'compose', 'helm-values']) {
  const dir = join(corpus, part);
  if (!existsSync(dir)) continue;
  const r = measure(process.execPath, [join(root, 'dist/iac-guard.cjs'), dir, '--format', 'json', '--fail-on', 'never'], { cwd: root });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    console.log(`${part}: output is not JSON (exit ${r.code}): ${r.stderr.slice(0, 300)}`);
    failed = true;
    continue;
  }
  const byRule = {};
  for (const f of report.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  console.log(`\n== ${part}: ${report.summary.files} files, ${report.findings.length} findings, ${report.errors.length} not understood, exit ${r.code}, ${fmtMs(r.wallMs)}, peak ${fmtMb(r.peakRssMb)}`);
  for (const [rule, n] of Object.entries(byRule).sort((a, b) => b[1] - a[1])) console.log(`   ${String(n).padStart(5)}  ${rule}`);
  for (const e of report.errors) console.log(`   NOT UNDERSTOOD ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  if (report.errors.length) failed = true;
  if (process.argv.includes('--verbose')) {
    for (const f of report.findings) console.log(`   ${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.resource ?? f.path ?? ''} ${f.message.slice(0, 160)}`);
  }
}
process.exit(failed ? 1 : 0);
