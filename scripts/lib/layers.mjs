// The layers of iac-guard, bottom first, and the check that keeps imports one-way.
// A file may import files of its own layer or of layers below it, never above, and no import
// chain may come back to where it started (type-only imports count: they tie the code together
// for a reader as much as value imports do). Run by test/layers.test.ts (`npm test`) and by
// `node scripts/check-layers.mjs`. docs/architecture.md draws these same layers; a test compares.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Bottom first. `paths` are folders or files relative to the repository root. */
export const LAYERS = [
  { name: 'core', paths: ['src/core'], holds: 'source files and positions, findings, errors, reading files, git, inline-suppression comments' },
  { name: 'parsers', paths: ['src/parsers'], holds: 'text → trees with source ranges: HCL, plan JSON (whole and streamed), YAML, Compose, Helm values, PEM' },
  { name: 'knowledge', paths: ['src/knowledge'], holds: 'tables and pure functions: what resource types, images, ports and attributes mean; no models' },
  { name: 'model', paths: ['src/model'], holds: 'typed views rules query (plan, Terraform module, Compose project, Helm release, diff) and the adapter that builds each' },
  { name: 'rule-api', paths: ['src/rule-api'], holds: 'defineRule, RuleContext, Rule: what a rule (built-in or plugin) is written against' },
  { name: 'rules', paths: ['rules'], holds: 'one folder per rule: rule.ts, fixtures, expected findings; rules/index.ts is generated' },
  { name: 'engine', paths: ['src/engine'], holds: 'discover, config, plugins, select, suppressions, runner, worker threads, git diff loading' },
  { name: 'reporters', paths: ['src/reporters'], holds: 'pure functions RunResult → text, json, sarif, github, markdown' },
  { name: 'commands', paths: ['src/commands', 'src/action'], holds: 'scan, diff, rules, explain, init, docs; the GitHub Action' },
  { name: 'cli', paths: ['src/cli.ts', 'src/bin.ts', 'src/index.ts', 'src/launcher.cjs'], holds: 'the command line, the bundle entry and launcher, the package entry for plugin authors' },
];

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function layerOf(rel) {
  for (let i = 0; i < LAYERS.length; i++) {
    for (const p of LAYERS[i].paths) if (rel === p || rel.startsWith(p + '/')) return i;
  }
  return -1;
}

function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'fixtures' && e.name !== 'node_modules') walk(abs);
      } else if (SOURCE.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(abs);
    }
  };
  for (const top of ['src', 'rules']) if (existsSync(join(root, top))) walk(join(root, top));
  return out;
}

/** The file an import specifier names, or undefined for packages and built-ins. */
function resolveImport(fromAbs, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(fromAbs), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base.replace(/\.cjs$/, '.cts'), base + '.ts', join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

/** Every relative import of every file under src/ and rules/, type-only and dynamic ones included. */
export function importGraph(root) {
  const graph = new Map();
  for (const abs of sourceFiles(root)) {
    const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    const deps = [];
    for (const ref of info.importedFiles) {
      const target = resolveImport(abs, ref.fileName);
      if (target) deps.push(relative(root, target).split(sep).join('/'));
    }
    graph.set(relative(root, abs).split(sep).join('/'), deps);
  }
  return graph;
}

/** Cycles as lists of files (strongly connected components of more than one file, or a self-import). */
export function findCycles(graph) {
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const cycles = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** Every broken rule as one line that names it; empty when the code is layered. */
export function checkLayers(root) {
  const graph = importGraph(root);
  const problems = [];
  for (const [file, deps] of graph) {
    const from = layerOf(file);
    if (from < 0) {
      problems.push(`unlayered-file: ${file} is in no layer; add it to LAYERS in scripts/lib/layers.mjs (and to docs/architecture.md)`);
      continue;
    }
    for (const dep of deps) {
      const to = layerOf(dep);
      if (to > from) {
        problems.push(`no-upward-import: ${file} (${LAYERS[from].name}) imports ${dep} (${LAYERS[to].name}); a layer may import only itself and the layers below it: ${LAYERS.slice(0, from + 1).map((l) => l.name).join(' → ')}`);
      }
    }
  }
  for (const cycle of findCycles(graph)) {
    problems.push(`no-import-cycle: ${cycle.length} files import each other in a circle: ${cycle.join(', ')}`);
  }
  return problems;
}
