// Helm releases a Terraform module deploys (`resource "helm_release"`), as the Helm rules see them:
// the chart's own defaults when the chart is local, then each `values` item in order
// (`file()`, `templatefile()`, `yamlencode({...})`, a YAML string), then `set`, `set_list` and
// `set_sensitive` (blocks, or the provider 3.x `set = [...]` list), as Helm merges them. A value
// written in HCL points at its .tf line; one from a values file at that file's line. What cannot be
// read (a variable with no value, a template that is not YAML until rendered) is listed, not skipped.
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { ParseError } from '../core/errors.js';
import type { Location } from '../core/types.js';
import type { Expr } from '../parsers/hcl-ast.js';
import { isUnknown, type Value } from '../parsers/hcl-eval.js';
import { setPath, setTree, type ValueNode, type ValueOrigin } from '../parsers/helm-values.js';
import { parseYaml } from '../parsers/yaml.js';
import { whyNotRead } from '../core/read.js';
import { HelmRelease, isLocalChart, readLocalChart, yamlLayer, type ChartInfo, type UnreadValues, type ValuesLayer } from './helm.js';
import { Attribute, type Resource, type TerraformModule } from './terraform.js';

const cache = new WeakMap<TerraformModule, HelmRelease[]>();

/** The Helm releases of every `helm_release` resource in the module (and the modules it calls). */
export function helmReleasesOf(model: TerraformModule): HelmRelease[] {
  let releases = cache.get(model);
  if (!releases) {
    releases = model.resources('helm_release').map((r) => releaseOf(model, r));
    cache.set(model, releases);
  }
  return releases;
}

function releaseOf(model: TerraformModule, r: Resource): HelmRelease {
  const unread: UnreadValues[] = [];
  const chartAttr = r.attr('chart');
  const chartValue = chartAttr?.value();
  const chartText = typeof chartValue === 'string' ? chartValue : undefined;
  const local = chartText !== undefined && isLocalChart(chartText)
    ? readLocalChart(isAbsolute(chartText) ? chartText : resolve(r.instance.dir, chartText), (abs) => model.readAuxFile(abs))
    : undefined;
  const chart: ChartInfo = local?.chart ?? { file: r.location.file, name: chartText ? chartName(chartText) : '', keywords: [], dependencies: [] };

  const overrides: ValuesLayer[] = [];
  const values = r.attr('values');
  if (values) {
    const items = values.expr.type === 'tuple' ? values.expr.items.map((item, i) => element(values, item, `values[${i}]`)) : [values];
    for (const item of items) {
      const layer = valuesItem(model, item, unread);
      if (layer) overrides.push(layer);
    }
  }
  for (const [kind, typed] of [['set', true], ['set_list', true], ['set_sensitive', true]] as const) {
    for (const b of r.blocks(kind)) {
      const layer = setEntry(b.attr('name'), b.attr('value'), typed && b.attr('type')?.value() !== 'string', kind, unread, r.location);
      if (layer) overrides.push(layer);
    }
    // helm provider 3.x: `set = [{ name = …, value = … }]`
    const list = r.attr(kind);
    if (list?.expr.type === 'tuple') {
      list.expr.items.forEach((item, i) => {
        const entry = element(list, item, `${kind}[${i}]`);
        const layer = setEntry(entry.element('name'), entry.element('value'), entry.element('type')?.value() !== 'string', kind, unread, entry.location);
        if (layer) overrides.push(layer);
      });
    }
  }
  return new HelmRelease({
    chart,
    chartKnown: local !== undefined,
    ...(local ? { chartYaml: local.chartYaml, ...(local.values ? { chartValues: local.values } : {}) } : {}),
    overrides,
    deployedBy: r.address,
    unreadValues: unread,
  });
}

/** `bitnami/postgresql`, `oci://ghcr.io/acme/charts/app`, `postgresql` → the chart's name. */
const chartName = (chart: string) => basename(chart.replace(/\/+$/, '')).replace(/-\d+\.\d+\.\d+.*\.tgz$/, '');

/** A view of one item of a list value (`values[1]`), located and evaluated like an argument. */
const element = (parent: Attribute, item: Expr, name: string) => new Attribute(name, item, item, item.start, parent.file, parent.instance);

