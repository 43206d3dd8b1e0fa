// YAML with exact positions, shared by Compose and Helm. One parse per file: the `yaml`
// Document keeps every node's offsets; LineCounter turns offsets into line:column.
import {
  LineCounter,
  parseDocument,
  isMap,
  isSeq,
  isScalar,
  isPair,
  isAlias,
  visit,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { ParseError } from '../core/errors.js';
import type { InlineSuppression, SourceFile } from '../core/source.js';
import { inlineSuppression, parseIgnoreComment } from '../core/inline.js';
import type { Location, Range } from '../core/types.js';

/** Aliases expanded beyond this many per document are an alias bomb, not a config file. */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Maps and lists nested deeper than this are refused: real files stay far below (21 levels at most
 * in a corpus of 559), and the models walk the tree recursively, so deeper would overflow the stack.
 */
export const MAX_YAML_DEPTH = 256;

export interface YamlFile {
  file: SourceFile;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Plain JS value (aliases and `<<` merges resolved). */
  value: unknown;
  suppressions: InlineSuppression[];
}

export function parseYaml(file: SourceFile, opts: { merge?: boolean } = {}): YamlFile {
  const lines = new LineCounter();
  // The yaml package slows down badly on thousands of unclosed `[`/`{` (seconds per 50 KB), so
  // absurd flow nesting is refused before it is parsed.
  const tooDeepAt = flowNestingPast(file.text, MAX_YAML_DEPTH);
  if (tooDeepAt !== undefined) {
    const p = positionAt(file.text, tooDeepAt);
    throw new ParseError(file.path, tooDeep, p.line, p.column);
  }
  const merge = opts.merge ?? true;
  const doc = parseOrTooDeep(file, () => parseDocument(file.text, {
    lineCounter: lines,
    // The parser's own check compares each key with every earlier one (200,000 keys: minutes);
    // firstUnusableNode finds repeated keys with a set instead.
    uniqueKeys: false,
    merge,
    prettyErrors: false,
    keepSourceTokens: false,
    // Warnings would go to stderr as Node process warnings; the errors are what count.
    logLevel: 'error',
  }));
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'BAD_ALIAS');
  if (problem) {
    const p = lines.linePos(problem.pos[0]);
    const message = STACK_OVERFLOW.test(problem.message) ? tooDeep : `invalid YAML: ${firstLine(problem.message)}`;
    throw new ParseError(file.path, message, p.line, p.col);
  }
  const bad = firstUnusableNode(doc.contents, MAX_YAML_DEPTH, { mergeKeys: merge });
  if (bad) {
    const p = lines.linePos(bad.node.range?.[0] ?? 0);
    throw new ParseError(file.path, bad.invalidYaml ? `invalid YAML: ${bad.problem}` : bad.problem, p.line, p.col);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ParseError(file.path, /alias/i.test(msg) ? aliasBomb : STACK_OVERFLOW.test(msg) ? tooDeep : `invalid YAML: ${firstLine(msg)}`, 1, 1);
  }
  return { file, doc, lines, value, suppressions: collectSuppressions(file, doc, lines) };
}

const firstLine = (s: string) => s.split('\n')[0]!.trim();

const STACK_OVERFLOW = /call stack/i;

/** The yaml parser recurses per level: thousands of `- - - -` run it out of stack. */
function parseOrTooDeep<T>(file: SourceFile, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof RangeError && STACK_OVERFLOW.test(e.message)) throw new ParseError(file.path, tooDeep, 1, 1);
    throw e;
  }
}

const tooDeep = `maps and lists nested more than ${MAX_YAML_DEPTH} levels deep (limit); flatten the file`;
const aliasBomb = `more than ${MAX_ALIAS_COUNT} alias expansions (limit; an alias bomb?); expand the anchors by hand or use fewer aliases`;

/**
 * Offset of the first `[` or `{` that opens a flow collection deeper than `limit`, or undefined.
 * A quick scan, not a parser: it skips quoted strings and comments, and at the top level counts
 * only brackets where a flow collection can start (after `key:`, `-`, `?` or at a line's start).
 */
export function flowNestingPast(text: string, limit: number): number | undefined {
  if (countOf(text, '[') + countOf(text, '{') <= limit) return undefined;
  let depth = 0;
  let canStart = true; // where a scalar or collection may begin: line start, after `key:`, `-`, `?`
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '"' || c === "'") && (depth > 0 || canStart)) {
      i = endOfQuoted(text, i);
      canStart = false;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
      canStart = true;
    } else if (c === '[' || c === '{') {
      if (depth > 0 || canStart) {
        if (++depth > limit) return i;
      }
    } else if (c === ']' || c === '}') {
      if (depth > 0) depth--;
    } else if (depth === 0 && c !== ' ' && c !== '\t' && c !== '\r') {
      canStart = c === '\n' || c === ':' || c === '-' || c === '?';
    }
  }
  return undefined;
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** Offset just past the closing quote of the string starting at `start` (or the end of text). */
function endOfQuoted(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}

function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStartAt = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStartAt = i + 1;
    }
  }
  return { line, column: offset - lineStartAt + 1 };
}

/** What the yaml parser says of a repeated key, kept so messages read as before. */
const DUPLICATE_KEY = 'Map keys must be unique';

/**
 * The first map or list nested deeper than `limit`, or used as a key (`{ {a: 1}: x }`: no config
 * file has one, and the yaml package turns each into a string of its whole subtree, which grows
 * exponentially with nesting), or the first key repeated in its map (`<<` may repeat when it
 * merges). Walks without recursion, in linear time.
 */
