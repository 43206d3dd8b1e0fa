#!/usr/bin/env node
// Runs every Helm rule over a corpus of real charts (each folder with a Chart.yaml is one target)
// and prints what fired: counts per rule and severity, per file, and any file not understood.
//   npm run build && node scripts/corpus-helm.mjs [corpus-dir] [--list]
// Default corpus: ../shared/corpus/helm-values (not part of the project; skipped when absent).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const list = args.includes('--list');
const corpus = resolve(args.find((a) => !a.startsWith('--')) ?? join(root, '..', 'shared', 'corpus', 'helm-values'));
if (!existsSync(corpus)) {
  console.log(`corpus-helm: SKIPPED, no corpus at ${corpus}`);
  process.exit(0);
}
if (!existsSync(join(root, 'dist/src/engine/runner.js'))) {
  console.error('corpus-helm: run `npm run build` first');
  process.exit(2);
}
const { run } = await import(join(root, 'dist/src/engine/runner.js'));
const { DEFAULT_CONFIG } = await import(join(root, 'dist/src/engine/config.js'));
const { BUILTIN_RULES } = await import(join(root, 'dist/rules/index.js'));

/** Chart folders: every folder holding a Chart.yaml. */
function charts(dir) {
  const out = [];
  const entries = readdirSync(dir).sort();
  if (entries.includes('Chart.yaml')) out.push(dir);
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...charts(p));
  }
  return out;
}

const helmRules = BUILTIN_RULES.filter((r) => r.inputs.includes('helm'));
const today = process.env.IAC_GUARD_TODAY ?? new Date().toISOString().slice(0, 10);
const byRule = new Map();
const byFile = new Map();
const errors = [];
const targets = charts(corpus);
for (const target of targets) {
  const result = await run({
    targets: [target],
    cwd: corpus,
    config: { ...DEFAULT_CONFIG },
    rules: BUILTIN_RULES,
    only: helmRules.map((r) => r.id),
    load: { cwd: corpus, vars: {}, varFiles: [], helmValues: [], env: {} },
    today,
  });
  errors.push(...result.errors);
  for (const f of result.findings) {
    const key = `${f.ruleId} ${f.severity}`;
    byRule.set(key, (byRule.get(key) ?? 0) + 1);
    byFile.set(f.location.file, (byFile.get(f.location.file) ?? 0) + 1);
    if (list) console.log(`${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.severity} ${f.ruleId} ${f.message}`);
  }
}

console.log(`\n${targets.length} charts in ${relative(process.cwd(), corpus) || '.'}, rules: ${helmRules.map((r) => r.id).join(', ')}, today ${today}`);
console.log('\nfindings per rule and severity:');
for (const [k, n] of [...byRule].sort()) console.log(`  ${String(n).padStart(4)}  ${k}`);
console.log('\nfindings per file:');
for (const [k, n] of [...byFile].sort()) console.log(`  ${String(n).padStart(4)}  ${k}`);
console.log(`\nfiles not understood / rule failures: ${errors.length}`);
for (const e of errors) console.log(`  ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`);
process.exit(errors.length ? 1 : 0);