function valuesItem(model: TerraformModule, item: Attribute, unread: UnreadValues[]): ValuesLayer | undefined {
  const expr = item.expr;
  const note = (why: string, fix = 'keep the values in a YAML file read with file(), or give the variable with --var/--var-file') =>
    void unread.push({ at: item.location, what: `\`${short(item.source)}\``, why, fix });
  if (expr.type === 'call' && (expr.name === 'file' || expr.name === 'templatefile') && expr.args[0]) {
    const p = item.evaluate(expr.args[0]);
    if (typeof p !== 'string') return note('its path cannot be known without running terraform'), undefined;
    const abs = isAbsolute(p) ? p : resolve(model.absDir, p);
    const f = model.readAuxFile(abs);
    if (!f) {
      // Outside the tree, a pipe or too big: file-not-read says so at the same call.
      if (!whyNotRead(abs, model.roots)) note(`\`${relative(model.absDir, abs) || basename(abs)}\` does not exist`, 'add the file, or fix the path');
      return undefined;
    }
    try {
      return yamlLayer(parseYaml({ path: f.path, absPath: abs, text: f.text }));
    } catch (e) {
      const why = e instanceof ParseError ? e.message : String(e);
      return note(expr.name === 'templatefile' ? `the template is not YAML until terraform renders it (${why})` : `it is not valid YAML (${why})`, expr.name === 'templatefile' ? 'keep template directives inside YAML values (`key: ${x}`), or read a plain YAML file with file()' : 'fix the YAML'), undefined;
    }
  }
  if (expr.type === 'call' && (expr.name === 'yamlencode' || expr.name === 'jsonencode') && expr.args[0]) {
    const inner = element(item, expr.args[0], item.name);
    return { tree: (layer) => hclTree(inner, layer), file: item.location.file };
  }
  const v = item.value();
  if (typeof v === 'string') {
    try {
      const parsed = parseYaml({ path: item.location.file, absPath: item.location.file, text: v }).value;
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) return note('it is not a mapping of Helm values', 'write the values as a YAML mapping'), undefined;
      // Written inside the .tf file: every key points at the item, whose text the YAML is.
      return { tree: (layer) => fromValue((parsed ?? {}) as Value, layer, { layer, key: null, node: null, written: writtenAt(item) }, item.source), file: item.location.file };
    } catch (e) {
      return note(`it is not valid YAML (${e instanceof ParseError ? e.message : String(e)})`, 'fix the YAML'), undefined;
    }
  }
  return note('its value cannot be known without running terraform (a variable with no value?)'), undefined;
}

const short = (s: string) => {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
};

const writtenAt = (a: Attribute): ValueOrigin['written'] => ({ location: a.location, valueLocation: a.valueLocation, text: a.source });

const scalarText = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** `yamlencode({ image = { tag = "latest" } })`: each key points at its own line in the .tf file. */
function hclTree(a: Attribute, layer: number): ValueNode {
  const origin: ValueOrigin = { layer, key: null, node: null, written: writtenAt(a) };
  const expr = a.expr.type === 'paren' ? a.expr.expr : a.expr;
  if (expr.type === 'object') {
    const entries = new Map<string, ValueNode>();
    for (const el of a.elements()) entries.set(el.name, hclTree(el, layer));
    return { kind: 'map', entries, origin };
  }
  if (expr.type === 'tuple') return { kind: 'list', items: expr.items.map((item, i) => hclTree(element(a, item, `${a.name}[${i}]`), layer)), origin };
  return fromValue(a.value(), layer, origin, a.source);
}

/** An evaluated HCL value as a tree; unknown parts stay visibly unknown (`${var.tag}`), never judged as a literal. */
function fromValue(v: Value, layer: number, origin: ValueOrigin, source: string): ValueNode {
  if (isUnknown(v)) return { kind: 'scalar', value: `\${${source}}`, origin };
  if (Array.isArray(v)) return { kind: 'list', items: (v as Value[]).map((x) => fromValue(x, layer, origin, source)), origin };
  if (v !== null && typeof v === 'object') {
    return { kind: 'map', entries: new Map(Object.entries(v as Record<string, Value>).map(([k, x]) => [k, fromValue(x, layer, origin, source)])), origin };
  }
  return { kind: 'scalar', value: v, origin: { ...origin, ...(origin.written ? { written: { ...origin.written, text: scalarText(v) } } : {}) } };
}

/** One `set` entry as a layer: `name = "image.tag"`, `value = "latest"`. */
function setEntry(
  name: Attribute | undefined,
  value: Attribute | undefined,
  typed: boolean,
  kind: string,
  unread: UnreadValues[],
  fallback: Location,
): ValuesLayer | undefined {
  const path = name?.value();
  if (typeof path !== 'string') {
    unread.push({ at: name?.location ?? fallback, what: `a \`${kind}\` entry`, why: 'its name cannot be known without running terraform', fix: 'write the name as a literal string' });
    return undefined;
  }
  const steps = setPath(path);
  const at = value ?? name!;
  const written = writtenAt(at);
  return {
    tree: (layer) => {
      const origin: ValueOrigin = { layer, key: null, node: null, written };
      return setTree(steps, value ? leafOf(value, typed, origin) : { kind: 'scalar', value: null, origin }, origin);
    },
    file: at.location.file,
  };
}

function leafOf(value: Attribute, typed: boolean, origin: ValueOrigin): ValueNode {
  const v = value.value();
  if (isUnknown(v)) return { kind: 'scalar', value: `\${${value.source}}`, origin };
  if (Array.isArray(v) || (v !== null && typeof v === 'object')) return fromValue(v, origin.layer, origin, value.source);
  // Helm reads `--set` values as YAML scalars (true, 1, null) unless `type = "string"`.
  if (typeof v === 'string' && typed) {
    const typedValue = v === 'true' ? true : v === 'false' ? false : v === 'null' ? null : /^-?\d+$/.test(v) ? Number(v) : v;
    return { kind: 'scalar', value: typedValue, origin: { ...origin, written: { ...origin.written!, text: v } } };
  }
  return { kind: 'scalar', value: v, origin: { ...origin, written: { ...origin.written!, text: scalarText(v) } } };
}
