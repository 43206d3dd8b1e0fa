// The Helm model: which files are Helm values, how layers merge (Helm's rules), where each merged
// value came from, images, enabled sections, and failing closed on values we cannot read.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelmRelease } from '../src/model/helm.js';
import { helmAdapter } from '../src/model/helm-adapter.js';
import type { LoadOptions, SourceFile } from '../src/core/source.js';
import { run } from '../src/engine/runner.js';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { BUILTIN_RULES } from '../rules/index.js';

const TMP = mkdtempSync(join(tmpdir(), 'iac-guard-helm-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let counter = 0;
/** Writes a chart folder and returns its absolute path. */
function chart(files: Record<string, string>): string {
  const dir = join(TMP, `chart${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const CHART = 'apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: 2.4.0\n';
const opts = (helmValues: string[] = []): LoadOptions => ({ cwd: TMP, vars: {}, varFiles: [], helmValues, env: {} });
const source = (dir: string, name: string, text: string): SourceFile => ({ path: `${dir.slice(TMP.length + 1)}/${name}`, absPath: join(dir, name), text });

/** Loads every release of a chart folder the way the runner does (claimed files → groups → models). */
function releases(dir: string, files: Record<string, string>, helmValues: string[] = []): HelmRelease[] {
  const claimed = Object.entries(files)
    .map(([name, text]) => source(dir, name, text))
    .filter((f) => helmAdapter.claims(f));
  return helmAdapter.group(claimed, opts(helmValues)).map((g) => helmAdapter.load(g, opts(helmValues)) as HelmRelease);
}

async function scan(target: string, rules: string[], helmValues: string[] = []) {
  return run({ targets: [target], cwd: TMP, config: { ...DEFAULT_CONFIG }, rules: BUILTIN_RULES, only: rules, load: opts(helmValues), today: '2026-11-22' });
}

describe('helm adapter: which files are Helm values', () => {
  it('claims Chart.yaml and files named like values, with or without a chart beside them', () => {
    const dir = chart({ 'Chart.yaml': CHART, 'values.yaml': 'a: 1\n' });
    const loose = join(TMP, 'loose');
    mkdirSync(loose, { recursive: true });
    expect(helmAdapter.claims(source(dir, 'values.yaml', ''))).toBe(true);
    expect(helmAdapter.claims(source(dir, 'values-prod.yml', ''))).toBe(true);
    expect(helmAdapter.claims(source(dir, 'Chart.yaml', ''))).toBe(true);
    expect(helmAdapter.claims(source(dir, 'docker-compose.yml', ''))).toBe(false);
    expect(helmAdapter.claims(source(loose, 'values.yaml', ''))).toBe(true);
    for (const name of ['values-prod.yaml', 'values_prod.yml', 'values.prod.yaml', 'prod-values.yaml', 'prod_values.yaml', 'prod.values.yml']) {
      expect(helmAdapter.claims(source(loose, name, '')), name).toBe(true);
    }
    mkdirSync(join(loose, 'values'), { recursive: true });
    expect(helmAdapter.claims(source(join(loose, 'values'), 'prod.yaml', ''))).toBe(true);
    for (const name of ['myvalues.yaml', 'valuesprod.yaml', 'prod.yaml', 'compose.values.yaml', 'values.json']) {
      expect(helmAdapter.claims(source(loose, name, '')), name).toBe(false);
    }
    expect(helmAdapter.claims({ path: '<stdin>', absPath: '-', text: 'a: 1' })).toBe(false);
  });

  it('reads Chart.yaml metadata: name, appVersion as written, dependencies with alias and condition', () => {
    const files = {
      'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: 1.10\ndependencies:\n  - name: postgresql\n    alias: db\n    condition: db.enabled\n',
      'values.yaml': 'a: 1\n',
    };
    const [release] = releases(chart(files), files);
    expect(release!.chart).toMatchObject({ name: 'shop', appVersion: '1.10', dependencies: [{ name: 'postgresql', key: 'db', condition: 'db.enabled' }] });
  });
});

describe('helm values: merging like helm', () => {
  const base = 'a:\n  b: 1\n  c: [1, 2]\nd: 1\ne:\n  f: 1\nlabel: "{{ .Release.Name }}-web"\n';
  const prod = 'a:\n  c: [3]\nd: null\ne:\n  g: 2\n';

  it('maps merge deeply, lists replace, null deletes, templates stay strings', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': base, 'values-prod.yaml': prod };
    const [release] = releases(chart(files), files);
    expect(release!.overlay).toBe('values-prod.yaml');
    expect(release!.values()).toEqual({ a: { b: 1, c: [3] }, e: { f: 1, g: 2 }, label: '{{ .Release.Name }}-web' });
    expect(release!.get('a.c')).toEqual([3]);
    expect(release!.get(['d'])).toBeUndefined();
  });

  it('keeps, for every merged value, the file and key that set it', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': base, 'values-prod.yaml': prod };
    const [release] = releases(chart(files), files);
    const b = release!.entry('a.b')!;
    const c = release!.entry('a.c')!;
    const g = release!.entry('e.g')!;
    expect([b.location.file.endsWith('/values.yaml'), b.location.range.start, b.setBy]).toEqual([true, { line: 2, column: 3 }, 'chart']);
    expect([c.location.file.endsWith('/values-prod.yaml'), c.location.range.start, c.setBy]).toEqual([true, { line: 2, column: 3 }, 'override']);
    expect(g.location.range.start).toEqual({ line: 5, column: 3 });
    expect(release!.entry('a.c[0]')!.value).toBe(3);
  });

  it('applies --values files in order (later wins) and lints each overlay beside the chart on its own', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': 'tier: base\nx: 0\n', 'values-prod.yaml': 'tier: prod\n', 'values-staging.yaml': 'tier: staging\n' };
    const dir = chart(files);
    writeFileSync(join(dir, 'ci-1.yaml'), 'tier: ci1\nx: 1\n');
    writeFileSync(join(dir, 'ci-2.yaml'), 'tier: ci2\n');
    const withValues = releases(dir, files, [join(dir, 'ci-1.yaml'), join(dir, 'ci-2.yaml')]);
    expect(withValues.map((r) => [r.overlay, r.get('tier'), r.get('x')])).toEqual([
      [undefined, 'ci2', 1],
      ['values-prod.yaml', 'prod', 0],
      ['values-staging.yaml', 'staging', 0],
    ]);
    expect(withValues[0]!.files.map((f) => f.split('/').pop())).toEqual(['values.yaml', 'ci-1.yaml', 'ci-2.yaml', 'Chart.yaml']);
  });

  it('a --values file that is also beside the chart is part of the chain, not a separate release', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': 'tier: base\n', 'values-prod.yaml': 'tier: prod\n' };
    const dir = chart(files);
    expect(releases(dir, files, [join(dir, 'values-prod.yaml')]).map((r) => [r.overlay, r.get('tier')])).toEqual([[undefined, 'prod']]);
  });

  it('knows the chart default under an override, and an overlay without values.yaml is still an override', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': 'np:\n  enabled: true\n', 'values-prod.yaml': 'np:\n  enabled: false\n' };
    const [release] = releases(chart(files), files);
    expect([release!.get('np.enabled'), release!.chartDefault('np.enabled'), release!.chartDefault(['missing'])]).toEqual([false, true, undefined]);
    const bare = { 'Chart.yaml': CHART, 'values-prod.yaml': 'np:\n  enabled: false\n' };
    const [onlyOverlay] = releases(chart(bare), bare);
    expect([onlyOverlay!.entry('np.enabled')!.setBy, onlyOverlay!.chartDefault('np')]).toEqual(['override', undefined]);
  });

  it('an overlay named alone still gets the chart and its values.yaml', () => {
    const dir = chart({ 'Chart.yaml': CHART, 'values.yaml': 'tier: base\nx: 1\n', 'values-prod.yaml': 'tier: prod\n' });
    const [release] = releases(dir, { 'values-prod.yaml': 'tier: prod\n' });
    expect(release!.values()).toEqual({ tier: 'prod', x: 1 });
  });

  it('resolves anchors and `<<` merge keys, explicit keys winning', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': 'common: &c\n  replicas: 2\n  tier: web\napi:\n  <<: *c\n  tier: api\n' };
    const [release] = releases(chart(files), files);
    expect(release!.get('api')).toEqual({ replicas: 2, tier: 'api' });
  });

  it('a `__proto__` key is just a key', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': '__proto__:\n  polluted: true\n' };
    const [release] = releases(chart(files), files);
    expect(release!.get('__proto__.polluted')).toBe(true);
    expect(Object.getPrototypeOf(release!.values())).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an empty values file is an empty map', () => {
    const files = { 'Chart.yaml': CHART, 'values.yaml': '# nothing yet\n' };
    const [release] = releases(chart(files), files);
    expect(release!.values()).toEqual({});
    expect(release!.walk()).toEqual([]);
  });
});

describe('helm values: fail closed', () => {
  it('invalid YAML in an override is an error with file, line and column (exit 2)', async () => {
    const dir = chart({ 'Chart.yaml': CHART, 'values.yaml': 'a: 1\n', 'values-prod.yaml': 'a:\n  b: 1\n c: 2\n' });
    const result = await scan(dir, ['image-unpinned']);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: expect.stringMatching(/values-prod\.yaml$/), line: 3, column: 1, message: expect.stringContaining('invalid YAML') });
  });

  it('values that are not a mapping are an error', async () => {
    const dir = chart({ 'Chart.yaml': CHART, 'values.yaml': '- a\n- b\n' });
    const result = await scan(dir, ['image-unpinned']);
    expect(result.errors[0]).toMatchObject({ line: 1, column: 1, message: expect.stringContaining('mapping') });
  });

  it('a --values file that does not exist is an error, not a silent skip', async () => {
    const dir = chart({ 'Chart.yaml': CHART, 'values.yaml': 'a: 1\n' });
    const result = await scan(dir, ['image-unpinned'], ['missing-prod.yaml']);
    expect(result.errors[0]).toMatchObject({ file: 'missing-prod.yaml' });
  });

  it('a broken Chart.yaml is an error', async () => {
    const dir = chart({ 'Chart.yaml': 'name: [shop\n', 'values.yaml': 'a: 1\n' });
    const result = await scan(dir, ['image-unpinned']);
    expect(result.errors[0]?.file).toMatch(/Chart\.yaml$/);
  });
});

describe('helm values: images', () => {
  const files = {
    'Chart.yaml': CHART,
    'values.yaml': [
      'image:',
      '  registry: ghcr.io',
      '  repository: acme/shop',
      '  tag: ""',
      'exporter:',
      '  image:',
      '    repository: acme/exporter',
      '    tag: 1.10',
      'controller:',
      '  image:',
      '    registry: registry.k8s.io',
      '    image: ingress-nginx/controller',
      '    digest: sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'extraContainers:',
      '  - name: tail',
      '    image: busybox:1.36',
      'docs:',
      '  repository: https://github.com/acme/docs',
      '  tag: main',
      '',
    ].join('\n'),
  };

  it('finds image maps, ingress-style maps and container strings, with the tag as written', () => {
    const [release] = releases(chart(files), files);
    expect(release!.images().map((i) => [i.entry.pathText, i.reference, i.tagFromAppVersion])).toEqual([
      ['image', 'ghcr.io/acme/shop:2.4.0', true],
      ['exporter.image', 'acme/exporter:1.10', false],
      ['controller.image', 'registry.k8s.io/ingress-nginx/controller@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
      ['extraContainers[0].image', 'busybox:1.36', false],
    ]);
    expect(release!.images()[1]!.tag?.location.range.start).toEqual({ line: 8, column: 5 });
  });
});

describe('helm values: which sections are deployed', () => {
  const files = {
    'Chart.yaml': `${CHART}dependencies:\n  - name: redis\n    condition: cache.enabled,redis.enabled\n`,
    'values.yaml': 'architecture: standalone\nmetrics:\n  enabled: false\n  image:\n    tag: x\nreadReplicas:\n  replicas: 1\nredis:\n  enabled: true\n  x: 1\ncache:\n  enabled: false\n',
  };

  it('follows `enabled: false`, subchart conditions (first boolean wins) and standalone architecture', () => {
    const [release] = releases(chart(files), files);
    expect(release!.isEnabled(['metrics', 'image', 'tag'])).toBe(false);
    expect(release!.isEnabled(['metrics', 'enabled'])).toBe(true);
    expect(release!.isEnabled(['readReplicas', 'replicas'])).toBe(false);
    expect(release!.isEnabled(['redis', 'x'])).toBe(false);
    expect(release!.isEnabled(['architecture'])).toBe(true);
  });

  it('marks values in a subchart section as overrides of the subchart', () => {
    const [release] = releases(chart(files), files);
    expect(release!.entry('redis.x')!.setBy).toBe('override');
    expect(release!.entry('metrics.enabled')!.setBy).toBe('chart');
  });
});

describe('helm values: findings and suppressions', () => {
  it('a finding set by an override points at the override, and its inline suppression applies', async () => {
    const dir = chart({
      'Chart.yaml': CHART,
      'values.yaml': 'image:\n  repository: acme/shop\n  tag: 2.4.0\n',
      'values-prod.yaml': 'image:\n  # iac-guard-ignore image-unpinned: canary track, reviewed weekly\n  tag: latest\n',
      'values-dev.yaml': 'image:\n  tag: latest\n',
    });
    const result = await scan(dir, ['image-unpinned']);
    expect(result.errors).toEqual([]);
    const shape = result.findings.map((f) => [f.location.file.split('/').pop(), f.location.range.start.line, f.suppressed]);
    expect(shape).toEqual([
      ['values-dev.yaml', 2, false],
      ['values-prod.yaml', 3, true],
    ]);
  });

  it('a folder with a chart and no values files is read without error', async () => {
    const dir = chart({ 'Chart.yaml': CHART });
    const result = await scan(dir, ['image-unpinned']);
    expect(result.errors).toEqual([]);
    expect(result.files.map((f) => f.split('/').pop())).toEqual(['Chart.yaml']);
  });
});
