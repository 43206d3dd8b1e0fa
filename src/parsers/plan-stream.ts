// Terraform plans too big to read as one string (a 100,000-resource plan is ~330 MB, and V8 strings
// stop at 512 MiB). The file is read in fixed-size chunks; a byte scanner validates the document's
// skeleton (objects, keys, colons, commas, nothing after the end) and cuts the big lists
// (resource_changes, resource_drift, the `resources` of planned_values and prior_state modules)
// into elements, each JSON.parse'd from its own slice. Every other value is parsed as one slice.
// So every byte is validated, the file is never one string, and the result is the same value
// JSON.parse of the whole would give. Positions are rebuilt from marks recorded during the scan.
import { closeSync, openSync, readSync } from 'node:fs';
import { constants as bufferConstants, isUtf8 } from 'node:buffer';
import { ParseError } from '../core/errors.js';
import type { SourceFile } from '../core/source.js';
import type { Position, Range } from '../core/types.js';
import { checkPlan, describePath, duplicateKeyMessage, findDuplicateKey, locateSyntaxError, offsetOfPath, type JsonPath, type ParsedPlan, type PlanPositions } from './plan.js';

/** The longest string V8 can make (~512 MiB): no single value of a plan may be bigger. */
export const MAX_VALUE_BYTES = bufferConstants.MAX_STRING_LENGTH;

const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

/** How terraform separates two elements of resource_changes or of a module's resources. */
const ELEMENT_BOUNDARY = Buffer.from('},{"address":"');
/** How terraform starts them: the address is found without reading the element again. */
const ADDRESS_FIRST = Buffer.from('{"address":"');
/** Offset of the address value in such an element. */
const ADDRESS_OFFSET = ADDRESS_FIRST.length - 1;
/** A guessed element end further away is not tried (a wrong guess costs a parse of that much). */
const MAX_GUESSED_ELEMENT = 1024 * 1024;
/** What `parse` returns for bytes that are not one JSON value. */
const NOT_JSON = Symbol('not JSON');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LF = 0x0a;

/** Bytes that end a number, `true`, `false` or `null`. */
const ENDS_SCALAR = new Uint8Array(256);
for (const c of [COMMA, RBRACE, RBRACKET, 0x20, 0x09, LF, 0x0d]) ENDS_SCALAR[c] = 1;

/**
 * How the scanner reads a value: walked key by key (or element by element) as part of the skeleton,
 * or (undefined) parsed whole from its slice. Only the containers that grow with the number of
 * resources are walked; everything else in a plan is small.
 */
type Shape = 'root' | 'planned' | 'prior' | 'priorValues' | 'module' | 'modules' | 'elements' | 'resources';

function shapeOf(parent: Shape, key: string | number): Shape | undefined {
  switch (parent) {
    case 'root':
      if (key === 'resource_changes' || key === 'resource_drift') return 'elements';
      return key === 'planned_values' ? 'planned' : key === 'prior_state' ? 'prior' : undefined;
    case 'planned':
    case 'priorValues':
      return key === 'root_module' ? 'module' : undefined;
    case 'prior':
      return key === 'values' ? 'priorValues' : undefined;
    case 'module':
      return key === 'resources' ? 'resources' : key === 'child_modules' ? 'modules' : undefined;
    case 'modules':
      return 'module';
    case 'elements':
    case 'resources':
      return undefined;
  }
}

const isListShape = (shape: Shape) => shape === 'elements' || shape === 'resources' || shape === 'modules';

/** Where a value starts: its line, and its UTF-16 offset in the file and that of its line's start. */
interface Mark {
  utf16: number;
  line: number;
  lineStart: number;
}

/**
 * A walked container and where its values are. `items` holds, per list element, a walked node or
 * the index of the element's slice record (no object per element: a plan has 100,000s).
 */
interface Node {
  record: number;
  children?: Map<string, Node>;
  items?: (Node | number)[];
}

export interface LargePlanOptions {
  /** Bytes read at a time (tests use tiny chunks to cross every boundary). */
  chunkBytes?: number;
}

/** Reads a plan file as a stream of bytes; same result and checks as `parsePlan`. */
export function parseLargePlan(file: SourceFile, options: LargePlanOptions = {}): ParsedPlan {
  const fd = openSync(file.absPath, 'r');
  let scanned: { value: unknown; positions: StreamPlanPositions };
  try {
    scanned = new PlanScanner(fd, file.path, file.absPath, options.chunkBytes ?? DEFAULT_CHUNK_BYTES).scan();
  } finally {
    closeSync(fd);
  }
  return { json: checkPlan(scanned.value, file.path, scanned.positions), positions: scanned.positions };
}

