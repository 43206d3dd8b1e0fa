// A recursive-descent parser for HCL native syntax (`.tf`, `.tfvars`), following HashiCorp's
// hclsyntax: newlines end arguments and separate object items, but are ignored inside
// parentheses, brackets and interpolations. It keeps the span of every node and every comment.
//
// Why not tree-sitter: on this project's 2-core machine the tree-sitter wasm parser ran at
// ~1.3 MB/s CPU; this parser runs well over ten times faster, so a 6 MB tree fits the 1.5 s budget.
// HashiCorp's own parser (@cdktf/hcl2json) is still the judge of syntax errors (see hcl.ts).
import type {
  BinaryOp,
  Expr,
  HclAttribute,
  HclBlock,
  HclBody,
  HclComment,
  HclLabel,
  ObjectItem,
  TemplateExpr,
  TemplatePart,
} from './hcl-ast.js';

/** A syntax error at an offset; hcl.ts turns it into a ParseError with HashiCorp's wording. */
export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** A limit of ours, not a syntax error: HashiCorp's parser has nothing to add. */
    readonly isLimit = false,
  ) {
    super(message);
    this.name = 'HclSyntaxError';
  }
}

export interface ParsedSyntax {
  body: HclBody;
  comments: HclComment[];
}

export function parseHclSyntax(text: string): ParsedSyntax {
  const p = new Parser(text, 0, text.length);
  const body = p.parseBody(false);
  return { body, comments: p.comments };
}

/** Parses `text[start, end)` as one expression (used for `--var` values and JSON `${}` strings). */
export function parseHclExpression(text: string, start = 0, end = text.length): Expr {
  const p = new Parser(text, start, end);
  p.newlinesMatter = false;
  p.skipWs();
  const expr = p.parseExpression();
  p.skipWs();
  if (p.pos < end) throw new HclSyntaxError('Extra characters after expression', p.pos);
  return expr;
}

/** Parses `text[start, end)` as template content with no surrounding quotes and no escapes (JSON strings). */
export function parseTemplateContent(text: string, start = 0, end = text.length): TemplateExpr {
  const p = new Parser(text, start, end);
  const parts = p.parseTemplateParts('raw', '');
  return { type: 'template', start, end, parts, heredoc: false };
}

const PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;

function isIdStart(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) return true;
  return c > 127 && ID_START.test(String.fromCodePoint(text.codePointAt(i)!));
}

function isIdContinue(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45) return true;
  return c > 127 && ID_CONTINUE.test(String.fromCodePoint(text.codePointAt(i)!));
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * An exact-size copy of a list built with push(): a pushed-to array keeps room for 16 or more
 * elements, and parse trees stay in memory for the whole run.
 */
const exact = <T>(list: T[]): T[] => (list.length ? list.slice() : list);

/** Adds a text part unless it is empty. */
function pushText(flat: FlatPart[], start: number, end: number, value: string): void {
  if (value !== '' || end > start) flat.push({ type: 'text', start, end, value });
}

/** Template tokens before if/for directives are nested. */
type FlatPart =
  | TemplatePart
  | { type: 'dir'; start: number; end: number; keyword: 'if' | 'else' | 'endif' | 'for' | 'endfor'; expr?: Expr; stripBefore: boolean; stripAfter: boolean }
  | { type: 'strip'; before: boolean; after: boolean; inner: TemplatePart };

/** Deeper nesting of blocks and expressions is refused (real configurations stay below ~30). */
export const MAX_HCL_DEPTH = 256;

class Parser {
  private depth = 0;
  pos: number;
  readonly comments: HclComment[] = [];
  private lastComment = -1;
  /**
   * Are newlines significant here (body, object) or not (parentheses, brackets)? Each construct
   * that changes it keeps the outer value in a local and puts it back when it ends.
   */
  newlinesMatter = true;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  private cc(i: number): number {
    return i < this.end ? this.text.charCodeAt(i) : -1;
  }

  private fail(message: string, offset = this.pos): never {
    throw new HclSyntaxError(message, offset);
  }

  private recordComment(start: number, end: number): void {
    if (start <= this.lastComment) return;
    this.lastComment = start;
    this.comments.push({ span: { start, end }, text: this.text.slice(start, end) });
  }

