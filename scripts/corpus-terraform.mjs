#!/usr/bin/env node
// Runs folders of real Terraform code (e.g. public module repositories extracted for a local
// check; never committed) through the built engine with every rule, and prints files read,
// files not understood (with HashiCorp's message), findings per rule and time per folder.
//   npm run build && node scripts/corpus-terraform.mjs [--list] <dir>...
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const list = args.includes('--list');
const dirs = args.filter((a) => !a.startsWith('--'));
if (!dirs.length) {
  console.log('SKIPPED: give one or more folders of Terraform code');
  process.exit(0);
}
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'src', 'engine', 'runner.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}
const { run } = await import(join(dist, 'src/engine/runner.js'));
const { DEFAULT_CONFIG } = await import(join(dist, 'src/engine/config.js'));
const { BUILTIN_RULES } = await import(join(dist, 'rules/index.js'));

const perRule = new Map();
let files = 0;
let errors = 0;
for (const dir of dirs) {
  const cwd = resolve(dir);
  const started = performance.now();
  const result = await run({
    targets: ['.'],
    cwd,
    config: DEFAULT_CONFIG,
    rules: BUILTIN_RULES,
    load: { cwd, vars: {}, varFiles: [], helmValues: [], env: {} },
    today: new Date().toISOString().slice(0, 10),
  });
  const ms = Math.round(performance.now() - started);
  const tf = result.files.filter((f) => /\.(tf|tf\.json|tfvars|tfvars\.json)$/.test(f)).length;
  files += tf;
  errors += result.errors.length;
  console.log(`${dir}: ${tf} Terraform files, ${result.errors.length} not understood, ${result.findings.length} findings, ${ms} ms`);
  for (const e of result.errors) console.log(`  ERROR ${e.file}${e.line ? `:${e.line}:${e.column ?? ''}` : ''}: ${e.message}`);
  for (const f of result.findings) {
    perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    if (list) console.log(`  ${f.ruleId} ${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.message}`);
  }
}
console.log(`\ntotal: ${files} Terraform files, ${errors} not understood`);
for (const [rule, n] of [...perRule].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${rule}`);
