// Seed inputs for the mutation fuzzer, by input kind: the project's own fixtures and examples
// (always there) and the shared corpus of real files (skipped, visibly, when absent).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** Every kind the fuzzer feeds the engine. */
export const KINDS = ['plan', 'tf', 'tfjson', 'compose', 'helm', 'pem', 'config'];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** The kind a seed file feeds, or undefined when it is none of ours. */
function kindOf(path, text) {
  const name = basename(path);
  if (/^\.iac-guard\.ya?ml$/.test(name)) return 'config';
  if (name.endsWith('.tf.json')) return 'tfjson';
  if (/\.(tf|tfvars)$/.test(name)) return 'tf';
  if (name.endsWith('.json')) return /"format_version"/.test(text) ? 'plan' : undefined;
  if (!/\.ya?ml$/.test(name) || name === 'Chart.yaml') return undefined;
  if (existsSync(join(dirname(path), 'Chart.yaml'))) return /-----BEGIN /.test(text) ? 'pem' : 'helm';
  if (/^services:/m.test(text)) return 'compose';
  return undefined;
}

/**
 * @returns {{ seeds: Record<string, { label: string, name: string, text: string, chart?: string }[]>, corpus: 'used' | 'absent' }}
 */
export function collectSeeds(root, corpusDir, { maxBytes = 512 * 1024 } = {}) {
  const seeds = Object.fromEntries(KINDS.map((k) => [k, []]));
  const add = (base, path) => {
    if (statSync(path).size > maxBytes) return;
    const text = readFileSync(path, 'utf8');
    const kind = kindOf(path, text);
    if (!kind) return;
    const chartPath = join(dirname(path), 'Chart.yaml');
    const chart = kind === 'helm' || kind === 'pem' ? readFileSync(chartPath, 'utf8') : undefined;
    seeds[kind].push({ label: relative(base, path), name: basename(path), text, ...(chart ? { chart } : {}) });
  };
  for (const dir of ['rules', 'examples']) for (const p of walk(join(root, dir))) add(root, p);
  const corpus = corpusDir && existsSync(corpusDir) ? 'used' : 'absent';
  if (corpus === 'used') for (const p of walk(corpusDir)) add(join(corpusDir, '..'), p);
  for (const list of Object.values(seeds)) list.sort((a, b) => (a.label < b.label ? -1 : 1));
  return { seeds, corpus };
}
