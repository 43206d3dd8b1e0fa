// Terraform's JSON syntax (`.tf.json`, cdktf synth output, `.tfvars.json`) into the same tree as
// native HCL, with positions. JSON.parse has no positions, so this is a small JSON reader that
// keeps the span of every key and value.
import type { Expr, HclAttribute, HclBlock, HclBody, HclComment, HclLabel, Span } from './hcl-ast.js';
import { HclSyntaxError, parseTemplateContent } from './hcl-syntax.js';

type JsonValue =
  | { kind: 'object'; span: Span; props: JsonProp[] }
  | { kind: 'array'; span: Span; items: JsonValue[] }
  | { kind: 'string'; span: Span; value: string; /** the raw text between the quotes equals the value */ plain: boolean }
  | { kind: 'number' | 'boolean' | 'null'; span: Span; value: number | boolean | null };

interface JsonProp {
  key: string;
  keySpan: Span;
  value: JsonValue;
}

/** Block types of Terraform's JSON syntax and how many labels each takes. */
const LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  ephemeral: 2,
  module: 1,
  variable: 1,
  output: 1,
  provider: 1,
  check: 1,
  locals: 0,
  terraform: 0,
  moved: 0,
  removed: 0,
  import: 0,
};

export interface ParsedJson {
  body: HclBody;
  /** `"//": "iac-guard-ignore …"` properties, as comments spanning the object they stand in. */
  comments: HclComment[];
}

/** `.tf.json`: a configuration in JSON syntax. */
export function parseTerraformJson(text: string): ParsedJson {
  const root = new JsonReader(text).document();
  if (root.kind !== 'object') throw new HclSyntaxError('Invalid JSON configuration; the root of a .tf.json file must be an object', root.span.start);
  const comments: HclComment[] = [];
  const blocks: HclBlock[] = [];
  for (const prop of root.props) {
    if (prop.key === '//') continue;
    const labelCount = LABELS[prop.key];
    if (labelCount === undefined) {
      throw new HclSyntaxError(`Unsupported block type; blocks of type "${prop.key}" are not expected here`, prop.keySpan.start);
    }
    collectBlocks(text, prop, labelCount, [], blocks, comments);
  }
  return { body: { attributes: [], blocks, json: true }, comments };
}

/** `.tfvars.json`: variable values, taken literally. */
export function parseTfvarsJson(text: string): ParsedJson {
  const root = new JsonReader(text).document();
  if (root.kind !== 'object') throw new HclSyntaxError('Invalid JSON variables file; the root must be an object of variable values', root.span.start);
  const attributes = root.props.map((p) => attribute(text, p, true));
  return { body: { attributes, blocks: [], json: true }, comments: [] };
}

function collectBlocks(text: string, prop: JsonProp, labelsLeft: number, labels: HclLabel[], out: HclBlock[], comments: HclComment[]): void {
  const value = prop.value;
  if (value.kind === 'array') {
    for (const item of value.items) collectBlocks(text, { ...prop, value: item }, labelsLeft, labels, out, comments);
    return;
  }
  if (value.kind !== 'object') {
    throw new HclSyntaxError(`Incorrect JSON value type; a JSON object is required for the contents of a "${prop.key}" block`, value.span.start);
  }
  if (labelsLeft > 0) {
    for (const child of value.props) {
      if (child.key === '//') continue;
      collectBlocks(text, { ...child, key: prop.key }, labelsLeft - 1, [...labels, { value: child.key, start: child.keySpan.start, end: child.keySpan.end }], out, comments);
    }
    return;
  }
  // In JSON a block starts at its innermost key: `"web": {` of `"resource": {"aws_instance": {"web": {`.
  out.push({ type: prop.key, typeEnd: prop.keySpan.end, labels, start: prop.keySpan.start, end: value.span.end, body: body(text, value, prop.key === 'variable', comments) });
}

function body(text: string, obj: Extract<JsonValue, { kind: 'object' }>, literalDefault: boolean, comments: HclComment[]): HclBody {
  const attributes: HclAttribute[] = [];
  for (const p of obj.props) {
    if (p.key === '//') {
      if (p.value.kind === 'string' && p.value.value.includes('iac-guard-ignore')) {
        comments.push({ span: { start: p.keySpan.start, end: p.value.span.end }, text: p.value.value });
      }
      continue;
    }
    attributes.push(attribute(text, p, literalDefault && p.key === 'default'));
  }
  return { attributes, blocks: [], json: true };
}

