// Helm values layers → one merged tree that remembers, for every value, the file and key that set it.
// Merge rules are Helm's: later layers win, maps merge deeply, lists replace, and `null` in a later
// layer deletes the key. Strings holding `{{ }}` templates stay strings (Helm renders them, we don't).
import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { ParseError } from '../core/errors.js';
import type { YamlFile } from './yaml.js';
import type { Location } from '../core/types.js';

/** Where a value was written: which layer (0 = the chart's values.yaml), file and YAML nodes. */
export interface ValueOrigin {
  layer: number;
  /** The YAML file; absent for values written in another language (a Terraform `set` block). */
  yaml?: YamlFile;
  /** The key node (`tag` in `tag: 1.2`); null for list items and the document root. */
  key: YamlNode | null;
  /** The value node; null for `key:` with nothing after it. */
  node: YamlNode | null;
  /** For values not written in YAML: where the key and the value are, and the value as written. */
  written?: { location: Location; valueLocation: Location; text?: string };
}

export type ValueNode =
  | { kind: 'map'; entries: Map<string, ValueNode>; origin: ValueOrigin }
  | { kind: 'list'; items: ValueNode[]; origin: ValueOrigin }
  | { kind: 'scalar'; value: unknown; origin: ValueOrigin };

/** Deeper than this is a self-referencing alias or a hostile file, not configuration. */
const MAX_DEPTH = 256;

/** Builds the value tree of one values file. An empty file is an empty map; anything else must be a map. */
export function valuesTree(yaml: YamlFile, layer: number): ValueNode {
  const root = yaml.doc.contents as YamlNode | null;
  const origin: ValueOrigin = { layer, yaml, key: null, node: root };
  if (root === null || (isScalar(root) && root.value === null)) return { kind: 'map', entries: new Map(), origin };
  if (!isMap(root)) {
    const at = yaml.lines.linePos(root.range?.[0] ?? 0);
    throw new ParseError(yaml.file.path, 'Helm values must be a mapping of keys at the top level', at.line, at.col);
  }
  return build(yaml, layer, root, null, 0);
}

/** The value tree of a mapping inside a YAML file (a helmfile release's inline `values:` item). */
export function valuesTreeAt(yaml: YamlFile, node: YamlNode, layer: number): ValueNode {
  if (!isMap(node)) {
    const at = yaml.lines.linePos(node.range?.[0] ?? 0);
    throw new ParseError(yaml.file.path, 'inline Helm values must be a mapping of keys', at.line, at.col);
  }
  return build(yaml, layer, node, null, 0);
}

function build(yaml: YamlFile, layer: number, raw: YamlNode | null, key: YamlNode | null, depth: number): ValueNode {
  if (depth > MAX_DEPTH) {
    const at = yaml.lines.linePos(raw?.range?.[0] ?? 0);
    throw new ParseError(yaml.file.path, `values nest deeper than ${MAX_DEPTH} levels (self-referencing alias?)`, at.line, at.col);
  }
  const node = isAlias(raw) ? (raw.resolve(yaml.doc) as YamlNode | undefined) ?? null : raw;
  const origin: ValueOrigin = { layer, yaml, key, node };
  if (isMap(node)) {
    const explicit = new Map<string, ValueNode>();
    const merged = new Map<string, ValueNode>();
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      const v = pair.value as YamlNode | null;
      if (isMergeKey(k)) {
        // `<<: *base` (or a list of them): keys come in below explicit ones; earlier sources win.
        const sources = isSeq(v) ? (v.items as YamlNode[]) : [v];
        for (const source of sources) {
          const sub = build(yaml, layer, source, k, depth + 1);
          if (sub.kind !== 'map') continue;
          for (const [mk, mv] of sub.entries) if (!merged.has(mk)) merged.set(mk, mv);
        }
        continue;
      }
      explicit.set(keyText(k), build(yaml, layer, v, k, depth + 1));
    }
    const entries = new Map([...merged, ...explicit]);
    return { kind: 'map', entries, origin };
  }
  if (isSeq(node)) {
    return { kind: 'list', items: node.items.map((item) => build(yaml, layer, item as YamlNode, null, depth + 1)), origin };
  }
  return { kind: 'scalar', value: isScalar(node) ? node.value : null, origin };
}

const isMergeKey = (k: YamlNode | null) => isScalar(k) && (typeof k.value === 'symbol' || (k.value === '<<' && k.type === 'PLAIN'));

function keyText(k: YamlNode | null): string {
  if (k === null) return '';
  if (isScalar(k)) return String(k.value);
  return String(k); // a complex key (`? [a, b]`) is kept as its YAML text
}

/** Overlays `over` on `base` the way Helm coalesces values files. */
export function mergeValues(base: ValueNode | undefined, over: ValueNode): ValueNode {
  if (!base || base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = new Map(base.entries);
  for (const [k, child] of over.entries) {
    if (child.kind === 'scalar' && child.value === null) {
      entries.delete(k); // `key: null` in an override removes the chart's default
      continue;
    }
    entries.set(k, mergeValues(entries.get(k), child));
  }
  return { kind: 'map', entries, origin: over.origin };
}

/** The plain JavaScript value of a tree (what templates see as `.Values`). */
export function plainValue(node: ValueNode): unknown {
  switch (node.kind) {
    case 'map':
      return Object.fromEntries([...node.entries].map(([k, v]) => [k, plainValue(v)]));
    case 'list':
      return node.items.map(plainValue);
    case 'scalar':
      return node.value;
  }
}

/** Helm's `--set` key syntax: `a.b[0].c`, `annotations.kubernetes\.io/name`. */
export function setPath(name: string): (string | number)[] {
  const out: (string | number)[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '\\' && i + 1 < name.length) current += name[++i];
    else if (c === '.') {
      if (current) out.push(current);
      current = '';
    } else if (c === '[') {
      const close = name.indexOf(']', i);
      const index = close > i ? name.slice(i + 1, close) : '';
      if (/^\d+$/.test(index)) {
        if (current) out.push(current);
        current = '';
        out.push(Number(index));
        i = close;
      } else current += c;
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** The tree one `--set name=value` makes: nested maps (and lists for `[i]`) down to `leaf`. */
export function setTree(path: readonly (string | number)[], leaf: ValueNode, origin: ValueOrigin): ValueNode {
  let node = leaf;
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]!;
    node = typeof step === 'number'
      ? { kind: 'list', items: [...Array<ValueNode>(step).fill({ kind: 'scalar', value: null, origin }), node], origin }
      : { kind: 'map', entries: new Map([[step, node]]), origin };
  }
  return node;
}