  /** Skips spaces and comments; newlines too unless they are significant here. */
  skipWs(newlinesMatter = this.newlinesMatter): void {
    const text = this.text;
    for (;;) {
      const c = this.cc(this.pos);
      if (c === 32 || c === 9 || c === 13) {
        this.pos++;
      } else if (c === 10) {
        if (newlinesMatter) return;
        this.pos++;
      } else if (c === 35 || (c === 47 && this.cc(this.pos + 1) === 47)) {
        let e = text.indexOf('\n', this.pos);
        if (e === -1 || e > this.end) e = this.end;
        const textEnd = e > this.pos && text.charCodeAt(e - 1) === 13 ? e - 1 : e;
        this.recordComment(this.pos, textEnd);
        this.pos = e;
      } else if (c === 47 && this.cc(this.pos + 1) === 42) {
        const e = text.indexOf('*/', this.pos + 2);
        if (e === -1 || e + 2 > this.end) this.fail('Unterminated comment; there is no closing "*/" for this comment', this.pos);
        this.recordComment(this.pos, e + 2);
        this.pos = e + 2;
      } else {
        return;
      }
    }
  }

  private readIdent(): string | undefined {
    const start = this.pos;
    const text = this.text;
    const end = this.end;
    if (!isIdStart(this.cc(start), text, start)) return undefined;
    let i = start + (text.codePointAt(start)! > 0xffff ? 2 : 1);
    while (i < end) {
      const c = text.charCodeAt(i);
      // ASCII letters, digits, `_` and `-` first: nearly every identifier is made of them.
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45) i++;
      else if (c > 127 && isIdContinue(c, text, i)) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
      else break;
    }
    this.pos = i;
    return text.slice(start, i);
  }

  private expect(ch: string, what: string): void {
    if (this.text.startsWith(ch, this.pos) && this.pos < this.end) {
      this.pos += ch.length;
      return;
    }
    this.fail(what);
  }

  // ---------------------------------------------------------------- bodies

  parseBody(inBlock: boolean): HclBody {
    this.enter();
    const body = this.parseBodyContent(inBlock);
    this.depth--;
    return body;
  }

  /**
   * One more level of nesting, refusing input nested past MAX_HCL_DEPTH before the stack runs out.
   * The caller steps back out when it returns; after an error the parser is discarded, so no
   * try/finally (and no closure per call) is needed.
   */
  private enter(): void {
    if (++this.depth > MAX_HCL_DEPTH) {
      throw new HclSyntaxError(`blocks and expressions nested more than ${MAX_HCL_DEPTH} levels deep (limit); flatten the structure`, this.pos, true);
    }
  }

  private parseBodyContent(inBlock: boolean): HclBody {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    /** Names already set, once the body is too long for a linear search. */
    let seen: Set<string> | undefined;
    for (;;) {
      this.skipWs(false);
      const c = this.cc(this.pos);
      if (c === -1) return { attributes: exact(attributes), blocks: exact(blocks) }; // in a block, the caller reports the unclosed brace
      if (c === 125 /* } */) {
        if (inBlock) return { attributes: exact(attributes), blocks: exact(blocks) };
        this.fail('Argument or block definition required; an argument or block definition is required here, not a closing brace');
      }
      const start = this.pos;
      const name = this.readIdent();
      if (name === undefined) this.fail('Argument or block definition required; an argument or block definition is required here');
      const nameEnd = this.pos;
      this.skipWs(true);
      if (this.cc(this.pos) === 61 /* = */ && this.cc(this.pos + 1) !== 61) {
        const attr = this.parseAttributeRest(name, start, nameEnd);
        if (attributes.length >= 16) seen ??= new Set(attributes.map((a) => a.name));
        if (seen ? seen.has(name) : attributes.some((a) => a.name === name)) {
          this.fail(`Attribute redefined; the argument "${name}" was already set. Each argument may be set only once`, start);
        }
        seen?.add(name);
        attributes.push(attr);
        this.endOfItem('argument');
      } else {
        blocks.push(this.parseBlockRest(name, start, nameEnd));
      }
    }
  }

  private parseAttributeRest(name: string, start: number, nameEnd: number): HclAttribute {
    this.pos++; // =
    const outer = this.newlinesMatter;
    this.newlinesMatter = true;
    this.skipWs();
    const expr = this.parseExpression();
    this.newlinesMatter = outer;
    return { name, nameEnd, start, end: expr.end, expr };
  }

  /** After an argument or block: a newline, a comment to the end of the line, or the end of the file. */
  private endOfItem(what: 'argument' | 'block'): void {
    this.skipWs(true);
    const c = this.cc(this.pos);
    if (c === 10) {
      this.pos++;
      return;
    }
    if (c === -1) return;
    this.fail(`Missing newline after ${what}; ${what === 'argument' ? 'an argument definition' : 'a block definition'} must end with a newline`);
  }

  private parseBlockRest(type: string, typeStart: number, typeEnd: number): HclBlock {
    const labels: HclLabel[] = [];
    for (;;) {
      this.skipWs(true);
      const c = this.cc(this.pos);
      if (c === 123 /* { */) break;
      if (c === 34 /* " */) {
        const start = this.pos;
        const t = this.parseQuoted();
        const only = t.parts[0];
        if (t.parts.length > 1 || (only && only.type !== 'text')) {
          this.fail('Invalid block label; block labels must be plain strings, without interpolation', start);
        }
        labels.push({ value: only?.type === 'text' ? only.value : '', start: t.start, end: t.end });
        continue;
      }
      const start = this.pos;
      const ident = this.readIdent();
      if (ident !== undefined) {
        labels.push({ value: ident, start, end: this.pos });
        continue;
      }
      if (c === 61) this.fail('Invalid block definition; a block definition must have block content delimited by "{" and "}"');
      this.fail(`Invalid block definition; either a quoted string block label or an opening brace ("{") is expected here`);
    }
    const open = this.pos;
    this.pos++;
    this.skipWs(true);
    let body: HclBody;
    const c = this.cc(this.pos);
    if (c === 10 || c === -1) {
      body = this.parseBody(true);
      if (this.cc(this.pos) !== 125) {
        this.fail('Unclosed configuration block; there is no closing brace for this block before the end of the file', open);
      }
      this.pos++;
    } else if (c === 125) {
      this.pos++;
      body = { attributes: [], blocks: [] };
    } else {
      // Single-line block: at most one argument, closed on the same line.
      const start = this.pos;
      const name = this.readIdent();
      if (name === undefined) this.fail('Invalid single-argument block definition; a single-line block definition can contain only a single argument');
      const nameEnd = this.pos;
      this.skipWs(true);
      if (this.cc(this.pos) !== 61 || this.cc(this.pos + 1) === 61) {
        this.fail('Invalid single-argument block definition; a single-line block definition can contain only a single argument, not a nested block');
      }
      const attr = this.parseAttributeRest(name, start, nameEnd);
      this.skipWs(true);
      if (this.cc(this.pos) !== 125) {
        this.fail('Invalid single-argument block definition; a single-line block definition must be closed on the same line, right after its one argument');
      }
      this.pos++;
      body = { attributes: [attr], blocks: [] };
    }
    const block: HclBlock = { type, typeEnd, labels: exact(labels), start: typeStart, end: this.pos, body };
    this.endOfItem('block');
    return block;
  }

  // ---------------------------------------------------------------- expressions

  parseExpression(): Expr {
    this.enter();
    const expr = this.parseConditional();
    this.depth--;
    return expr;
  }

  private parseConditional(): Expr {
    const cond = this.parseBinary(1);
    const save = this.pos;
    this.skipWs();
    if (this.cc(this.pos) !== 63 /* ? */) {
      this.pos = save;
      return cond;
    }
    this.pos++;
    this.skipWs();
    const then = this.parseExpression();
    this.skipWs();
    this.expect(':', 'Missing false expression in conditional; the conditional operator (...?...:...) requires a false expression, delimited by a colon');
    this.skipWs();
    const otherwise = this.parseExpression();
    return { type: 'conditional', start: cond.start, end: otherwise.end, cond, then, else: otherwise };
  }

  private peekBinaryOp(): BinaryOp | undefined {
    const c = this.cc(this.pos);
    const n = this.cc(this.pos + 1);
    switch (c) {
      case 124: // |
        return n === 124 ? '||' : undefined;
      case 38: // &
        return n === 38 ? '&&' : undefined;
      case 61: // =
        return n === 61 ? '==' : undefined;
      case 33: // !
        return n === 61 ? '!=' : undefined;
      case 60: // <
        return n === 61 ? '<=' : n === 60 ? undefined : '<';
      case 62: // >
        return n === 61 ? '>=' : '>';
      case 43:
        return '+';
      case 45:
        return '-';
      case 42:
        return '*';
      case 47:
        return '/';
      case 37:
        return n === 123 ? undefined : '%';
      default:
        return undefined;
    }
  }

  private parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const save = this.pos;
      this.skipWs();
      const op = this.peekBinaryOp();
      if (!op || PRECEDENCE[op] < minPrec) {
        this.pos = save;
        return left;
      }
      this.pos += op.length;
      const right = this.parseBinary(PRECEDENCE[op] + 1);
      left = { type: 'binary', start: left.start, end: right.end, op, left, right };
    }
  }

  private parseUnary(): Expr {
    this.skipWs();
    const c = this.cc(this.pos);
    if ((c === 33 && this.cc(this.pos + 1) !== 61) || c === 45) {
      const start = this.pos;
      this.pos++;
      const operand = this.parseUnary();
      return { type: 'unary', start, end: operand.end, op: c === 33 ? '!' : '-', operand };
    }
    return this.parsePostfix(this.parseTerm());
  }

  private parseTerm(): Expr {
    const start = this.pos;
    const c = this.cc(start);
    if (isDigit(c)) return this.parseNumber();
    if (c === 34) return this.parseQuoted();
    if (c === 60 && this.cc(start + 1) === 60) return this.parseHeredoc();
    if (c === 91) return this.parseTupleOrFor();
    if (c === 123) return this.parseObjectOrFor();
    if (c === 40) {
      this.pos++;
      const outer = this.newlinesMatter;
      this.newlinesMatter = false;
      this.skipWs();
      const expr = this.parseExpression();
      this.skipWs();
      this.expect(')', 'Unbalanced parentheses; expected a closing parenthesis to terminate the expression');
      this.newlinesMatter = outer;
      return { type: 'paren', start, end: this.pos, expr };
    }
    const name = this.readIdent();
    if (name === undefined) {
      if (c === -1 || c === 10) this.fail('Invalid expression; expected the start of an expression, but found the end of the line');
      this.fail(`Invalid expression; expected the start of an expression, but found ${JSON.stringify(this.text[this.pos])}`);
    }
    let fullName = name;
    while (this.cc(this.pos) === 58 && this.cc(this.pos + 1) === 58) {
      const save = this.pos;
      this.pos += 2;
      const part = this.readIdent();
      if (part === undefined) {
        this.pos = save;
        break;
      }
      fullName += `::${part}`;
    }
    const afterName = this.pos;
    this.skipWs(true);
    if (this.cc(this.pos) === 40) return this.parseCallRest(fullName, start);
    this.pos = afterName;
    if (fullName !== name) this.fail('Invalid expression; a namespaced name must be a function call', start);
    if (name === 'true' || name === 'false') return { type: 'literal', start, end: this.pos, value: name === 'true' };
    if (name === 'null') return { type: 'literal', start, end: this.pos, value: null };
    return { type: 'scope', start, end: this.pos, name };
  }

  private parseNumber(): Expr {
    const start = this.pos;
    let i = start;
    while (isDigit(this.cc(i))) i++;
    if (this.cc(i) === 46 && isDigit(this.cc(i + 1))) {
      i++;
      while (isDigit(this.cc(i))) i++;
    }
    const e = this.cc(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      if (this.cc(j) === 43 || this.cc(j) === 45) j++;
      if (isDigit(this.cc(j))) {
        while (isDigit(this.cc(j))) j++;
        i = j;
      }
    }
    this.pos = i;
    return { type: 'literal', start, end: i, value: Number(this.text.slice(start, i)) };
  }

  private parseCallRest(name: string, start: number): Expr {
    this.pos++; // (
    const outer = this.newlinesMatter;
    this.newlinesMatter = false;
    const args: Expr[] = [];
    let expandFinal = false;
    this.skipWs();
    if (this.cc(this.pos) !== 41) {
      for (;;) {
        args.push(this.parseExpression());
        this.skipWs();
        if (this.text.startsWith('...', this.pos)) {
          expandFinal = true;
          this.pos += 3;
          this.skipWs();
          if (this.cc(this.pos) === 44) {
            this.pos++;
            this.skipWs();
          }
          break;
        }
        if (this.cc(this.pos) === 44) {
          this.pos++;
          this.skipWs();
          if (this.cc(this.pos) === 41) break;
          continue;
        }
        break;
      }
    }
    this.expect(')', `Missing argument separator; a comma is required to separate each function argument from the next`);
    this.newlinesMatter = outer;
    return { type: 'call', start, end: this.pos, name, args: exact(args), expandFinal };
  }

  private parsePostfix(term: Expr): Expr {
    let expr = term;
    for (;;) {
      // HashiCorp allows a traversal to continue after whitespace (and, inside brackets, newlines).
      const save = this.pos;
      this.skipWs();
      const c = this.cc(this.pos);
      if (c !== 46 && c !== 91) {
        this.pos = save;
        return expr;
      }
      if (c === 46 /* . */) {
        const n = this.cc(this.pos + 1);
        if (n === 46) {
          this.pos = save;
          return expr; // `...` after a function argument
        }
        this.pos++;
        this.skipWs(); // inside brackets the name may be on the next line
        const after = this.cc(this.pos);
        if (after === 42 /* * */) {
          this.pos++;
          expr = { type: 'splat', start: expr.start, end: this.pos, object: expr };
          continue;
        }
        if (isDigit(after)) {
          const s = this.pos;
          let i = s;
          while (isDigit(this.cc(i))) i++;
          this.pos = i;
          const key = { type: 'literal' as const, start: s, end: i, value: Number(this.text.slice(s, i)) };
          expr = { type: 'index', start: expr.start, end: i, object: expr, key };
          continue;
        }
        const name = this.readIdent();
        if (name === undefined) this.fail('Invalid attribute name; an attribute name is required after a dot');
        expr = { type: 'getattr', start: expr.start, end: this.pos, object: expr, name };
        continue;
      }
      if (c === 91 /* [ */) {
        if (this.text.startsWith('[*]', this.pos)) {
          this.pos += 3;
          expr = { type: 'splat', start: expr.start, end: this.pos, object: expr };
          continue;
        }
        this.pos++;
        const outer = this.newlinesMatter;
        this.newlinesMatter = false;
        this.skipWs();
        const key = this.parseExpression();
        this.skipWs();
        this.expect(']', 'Missing close bracket on index; the index operator must end with a closing bracket ("]")');
        this.newlinesMatter = outer;
        expr = { type: 'index', start: expr.start, end: this.pos, object: expr, key };
      }
    }
  }

  /** After `[` or `{`: is this a `for` expression? */
  private atForKeyword(): boolean {
    if (!this.text.startsWith('for', this.pos)) return false;
    const n = this.cc(this.pos + 3);
    return n === 32 || n === 9 || n === 10 || n === 13;
  }

  private parseForIntro(): { keyVar: string | undefined; valueVar: string; collection: Expr } {
    this.pos += 3;
    this.skipWs();
    const first = this.readIdent();
    if (first === undefined) this.fail('Invalid "for" expression; a variable name is required after "for"');
    this.skipWs();
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.cc(this.pos) === 44) {
      this.pos++;
      this.skipWs();
      const second = this.readIdent();
      if (second === undefined) this.fail('Invalid "for" expression; a value variable name is required after the comma');
      keyVar = first;
      valueVar = second;
      this.skipWs();
    }
    if (!this.atKeyword('in')) this.fail('Invalid "for" expression; the keyword "in" is required after the variable names');
    this.pos += 2;
    this.skipWs();
    const collection = this.parseExpression();
    this.skipWs();
    this.expect(':', 'Invalid "for" expression; a colon is required after the collection expression');
    this.skipWs();
    return { keyVar, valueVar, collection };
  }

  /** A whole word here (`in` but not `inputs`). */
  private atKeyword(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.pos + word.length;
    const c = this.cc(after);
    return c === -1 || !isIdContinue(c, this.text, after);
  }

  private parseForCond(): Expr | undefined {
    this.skipWs();
    if (this.atKeyword('if')) {
      this.pos += 2;
      this.skipWs();
      const cond = this.parseExpression();
      this.skipWs();
      return cond;
    }
    return undefined;
  }

  private parseTupleOrFor(): Expr {
    const start = this.pos;
    this.pos++;
    const outer = this.newlinesMatter;
    this.newlinesMatter = false;
    this.skipWs();
    if (this.atForKeyword()) {
      const { keyVar, valueVar, collection } = this.parseForIntro();
      const valueExpr = this.parseExpression();
      const cond = this.parseForCond();
      this.skipWs();
      this.expect(']', 'Invalid "for" expression; a closing bracket is required to end a tuple "for" expression');
      this.newlinesMatter = outer;
      return { type: 'for', start, end: this.pos, keyVar, valueVar, collection, keyExpr: undefined, valueExpr, cond };
    }
    const items: Expr[] = [];
    while (this.cc(this.pos) !== 93) {
      items.push(this.parseExpression());
      this.skipWs();
      if (this.cc(this.pos) === 44) {
        this.pos++;
        this.skipWs();
        continue;
      }
      if (this.cc(this.pos) !== 93) this.fail('Missing item separator; expected a comma to mark the beginning of the next item');
    }
    this.pos++;
    this.newlinesMatter = outer;
    return { type: 'tuple', start, end: this.pos, items: exact(items) };
  }

  private parseObjectOrFor(): Expr {
    const start = this.pos;
    this.pos++;
    const outer = this.newlinesMatter;
    this.newlinesMatter = false;
    this.skipWs();
    if (this.atForKeyword()) {
      const { keyVar, valueVar, collection } = this.parseForIntro();
      const keyExpr = this.parseExpression();
      this.skipWs();
      this.expect('=>', 'Invalid "for" expression; an object "for" expression must have a key and a value separated by "=>"');
      this.skipWs();
      const valueExpr = this.parseExpression();
      this.skipWs();
      if (this.text.startsWith('...', this.pos)) this.pos += 3;
      const cond = this.parseForCond();
      this.skipWs();
      this.expect('}', 'Invalid "for" expression; a closing brace is required to end an object "for" expression');
      this.newlinesMatter = outer;
      return { type: 'for', start, end: this.pos, keyVar, valueVar, collection, keyExpr, valueExpr, cond };
    }
    // Inside an object constructor newlines separate items (like commas), so they matter again.
    this.newlinesMatter = true;
    const items: ObjectItem[] = [];
    for (;;) {
      this.skipWs(false);
      if (this.cc(this.pos) === 125) break;
      if (this.cc(this.pos) === -1) this.fail('Unterminated object constructor; there is no closing brace for this object', start);
      const key = this.parseExpression();
      this.skipWs();
      const c = this.cc(this.pos);
      if (c === 61 && this.cc(this.pos + 1) !== 61 && this.cc(this.pos + 1) !== 62) this.pos++;
      else if (c === 58) this.pos++;
      else this.fail('Missing key/value separator; expected an equals sign ("=") to mark the beginning of the attribute value');
      this.skipWs();
      const value = this.parseExpression();
      items.push({ name: literalKeyName(key), key, value, start: key.start, end: value.end });
      this.skipWs();
      const sep = this.cc(this.pos);
      if (sep === 44 || sep === 10) {
        this.pos++;
        continue;
      }
      if (sep === 125) break;
      this.fail('Missing attribute separator; expected a newline or comma to mark the beginning of the next attribute');
    }
    this.pos++;
    this.newlinesMatter = outer;
    return { type: 'object', start, end: this.pos, items: exact(items) };
  }

  // ---------------------------------------------------------------- templates

  parseQuoted(): TemplateExpr {
    const start = this.pos;
    this.pos++;
    const parts = this.parseTemplateParts('quoted', '');
    return { type: 'template', start, end: this.pos, parts, heredoc: false };
  }

  private parseHeredoc(): TemplateExpr {
    const start = this.pos;
    this.pos += 2;
    const flush = this.cc(this.pos) === 45;
    if (flush) this.pos++;
    const marker = this.readIdent();
    if (marker === undefined) this.fail('Invalid heredoc; a heredoc marker identifier is required after "<<"', start);
    if (this.cc(this.pos) === 13) this.pos++;
    if (this.cc(this.pos) !== 10) this.fail('Invalid heredoc; the heredoc marker must be followed immediately by a newline', this.pos);
    this.pos++;
    const raw = this.parseTemplateParts('heredoc', marker);
    const parts = flush ? flushIndent(raw) : raw;
    return { type: 'template', start, end: this.pos, parts, heredoc: true };
  }

  /** Is the line starting at `i` the heredoc's closing marker? Returns the offset after the marker. */
  private closingMarkerAt(i: number, marker: string): number | undefined {
    let j = i;
    while (this.cc(j) === 32 || this.cc(j) === 9) j++;
    if (!this.text.startsWith(marker, j)) return undefined;
    const after = j + marker.length;
    const c = this.cc(after);
    if (c === -1 || c === 10 || (c === 13 && this.cc(after + 1) === 10)) return after;
    return undefined;
  }

  /**
   * Template content up to the closing quote (`quoted`), the closing marker line (`heredoc`) or
   * the end of the range (`raw`, JSON strings). Quoted strings take backslash escapes.
   */
  parseTemplateParts(mode: 'quoted' | 'heredoc' | 'raw', marker: string): TemplatePart[] {
    const flat: FlatPart[] = [];
    const text = this.text;
    const end = this.end;
    const quoted = mode === 'quoted';
    const heredoc = mode === 'heredoc';
    const openedAt = this.pos - 1;
    // The text of the current part is `decoded` + text[verbatim, i): source text is sliced once per
    // part, and only escapes (`\n`, `$${`) are decoded into `decoded`.
    let decoded = '';
    let partStart = this.pos;
    let verbatim = this.pos;
    /** Strip markers or directives seen: only then do the parts need rework. */
    let special = false;
    let i = this.pos;
    if (heredoc) {
      const after = this.closingMarkerAt(i, marker);
      if (after !== undefined) {
        this.pos = after;
        return [];
      }
    }
    for (;;) {
      const c = i < end ? text.charCodeAt(i) : -1;
      // Everything but these characters is plain text.
      if (c !== 10 && c !== 34 && c !== 36 && c !== 37 && c !== 92 && c !== -1) {
        i++;
        continue;
      }
      if (c === -1) {
        if (mode === 'raw') {
          pushText(flat, partStart, i, decoded + text.slice(verbatim, i));
          this.pos = i;
          break;
        }
        this.fail(
          heredoc ? `Unterminated template string; no closing marker "${marker}" was found for this heredoc` : 'Unterminated template string; no closing marker was found for the string',
          openedAt,
        );
      }
      if (c === 34) {
        if (quoted) {
          pushText(flat, partStart, i, decoded + text.slice(verbatim, i));
          this.pos = i + 1;
          break;
        }
        i++;
      } else if (c === 10) {
        if (quoted) {
          this.fail('Invalid multi-line string; quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the "heredoc" multi-line template syntax', openedAt);
        }
        i++;
        if (heredoc) {
          const after = this.closingMarkerAt(i, marker);
          if (after !== undefined) {
            pushText(flat, partStart, i, decoded + text.slice(verbatim, i));
            this.pos = after;
            break;
          }
        }
      } else if (c === 92) {
        if (quoted) {
          this.pos = i;
          decoded += text.slice(verbatim, i) + this.readEscape();
          i = verbatim = this.pos;
        } else {
          i++;
        }
      } else if (i + 1 < end && text.charCodeAt(i + 1) === 123) {
        // `${` or `%{`
        pushText(flat, partStart, i, decoded + text.slice(verbatim, i));
        this.pos = i;
        const seq = this.parseTemplateSequence(c === 36);
        if (seq.type === 'dir' || seq.type === 'strip') special = true;
        flat.push(seq);
        decoded = '';
        i = partStart = verbatim = this.pos;
      } else if (this.cc(i + 1) === c && this.cc(i + 2) === 123) {
        // `$${` and `%%{` stand for a literal `${` and `%{`.
        decoded += text.slice(verbatim, i) + (c === 36 ? '${' : '%{');
        i = verbatim = i + 3;
      } else {
        i++;
      }
    }
    return special ? nestDirectives(applyStripMarkers(flat), this) : exact(flat as TemplatePart[]);
  }

  private readEscape(): string {
    const i = this.pos;
    const n = this.text[i + 1];
    this.pos += 2;
    switch (n) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'u':
      case 'U': {
        const len = n === 'u' ? 4 : 8;
        const hex = this.text.slice(i + 2, i + 2 + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) this.fail('Invalid escape sequence; the \\u or \\U escape must be followed by hexadecimal digits', i);
        this.pos += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        this.fail(`Invalid escape sequence; the symbol ${JSON.stringify(n ?? '')} is not a valid escape sequence selector`, i);
    }
  }

  /** `${ expr }` or `%{ directive }`, with optional `~` strip markers. */
  private parseTemplateSequence(interpolation: boolean): FlatPart {
    const start = this.pos;
    this.pos += 2;
    const stripBefore = this.cc(this.pos) === 126;
    if (stripBefore) this.pos++;
    const outer = this.newlinesMatter;
    this.newlinesMatter = false;
    this.skipWs();
    let result: FlatPart;
    if (interpolation) {
      const expr = this.parseExpression();
      this.skipWs();
      const stripAfter = this.cc(this.pos) === 126;
      if (stripAfter) this.pos++;
      this.expect('}', 'Extra characters after interpolation expression; expected a closing brace to end the interpolation expression');
      const part: TemplatePart = { type: 'interp', start, end: this.pos, expr };
      result = stripBefore || stripAfter ? { type: 'strip', before: stripBefore, after: stripAfter, inner: part } : part;
    } else {
      const kwStart = this.pos;
      const keyword = this.readIdent();
      let expr: Expr | undefined;
      if (keyword === 'if') {
        this.skipWs();
        expr = this.parseExpression();
      } else if (keyword === 'for') {
        // `%{ for k, v in coll }`: only the collection matters to us.
        this.skipWs();
        if (this.readIdent() === undefined) this.fail('Invalid template directive; a variable name is required after "for"');
        this.skipWs();
        if (this.cc(this.pos) === 44) {
          this.pos++;
          this.skipWs();
          this.readIdent();
          this.skipWs();
        }
        if (!this.atKeyword('in')) this.fail('Invalid template directive; the keyword "in" is required after the variable names');
        this.pos += 2;
        this.skipWs();
        expr = this.parseExpression();
      } else if (keyword !== 'else' && keyword !== 'endif' && keyword !== 'endfor') {
        this.fail('Invalid template directive; a template directive keyword ("if", "for", etc) is expected at the beginning of a %{ sequence', kwStart);
      }
      this.skipWs();
      const stripAfter = this.cc(this.pos) === 126;
      if (stripAfter) this.pos++;
      this.expect('}', 'Extra characters in template directive; expected a closing brace to end the sequence');
      result = { type: 'dir', start, end: this.pos, keyword, ...(expr ? { expr } : {}), stripBefore, stripAfter };
    }
    this.newlinesMatter = outer;
    return result;
  }

  failAt(message: string, offset: number): never {
    this.fail(message, offset);
  }
}

