#!/usr/bin/env node
// Writes docs/rules/<id>.md, the README rules table and docs/config.schema.json from the rules.
// `--check` writes nothing and exits 1 when any of them is stale.
//
// It imports the BUILT registry (dist/, so run `npm run build` first; `npm run docs` does) rather
// than reading `defineRule({...})` statically with ts-morph: rule metadata is runtime data
// (messages built from constants, option defaults imported from src/knowledge), and the examples
// in the docs show what the engine really reports for each bad fixture, which needs the engine.
// The rendering lives in src/commands/docs.ts, shared with test/docs.test.ts.
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist/src/commands/docs.js'))) {
  console.error('gen-docs: dist/ is missing; run `npm run build` first (or `npm run docs`)');
  process.exit(2);
}
const { generateDocs, orphanRuleDocs } = await import('../dist/src/commands/docs.js');
const { BUILTIN_RULES, RULE_FOLDERS } = await import('../dist/rules/index.js');

const check = process.argv.includes('--check');
const generated = await generateDocs(root, BUILTIN_RULES, RULE_FOLDERS);
const stale = [...generated].filter(([path, content]) => {
  const file = join(root, path);
  return !existsSync(file) || readFileSync(file, 'utf8') !== content;
});
const orphans = orphanRuleDocs(root, generated);

if (check) {
  if (stale.length || orphans.length) {
    for (const [path] of stale) console.error(`stale: ${path}`);
    for (const path of orphans) console.error(`no such rule any more: ${path}`);
    console.error('generated docs are stale: run `npm run docs`');
    process.exit(1);
  }
} else {
  for (const [path, content] of stale) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const path of orphans) unlinkSync(join(root, path));
  console.log(`docs: ${BUILTIN_RULES.length} rules; ${stale.length} file(s) written, ${orphans.length} removed`);
}
