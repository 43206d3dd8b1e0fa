#!/usr/bin/env node
// Runs the built CLI over every plan in ../shared/corpus/tf-plans (public `terraform show -json`
// output), each file named explicitly so nothing can be skipped silently. None may crash or be
// "not understood". Prints findings by rule and everything that fires on the plans that delete,
// replace or forget something, to read for false positives. Run `npm run build` first.
//   node scripts/corpus-plans.mjs [--verbose]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, fmtMs, fmtMb } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(process.env.IAC_GUARD_CORPUS ?? join(root, '..', 'shared', 'corpus'), 'tf-plans');
if (!existsSync(corpus)) {
  console.log(`corpus-plans: skipped, ${corpus} is absent (set IAC_GUARD_CORPUS to point at a corpus)`);
  process.exit(0);
}

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(corpus);

/** Plans whose changes destroy or forget something: where false positives would hurt most. */
const destructive = files.filter((f) => {
  const plan = JSON.parse(readFileSync(f, 'utf8'));
  return (plan.resource_changes ?? []).some((rc) => rc.change.actions.some((a) => a === 'delete' || a === 'forget'));
});

const r = measure(process.execPath, [join(root, 'dist/iac-guard.cjs'), '--format', 'json', '--fail-on', 'never', ...files.map((f) => relative(root, f))], { cwd: root });
let report;
try {
  report = JSON.parse(r.stdout);
} catch {
  console.error(`output is not JSON (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
  process.exit(1);
}

const byRule = {};
for (const f of report.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
console.log(`tf-plans: ${files.length} files, ${report.summary.files} read, ${report.findings.length} findings, ${report.errors.length} not understood, exit ${r.code}, ${fmtMs(r.wallMs)}, peak ${fmtMb(r.peakRssMb)}`);
for (const [rule, n] of Object.entries(byRule).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) console.log(`  ${String(n).padStart(5)}  ${rule}`);
for (const e of report.errors) console.log(`  NOT UNDERSTOOD ${e.file}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`);

console.log(`\nplans that delete, replace or forget (${destructive.length}):`);
for (const f of destructive) {
  const found = report.findings.filter((x) => resolve(root, x.file) === f);
  console.log(`  ${relative(corpus, f)}: ${found.length ? '' : 'nothing fires'}`);
  for (const x of found) console.log(`    ${x.severity} ${x.ruleId} ${x.resource ?? ''}: ${x.message.slice(0, 220)}`);
}

if (process.argv.includes('--verbose')) {
  console.log('\nevery finding:');
  for (const x of report.findings) console.log(`  ${x.file}:${x.line}:${x.column} ${x.ruleId} ${x.resource ?? ''} ${x.message.slice(0, 160)}`);
}
process.exit(report.errors.length || r.code === 2 ? 1 : 0);
