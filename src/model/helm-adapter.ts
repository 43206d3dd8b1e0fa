// The Helm adapter: which files are Helm's (charts, values files wherever they live, helmfiles),
// how they group into releases, and how a group becomes a HelmRelease.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import type { InputGroup, LoadOptions, SourceFile } from '../core/source.js';
import type { InputAdapter } from './adapter.js';
import { ParseError } from '../core/errors.js';
import { displayPath, readReferencedFile } from '../core/read.js';
import { parseYaml } from '../parsers/yaml.js';
import { COMPOSE_FILE_NAME, isHelmfileName, valuesNameReason } from '../knowledge/file-names.js';
import { HelmRelease, parseChart, yamlLayer, type ChartInfo } from './helm.js';
import { helmfileReferences, helmfileReleases, loadHelmfileRelease } from './helmfile.js';

const CHART_FILE = /^Chart\.ya?ml$/;
const BASE_VALUES = ['values.yaml', 'values.yml'];
/** Sub-folders of a chart whose values files are overlays of it: chart-testing's ci/, values/. */
const CHART_SUBFOLDERS = /^(ci|values)$/i;

const chartFileIn = (dir: string) => ['Chart.yaml', 'Chart.yml'].map((n) => join(dir, n)).find((p) => existsSync(p));

/**
 * The chart folder a values file belongs to: its own folder when a Chart.yaml is there, the
 * parent for `ci/*-values.yaml` and `values/*.yaml` of a chart; undefined for loose values.
 */
export function chartFolderOf(absPath: string): string | undefined {
  const dir = dirname(absPath);
  if (chartFileIn(dir)) return dir;
  if (CHART_SUBFOLDERS.test(basename(dir)) && chartFileIn(dirname(dir))) return dirname(dir);
  return undefined;
}

/** Why a YAML file is read as Helm values (for --verbose), or undefined when it is not. */
export function helmValuesReason(file: SourceFile, options?: Pick<LoadOptions, 'helmValuesFiles'>): string | undefined {
  if (file.absPath === '-') return undefined;
  const name = basename(file.absPath);
  if (CHART_FILE.test(name)) return 'a chart\'s Chart.yaml';
  if (isHelmfileName(file.absPath)) return 'a helmfile: its releases\' values and set';
  if (COMPOSE_FILE_NAME.test(name)) return undefined;
  const chart = chartFolderOf(file.absPath);
  const byName = valuesNameReason(file.absPath);
  if (byName) return chart ? `${byName}, ${chart === dirname(file.absPath) ? 'beside its chart\'s Chart.yaml' : `in the ${basename(dirname(file.absPath))}/ folder of a chart`}` : `${byName}, with no chart beside it: checked on its own`;
  const declared = options?.helmValuesFiles;
  if (declared && declared.globs.some((g) => minimatch(relative(declared.base, file.absPath).split(sep).join('/'), g, { dot: true }))) {
    return 'listed in helm.values-files of .iac-guard.yml';
  }
  return undefined;
}

/** Reads a file the user did not name but the release needs (Chart.yaml, values.yaml, --values). */
function readExtra(absPath: string, display: string): SourceFile {
  // Regular files only and size-capped: `--values /dev/zero` or a pipe must not hang or fill memory.
  const read = readReferencedFile(absPath);
  if (read.text === undefined) throw new ParseError(display, `cannot read file: ${read.error}`);
  return { path: display, absPath, text: read.text };
}

/** The name and file of a release whose chart is not in the scan. */
const unknownChart = (file: string, name = ''): ChartInfo => ({ file, name, keywords: [], dependencies: [] });