/** End (exclusive) of the string starting at `i`, or -1 when the buffer ends first. */
function stringEnd(b: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, from);
    if (q === -1) return -1;
    let k = q - 1;
    while (b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/**
 * End (exclusive) of the value starting at `i`, or -1 when the buffer ends first. Only brackets
 * are counted (strings jumped with indexOf): JSON.parse of the slice checks the grammar.
 */
function valueEnd(b: Buffer, i: number): number {
  const len = b.length;
  const first = b[i];
  if (first === QUOTE) return stringEnd(b, i);
  if (first === LBRACE || first === LBRACKET) {
    let depth = 0;
    while (i < len) {
      const c = b[i]!;
      if (c === QUOTE) {
        i = stringEnd(b, i);
        if (i === -1) return -1;
        continue;
      }
      if (c === LBRACE || c === LBRACKET) depth++;
      else if ((c === RBRACE || c === RBRACKET) && --depth === 0) return i + 1;
      i++;
    }
    return -1;
  }
  while (i < len && ENDS_SCALAR[b[i]!] === 0) i++;
  return i < len ? i : -1;
}


/** Position of offset `o` of `text`, a slice that starts at `mark`. */
function positionIn(mark: Mark, text: string, o: number): Position {
  const nl = o > 0 ? text.lastIndexOf('\n', o - 1) : -1;
  if (nl === -1) return { line: mark.line, column: mark.utf16 + o - mark.lineStart + 1 };
  let lines = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k <= nl; k = text.indexOf('\n', k + 1)) lines++;
  return { line: mark.line + lines, column: o - nl };
}

