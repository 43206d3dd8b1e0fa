// Helm values: what a chart would be rendered with. A release is the chart's values.yaml (when
// the chart is known) with layers merged over it in order: `--values` files or one environment
// overlay (`values-prod.yaml`; overlays are alternatives, prod OR staging, so each is merged on its
// own), or what a helm_release or helmfile release sets. Files become releases in helm-adapter.ts.
import { basename, isAbsolute, join } from 'node:path';
import { isScalar } from 'yaml';
import type { BaseModel, InlineSuppression } from '../core/source.js';
import { ParseError } from '../core/errors.js';
import type { Location } from '../core/types.js';
import { parseYaml, rangeOf, type YamlFile } from '../parsers/yaml.js';
import { mergeValues, plainValue, valuesTree, type ValueNode } from '../parsers/helm-values.js';
import { nameMatches, sectionNamed } from '../knowledge/helm-workloads.js';
import { DIGEST_KEYS, hasUnresolvedVariable, normaliseDigest, parseImage, type ImageRef } from '../knowledge/images.js';

export type HelmPath = readonly (string | number)[];

export interface ChartDependency {
  name: string;
  /** The key its values live under: the alias when there is one. */
  key: string;
  /** `redis.enabled` or `a.enabled,b.enabled`: the first path set to a boolean decides. */
  condition?: string;
}

export interface ChartInfo {
  /** Display path of Chart.yaml. */
  file: string;
  name: string;
  version?: string;
  /** What an empty image tag defaults to in most charts. */
  appVersion?: string;
  keywords: string[];
  dependencies: ChartDependency[];
}

/** One key (or list item) of the merged values. */
export interface HelmEntry {
  path: HelmPath;
  /** `primary.persistence.enabled`, `extraContainers[0].image` */
  pathText: string;
  kind: 'map' | 'list' | 'scalar';
  /** Merged plain value of this key. */
  value: unknown;
  /** The key as written in the file that set it (the list item for list entries). */
  location: Location;
  /** The value as written. */
  valueLocation: Location;
  /**
   * `chart`: the chart's own default in its values.yaml. `override`: set by an overlay or
   * `--values` file, or by the chart for one of its subcharts (a parent's values override a
   * subchart's defaults).
   */
  setBy: 'chart' | 'override';
}

export interface HelmImage {
  /** The image key: `primary.image`, `controller.image`, `extraContainers[0].image`. */
  entry: HelmEntry;
  /** Registry, repository and tag as the chart renders them (the appVersion when the tag is left empty). */
  reference: string;
  ref: ImageRef;
  /** The tag is empty or absent and the chart fills in its appVersion. */
  tagFromAppVersion: boolean;
  /** The tag is left to a subchart's defaults, which are not in these values: not judged. */
  tagUnknown: boolean;
  /** Some part is a `{{ }}` template or `${VAR}`: not judged. */
  templated: boolean;
  /** The tag's key when a tag is written; findings about the tag point there. */
  tag?: HelmEntry;
}

/** One layer merged over the chart's defaults: a values file, or values written elsewhere (Terraform `set`). */
export interface ValuesLayer {
  tree: (layer: number) => ValueNode;
  /** Display path of the file it was written in, for the release's file list. */
  file?: string;
  suppressions?: InlineSuppression[];
}

export const yamlLayer = (yaml: YamlFile): ValuesLayer => ({ tree: (layer) => valuesTree(yaml, layer), file: yaml.file.path, suppressions: yaml.suppressions });

/** What a release is made of. */
export interface ReleaseParts {
  /** For values without a chart in the scan: the chart's name when known (else ''), and the values file as `file`. */
  chart: ChartInfo;
  chartKnown: boolean;
  chartYaml?: YamlFile;
  /** The chart's own values.yaml, when it has one and it is known. */
  chartValues?: YamlFile;
  /** Merged over it in order: `--values` files, an environment overlay, Terraform `values` and `set`. */
  overrides: ValuesLayer[];
  overlay?: string;
  /** What deploys these values when it is not a chart folder: `helm_release.db`, `helmfile release web`. */
  deployedBy?: string;
  /** Values the release is given that could not be read. */
  unreadValues?: UnreadValues[];
}

