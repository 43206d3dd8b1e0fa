#!/usr/bin/env node
// Runs every Compose file of the shared corpus (../shared/corpus/compose) through the built
// engine, one folder at a time (so override files merge as Compose would), and prints the
// number of findings per rule and per file, plus every file that was not understood.
//   npm run build && node scripts/corpus-compose.mjs [--list] [corpus-dir]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const list = args.includes('--list');
const corpus = args.find((a) => !a.startsWith('--')) ?? join(root, '..', 'shared', 'corpus', 'compose');
if (!existsSync(corpus)) {
  console.log(`SKIPPED: no corpus at ${corpus}`);
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

/** Folders holding YAML files, each scanned as one run. */
function folders(dir) {
  const out = [];
  const files = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...folders(p));
    else if (/\.ya?ml$/i.test(e)) files.push(p);
  }
  return files.length ? [{ dir, files }, ...out] : out;
}

const perRule = new Map();
const perFile = new Map();
const errors = [];
let fileCount = 0;
const started = performance.now();
for (const { files } of folders(corpus)) {
  fileCount += files.length;
  const result = await run({
    targets: files,
    cwd: corpus,
    config: { ...DEFAULT_CONFIG },
    rules: BUILTIN_RULES,
    load: { cwd: corpus, vars: {}, varFiles: [], helmValues: [], env: {} },
    today: '2026-11-22',
  });
  errors.push(...result.errors);
  for (const f of result.findings) {
    const key = `${f.ruleId} (${f.severity})`;
    perRule.set(key, (perRule.get(key) ?? 0) + 1);
    perFile.set(f.location.file, (perFile.get(f.location.file) ?? 0) + 1);
    if (list) console.log(`${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.ruleId} ${f.severity}: ${f.message}`);
  }
}
const ms = Math.round(performance.now() - started);
console.log(`\n${fileCount} files in ${relative(process.cwd(), corpus) || corpus}, ${ms} ms`);
console.log(`\nfindings per rule:`);
for (const [rule, n] of [...perRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) console.log(`  ${String(n).padStart(4)}  ${rule}`);
console.log(`\nfindings per file:`);
for (const [file, n] of [...perFile].sort((a, b) => (a[0] < b[0] ? -1 : 1))) console.log(`  ${String(n).padStart(4)}  ${file}`);
console.log(`\nfiles not understood: ${errors.length}`);
for (const e of errors) console.log(`  ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`);
process.exit(errors.length ? 1 : 0);