export const helmAdapter: InputAdapter<'helm', HelmRelease> = {
  kind: 'helm',

  claims(file, options) {
    return helmValuesReason(file, options) !== undefined;
  },

  reason(file, options) {
    return `Helm values: ${helmValuesReason(file, options) ?? 'claimed'}`;
  },

  /**
   * One group per release: per chart folder, values.yaml with the `--values` files, and
   * values.yaml with each overlay beside it (or in its ci/ or values/ folder) that was not given
   * with `--values`. A values file with no chart is a release of its own; `--values` files given
   * with no chart in the run are one release, merged in order.
   */
  group(all, options) {
    const extraAbs = new Set(options.helmValues.map((p) => resolve(options.cwd, p)));
    const byChart = new Map<string, SourceFile[]>();
    const loose: SourceFile[] = [];
    // Each helmfile release is a group; the files they read are checked as part of them.
    const helmfiles = all.filter((f) => isHelmfileName(f.absPath));
    const referenced = new Set(helmfiles.flatMap(helmfileReferences));
    const files = all.filter((f) => !helmfiles.includes(f) && !referenced.has(f.absPath));
    const groups: InputGroup<'helm'>[] = [];
    for (const h of helmfiles) {
      let count = 1; // a helmfile that does not parse is one group, so loading it reports why
      try {
        count = Math.max(1, helmfileReleases(h).releases.length);
      } catch {
        /* reported by load */
      }
      for (let part = 0; part < count; part++) groups.push({ kind: 'helm', files: [h], part });
    }
    for (const f of files) {
      const chart = chartFolderOf(f.absPath);
      if (chart) byChart.set(chart, [...(byChart.get(chart) ?? []), f]);
      else loose.push(f);
    }
    for (const chartFiles of byChart.values()) {
      const sorted = [...chartFiles].sort((a, b) => rank(a) - rank(b) || (a.absPath < b.absPath ? -1 : 1));
      const fixed = sorted.filter((f) => rank(f) !== 1 || extraAbs.has(f.absPath));
      const overlays = sorted.filter((f) => !fixed.includes(f));
      if (!overlays.length || extraAbs.size) groups.push({ kind: 'helm', files: fixed });
      for (const o of overlays) groups.push({ kind: 'helm', files: [...fixed.filter((f) => !extraAbs.has(f.absPath)), o].sort((a, b) => rank(a) - rank(b)) });
    }
    // `--values` files merge over the chart when there is one; with none, they are one release.
    const mergedExtras = loose.filter((f) => extraAbs.has(f.absPath));
    if (mergedExtras.length && !byChart.size) {
      const order = [...extraAbs];
      groups.push({ kind: 'helm', files: mergedExtras.sort((a, b) => order.indexOf(a.absPath) - order.indexOf(b.absPath)) });
    }
    for (const f of loose) if (!extraAbs.has(f.absPath)) groups.push({ kind: 'helm', files: [f] });
    return groups;
  },

  load(group, options) {
    const first = group.files[0]!;
    if (isHelmfileName(first.absPath)) return loadHelmfileRelease(first, group.part ?? 0, options);
    const folder = chartFolderOf(first.absPath);
    if (!folder) {
      // Values with no chart in the scan: checked as they are, the chart's defaults unknown.
      return new HelmRelease({ chart: unknownChart(first.path), chartKnown: false, overrides: group.files.map((f) => yamlLayer(parseYaml(f))) });
    }
    const named = new Map(group.files.map((f) => [f.absPath, f]));
    const read = (abs: string) => parseYaml(named.get(abs) ?? readExtra(abs, displayPath(abs, options.cwd)));

    const chartAbs = chartFileIn(folder)!;
    const chartYaml = read(chartAbs);
    const baseAbs = BASE_VALUES.map((n) => join(folder, n)).find((p) => named.has(p) || existsSync(p));
    const chartValues = baseAbs ? read(baseAbs) : undefined;
    const extraAbs = options.helmValues.map((p) => resolve(options.cwd, p));
    const overlay = group.files.find((f) => rank(f) === 1 && !extraAbs.includes(f.absPath));

    const overrides = overlay ? [parseYaml(overlay)] : extraAbs.map((abs) => read(abs));
    return new HelmRelease({
      chart: parseChart(chartYaml, folder),
      chartKnown: true,
      chartYaml,
      ...(chartValues ? { chartValues } : {}),
      overrides: overrides.map(yamlLayer),
      ...(overlay ? { overlay: basename(overlay.absPath) } : {}),
    });
  },
};

/** values.yaml first (errors about the release are reported on it), overlays, Chart.yaml last. */
const rank = (f: SourceFile) => {
  const name = basename(f.absPath);
  if (CHART_FILE.test(name)) return 2;
  return BASE_VALUES.includes(name) && chartFileIn(dirname(f.absPath)) ? 0 : 1;
};
