// A Compose file as a tree of located values: every map entry, list item and scalar knows the
// file, line and column it was written at, after YAML anchors, `<<` merge keys and `${VAR}`
// interpolation. Override files and `extends:` are merged into one tree with Compose's rules
// (compose-spec "merge"), keeping the location of whichever file the winning value came from.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { ParseError } from '../core/errors.js';
import type { Location } from '../core/types.js';
import { locationOf, MAX_ALIAS_COUNT, type YamlFile } from './yaml.js';
import { interpolate, type Lookup } from './compose-interpolate.js';

interface NodeBase {
  /** Where the value is written (for a list item: the item). */
  at: Location;
  /** The key of the map entry holding this value, when there is one. */
  keyAt?: Location;
  /** `!reset` / `!override` (Compose merge control tags). */
  tag?: string;
}

export interface CScalar extends NodeBase {
  kind: 'scalar';
  /** After interpolation; `${VAR}` text stays when `unresolved`. */
  value: string | number | boolean | null;
  /** As written, before interpolation. */
  raw: string | number | boolean | null;
  unresolved: boolean;
}

export interface CMap extends NodeBase {
  kind: 'map';
  entries: Map<string, CNode>;
}

export interface CSeq extends NodeBase {
  kind: 'seq';
  items: CNode[];
}

export type CNode = CScalar | CMap | CSeq;

export const isCMap = (n: CNode | undefined): n is CMap => n?.kind === 'map';
export const isCSeq = (n: CNode | undefined): n is CSeq => n?.kind === 'seq';
export const isCScalar = (n: CNode | undefined): n is CScalar => n?.kind === 'scalar';

/** The node at a path of map keys, or undefined. */
export function child(node: CNode | undefined, ...keys: string[]): CNode | undefined {
  let cur = node;
  for (const k of keys) {
    if (!isCMap(cur)) return undefined;
    cur = cur.entries.get(k);
  }
  return cur;
}

/** A scalar's value as text, or undefined for maps, lists, null and unresolved variables. */
export function text(node: CNode | undefined): string | undefined {
  if (!isCScalar(node) || node.unresolved || node.value === null) return undefined;
  return String(node.value);
}

/** A Compose boolean that is on (`true`, `yes`, as YAML or as text). */
export const isTrue = (node: CNode | undefined): boolean => /^(true|yes)$/i.test(text(node) ?? '');

/** Where to point a finding about this value: its key when it has one. */
export const keyOrValue = (node: CNode): Location => node.keyAt ?? node.at;

/** Converts a YAML document into a located tree, interpolating every string scalar. */
export function buildTree(yf: YamlFile, lookup: Lookup): CNode {
  let expansions = 0;
  const doc: Document.Parsed = yf.doc;
  const active = new Set<YamlNode>();

  const build = (node: unknown, keyAt: Location | undefined): CNode => {
    let target = node;
    let tag: string | undefined;
    if (isAlias(target)) {
      if (++expansions > MAX_ALIAS_COUNT) throw new ParseError(yf.file.path, 'too many alias expansions (alias bomb?)', locationOf(yf, target).range.start.line, locationOf(yf, target).range.start.column);
      target = target.resolve(doc);
      if (!target) throw new ParseError(yf.file.path, 'alias to an unknown anchor', locationOf(yf, node as YamlNode).range.start.line);
    }
    const yn = target as YamlNode;
    if (active.has(yn)) throw new ParseError(yf.file.path, 'an anchor refers to itself', locationOf(yf, yn).range.start.line, locationOf(yf, yn).range.start.column);
    const at = locationOf(yf, yn);
    if ((yn as { tag?: string } | null)?.tag?.startsWith('!')) tag = (yn as { tag: string }).tag;
    const base = { at, ...(keyAt ? { keyAt } : {}), ...(tag ? { tag } : {}) };

    if (isMap(yn)) {
      active.add(yn);
      const entries = new Map<string, CNode>();
      const merged: CMap[] = [];
      for (const pair of yn.items) {
        const k = pair.key as YamlNode | null;
        if (isScalar(k) && typeof k.value === 'symbol') {
          // `<<: *anchor` or `<<: [*a, *b]`: earlier maps win, explicit keys win over all.
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const s of sources) {
            const m = build(s, undefined);
            if (!isCMap(m)) throw new ParseError(yf.file.path, 'a `<<` merge key must point at a mapping', locationOf(yf, k).range.start.line, locationOf(yf, k).range.start.column);
            merged.push(m);
          }
          continue;
        }
        const key = isScalar(k) ? String(k.value) : undefined;
        if (key === undefined) throw new ParseError(yf.file.path, 'map keys must be plain values', locationOf(yf, k).range.start.line, locationOf(yf, k).range.start.column);
        entries.set(key, build(pair.value, locationOf(yf, k)));
      }
      for (const m of merged) {
        for (const [k, v] of m.entries) if (!entries.has(k)) entries.set(k, v);
      }
      active.delete(yn);
      return { kind: 'map', ...base, entries };
    }
    if (isSeq(yn)) {
      active.add(yn);
      const items = yn.items.map((item) => build(item, undefined));
      active.delete(yn);
      return { kind: 'seq', ...base, items };
    }
    const raw = isScalar(yn) ? (yn.value as CScalar['raw']) : null;
    if (typeof raw === 'string') {
      const r = interpolate(raw, lookup);
      return { kind: 'scalar', ...base, value: r.value, raw, unresolved: r.unresolved };
    }
    return { kind: 'scalar', ...base, value: raw ?? null, raw: raw ?? null, unresolved: false };
  };

  return build(doc.contents, undefined);
}