class PlanScanner {
  /** Bytes of the file from `base` on; `view` is its filled part. */
  private buf: Buffer;
  private view: Buffer;
  private base = 0;
  private eof = false;
  /** Read position in `view`, and the Mark of that byte (kept up to date in the skeleton). */
  private i = 0;
  private utf16 = 0;
  private line = 1;
  private lineStart = 0;
  /** Where the last token ended: "unexpected end" points there, not past trailing blank lines. */
  private lastTokenEnd: Mark = { utf16: 0, line: 1, lineStart: 0 };
  /** Per value read: start byte, end byte (slices only), the Mark of its start, and 1 when it starts with ADDRESS_FIRST. */
  private readonly records: number[] = [];
  /** The path being read, for messages. */
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly fd: number,
    private readonly displayPath: string,
    private readonly absPath: string,
    chunkBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.view = this.buf.subarray(0, 0);
  }

  scan(): { value: unknown; positions: StreamPlanPositions } {
    this.more();
    // A UTF-8 byte order mark is not part of the text (as when files are read as strings).
    while (this.view.length - this.i < 3 && this.more());
    if (this.view[0] === 0xef && this.view[1] === 0xbb && this.view[2] === 0xbf) this.i = 3;
    const root: Node = { record: -1 };
    if (this.ws() === -1) throw this.error('file is empty; expected the output of `terraform show -json tfplan`', this.lastTokenEnd);
    const value = this.value('root', root);
    if (this.ws() !== -1) throw this.error('invalid JSON: Unexpected non-whitespace character after JSON', this.mark());
    return { value, positions: new StreamPlanPositions(this.absPath, this.records, root) };
  }

  /**
   * Reads more of the file, keeping the bytes from `keepFrom` (the value being cut) at the start of
   * the buffer, grown when they fill half of it. False at the end of the file.
   */
  private more(keepFrom = this.i): boolean {
    if (this.eof) return false;
    const kept = this.view.length - keepFrom;
    const target = kept * 2 > this.buf.length ? Buffer.allocUnsafe(this.buf.length * 2) : this.buf;
    this.view.copy(target, 0, keepFrom);
    this.buf = target;
    this.base += keepFrom;
    this.i -= keepFrom;
    const n = readSync(this.fd, this.buf, kept, this.buf.length - kept, this.base + kept);
    if (n === 0) this.eof = true;
    this.view = this.buf.subarray(0, kept + n);
    return n > 0;
  }

  private mark(): Mark {
    return { utf16: this.utf16, line: this.line, lineStart: this.lineStart };
  }

  private error(message: string, at: Mark, text = '', offset = 0): ParseError {
    const p = positionIn(at, text, offset);
    return new ParseError(this.displayPath, message, p.line, p.column);
  }

  /** Skips whitespace; the next byte, or -1 at the end of the file. */
  private ws(): number {
    const { utf16, line, lineStart } = this;
    for (;;) {
      const b = this.view;
      while (this.i < b.length) {
        const c = b[this.i]!;
        if (c === 0x20 || c === 0x09 || c === 0x0d) this.utf16++;
        else if (c === LF) {
          this.utf16++;
          this.line++;
          this.lineStart = this.utf16;
        } else return c;
        this.i++;
      }
      if (!this.more()) {
        this.lastTokenEnd = { utf16, line, lineStart };
        return -1;
      }
    }
  }

  /** Consumes one ASCII byte of the skeleton. */
  private take(): void {
    this.i++;
    this.utf16++;
  }

  /** V8's words for the same mistakes, so a plan reads the same whichever way it was read. */
  private unexpected(c: number, expected?: string): ParseError {
    if (c === -1) return this.error('invalid JSON: Unexpected end of JSON input', this.lastTokenEnd);
    const what = c >= 0x20 && c < 0x7f ? `token '${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
    return this.error(`invalid JSON: ${expected ?? `Unexpected ${what}`}`, this.mark());
  }

  /** The value at the read position: walked when `shape` says so and it is the expected container, else one slice. */
  private value(shape: Shape | undefined, node: Node, listElement = false): unknown {
    const c = this.ws();
    const record = this.records.length;
    const start = this.base + this.i;
    this.records.push(start, -1, this.utf16, this.line, this.lineStart, 0);
    node.record = record;
    if (shape && c === (isListShape(shape) ? LBRACKET : LBRACE)) return isListShape(shape) ? this.list(shape, node) : this.object(shape, node);
    const value = this.slice(listElement && c === LBRACE);
    this.records[record + 1] = this.base + this.i;
    // The value's bytes are still in the buffer: reading goes on only from its end.
    const local = start - this.base;
    if (listElement && local + ADDRESS_FIRST.length <= this.i && this.view.compare(ADDRESS_FIRST, 0, ADDRESS_FIRST.length, local, local + ADDRESS_FIRST.length) === 0) this.records[record + 5] = 1;
    return value;
  }

  private object(shape: Shape, node: Node): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const children = (node.children = new Map());
    this.take();
    let c = this.ws();
    if (c === RBRACE) {
      this.take();
      return out;
    }
    for (;;) {
      if (c !== QUOTE) throw this.unexpected(c, "Expected double-quoted property name");
      const key = this.slice() as string;
      c = this.ws();
      if (c !== COLON) throw this.unexpected(c, "Expected ':' after property name");
      this.take();
      if (children.has(key)) {
        this.ws();
        // At the second value, as the one-string reading reports it.
        throw this.error(duplicateKeyMessage([...this.path, key]), this.mark());
      }
      const child: Node = { record: -1 };
      this.path.push(key);
      const value = this.value(shapeOf(shape, key), child);
      this.path.pop();
      children.set(key, child);
      if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
      c = this.ws();
      if (c === COMMA) {
        this.take();
        c = this.ws();
      } else if (c === RBRACE) {
        this.take();
        return out;
      } else throw this.unexpected(c, "Expected ',' or '}' after property value");
    }
  }

  private list(shape: Shape, node: Node): unknown[] {
    const out: unknown[] = [];
    const items: (Node | number)[] = (node.items = []);
    const itemShape = shapeOf(shape, 0);
    this.take();
    let c = this.ws();
    if (c === RBRACKET) {
      this.take();
      return out;
    }
    for (;;) {
      const child: Node = { record: -1 };
      this.path.push(out.length);
      out.push(this.value(itemShape, child, shape === 'elements'));
      this.path.pop();
      items.push(child.children || child.items ? child : child.record);
      c = this.ws();
      if (c === COMMA) this.take();
      else if (c === RBRACKET) {
        this.take();
        return out;
      } else throw this.unexpected(c, "Expected ',' or ']' after array element");
    }
  }

  /** The value at the read position, cut out of the buffer and JSON.parsed on its own. */
  private slice(listElement = false): unknown {
    if (listElement) {
      const guess = this.guessElementEnd();
      if (guess !== -1) {
        const value = this.parse(guess, false);
        if (value !== NOT_JSON) return value;
      }
    }
    return this.parse(this.cut(), true);
  }

  /**
   * Where the element at the read position ends if the next one starts as terraform writes them,
   * `},{"address":"`: found natively instead of walking every byte. Only a guess (the text can sit
   * deeper in the element): it holds when the slice parses, since a list's elements are the one
   * way to read `a,b` when `a` and `b` are each whole JSON values.
   */
  private guessElementEnd(): number {
    const at = this.view.indexOf(ELEMENT_BOUNDARY, this.i);
    return at !== -1 && at - this.i <= MAX_GUESSED_ELEMENT ? at + 1 : -1;
  }

  /** End of the value at the read position, reading on (and growing the buffer) as needed. */
  private cut(): number {
    for (;;) {
      const end = valueEnd(this.view, this.i);
      if (end !== -1) return end;
      if (this.view.length - this.i > MAX_VALUE_BYTES) {
        throw this.error(
          `${describePath(this.path)} holds one value over ${Math.floor(MAX_VALUE_BYTES / 1048576)} MiB, the most a JavaScript string can hold (limit); iac-guard reads a big plan value by value, but cannot read this one`,
          this.mark(),
        );
      }
      // Cut again from the value's start once more bytes are in: cheaper than keeping state.
      if (!this.more()) return this.view.length;
    }
  }

  /** JSON.parses the bytes from the read position to `end` and moves past them; NOT_JSON when they are not (unless `strict`: then a ParseError). */
  private parse(end: number, strict: boolean): unknown {
    const bytes = this.view.subarray(this.i, end);
    if (bytes.length === 0) throw this.unexpected(this.view[this.i] ?? -1);
    if (!isUtf8(bytes)) {
      if (!strict) return NOT_JSON;
      throw this.error('file is not valid UTF-8 text (binary file?)', this.mark());
    }
    const text = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (!strict) return NOT_JSON;
      const { message, offset } = locateSyntaxError(text, e);
      throw this.error(`invalid JSON: ${message}`, this.mark(), text, offset);
    }
    // Checked on every parsed slice: a key repeated inside one resource change hides as well as one in the outline.
    const duplicate = text.charCodeAt(0) === 0x7b || text.charCodeAt(0) === 0x5b ? findDuplicateKey(text) : undefined;
    if (duplicate) throw this.error(duplicateKeyMessage([...this.path, ...duplicate.path]), this.mark(), text, duplicate.offset);
    const last = text.lastIndexOf('\n');
    if (last !== -1) {
      for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) this.line++;
      this.lineStart = this.utf16 + last + 1;
    }
    this.utf16 += text.length;
    this.i = end;
    return value;
  }
}