export function firstUnusableNode(root: unknown, limit: number, opts: { mergeKeys?: boolean } = {}): { node: YamlNode; problem: string; invalidYaml?: true } | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  let repeated: { node: YamlNode; at: number } | undefined;
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limit) return { node: node as YamlNode, problem: tooDeep };
    const keys = isMap(node) ? new Set<unknown>() : undefined;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (isMap(item.key) || isSeq(item.key)) return { node: item.key as YamlNode, problem: 'a map or list is used as a key; keys must be plain names' };
        if (isScalar(item.key) && keys) {
          const k = item.key.value;
          if (keys.has(k) && !(opts.mergeKeys && k === '<<')) {
            const at = item.key.range?.[0] ?? 0;
            if (!repeated || at < repeated.at) repeated = { node: item.key as YamlNode, at };
          }
          keys.add(k);
        }
        stack.push({ node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return repeated && { node: repeated.node, problem: DUPLICATE_KEY, invalidYaml: true };
}

export function rangeOf(yf: YamlFile, node: YamlNode | null | undefined): Range {
  const r = node?.range;
  if (!r) return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  const s = yf.lines.linePos(r[0]);
  const e = yf.lines.linePos(r[1]);
  return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
}

export function locationOf(yf: YamlFile, node: YamlNode | null | undefined): Location {
  return { file: yf.file.path, range: rangeOf(yf, node) };
}

/** The pair `key: value` of a map by key, or undefined. */
export function pairOf(map: unknown, key: string): Pair<YamlNode, YamlNode | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of (map as YAMLMap<YamlNode, YamlNode | null>).items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return pair;
  }
  return undefined;
}

/** Follows a path of keys and list indexes through the node tree (aliases followed). */
export function nodeAt(yf: YamlFile, path: (string | number)[]): YamlNode | undefined {
  let node: unknown = yf.doc.contents;
  for (const step of path) {
    if (isAlias(node)) node = node.resolve(yf.doc);
    if (typeof step === 'number') {
      if (!isSeq(node)) return undefined;
      node = node.items[step];
    } else {
      const pair = pairOf(node, step);
      if (!pair) return undefined;
      node = pair.value;
    }
  }
  if (isAlias(node)) node = node.resolve(yf.doc);
  return (node as YamlNode | undefined) ?? undefined;
}

/** The key node at a path (for "point at the key, not the value" findings). */
export function keyAt(yf: YamlFile, path: (string | number)[]): YamlNode | undefined {
  const parent = nodeAt(yf, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === 'number') return isSeq(parent) ? (parent.items[last] as YamlNode) : undefined;
  return last === undefined ? undefined : (pairOf(parent, last)?.key ?? undefined);
}

/**
 * `# iac-guard-ignore rule: reason` on the line above a key (or at the end of its line)
 * covers that key's whole entry. The yaml CST attaches such comments to the next node as
 * `commentBefore`, or to the node as `comment` when trailing.
 */
function collectSuppressions(file: SourceFile, doc: Document.Parsed, lines: LineCounter): InlineSuppression[] {
  const out: InlineSuppression[] = [];
  if (!file.text.includes('iac-guard-ignore')) return out;
  const textLines = file.text.split(/\r?\n/);
  // Offsets of line starts, to turn "line N" into a range.
  const lineStart: number[] = [0];
  for (let i = 0; i < file.text.length; i++) if (file.text.charCodeAt(i) === 10) lineStart.push(i + 1);

  // Map each line number to the innermost pair/item starting on it.
  const entryByLine = new Map<number, { start: number; end: number }>();
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair)) return;
      const k = (pair.key as YamlNode | null)?.range;
      const v = (pair.value as YamlNode | null)?.range;
      if (!k) return;
      const line = lines.linePos(k[0]).line;
      if (!entryByLine.has(line)) entryByLine.set(line, { start: k[0], end: v ? v[1] : k[1] });
    },
    Seq(_, seq) {
      for (const item of seq.items as (YamlNode | null)[]) {
        const r = item?.range;
        if (!r) continue;
        const line = lines.linePos(r[0]).line;
        const prev = entryByLine.get(line);
        if (!prev || r[0] < prev.start) entryByLine.set(line, { start: r[0], end: r[1] });
      }
    },
  });

  const toRange = (start: number, end: number): Range => {
    const s = lines.linePos(start);
    const e = lines.linePos(end);
    return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
  };

  textLines.forEach((lineText, idx) => {
    const hash = findComment(lineText);
    if (hash < 0) return;
    const parsed = parseIgnoreComment(lineText.slice(hash));
    if (!parsed) return;
    const lineNo = idx + 1;
    const commentStart = (lineStart[idx] ?? 0) + hash;
    const comment = toRange(commentStart, (lineStart[idx] ?? 0) + lineText.length);
    // Trailing comment: covers the entry on its own line; own-line comment: the next entry.
    const ownLine = lineText.slice(0, hash).trim() === '';
    let target: { start: number; end: number } | undefined;
    if (!ownLine) target = entryByLine.get(lineNo);
    else {
      for (let l = lineNo + 1; l <= textLines.length; l++) {
        const t = textLines[l - 1]!.trim();
        if (t === '' || t.startsWith('#')) continue;
        target = entryByLine.get(l);
        break;
      }
    }
    out.push(inlineSuppression(file.path, parsed, comment, target ? toRange(target.start, target.end) : undefined));
  });
  return out;
}

/** Index of a `#` that starts a comment (not inside quotes), or -1. */
function findComment(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return -1;
}