// ---- normal forms (so that list and map spellings merge and read the same) ----

/**
 * `environment`, `labels`, `build.args`... may be a map or a `KEY=VALUE` list. Lists become
 * maps whose entries point at the list items. A bare `KEY` item becomes a null value.
 */
export function listToMap(node: CNode, separator = '='): CNode {
  if (!isCSeq(node)) return node;
  const entries = new Map<string, CNode>();
  for (const item of node.items) {
    if (!isCScalar(item) || item.value === null) continue;
    const s = String(item.value);
    const i = s.indexOf(separator);
    const key = (i >= 0 ? s.slice(0, i) : s).trim();
    const rawText = String(item.raw);
    const rawIdx = rawText.indexOf(separator);
    const value: CScalar = {
      kind: 'scalar',
      at: item.at,
      keyAt: item.at,
      value: i >= 0 ? s.slice(i + 1) : null,
      raw: rawIdx >= 0 ? rawText.slice(rawIdx + 1) : null,
      unresolved: item.unresolved,
    };
    entries.set(key, value);
  }
  return { kind: 'map', at: node.at, ...(node.keyAt ? { keyAt: node.keyAt } : {}), entries };
}

/** `key: value` → `key: [value]` for fields that take one item or a list (env_file, dns...). */
export function toList(node: CNode): CSeq {
  if (isCSeq(node)) return node;
  return { kind: 'seq', at: node.at, ...(node.keyAt ? { keyAt: node.keyAt } : {}), items: [{ ...node, keyAt: undefined } as CNode] };
}

// ---- merging (override files, extends) ----

/** Keys whose value replaces, never appends: shell commands. */
const REPLACED = new Set(['command', 'entrypoint', 'test']);

/** Sequences merged by a unique key: a later entry with the same key replaces the earlier. */
export type UniqueKey = (item: CNode) => string | undefined;

/**
 * Merges `over` into `base` as Compose does for a later file: maps merge, sequences append
 * (unique-key sequences replace matching entries), scalars and shell commands are replaced,
 * `!reset` removes and `!override` replaces. `uniqueKeys` maps a key name to its identity.
 */
export function mergeNodes(base: CNode | undefined, over: CNode, uniqueKeys: Record<string, UniqueKey>, key = ''): CNode | undefined {
  if (over.tag === '!reset') return undefined;
  if (!base || over.tag === '!override' || REPLACED.has(key)) return over;
  if (isCMap(base) && isCMap(over)) {
    const entries = new Map(base.entries);
    for (const [k, v] of over.entries) {
      const m = mergeNodes(entries.get(k), v, uniqueKeys, k);
      if (m) entries.set(k, m);
      else entries.delete(k);
    }
    // The merged map is written where the later file writes it.
    return { ...over, entries };
  }
  if (isCSeq(base) && isCSeq(over)) {
    const identity = uniqueKeys[key];
    if (!identity) return { ...over, items: [...base.items, ...over.items] };
    const overKeys = new Set(over.items.map(identity).filter((k): k is string => k !== undefined));
    const kept = base.items.filter((item) => {
      const k = identity(item);
      return k === undefined || !overKeys.has(k);
    });
    return { ...over, items: [...kept, ...over.items] };
  }
  return over;
}
