// The layering of src/ and rules/ (scripts/lib/layers.mjs): imports run only downwards and never
// in a circle, docs/architecture.md draws the same layers, and the check really fails when broken.
import { cpSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without types
import { LAYERS, checkLayers } from '../scripts/lib/layers.mjs';

interface Layer { name: string; paths: string[]; holds: string }
const root = resolve(import.meta.dirname, '..');
const layers = LAYERS as Layer[];

function copyOfSources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iac-guard-layers-'));
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(root, 'rules'), join(dir, 'rules'), { recursive: true, filter: (p) => !p.includes('/fixtures') });
  return dir;
}

describe('layers', () => {
  it('src/ and rules/ import only downwards, with no cycles', () => {
    expect(checkLayers(root)).toEqual([]);
  });

  it('fails on an upward import and names the rule it breaks', () => {
    const dir = copyOfSources();
    appendFileSync(join(dir, 'src/core/errors.ts'), "\nimport type { RunOptions } from '../engine/runner.js';\nexport type Planted = RunOptions;\n");
    const problems = checkLayers(dir) as string[];
    expect(problems).toContain(
      'no-upward-import: src/core/errors.ts (core) imports src/engine/runner.ts (engine); a layer may import only itself and the layers below it: core',
    );
  });

  it('fails on a cycle inside one layer, type-only imports included', () => {
    const dir = copyOfSources();
    writeFileSync(join(dir, 'src/parsers/planted-a.ts'), "import type { B } from './planted-b.js';\nexport type A = B | 1;\n");
    writeFileSync(join(dir, 'src/parsers/planted-b.ts'), "import type { A } from './planted-a.js';\nexport type B = A | 2;\n");
    const problems = checkLayers(dir) as string[];
    expect(problems).toEqual(['no-import-cycle: 2 files import each other in a circle: src/parsers/planted-a.ts, src/parsers/planted-b.ts']);
  });

  it('fails on a file that belongs to no layer', () => {
    const dir = copyOfSources();
    writeFileSync(join(dir, 'src/stray.ts'), 'export const stray = 1;\n');
    expect(checkLayers(dir)).toEqual(['unlayered-file: src/stray.ts is in no layer; add it to LAYERS in scripts/lib/layers.mjs (and to docs/architecture.md)']);
  });

  it('docs/architecture.md draws the same layers, bottom first, with what each may import', () => {
    const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const drawn = [...mermaid.matchAll(/^\s*(\w[\w-]*)\["/gm)].map((m) => m[1]!.replace(/_/g, '-'));
    expect(drawn).toEqual(layers.map((l) => l.name).reverse());
    for (const [i, l] of layers.entries()) {
      const below = i === 0 ? 'nothing else in iac-guard' : layers.slice(0, i).map((x) => x.name).join(', ');
      expect(doc).toContain(`| ${l.name} | ${l.paths.map((p) => `\`${p}\``).join(', ')} | ${l.holds} | ${below} |`);
    }
  });

  it('each layer folder opens with a README line saying what it holds and may import', () => {
    for (const [i, l] of layers.entries()) {
      for (const p of l.paths.filter((x) => !/\.[a-z]+$/.test(x))) {
        const readme = join(root, p, 'README.md');
        expect(existsSync(readme), readme).toBe(true);
        const below = i === 0 ? 'nothing else in iac-guard' : layers.slice(0, i).map((x) => x.name).join(', ');
        expect(readFileSync(readme, 'utf8').split('\n')[0]).toBe(`# ${p}: layer ${l.name}. ${l.holds}. May import: ${below}.`);
      }
    }
  });
});