function literalKeyName(key: Expr): string | undefined {
  if (key.type === 'scope') return key.name;
  if (key.type === 'literal' && key.value !== null) return String(key.value);
  if (key.type === 'template' && key.parts.length <= 1) {
    const p = key.parts[0];
    if (!p) return '';
    if (p.type === 'text') return p.value;
  }
  return undefined;
}

const trimEndWs = (s: string) => s.replace(/[ \t\r\n]+$/, '');
const trimStartWs = (s: string) => s.replace(/^[ \t\r\n]+/, '');

/** `${~ x ~}`: trims the whitespace of the literal text before and after. */
function applyStripMarkers(flat: FlatPart[]): FlatPart[] {
  const out: FlatPart[] = [];
  for (let i = 0; i < flat.length; i++) {
    const p = flat[i]!;
    const before = p.type === 'strip' ? p.before : p.type === 'dir' ? p.stripBefore : false;
    const after = p.type === 'strip' ? p.after : p.type === 'dir' ? p.stripAfter : false;
    if (before) {
      const prev = out[out.length - 1];
      if (prev?.type === 'text') out[out.length - 1] = { ...prev, value: trimEndWs(prev.value) };
    }
    out.push(p.type === 'strip' ? p.inner : p);
    if (after) {
      const next = flat[i + 1];
      if (next?.type === 'text') flat[i + 1] = { ...next, value: trimStartWs(next.value) };
    }
  }
  return out;
}