/** Values a release is given that could not be read: a variable with no value, a template. */
export interface UnreadValues {
  at: Location;
  /** `values[1]` as written, or "a `set` entry". */
  what: string;
  why: string;
  /** What makes it readable. */
  fix: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sections a root `architecture: standalone` leaves undeployed (bitnami convention). */
const REPLICA_SECTIONS = new Set(['readReplicas', 'secondary', 'replica', 'arbiter', 'hidden']);

export class HelmRelease implements BaseModel {
  readonly kind = 'helm' as const;
  readonly files: string[];
  readonly inlineSuppressions: InlineSuppression[];
  private readonly root: ValueNode;
  /** The chart's own values.yaml, before any override. */
  private readonly defaults: Record<string, unknown>;
  private readonly byEntry = new Map<HelmEntry, ValueNode>();
  private entries?: HelmEntry[];
  private readonly byPath = new Map<string, HelmEntry>();
  private plain?: Record<string, unknown>;
  private imageList?: HelmImage[];

  readonly chart: ChartInfo;
  /** False when the chart is not part of the scan (loose values, a remote chart): its defaults are unknown. */
  readonly chartKnown: boolean;
  /** The environment overlay this release was built for (`values-prod.yaml`), if any. */
  readonly overlay: string | undefined;
  /** What deploys these values when it is not a chart folder (`helm_release.db`). */
  readonly deployedBy: string | undefined;
  readonly unreadValues: readonly UnreadValues[];
  /** Values beyond the chart's own defaults are part of it (override files, helmfile, helm_release, --values). */
  readonly overridden: boolean;

  constructor(parts: ReleaseParts) {
    const { chart, chartYaml, chartValues, overrides } = parts;
    this.chart = chart;
    this.deployedBy = parts.deployedBy;
    this.unreadValues = parts.unreadValues ?? [];
    this.chartKnown = parts.chartKnown;
    this.overlay = parts.overlay;
    this.files = [...new Set([...(chartValues ? [chartValues.file.path] : []), ...overrides.flatMap((o) => (o.file ? [o.file] : [])), ...(chartYaml ? [chart.file] : [])])];
    this.inlineSuppressions = [...(chartValues?.suppressions ?? []), ...overrides.flatMap((o) => o.suppressions ?? []), ...(chartYaml?.suppressions ?? [])];
    const empty: ValueNode = { kind: 'map', entries: new Map(), origin: { layer: 0, key: null, node: null } };
    // Layer 0 is always the chart's own values (empty when they are not known), so `setBy` can tell them apart.
    const defaults = chartValues ? valuesTree(chartValues, 0) : empty;
    this.defaults = plainValue(defaults) as Record<string, unknown>;
    this.overridden = overrides.length > 0;
    this.root = overrides.reduce((merged, layer, i) => mergeValues(merged, layer.tree(i + 1)), defaults);
  }

  /**
   * "`primary.persistence.enabled` (values.yaml of chart postgresql)" or "`…` (set in
   * values-prod.yaml for chart postgresql)": names the key and the file that set it, for messages.
   */
  describe(entry: HelmEntry): string {
    const key = `\`${entry.pathText}\``;
    if (entry.setBy === 'chart') return `${key} (a default in ${basename(entry.location.file)} of chart ${this.chart.name})`;
    const by = this.deployedBy ? ` of ${this.deployedBy}` : '';
    return `${key} (set in ${basename(entry.location.file)}${by}${this.chart.name ? ` for chart ${this.chart.name}` : ''})`;
  }

  /**
   * The section of `path` (outermost first) or else the chart whose name is one of `names`:
   * what a path configures, e.g. the `postgresql` subchart of an umbrella chart.
   */
  namedAs(path: HelmPath, names: readonly string[]): string | undefined {
    return sectionNamed(path, names) ?? (nameMatches(this.chart.name, names) ? this.chart.name : undefined);
  }

  /** The merged values, as templates see `.Values`. */
  values(): Record<string, unknown> {
    this.walk();
    return this.plain!;
  }

  /** The merged value at a path (`a.b.c` or a list of steps), or undefined. */
  get(path: HelmPath | string): unknown {
    return valueAt(this.values(), path);
  }

  /** The value the chart's own values.yaml gives a path, before any override; undefined when it has none. */
  chartDefault(path: HelmPath | string): unknown {
    return valueAt(this.defaults, path);
  }