function attribute(text: string, p: JsonProp, literal: boolean): HclAttribute {
  return { name: p.key, nameEnd: p.keySpan.end, start: p.keySpan.start, end: p.value.span.end, expr: expression(text, p.value, literal) };
}

/** A JSON value as an HCL expression: strings are templates (`"${var.x}"`) unless `literal`. */
function expression(text: string, v: JsonValue, literal: boolean): Expr {
  switch (v.kind) {
    case 'object':
      return {
        type: 'object',
        ...v.span,
        items: v.props
          .filter((p) => p.key !== '//')
          .map((p) => {
            const key: Expr = { type: 'template', ...p.keySpan, parts: [{ type: 'text', ...p.keySpan, value: p.key }], heredoc: false };
            const value = expression(text, p.value, literal);
            return { name: p.key, key, value, start: p.keySpan.start, end: p.value.span.end };
          }),
      };
    case 'array':
      return { type: 'tuple', ...v.span, items: v.items.map((i) => expression(text, i, literal)) };
    case 'string': {
      const inner = { start: v.span.start + 1, end: v.span.end - 1 };
      if (literal || !/[$%]\{/.test(v.value)) {
        return { type: 'template', ...v.span, parts: [{ type: 'text', ...inner, value: v.value }], heredoc: false };
      }
      if (v.plain) return { ...parseTemplateContent(text, inner.start, inner.end), ...v.span };
      // Escapes shift offsets: parse the decoded string, then point every node at the whole string.
      return { ...(respan(parseTemplateContent(v.value), v.span) as Expr), ...v.span };
    }
    default:
      return { type: 'literal', ...v.span, value: v.value };
  }
}

function respan(node: unknown, span: Span): unknown {
  if (Array.isArray(node)) return node.map((n) => respan(n, span));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(node)) out[k] = k === 'start' ? span.start : k === 'end' ? span.end : respan(val, span);
    return out;
  }
  return node;
}

class JsonReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  document(): JsonValue {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) this.fail('Extraneous data after value; extra characters appear after the JSON value');
    return v;
  }

  private fail(message: string, at = this.pos): never {
    throw new HclSyntaxError(message, at);
  }

  private ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else return;
    }
  }

  private value(): JsonValue {
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const start = this.pos;
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(start, start + 64));
    if (!m) this.fail(c === undefined ? 'Invalid JSON; the file ends where a value is expected' : `Invalid JSON; a value is expected here, not ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    const span = { start, end: this.pos };
    if (m[0] === 'null') return { kind: 'null', span, value: null };
    if (m[0] === 'true' || m[0] === 'false') return { kind: 'boolean', span, value: m[0] === 'true' };
    return { kind: 'number', span, value: Number(m[0]) };
  }

  private object(): JsonValue {
    const start = this.pos++;
    const props: JsonProp[] = [];
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', span: { start, end: this.pos }, props };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('Invalid JSON; an object key in double quotes is expected here');
      const key = this.string() as Extract<JsonValue, { kind: 'string' }>;
      this.ws();
      if (this.text[this.pos] !== ':') this.fail('Invalid JSON; a colon is expected after an object key');
      this.pos++;
      this.ws();
      const value = this.value();
      props.push({ key: key.value, keySpan: key.span, value });
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return { kind: 'object', span: { start, end: this.pos }, props };
      }
      this.fail(c === undefined ? 'Invalid JSON; the file ends inside an object (missing "}")' : 'Invalid JSON; a comma or closing brace is expected after an object value');
    }
  }

  private array(): JsonValue {
    const start = this.pos++;
    const items: JsonValue[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', span: { start, end: this.pos }, items };
    }
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return { kind: 'array', span: { start, end: this.pos }, items };
      }
      this.fail(c === undefined ? 'Invalid JSON; the file ends inside an array (missing "]")' : 'Invalid JSON; a comma or closing bracket is expected after an array item');
    }
  }

  private string(): JsonValue {
    const start = this.pos;
    const t = this.text;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) this.fail('Invalid JSON; the file ends inside a string (missing closing quote)', start);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 32) this.fail('Invalid JSON; control characters (such as a line break) are not allowed inside a string', i);
      i++;
    }
    this.pos = i + 1;
    const raw = t.slice(start, this.pos);
    let value: string;
    try {
      value = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    } catch {
      this.fail('Invalid JSON; the string has an invalid escape sequence', start);
    }
    return { kind: 'string', span: { start, end: this.pos }, value, plain: !escaped };
  }
}