/** Turns the flat `%{if}`/`%{for}` markers into nested parts. */
function nestDirectives(flat: FlatPart[], parser: Parser): TemplatePart[] {
  let i = 0;
  const parse = (until: readonly string[]): { parts: TemplatePart[]; stop?: string } => {
    const parts: TemplatePart[] = [];
    while (i < flat.length) {
      const p = flat[i]!;
      if (p.type !== 'dir') {
        parts.push(p as TemplatePart);
        i++;
        continue;
      }
      if (until.includes(p.keyword)) {
        i++;
        return { parts, stop: p.keyword };
      }
      i++;
      if (p.keyword === 'if') {
        const thenPart = parse(['else', 'endif']);
        let elsePart: TemplatePart[] = [];
        if (thenPart.stop === 'else') {
          const e = parse(['endif']);
          if (e.stop !== 'endif') parser.failAt('Unterminated template directive; the "if" directive has no matching "endif"', p.start);
          elsePart = e.parts;
        } else if (thenPart.stop !== 'endif') {
          parser.failAt('Unterminated template directive; the "if" directive has no matching "endif"', p.start);
        }
        parts.push({ type: 'if', start: p.start, end: p.end, cond: p.expr!, then: thenPart.parts, else: elsePart });
      } else if (p.keyword === 'for') {
        const body = parse(['endfor']);
        if (body.stop !== 'endfor') parser.failAt('Unterminated template directive; the "for" directive has no matching "endfor"', p.start);
        parts.push({ type: 'for', start: p.start, end: p.end, collection: p.expr!, body: body.parts });
      } else {
        parser.failAt(`Unexpected "${p.keyword}" directive; there is no open "if" or "for" directive here`, p.start);
      }
    }
    return { parts };
  };
  return parse([]).parts;
}

