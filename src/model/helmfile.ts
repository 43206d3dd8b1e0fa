// helmfile.yaml releases as Helm releases: the chart's defaults when it is local, then each
// `values:` item in order (a file beside the helmfile, or an inline map), then `set:` entries, as
// helmfile hands them to Helm. Only local files inside the scanned tree are read; templated values
// (`*.gotmpl`, `{{ }}` in a path) are Go templates helmfile renders, so they are listed as not read.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import { ParseError } from '../core/errors.js';
import type { LoadOptions, SourceFile } from '../core/source.js';
import { displayPath, readReferencedFile } from '../core/read.js';
import { rangeOf, parseYaml, type YamlFile } from '../parsers/yaml.js';
import { setPath, setTree, valuesTreeAt, type ValueNode, type ValueOrigin } from '../parsers/helm-values.js';
import { HelmRelease, isLocalChart, readLocalChart, yamlLayer, type ChartInfo, type UnreadValues, type ValuesLayer } from './helm.js';

const get = (map: YAMLMap, key: string) => map.items.find((p) => isScalar(p.key) && p.key.value === key);

type Parsed = { yaml: YamlFile; releases: YAMLMap[] };

/** Grouping counts the releases, lists the files they read, and loads each one: parsed once. */
const parsedHelmfiles = new WeakMap<SourceFile, Parsed | ParseError>();

/** The release maps of a helmfile (`releases:`), with the parsed file. */
export function helmfileReleases(file: SourceFile): Parsed {
  let parsed = parsedHelmfiles.get(file);
  if (!parsed) {
    try {
      parsed = parseHelmfile(file);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      parsed = e;
    }
    parsedHelmfiles.set(file, parsed);
  }
  if (parsed instanceof ParseError) throw parsed;
  return parsed;
}

function parseHelmfile(file: SourceFile): Parsed {
  let yaml: YamlFile;
  try {
    yaml = parseYaml(file);
  } catch (e) {
    if (e instanceof ParseError && /\{\{/.test(file.text)) {
      throw new ParseError(file.path, `${e.message}; it holds \`{{ }}\` templates, which helmfile renders before reading: render it (\`helmfile build\`) and scan the output, or exclude it`, e.line, e.column);
    }
    throw e;
  }
  const root = yaml.doc.contents;
  const list = isMap(root) ? get(root, 'releases')?.value : undefined;
  const releases = isSeq(list) ? (list.items as unknown[]).filter((r): r is YAMLMap => isMap(r)) : [];
  return { yaml, releases };
}

/** Files a helmfile's releases read (values files, local charts), so they are not also judged alone. */
export function helmfileReferences(file: SourceFile): string[] {
  let releases: YAMLMap[];
  try {
    releases = helmfileReleases(file).releases;
  } catch {
    return []; // reported when the helmfile is loaded
  }
  const dir = dirname(file.absPath);
  const out: string[] = [];
  for (const r of releases) {
    const chart = scalarText(get(r, 'chart')?.value);
    if (chart && isLocalChart(chart)) {
      const chartDir = resolve(dir, chart);
      out.push(...['Chart.yaml', 'Chart.yml', 'values.yaml', 'values.yml'].map((n) => join(chartDir, n)));
    }
    const values = get(r, 'values')?.value;
    if (isSeq(values)) for (const v of values.items) if (isScalar(v) && typeof v.value === 'string') out.push(resolve(dir, v.value));
  }
  return out;
}

/** A file beside the helmfile, inside the scanned tree, or undefined. */
function readInTree(abs: string, options: LoadOptions): { path: string; text: string } | undefined {
  const r = existsSync(abs) ? readReferencedFile(abs, options.roots) : undefined;
  return r?.text === undefined ? undefined : { path: displayPath(abs, options.cwd), text: r.text };
}
const scalarText = (n: unknown) => (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : undefined);

/** Release number `part` of a helmfile. */
export function loadHelmfileRelease(file: SourceFile, part: number, options: LoadOptions): HelmRelease {
  const { yaml, releases } = helmfileReleases(file);
  const release = releases[part];
  if (!release) throw new ParseError(file.path, 'a helmfile with no `releases:` list of releases');
  const dir = dirname(file.absPath);
  const name = scalarText(get(release, 'name')?.value) ?? `#${part + 1}`;
  const unread: UnreadValues[] = [];
  const at = (node: unknown) => ({ file: file.path, range: rangeOf(yaml, node as YamlNode) });

  const chartText = scalarText(get(release, 'chart')?.value);
  const local = chartText && isLocalChart(chartText) ? readLocalChart(resolve(dir, chartText), (abs) => readInTree(abs, options)) : undefined;
  const chart: ChartInfo = local?.chart ?? { file: file.path, name: chartText ? chartText.replace(/\/+$/, '').split('/').pop()! : '', keywords: [], dependencies: [] };

  const overrides: ValuesLayer[] = [];
  const values = get(release, 'values')?.value;
  if (isSeq(values)) {
    for (const item of values.items as YamlNode[]) {
      if (isMap(item)) {
        overrides.push({ tree: (layer) => valuesTreeAt(yaml, item, layer), file: file.path });
        continue;
      }
      const p = scalarText(item);
      if (p === undefined) continue;
      const what = `\`${p}\``;
      if (/\{\{|\.gotmpl$/.test(p)) {
        unread.push({ at: at(item), what, why: 'it is a Go template that helmfile renders', fix: 'keep the values a release needs checked in a plain YAML file, or scan the output of `helmfile template`' });
        continue;
      }
      const abs = resolve(dir, p);
      const read = existsSync(abs) ? readReferencedFile(abs, options.roots) : undefined;
      if (!read || read.text === undefined) {
        unread.push({ at: at(item), what, why: read ? read.error : 'the file does not exist', fix: read ? 'keep the file inside the repository' : 'add the file, or fix the path' });
        continue;
      }
      try {
        overrides.push(yamlLayer(parseYaml({ path: displayPath(abs, options.cwd), absPath: abs, text: read.text })));
      } catch (e) {
        unread.push({ at: at(item), what, why: `it is not valid YAML (${e instanceof Error ? e.message : String(e)})`, fix: 'fix the YAML' });
      }
    }
  }
  for (const key of ['set', 'setString'] as const) {
    const sets = get(release, key)?.value;
    if (!isSeq(sets)) continue;
    for (const entry of sets.items as YamlNode[]) {
      if (!isMap(entry)) continue;
      const namePair = get(entry, 'name');
      const valuePair = get(entry, 'value');
      const setName = scalarText(namePair?.value);
      if (setName === undefined) continue;
      overrides.push({
        tree: (layer) => {
          const origin: ValueOrigin = { layer, yaml, key: (namePair!.key as YamlNode) ?? null, node: (valuePair?.value as YamlNode) ?? null };
          const raw = isScalar(valuePair?.value) ? valuePair!.value.value : null;
          const leaf: ValueNode = { kind: 'scalar', value: key === 'setString' && raw !== null ? String(raw) : raw, origin };
          return setTree(setPath(setName), leaf, origin);
        },
        file: file.path,
      });
    }
  }
  return new HelmRelease({
    chart,
    chartKnown: local !== undefined,
    ...(local ? { chartYaml: local.chartYaml, ...(local.values ? { chartValues: local.values } : {}) } : {}),
    overrides,
    deployedBy: `helmfile release ${name}`,
    unreadValues: unread,
  });
}