/** Positions in a streamed plan: from the marks recorded during the scan, re-reading one slice when a path goes inside it. */
class StreamPlanPositions implements PlanPositions {
  constructor(
    private readonly absPath: string,
    private readonly records: number[],
    private readonly root: Node,
  ) {}

  range(path: JsonPath, length = 0): Range {
    let node = this.root;
    for (let k = 0; k < path.length; k++) {
      const step = path[k]!;
      const next = typeof step === 'number' ? node.items?.[step] : node.children?.get(step);
      if (next === undefined) break;
      if (typeof next === 'number') {
        // Rules ask where every change's address is (most never become findings): no file read for those.
        if (k === path.length - 2 && path[k + 1] === 'address' && this.records[next + 5] === 1) {
          const mark = this.mark(next);
          return { start: positionIn(mark, '', ADDRESS_OFFSET), end: positionIn(mark, '', ADDRESS_OFFSET + length) };
        }
        return this.inValue(next, path.slice(k + 1), length);
      }
      node = next;
      if (!node.children && !node.items && k + 1 < path.length) return this.inValue(node.record, path.slice(k + 1), length);
    }
    return this.inValue(node.record, [], length);
  }

  private mark(record: number): Mark {
    const r = this.records;
    return { utf16: r[record + 2]!, line: r[record + 3]!, lineStart: r[record + 4]! };
  }

  /**
   * Position of `path` inside the value recorded at `record` (its start when `path` is empty), and
   * `length` characters on: the value is read again from the file, with enough bytes after it.
   */
  private inValue(record: number, path: JsonPath, length: number): Range {
    const r = this.records;
    const mark = this.mark(record);
    const start = r[record]!;
    // A walked container has no end recorded, and is never read into: only its start is needed.
    const end = path.length ? r[record + 1]! : start;
    // `length` characters take at most 4 bytes each.
    const bytes = Buffer.allocUnsafe(end - start + 4 * length);
    const fd = openSync(this.absPath, 'r');
    let text: string;
    try {
      text = bytes.toString('utf8', 0, readSync(fd, bytes, 0, bytes.length, start));
    } finally {
      closeSync(fd);
    }
    const offset = path.length ? offsetOfPath(text, path) : 0;
    return { start: positionIn(mark, text, offset), end: positionIn(mark, text, offset + length) };
  }
}