/**
 * `<<-EOT`: removes the indentation shared by every line that has content, like HashiCorp's
 * parser. A line that starts with an interpolation counts as indented by the whitespace before it.
 * Scans the text with indexes rather than splitting it into lines: heredocs are common and long.
 */
function flushIndent(parts: TemplatePart[]): TemplatePart[] {
  let min = Infinity;
  let atLineStart = true;
  for (let idx = 0; idx < parts.length; idx++) {
    const p = parts[idx]!;
    if (p.type !== 'text') {
      if (atLineStart) min = 0;
      atLineStart = false;
      continue;
    }
    const value = p.value;
    for (let lineStart = 0; ; ) {
      const nl = value.indexOf('\n', lineStart);
      const lineEnd = nl === -1 ? value.length : nl;
      if (atLineStart) {
        const ws = leadingWs(value, lineStart, lineEnd);
        const interpolationFollows = nl === -1 && idx < parts.length - 1;
        if (ws < lineEnd - lineStart || interpolationFollows) {
          min = Math.min(min, ws);
          atLineStart = false;
        }
      }
      if (nl === -1) break;
      lineStart = nl + 1;
      atLineStart = true;
    }
  }
  if (min === Infinity || min === 0) return parts;
  atLineStart = true;
  return parts.map((p) => {
    if (p.type !== 'text') {
      atLineStart = false;
      return p;
    }
    const value = p.value;
    const lines: string[] = [];
    for (let lineStart = 0; ; ) {
      const nl = value.indexOf('\n', lineStart);
      const lineEnd = nl === -1 ? value.length : nl;
      const cut = atLineStart ? Math.min(min, leadingWs(value, lineStart, lineEnd)) : 0;
      atLineStart = false;
      lines.push(value.slice(lineStart + cut, nl === -1 ? lineEnd : nl + 1));
      if (nl === -1) break;
      lineStart = nl + 1;
      atLineStart = true;
    }
    return { ...p, value: lines.join('') };
  });
}

/** Spaces and tabs at the start of `s[start, end)`. */
function leadingWs(s: string, start: number, end: number): number {
  let i = start;
  while (i < end && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i - start;
}