  /** Every key and list item of the merged values, depth first in document order. */
  walk(): readonly HelmEntry[] {
    if (!this.entries) {
      this.entries = [];
      this.plain = this.collect(this.root, [], false) as Record<string, unknown>;
    }
    return this.entries;
  }

  /** The entry at a path, or undefined. */
  entry(path: HelmPath | string): HelmEntry | undefined {
    const text = typeof path === 'string' ? path : pathText(path);
    this.walk();
    return this.byPath.get(text);
  }

  /**
   * False when the chart would not deploy what this path configures: an enclosing section has
   * `enabled: false`, its subchart's `condition` is false, or it is a replica section under
   * `architecture: standalone`. A path ending in `enabled` is judged by the sections around its own.
   */
  isEnabled(path: HelmPath): boolean {
    const own = path[path.length - 1] === 'enabled' ? path.length - 1 : path.length;
    for (let n = 1; n < own; n++) {
      const section = this.get(path.slice(0, n));
      if (isPlainObject(section) && section.enabled === false) return false;
    }
    const top = path[0];
    if (typeof top === 'string' && REPLICA_SECTIONS.has(top) && this.get(['architecture']) === 'standalone') return false;
    const dep = this.chart.dependencies.find((d) => d.key === top);
    if (dep?.condition) {
      for (const condition of dep.condition.split(',')) {
        const v = this.get(condition.trim());
        if (typeof v === 'boolean') return v;
      }
    }
    return true;
  }

  /** Image references anywhere in the values: image maps, `image: repo:tag` strings, containers in lists. */
  images(): readonly HelmImage[] {
    if (!this.imageList) {
      this.imageList = [];
      const imageMaps = new Set<string>();
      for (const e of this.walk()) {
        if (e.kind === 'map') {
          const found = this.imageFromMap(e);
          if (found) {
            this.imageList.push(found);
            imageMaps.add(e.pathText);
          }
        } else if (e.kind === 'scalar' && typeof e.value === 'string') {
          const parent = e.path.length > 1 ? pathText(e.path.slice(0, -1)) : '';
          if (!imageMaps.has(parent)) {
            const found = this.imageFromString(e);
            if (found) this.imageList.push(found);
          }
        }
      }
    }
    return this.imageList;
  }

