// Inline `iac-guard-ignore` comments in Terraform sources and in the scripts they read with
// `file()`: each comment covers the block, attribute or entry it stands above or trails.
import { inlineSuppression, parseIgnoreComment } from '../core/inline.js';
import type { InlineSuppression } from '../core/source.js';
import type { Range } from '../core/types.js';
import type { Expr, HclBody, HclFile, Span } from '../parsers/hcl-ast.js';

/** The things a comment can stand above: blocks, arguments, object elements. */
function entrySpans(body: HclBody, out: Span[]): void {
  for (const a of body.attributes) {
    out.push(a);
    exprEntries(a.expr, out);
  }
  for (const b of body.blocks) {
    out.push(b);
    entrySpans(b.body, out);
  }
}

function exprEntries(e: Expr, out: Span[]): void {
  if (e.type === 'object') {
    for (const i of e.items) {
      out.push(i);
      exprEntries(i.value, out);
    }
  } else if (e.type === 'tuple') {
    for (const i of e.items) exprEntries(i, out);
  } else if (e.type === 'call') {
    for (const a of e.args) exprEntries(a, out);
  } else if (e.type === 'paren') {
    exprEntries(e.expr, out);
  }
}

const SUPPRESSIONS = new WeakMap<HclFile, InlineSuppression[]>();

/**
 * `# iac-guard-ignore <rule>: <reason>` on its own line covers the block, argument or object
 * element that starts right after it (other comments may sit between); at the end of a line it
 * covers the first entry that starts on that line.
 */
export function hclSuppressions(file: HclFile): InlineSuppression[] {
  const cached = SUPPRESSIONS.get(file);
  if (cached) return cached;
  const out: InlineSuppression[] = [];
  const marked = file.comments.filter((c) => c.text.includes('iac-guard-ignore'));
  if (marked.length) {
    const entries: Span[] = [];
    entrySpans(file.body, entries);
    entries.sort((a, b) => a.start - b.start || b.end - a.end);
    const text = file.text;
    for (const c of marked) {
      const parsed = parseIgnoreComment(c.text);
      if (!parsed) continue;
      let covers: Span | undefined;
      if (file.syntax === 'json') {
        covers = entries.filter((e) => e.start < c.span.start && e.end > c.span.end).pop(); // the object it stands in
      } else {
        const lineStart = text.lastIndexOf('\n', c.span.start - 1) + 1;
        const trailing = text.slice(lineStart, c.span.start).trim() !== '';
        if (trailing) {
          covers = entries.find((e) => e.start >= lineStart && e.start < c.span.start);
        } else {
          const next = skipBlankAndComments(text, c.span.end, file);
          covers = entries.find((e) => e.start === next);
        }
      }
      const comment = file.range(c.span);
      out.push(inlineSuppression(file.path, parsed, comment, covers ? file.range(covers) : undefined));
    }
  }
  SUPPRESSIONS.set(file, out);
  return out;
}

function skipBlankAndComments(text: string, from: number, file: HclFile): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const c = file.comments.find((k) => k.span.start === i);
    if (!c) return i;
    i = c.span.end;
  }
}

/** In a shell script or cloud-init read by file(): a `# iac-guard-ignore` line covers the next line. */
export function scriptSuppressions(path: string, text: string): InlineSuppression[] {
  if (!text.includes('iac-guard-ignore')) return [];
  const out: InlineSuppression[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = line.indexOf('#');
    if (at < 0 || !line.includes('iac-guard-ignore')) return;
    const parsed = parseIgnoreComment(line.slice(at));
    if (!parsed) return;
    const own = line.slice(0, at).trim() === '';
    const target = own ? i + 1 : i;
    const targetLen = (lines[target] ?? '').length;
    out.push(inlineSuppression(path, parsed, rangeOf(i + 1, at + 1, i + 1, line.length + 1), rangeOf(target + 1, 1, target + 1, targetLen + 1)));
  });
  return out;
}

const rangeOf = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, column: sc }, end: { line: el, column: ec } });

