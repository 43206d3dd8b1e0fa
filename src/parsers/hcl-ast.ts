// The syntax tree of one Terraform file (native HCL, `.tf.json` or tfvars), with the source span
// of every block, label, attribute and expression. Spans are UTF-16 offsets into the file text;
// `HclFile.range()` turns them into 1-based line:column.
import { LineIndex } from './line-index.js';
import type { Range } from '../core/types.js';

export interface Span {
  start: number;
  end: number;
}

// Every node carries its own start and end offsets, so a node is a Span (`file.range(node)`):
// a separate span object per node was half of all objects a parse allocated, and most of the
// garbage collector's work.

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | TupleExpr
  | ObjectExpr
  | ScopeExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | CallExpr
  | ConditionalExpr
  | UnaryExpr
  | BinaryExpr
  | ForExpr
  | ParenExpr;

export interface LiteralExpr {
  type: 'literal';
  start: number;
  end: number;
  value: string | number | boolean | null;
}

/** A quoted string or heredoc. A string with no interpolation is a template of one literal part. */
export interface TemplateExpr {
  type: 'template';
  start: number;
  end: number;
  parts: TemplatePart[];
  heredoc: boolean;
}

export type TemplatePart =
  | { type: 'text'; start: number; end: number; value: string }
  | { type: 'interp'; start: number; end: number; expr: Expr }
  | { type: 'if'; start: number; end: number; cond: Expr; then: TemplatePart[]; else: TemplatePart[] }
  | { type: 'for'; start: number; end: number; collection: Expr; body: TemplatePart[] };

export interface TupleExpr {
  type: 'tuple';
  start: number;
  end: number;
  items: Expr[];
}

export interface ObjectItem {
  /** The key as a literal name (`a = 1`, `"a" = 1`, `a: 1`); undefined for computed keys `(var.k) = 1`. */
  name: string | undefined;
  key: Expr;
  value: Expr;
  /** From the key's first character to the end of the value. */
  start: number;
  end: number;
}

export interface ObjectExpr {
  type: 'object';
  start: number;
  end: number;
  items: ObjectItem[];
}

/** The root name of a reference: `var` in `var.x`, `aws_instance` in `aws_instance.web.id`. */
export interface ScopeExpr {
  type: 'scope';
  start: number;
  end: number;
  name: string;
}

export interface GetAttrExpr {
  type: 'getattr';
  start: number;
  end: number;
  object: Expr;
  name: string;
}

export interface IndexExpr {
  type: 'index';
  start: number;
  end: number;
  object: Expr;
  key: Expr;
}

export interface SplatExpr {
  type: 'splat';
  start: number;
  end: number;
  object: Expr;
}

export interface CallExpr {
  type: 'call';
  start: number;
  end: number;
  /** Including a provider namespace (`provider::aws::arn_parse`). */
  name: string;
  args: Expr[];
  /** `f(list...)`: the last argument is expanded. */
  expandFinal: boolean;
}

export interface ConditionalExpr {
  type: 'conditional';
  start: number;
  end: number;
  cond: Expr;
  then: Expr;
  else: Expr;
}

export interface UnaryExpr {
  type: 'unary';
  start: number;
  end: number;
  op: '!' | '-';
  operand: Expr;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  type: 'binary';
  start: number;
  end: number;
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface ForExpr {
  type: 'for';
  start: number;
  end: number;
  collection: Expr;
  keyVar: string | undefined;
  valueVar: string;
  /** Object for-expressions (`{for k, v in x : k => v}`) have a key expression. */
  keyExpr: Expr | undefined;
  valueExpr: Expr;
  cond: Expr | undefined;
}

export interface ParenExpr {
  type: 'paren';
  start: number;
  end: number;
  expr: Expr;
}

export interface HclAttribute {
  name: string;
  /** The name starts where the attribute starts and ends here. */
  nameEnd: number;
  /** From the name to the end of the value. */
  start: number;
  end: number;
  expr: Expr;
}

export interface HclLabel {
  value: string;
  start: number;
  end: number;
}

export interface HclBlock {
  type: string;
  /** The type keyword starts where the block starts and ends here. */
  typeEnd: number;
  labels: HclLabel[];
  /** From the type keyword to the closing brace. */
  start: number;
  end: number;
  body: HclBody;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
  /**
   * Set for `.tf.json` bodies: JSON cannot tell a nested block from a map argument without the
   * provider schema, so an object-valued property answers both as an attribute and as block(s).
   */
  json?: boolean;
}

export interface HclComment {
  span: Span;
  text: string;
}

export type HclSyntax = 'hcl' | 'json';

/** A parsed file: its tree, its comments and a line index for positions. */
export class HclFile {
  private readonly lines: LineIndex;

  constructor(
    /** Display path. */
    readonly path: string,
    readonly absPath: string,
    readonly text: string,
    readonly syntax: HclSyntax,
    readonly body: HclBody,
    readonly comments: HclComment[],
  ) {
    this.lines = new LineIndex(text);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    return this.lines.position(offset);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** Offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.lines.lineStart(line);
  }

  source(span: Span): string {
    return this.text.slice(span.start, span.end);
  }
}

export { lineStartsOf } from './line-index.js';