  /**
   * Where `needle` occurs inside the source text of a value (e.g. each `-----BEGIN CERTIFICATE-----`
   * in a block scalar), so findings point at the line inside the value, not at its key.
   */
  textLocations(entry: HelmEntry, needle: string): Location[] {
    const node = this.byEntry.get(entry);
    const range = node?.origin.node?.range;
    const yaml = node?.origin.yaml;
    if (!node || !range || !yaml) return [];
    const text = yaml.file.text.slice(range[0], range[1]);
    const out: Location[] = [];
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) {
      const s = yaml.lines.linePos(range[0] + i);
      const e = yaml.lines.linePos(range[0] + i + needle.length);
      out.push({ file: yaml.file.path, range: { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } } });
    }
    return out;
  }

  /** The scalar exactly as written (`1.10` stays `1.10`, not the number 1.1). */
  scalarText(entry: HelmEntry): string {
    const origin = this.byEntry.get(entry)?.origin;
    if (origin?.written?.text !== undefined) return origin.written.text;
    const node = origin?.node;
    if (isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string') return node.source;
    return entry.value === null || entry.value === undefined ? '' : String(entry.value);
  }

  /** Adds the entries of `node` and below (pre-order) and returns its plain value, built bottom-up once. */
  private collect(node: ValueNode, path: (string | number)[], inDependency: boolean): unknown {
    let entry: HelmEntry | undefined;
    if (path.length) {
      const { yaml, key, node: valueNode, layer, written } = node.origin;
      entry = {
        path: [...path],
        pathText: pathText(path),
        kind: node.kind,
        value: undefined,
        location: written?.location ?? { file: yaml!.file.path, range: rangeOf(yaml!, key ?? valueNode) },
        valueLocation: written?.valueLocation ?? { file: yaml!.file.path, range: rangeOf(yaml!, valueNode ?? key) },
        setBy: layer > 0 || inDependency ? 'override' : 'chart',
      };
      this.entries!.push(entry);
      this.byEntry.set(entry, node);
      this.byPath.set(entry.pathText, entry);
    }
    let value: unknown;
    if (node.kind === 'map') {
      const pairs: [string, unknown][] = [];
      for (const [k, child] of node.entries) {
        const dep = path.length === 0 && this.chart.dependencies.some((d) => d.key === k);
        pairs.push([k, this.collect(child, [...path, k], inDependency || dep)]);
      }
      value = Object.fromEntries(pairs); // not `obj[k] =`: a `__proto__` key stays a key
    } else if (node.kind === 'list') {
      value = node.items.map((child, i) => this.collect(child, [...path, i], inDependency));
    } else {
      value = node.value;
    }
    if (entry) entry.value = value;
    return value;
  }

  /** `{registry, repository, tag, digest}` (any of DIGEST_KEYS) and ingress-nginx's `{registry, image, tag, digest}`. */
  private imageFromMap(e: HelmEntry): HelmImage | undefined {
    const m = e.value as Record<string, unknown>;
    const last = e.path[e.path.length - 1];
    const namedImage = typeof last === 'string' && /image$/i.test(last);
    const hasImageParts = ['tag', 'registry', ...DIGEST_KEYS].some((k) => k in m);
    let repository = typeof m.repository === 'string' ? m.repository : undefined;
    if (repository !== undefined && !namedImage && !hasImageParts) return undefined;
    if (repository === undefined && namedImage && hasImageParts && typeof m.image === 'string') repository = m.image;
    // Values for a chart out of sight often set only the tag: the repository is the chart's default.
    if (repository === undefined && !this.chartKnown && namedImage && typeof m.tag === 'string' && m.tag !== '') repository = `<${e.pathText}.repository from the chart>`;
    if (repository === undefined || /:\/\/|^git@/.test(repository)) return undefined;
    // cert-manager style: an empty repository is built from the registry and `name`.
    if (!repository && typeof m.name === 'string') repository = m.name;
    if (!repository) return undefined;

    const child = (k: string) => this.entry([...e.path, k]);
    const tagEntry = child('tag');
    const tagText = tagEntry && tagEntry.value !== null ? this.scalarText(tagEntry) : '';
    const digestValue = DIGEST_KEYS.map((k) => m[k]).find((d): d is string => typeof d === 'string' && d !== '');
    const registry = typeof m.registry === 'string' ? m.registry : '';
    return this.describeImage(e, [registry, repository].filter(Boolean).join('/'), tagText, digestValue, tagText ? tagEntry : undefined, true);
  }

  /** `image: repo:tag`, or `image: repo` with a sibling `tag`/`imageTag`. */
  private imageFromString(e: HelmEntry): HelmImage | undefined {
    const last = e.path[e.path.length - 1];
    const inList = typeof e.path[e.path.length - 2] === 'number';
    if (typeof last !== 'string' || !(last === 'image' || (/Image$/.test(last) && !inList))) return undefined;
    // `useImage: name`, `pullImage: always`: a switch about an image, not one.
    if (/^(?:use|pull|skip|enable|disable|with|override|custom|is|has)Image$/.test(last)) return undefined;
    const raw = (e.value as string).trim();
    if (!raw || /\s/.test(raw) || !/^[\w.{$]/.test(raw)) return undefined;
    const parsed = parseImage(raw);
    if (parsed.tag !== undefined || parsed.digest !== undefined) return this.describeImage(e, parsed.name, parsed.tag ?? '', parsed.digest, undefined, false);
    const parent = e.path.slice(0, -1);
    const sibling = this.entry([...parent, 'tag']) ?? this.entry([...parent, `${last}Tag`]);
    const tagText = sibling && sibling.kind === 'scalar' && sibling.value !== null ? this.scalarText(sibling) : '';
    const digestKey = [`${last}Digest`, ...(last === 'image' ? DIGEST_KEYS : [])].map((k) => this.entry([...parent, k])).find((d) => typeof d?.value === 'string' && d.value !== '');
    if (digestKey) return this.describeImage(e, raw, tagText, digestKey.value as string, tagText ? sibling : undefined, false);
    // Without a tag key this is a plain container image (Kubernetes pulls `latest`); an empty tag
    // key is the chart's to fill, as in image maps.
    return this.describeImage(e, raw, tagText, undefined, tagText ? sibling : undefined, sibling !== undefined);
  }

  private describeImage(
    e: HelmEntry,
    name: string,
    tagText: string,
    digest: string | undefined,
    tag: HelmEntry | undefined,
    chartFillsTag: boolean,
  ): HelmImage {
    // A tag left empty is filled in by the chart (its appVersion) or, inside a subchart's section,
    // by the subchart's own defaults, which these values do not include.
    // `tag: 1.2.3@sha256:…`: a tag written with its digest.
    const at = tagText.indexOf('@');
    if (at >= 0) {
      digest ??= tagText.slice(at + 1);
      tagText = tagText.slice(0, at);
    }
    const untagged = !tagText && !digest && chartFillsTag;
    const tagUnknown = untagged && (!this.chartKnown || this.inDependency(e));
    const tagFromAppVersion = untagged && !tagUnknown && this.chart.appVersion !== undefined;
    const effectiveTag = tagText || (tagFromAppVersion ? (this.chart.appVersion ?? '') : '');
    const normalisedDigest = digest ? (normaliseDigest(digest) ?? digest) : undefined;
    const reference = `${name}${effectiveTag ? `:${effectiveTag}` : ''}${normalisedDigest ? `@${normalisedDigest}` : ''}`;
    const ref: ImageRef = { raw: reference, name, ...(effectiveTag ? { tag: effectiveTag } : {}), ...(normalisedDigest ? { digest: normalisedDigest } : {}) };
    const templated = hasUnresolvedVariable(reference);
    return { entry: e, reference, ref, tagFromAppVersion, tagUnknown, templated, ...(tag ? { tag } : {}) };
  }

  private inDependency(e: HelmEntry): boolean {
    return this.chart.dependencies.some((d) => d.key === e.path[0]);
  }
}

function valueAt(root: unknown, path: HelmPath | string): unknown {
  let v = root;
  for (const step of typeof path === 'string' ? path.split('.') : path) {
    if (typeof step === 'number' ? !Array.isArray(v) : !isPlainObject(v)) return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

/** `a.b[0].c`; keys that are not plain words are quoted: `annotations["x.io/y"]`. */
export function pathText(path: HelmPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

// ---- Chart.yaml ----

export function parseChart(yaml: YamlFile, folder: string): ChartInfo {
  const raw = yaml.value;
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) {
    throw new ParseError(yaml.file.path, 'Chart.yaml must be a mapping (name, version, appVersion, ...)', 1, 1);
  }
  const c = (raw ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? undefined : String(v));
  const asSource = (key: string) => {
    const node = yaml.doc.get(key, true);
    return isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : text(c[key]);
  };
  const dependencies = (Array.isArray(c.dependencies) ? c.dependencies : []).filter(isPlainObject).map((d) => ({
    name: String(d.name ?? ''),
    key: String(d.alias ?? d.name ?? ''),
    ...(typeof d.condition === 'string' && d.condition ? { condition: d.condition } : {}),
  }));
  const version = asSource('version');
  const appVersion = asSource('appVersion');
  return {
    file: yaml.file.path,
    name: text(c.name) ?? basename(folder),
    ...(version ? { version } : {}),
    ...(appVersion ? { appVersion } : {}),
    keywords: Array.isArray(c.keywords) ? c.keywords.map(String) : [],
    dependencies,
  };
}

/** `./charts/app`, `../charts/app`, `/abs/chart`: a chart on disk, not a repository chart name. */
export const isLocalChart = (chart: string) => chart.startsWith('.') || isAbsolute(chart);

/** A chart folder's Chart.yaml and values.yaml, read by whoever deploys it (helm_release, helmfile). */
export interface LocalChart {
  chart: ChartInfo;
  chartYaml: YamlFile;
  values?: YamlFile;
}

/**
 * Reads the chart in `dir` through `read` (which applies the caller's boundary), or undefined when
 * it has no readable Chart.yaml. A chart that does not parse is left to a scan of its own folder.
 */
export function readLocalChart(dir: string, read: (absPath: string) => { path: string; text: string } | undefined): LocalChart | undefined {
  const yaml = (name: string) => {
    const f = read(join(dir, name));
    return f ? parseYaml({ path: f.path, absPath: join(dir, name), text: f.text }) : undefined;
  };
  try {
    const chartYaml = yaml('Chart.yaml') ?? yaml('Chart.yml');
    if (!chartYaml) return undefined;
    const values = yaml('values.yaml') ?? yaml('values.yml');
    return { chart: parseChart(chartYaml, dir), chartYaml, ...(values ? { values } : {}) };
  } catch {
    return undefined;
  }
}
