// Terraform sources (`.tf`, `.tf.json`, `.tfvars`) as typed views: one TerraformModule per root
// folder, with its local child modules expanded (addresses carry the call chain, like tflint),
// variables resolved with Terraform's precedence and every block/attribute located in its file.
// Rules never touch the file system: the loader reads module folders, var files and `file()`
// paths through a TerraformReader, which tests and `iac-guard diff` can replace.
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ParseError, ParseErrors } from '../core/errors.js';
import type { BaseModel, InlineSuppression, InputGroup, LoadOptions, SourceFile } from '../core/source.js';
import type { InputAdapter } from './adapter.js';
import { hclSuppressions, scriptSuppressions } from './terraform-suppressions.js';
import { displayPath, pathInsideRoots, readReferencedFile, whyNotRead, type Refusal } from '../core/read.js';
import type { Location } from '../core/types.js';
import { HclFile, type Expr, type HclAttribute, type HclBlock, type HclBody, type ObjectExpr, type Span } from '../parsers/hcl-ast.js';
import { evaluate, isObject, toStringValue, UNKNOWN, type EvalScope, type Value } from '../parsers/hcl-eval.js';
import { parseTerraformFile, terraformFileKind } from '../parsers/hcl.js';
import { parseHclExpression } from '../parsers/hcl-syntax.js';

export { UNKNOWN, isUnknown, isObject, type Value } from '../parsers/hcl-eval.js';

// ---------------------------------------------------------------- reading files

/** Where the loader gets files it was not handed: local module folders, var files, `file()` paths. */
export interface TerraformReader {
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(absPath: string): string | undefined;
  /** Names of the files directly in a folder, or undefined when there is no such folder. */
  listFiles(absDir: string): string[] | undefined;
}

export const diskReader: TerraformReader = {
  // Regular files only, size-capped: `file("/dev/zero")` or a named pipe must not hang or fill memory.
  readFile: (absPath) => readReferencedFile(absPath).text,
  listFiles(absDir) {
    try {
      return readdirSync(absDir, { withFileTypes: true })
        .filter((e) => e.isFile() || e.isSymbolicLink())
        .map((e) => e.name);
    } catch {
      return undefined;
    }
  },
};

/** Serves the given files from memory (a folder with any of them lists only those), the rest from `fallback`. */
export function overlayReader(files: SourceFile[], fallback: TerraformReader = diskReader): TerraformReader {
  const byPath = new Map(files.map((f) => [f.absPath, f.text]));
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = dirname(f.absPath);
    byDir.set(d, [...(byDir.get(d) ?? []), f.absPath.slice(d.length + 1)]);
  }
  return {
    readFile: (p) => byPath.get(p) ?? fallback.readFile(p),
    listFiles: (d) => byDir.get(d) ?? fallback.listFiles(d),
  };
}

export interface TerraformLoadOptions {
  cwd: string;
  /** `--var name=value`, highest precedence. */
  vars?: Record<string, string>;
  /** `--var-file`, relative to cwd, in order. */
  varFiles?: string[];
  /** For `TF_VAR_name`. */
  env?: Record<string, string | undefined>;
  reader?: TerraformReader;
  /** Folders files may be read from (`file()`, local modules); none given: no boundary. */
  roots?: readonly string[];
  /** `modules:` of the config: sources that start with `prefix` are read from `dir` (absolute). */
  moduleSources?: readonly { prefix: string; dir: string }[];
  /** A Terragrunt unit's `inputs`: root variable values (terragrunt passes them as TF_VAR_). */
  inputs?: Attribute[];
}

/** A file a `file()`-like call names that was not read, and why. */
export interface UnreadFile {
  /** The call (`file("/etc/passwd")`). */
  at: Location;
  /** The call as written, shortened. */
  call: string;
  /** The path as evaluated. */
  path: string;
  why: Refusal;
}

/** Functions that read a file named by their first argument. */
const FILE_FUNCTIONS = new Set(['file', 'templatefile', 'filebase64', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'filebase64sha256', 'filebase64sha512']);

const isConfigFile = (name: string) => {
  const k = terraformFileKind(name);
  return k === 'tf' || k === 'tf.json';
};
const isVarsFile = (name: string) => {
  const k = terraformFileKind(name);
  return k === 'tfvars' || k === 'tfvars.json';
};
const isTerragrunt = (name: string) => terraformFileKind(name) === 'terragrunt';
const isAutoVars = (name: string) => /(^terraform\.tfvars(\.json)?$)|(\.auto\.tfvars(\.json)?$)/i.test(name);
const baseName = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** Parsed files are reused across module instances and roots of one process while their text is unchanged. */
const PARSE_CACHE = new Map<string, { text: string; file: Promise<HclFile> }>();
const PARSE_CACHE_LIMIT = 20_000;

function parseCached(sf: SourceFile): Promise<HclFile> {
  const hit = PARSE_CACHE.get(sf.absPath);
  if (hit && hit.text === sf.text) {
    // The display path can differ between runs (another cwd): reparse is cheap, a wrong path is not.
    return hit.file.then((f) => (f.path === sf.path ? f : new HclFile(sf.path, f.absPath, f.text, f.syntax, f.body, f.comments)));
  }
  if (PARSE_CACHE.size >= PARSE_CACHE_LIMIT) PARSE_CACHE.clear();
  const file = parseTerraformFile(sf);
  PARSE_CACHE.set(sf.absPath, { text: sf.text, file });
  file.catch(() => PARSE_CACHE.delete(sf.absPath));
  return file;
}

// ---------------------------------------------------------------- views

export interface TextLine {
  text: string;
  location: Location;
  /** True when character i of `text` is at column `location.range.start.column + i`. */
  exact: boolean;
}

/** `var.name` (or `"${var.name}"`) written alone: the attribute passes a variable along unchanged. */
function bareVariable(expr: Expr): string | undefined {
  const inner = expr.type === 'template' && expr.parts.length === 1 && expr.parts[0]!.type === 'interp' ? expr.parts[0]!.expr : expr;
  const names = traversalNames(inner);
  return names?.length === 2 && names[0] === 'var' ? names[1] : undefined;
}

/**
 * Where a finding about this attribute belongs: the line that decides its value (a module call
 * argument in the caller, a tfvars line) with the attribute in the module as related, or the
 * attribute itself.
 */
export function findingPlace(attr: Attribute): { at: Location; related?: { message: string; location: Location }[] } {
  const decided = attr.decidingAttribute();
  if (decided === attr) return { at: attr.location };
  return { at: decided.location, related: [{ message: `passed on to ${attr.name} = ${attr.source}`, location: attr.location }] };
}

/** One argument (`name = expr`), or one element of an object value (`metadata = { key = … }`). */
export class Attribute {
  private cached: Value | undefined;

  constructor(
    readonly name: string,
    readonly expr: Expr,
    /** From the name (or key) to the end of the value: the name starts where the span starts. */
    private readonly span: Span,
    private readonly nameEnd: number,
    readonly file: HclFile,
    /** The module instance whose variables and locals the expression sees (none for tfvars). */
    readonly instance: ModuleInstance | undefined,
  ) {}

  static of(a: HclAttribute, file: HclFile, instance: ModuleInstance | undefined): Attribute {
    return new Attribute(a.name, a.expr, a, a.nameEnd, file, instance);
  }

  /** From the name to the end of the value. */
  get location(): Location {
    return { file: this.file.path, range: this.file.range(this.span) };
  }

  get nameLocation(): Location {
    return { file: this.file.path, range: this.file.range({ start: this.span.start, end: this.nameEnd }) };
  }

  get valueLocation(): Location {
    return { file: this.file.path, range: this.file.range(this.expr) };
  }

  /** The expression as written (`var.infra_region`), for messages. */
  get source(): string {
    return this.file.source(this.expr);
  }

  /** The expression for messages: `7`, or `var.window (= 7)` when it came from elsewhere. */
  describe(): string {
    const written = this.source;
    const v = this.value();
    const shown = typeof v === 'string' ? JSON.stringify(v) : toStringValue(v);
    if (shown === undefined || shown === written || this.expr.type === 'literal' || (this.expr.type === 'template' && this.expr.parts.every((p) => p.type === 'text'))) {
      return written.length > 80 ? `${written.slice(0, 77)}...` : written;
    }
    return `${written.length > 60 ? `${written.slice(0, 57)}...` : written} (= ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown})`;
  }

  /**
   * Where the value is decided when this attribute only passes a variable along (`x = var.y`):
   * the module call argument that sets it (or the tfvars line, for a root), following further
   * `var.` hops up the callers, down to a root variable's default when nothing sets it. The
   * attribute itself when it holds its own value, when a module keeps its own default, or when
   * the value comes from --var / TF_VAR_.
   */
  decidingAttribute(hops = 32, callsOnly = false): Attribute {
    const name = bareVariable(this.expr);
    if (!name || hops === 0 || !this.instance) return this;
    if (callsOnly) return this.instance.call?.block.attr(name)?.decidingAttribute(hops - 1, true) ?? this;
    if (!this.instance.variables.has(name)) return this;
    const assignment = this.instance.variables.get(name)!.assignment;
    // A module's own default is the module author's; the caller decides by passing the argument.
    if (assignment?.origin === 'default' && this.instance.call) return this;
    return assignment?.attribute?.decidingAttribute(hops - 1, false) ?? this;
  }

  /** What the value is without running Terraform; UNKNOWN when it depends on anything else. */
  value(): Value {
    if (this.cached === undefined) this.cached = evaluate(this.expr, this.instance ?? EMPTY_SCOPE);
    return this.cached;
  }

  /** Evaluates a sub-expression of this attribute (a list item, an object value) in the same scope. */
  evaluate(expr: Expr): Value {
    return evaluate(expr, this.instance ?? EMPTY_SCOPE);
  }

  /** Locates a sub-expression of this attribute (a list item, an object key): AST nodes are spans. */
  locationOf(span: Span): Location {
    return { file: this.file.path, range: this.file.range(span) };
  }

  /** The elements of an object written literally (`{ a = 1 }`); empty otherwise. */
  elements(): Attribute[] {
    if (!this.elementViews) {
      const obj = unwrapObject(this.expr);
      this.elementViews = obj
        ? obj.items.filter((i) => i.name !== undefined).map((i) => new Attribute(i.name!, i.value, i, i.key.end, this.file, this.instance))
        : [];
    }
    return this.elementViews;
  }

  private elementViews: Attribute[] | undefined;

  element(name: string): Attribute | undefined {
    return this.elements().find((e) => e.name === name);
  }

  /**
   * The text this attribute puts on a machine (a startup script, cloud-init), line by line, each
   * line located where it is written: inside the heredoc, or in the file read by `file()`.
   * Undefined when the text cannot be known.
   */
  textLines(): TextLine[] | undefined {
    if (!this.instance) return undefined;
    return this.instance.model.scriptLines(this.expr, this.file, this.instance, 0);
  }
}

/** `jsonencode({...})`, `tomap({...})` and parentheses around an object literal still show its shape. */
function unwrapObject(expr: Expr): ObjectExpr | undefined {
  if (expr.type === 'object') return expr;
  if (expr.type === 'paren') return unwrapObject(expr.expr);
  if (expr.type === 'call' && ['tomap', 'merge', 'jsonencode'].includes(expr.name) && expr.args.length === 1) return unwrapObject(expr.args[0]!);
  return undefined;
}

/** A block body: arguments and nested blocks. */
export class Body {
  /**
   * Views of the arguments, made one by one when first asked for: a rule that looks up two names
   * or scans names should not pay for a view of every argument. The same view is returned each
   * time, so each value is evaluated once.
   */
  private attributeViews: (Attribute | undefined)[] | undefined;
  private allMade = false;

  constructor(
    readonly instance: ModuleInstance,
    readonly file: HclFile,
    protected readonly hcl: HclBody,
  ) {}

  private attributeAt(i: number): Attribute {
    const views = (this.attributeViews ??= new Array<Attribute | undefined>(this.hcl.attributes.length));
    return (views[i] ??= Attribute.of(this.hcl.attributes[i]!, this.file, this.instance));
  }

  /** The arguments, created once so each value is evaluated once. */
  attributes(): Attribute[] {
    const views = (this.attributeViews ??= new Array<Attribute | undefined>(this.hcl.attributes.length));
    if (!this.allMade) {
      for (let i = 0; i < views.length; i++) this.attributeAt(i);
      this.allMade = true;
    }
    return views as Attribute[];
  }

  /**
   * The arguments whose name and expression pass `wanted`, in order: for rules that scan every
   * body for a few names or shapes, without a view of each argument.
   */
  attributesWhere(wanted: (name: string, expr: Expr) => boolean): Attribute[] {
    const out: Attribute[] = [];
    const nodes = this.hcl.attributes;
    for (let i = 0; i < nodes.length; i++) if (wanted(nodes[i]!.name, nodes[i]!.expr)) out.push(this.attributeAt(i));
    return out;
  }

  private attribute(name: string): Attribute | undefined {
    const nodes = this.hcl.attributes;
    if (nodes.length <= 8) {
      // cheaper than a Map for small bodies
      for (let i = 0; i < nodes.length; i++) if (nodes[i]!.name === name) return this.attributeAt(i);
      return undefined;
    }
    if (!this.attributeIndex) {
      this.attributeIndex = new Map();
      for (let i = 0; i < nodes.length; i++) if (!this.attributeIndex.has(nodes[i]!.name)) this.attributeIndex.set(nodes[i]!.name, i);
    }
    const i = this.attributeIndex.get(name);
    return i === undefined ? undefined : this.attributeAt(i);
  }

  /** Position of the first argument of each name, for long bodies. */
  private attributeIndex: Map<string, number> | undefined;

  /**
   * An argument by dotted path through nested blocks and object values:
   * `settings.backup_configuration.enabled`, `metadata.startup-script`, `lifecycle.prevent_destroy`.
   */
  attr(path: string): Attribute | undefined {
    if (!path.includes('.')) return this.attribute(path);
    const steps = path.split('.');
    let body: Body | undefined = this as Body;
    let attr: Attribute | undefined;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (attr) {
        attr = attr.element(step);
        if (!attr) return undefined;
        continue;
      }
      const found = body!.attribute(step);
      if (found && (i === steps.length - 1 || !body!.hcl.json || unwrapObject(found.expr))) {
        attr = found;
        body = undefined;
        continue;
      }
      body = body!.blocks(step)[0];
      if (!body) return undefined;
    }
    return attr;
  }

  /**
   * Nested blocks, including the `content` of `dynamic "<type>"` blocks (marked `dynamic`; their
   * iterator values are unknown). In `.tf.json` an object-valued property also counts as a block.
   */
  blocks(type?: string): Block[] {
    if (type === undefined) return (this.allBlocks ??= this.buildBlocks(undefined));
    const views = (this.blockViews ??= new Map());
    const cached = views.get(type);
    if (cached) return cached;
    // In HCL the views of one type are those of all blocks with that type (the same objects, so
    // values are evaluated once); `.tf.json` bodies answer a typed question differently (below).
    const out = this.hcl.json ? this.buildBlocks(type) : this.blocks().filter((b) => b.type === type);
    views.set(type, out);
    return out;
  }

  private allBlocks: Block[] | undefined;
  private blockViews: Map<string, Block[]> | undefined;

  private buildBlocks(type: string | undefined): Block[] {
    const out: Block[] = [];
    for (const b of this.hcl.blocks) {
      if (b.type === 'dynamic') {
        const content = b.body.blocks.find((c) => c.type === 'content');
        const name = b.labels[0]?.value;
        if (content && name && (type === undefined || name === type)) {
          out.push(new Block(this.instance, this.file, { ...b, type: name, labels: [], body: content.body }, true));
        }
        continue;
      }
      if (type === undefined || b.type === type) out.push(new Block(this.instance, this.file, b, false));
    }
    if (this.hcl.json) {
      for (const a of this.hcl.attributes) {
        if (type !== undefined && a.name !== type) continue;
        if (a.name === 'dynamic' && a.expr.type === 'object') {
          for (const item of a.expr.items) {
            const content = item.value.type === 'object' ? item.value.items.find((i) => i.name === 'content') : undefined;
            if (content?.value.type === 'object' && item.name) out.push(jsonBlock(this, item.name, item.key, content.value, true));
          }
          continue;
        }
        const objects = a.expr.type === 'object' ? [a.expr] : a.expr.type === 'tuple' ? a.expr.items.filter((i): i is ObjectExpr => i.type === 'object') : [];
        for (const o of objects) out.push(jsonBlock(this, a.name, { start: a.start, end: a.nameEnd }, o, false));
      }
    }
    return out;
  }

  block(type: string): Block | undefined {
    return this.blocks(type)[0];
  }

  has(name: string): boolean {
    if (this.hcl.attributes.some((a) => a.name === name)) return true;
    // In HCL without keeping a (mostly empty) list per name asked about.
    return this.hcl.json ? this.blocks(name).length > 0 : this.blocks().some((b) => b.type === name);
  }
}

function jsonBlock(parent: Body, type: string, typeSpan: Span, obj: ObjectExpr, dynamic: boolean): Block {
  const body: HclBody = {
    attributes: obj.items.filter((i) => i.name !== undefined).map((i) => ({ name: i.name!, nameEnd: i.key.end, start: i.start, end: i.end, expr: i.value })),
    blocks: [],
    json: true,
  };
  return new Block(parent.instance, parent.file, { type, typeEnd: typeSpan.end, labels: [], start: typeSpan.start, end: obj.end, body }, dynamic);
}

export class Block extends Body {
  readonly type: string;

  constructor(
    instance: ModuleInstance,
    file: HclFile,
    protected readonly node: HclBlock,
    /** Generated by a `dynamic` block: may expand to any number of blocks. */
    readonly dynamic: boolean,
  ) {
    super(instance, file, node.body);
    this.type = node.type;
  }

  get labels(): string[] {
    return (this.labelValues ??= this.node.labels.map((l) => l.value));
  }

  private labelValues: string[] | undefined;

  /** From the type keyword to the closing brace; a finding about a missing argument goes here. */
  get location(): Location {
    return { file: this.file.path, range: this.file.range(this.node) };
  }

  labelLocation(i: number): Location | undefined {
    const l = this.node.labels[i];
    return l ? { file: this.file.path, range: this.file.range(l) } : undefined;
  }

  get span(): Span {
    return { start: this.node.start, end: this.node.end };
  }
}

export class Resource extends Block {
  readonly mode: 'managed' | 'data';
  readonly resourceType: string;
  readonly name: string;
  /** `module.a.module.b.aws_kms_key.k` (instance keys left out). */
  readonly address: string;

  constructor(instance: ModuleInstance, file: HclFile, node: HclBlock) {
    super(instance, file, node, false);
    this.mode = node.type === 'data' ? 'data' : 'managed';
    this.resourceType = this.labels[0] ?? '';
    this.name = this.labels[1] ?? '';
    this.address = joinAddress(instance.address, `${this.mode === 'data' ? 'data.' : ''}${this.resourceType}.${this.name}`);
  }

  /**
   * What people call this resource: its label, the string values of `keys` (`name`, `bucket`,
   * `description`) and its `Name` tag. For rules that read intent from names.
   */
  namesGiven(keys: readonly string[]): string[] {
    const names = [this.name];
    for (const key of keys) {
      const v = this.attr(key)?.value();
      if (typeof v === 'string') names.push(v);
    }
    const tags = this.attr('tags')?.value();
    const tagName = isObject(tags) ? tags.Name : undefined;
    if (typeof tagName === 'string') names.push(tagName);
    return names;
  }

  /**
   * Written and not null: `replicate_source_db = var.source` whose variable defaults to null (as
   * in terraform-aws-modules/rds) leaves the argument unset. A value unknown until apply is set.
   */
  sets(name: string): boolean {
    return this.has(name) && this.attr(name)?.value() !== null;
  }

  /** `lifecycle { prevent_destroy = … }`, when written. */
  get preventDestroy(): Attribute | undefined {
    return this.attr('lifecycle.prevent_destroy');
  }

  /** False when `count`/`for_each` is known to create nothing (e.g. `count = 0`). */
  get mayExist(): boolean {
    this.exists ??= expands(this);
    return this.exists;
  }

  private exists: boolean | undefined;
}

/** False when a block's `count` is known 0 or its `for_each` known empty. */
function expands(b: Body): boolean {
  const count = b.attr('count')?.value();
  if (count === 0 || count === false) return false;
  const each = b.attr('for_each')?.value();
  if (Array.isArray(each)) return each.length > 0;
  return !(isObject(each) && Object.keys(each).length === 0);
}

const joinAddress = (prefix: string, rest: string) => (prefix ? `${prefix}.${rest}` : rest);

export class Variable {
  constructor(
    readonly name: string,
    readonly block: Block,
    readonly instance: ModuleInstance,
  ) {}

  get address(): string {
    return joinAddress(this.instance.address, `var.${this.name}`);
  }

  get default(): Attribute | undefined {
    return this.block.attr('default');
  }

  /** The expression that sets the value: `--var`/tfvars/env for a root, the module call argument, else the default. */
  get assignment(): Assignment | undefined {
    return this.instance.assignmentOf(this.name) ?? (this.default ? { attribute: this.default, origin: 'default' } : undefined);
  }

  value(): Value {
    return this.instance.variable(this.name);
  }
}

/**
 * SOPS-encrypted tfvars keep their keys and encrypt each value (`ENC[AES256_GCM,data:…]`): such a
 * string is not the value terraform will see, only that there is one. It counts as unknown, so a
 * change to it "may change" the resource rather than comparing ciphertexts.
 */
const CIPHERTEXT = /^ENC\[[A-Z0-9_]+,data:/;
function withoutCiphertext(v: Value): Value {
  if (typeof v === 'string') return CIPHERTEXT.test(v) ? UNKNOWN : v;
  if (Array.isArray(v)) return v.some((x) => x !== withoutCiphertext(x)) ? v.map(withoutCiphertext) : v;
  if (isObject(v)) {
    const entries = Object.entries(v);
    return entries.some(([, x]) => x !== withoutCiphertext(x)) ? Object.fromEntries(entries.map(([k, x]) => [k, withoutCiphertext(x)])) : v;
  }
  return v;
}

export interface Assignment {
  /** The expression, when the value was written as one (tfvars, module argument, default). */
  attribute?: Attribute;
  /** The raw text of `--var` / `TF_VAR_` values. */
  raw?: string;
  origin: 'default' | 'env' | 'terragrunt' | 'tfvars' | 'var-file' | 'var' | 'module-argument';
}

export class ModuleCall {
  constructor(
    readonly name: string,
    readonly block: Block,
    readonly instance: ModuleInstance,
    /** The expanded local module, when `source` is a local path. */
    public child: ModuleInstance | undefined,
  ) {}

  /** Set when the local source is outside the folders files may be read from. */
  outsideTree = false;

  get address(): string {
    return joinAddress(this.instance.address, `module.${this.name}`);
  }

  get source(): string | undefined {
    const v = this.block.attr('source')?.value();
    return typeof v === 'string' ? v : undefined;
  }

  /**
   * Why the module behind this call was not read, or undefined when it was (or when the call has
   * no instances: `count = 0`, an empty `for_each`). Only local `./` and `../` sources are followed.
   */
  get unreadBecause(): 'no-literal-source' | 'absolute-path' | 'remote-source' | 'outside-tree' | undefined {
    if (this.child || !expands(this.block)) return undefined;
    if (this.outsideTree) return 'outside-tree';
    const source = this.source;
    if (source === undefined) return 'no-literal-source';
    if (isLocalSource(source)) return undefined; // a missing local folder is a ParseError at load
    return source.startsWith('/') || /^[A-Za-z]:[\\/]/.test(source) ? 'absolute-path' : 'remote-source';
  }
}

/** A folder of configuration files, parsed once. */
interface ModuleSource {
  dir: string;
  files: HclFile[];
}

/** One instance of a module: the root, or a child reached through `module` calls. */
export class ModuleInstance implements EvalScope {
  readonly resources: Resource[] = [];
  readonly dataSources: Resource[] = [];
  readonly variables = new Map<string, Variable>();
  readonly locals = new Map<string, Attribute>();
  readonly outputs: Block[] = [];
  readonly moduleCalls: ModuleCall[] = [];
  readonly moved: Block[] = [];
  readonly removed: Block[] = [];
  readonly providers: Block[] = [];
  /** `terraform { ... }` blocks (backend, required providers). */
  readonly settings: Block[] = [];
  readonly children: ModuleInstance[] = [];
  private readonly localValues = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  private readonly variableValues = new Map<string, Value>();

  constructor(
    readonly model: TerraformModule,
    readonly source: ModuleSource,
    /** `''` for the root, `module.a.module.b` for children. */
    readonly address: string,
    readonly parent: ModuleInstance | undefined,
    readonly call: ModuleCall | undefined,
    private readonly rootAssignments: Map<string, Assignment>,
  ) {
    for (const file of source.files) {
      for (const b of file.body.blocks) {
        switch (b.type) {
          case 'resource':
            if (b.labels.length === 2) this.resources.push(new Resource(this, file, b));
            break;
          case 'data':
            if (b.labels.length === 2) this.dataSources.push(new Resource(this, file, b));
            break;
          case 'variable': {
            const name = b.labels[0]?.value;
            if (name !== undefined) this.variables.set(name, new Variable(name, new Block(this, file, b, false), this));
            break;
          }
          case 'locals':
            for (const a of b.body.attributes) this.locals.set(a.name, Attribute.of(a, file, this));
            break;
          case 'output':
            this.outputs.push(new Block(this, file, b, false));
            break;
          case 'module': {
            const name = b.labels[0]?.value;
            if (name !== undefined) this.moduleCalls.push(new ModuleCall(name, new Block(this, file, b, false), this, undefined));
            break;
          }
          case 'moved':
            this.moved.push(new Block(this, file, b, false));
            break;
          case 'removed':
            this.removed.push(new Block(this, file, b, false));
            break;
          case 'provider':
            this.providers.push(new Block(this, file, b, false));
            break;
          case 'terraform':
            this.settings.push(new Block(this, file, b, false));
            break;
        }
      }
    }
  }

  get dir(): string {
    return this.source.dir;
  }

  /** Where this instance's variable `name` gets its value, before falling back to the default. */
  assignmentOf(name: string): Assignment | undefined {
    if (this.call) {
      const arg = this.call.block.attr(name);
      return arg ? { attribute: arg, origin: 'module-argument' } : undefined;
    }
    return this.rootAssignments.get(name);
  }

  variable(name: string): Value {
    const known = this.variableValues.get(name);
    if (known !== undefined) return known;
    const decl = this.variables.get(name);
    if (!decl) return UNKNOWN;
    // An encrypted or templated terraform.tfvars may set any root variable: not the default, unknown.
    if (!this.call && !this.rootAssignments.has(name) && this.model.rootVariablesOpen) {
      this.variableValues.set(name, UNKNOWN);
      return UNKNOWN;
    }
    const a = decl.assignment;
    let v: Value = UNKNOWN;
    const type = decl.block.attr('type')?.source.replace(/\s+/g, '');
    if (a?.attribute) v = a.attribute.value();
    else if (a?.raw !== undefined) v = rawVariableValue(a.raw, type);
    v = convertToType(withoutCiphertext(v), type);
    this.variableValues.set(name, v);
    return v;
  }

  local(name: string): Value {
    const known = this.localValues.get(name);
    if (known !== undefined) return known;
    const attr = this.locals.get(name);
    if (!attr || this.evaluating.has(name)) return UNKNOWN;
    this.evaluating.add(name);
    const v = attr.value();
    this.evaluating.delete(name);
    this.localValues.set(name, v);
    return v;
  }

  path(name: string): Value {
    if (name === 'module') return this.dir;
    if (name === 'root' || name === 'cwd') return this.model.absDir;
    return UNKNOWN;
  }

  readFile(p: string): string | undefined {
    return this.model.readAuxFile(isAbsolute(p) ? p : resolve(this.model.absDir, p))?.text;
  }
}

/** `--var` and `TF_VAR_` values are strings unless the variable's type says otherwise. */
function rawVariableValue(raw: string, type: string | undefined): Value {
  if (type === undefined || type === 'string' || type === 'any') return raw;
  try {
    return evaluate(parseHclExpression(raw), EMPTY_SCOPE);
  } catch {
    return raw;
  }
}

function convertToType(v: Value, type: string | undefined): Value {
  if (type === 'string' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
  if (type === 'number' && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (type === 'bool' && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

/** tfvars values cannot refer to anything. */
const EMPTY_SCOPE: EvalScope = {
  variable: () => UNKNOWN,
  local: () => UNKNOWN,
  path: () => UNKNOWN,
  readFile: () => undefined,
};

// ---------------------------------------------------------------- the model

export class TerraformModule implements BaseModel {
  readonly kind = 'terraform' as const;
  /** `modules:` source mappings of the config (see installedSource). */
  moduleSources: readonly { prefix: string; dir: string }[] = [];
  /** Module folders `terraform init` recorded in .terraform/modules/modules.json, by call path; read when first needed. */
  private initModuleDirs: Map<string, string> | undefined;

  installedModuleDir(key: string): string | undefined {
    this.initModuleDirs ??= initModules(this.absDir, this.reader);
    return this.initModuleDirs.get(key);
  }
  root!: ModuleInstance;
  /** The root and every expanded child, callers before callees. */
  readonly instances: ModuleInstance[] = [];
  /** tfvars attributes that set root variables (terraform.tfvars, *.auto.tfvars, --var-file). */
  readonly assignments: Attribute[] = [];
  /** A Terragrunt parent this unit includes may set root variables: those it does not set itself are unknown. */
  includesParentInputs = false;
  /** Root variables nothing readable sets are unknown, not their defaults: something unread may set them. */
  get rootVariablesOpen(): boolean {
    return this.includesParentInputs || this.opaqueVarFiles.some((f) => f.autoLoaded);
  }
  /** A Terragrunt unit whose module is not read, and why. */
  terragruntUnread: { at: Location; source: string; why: 'remote-source' | 'outside-tree' | 'no-literal-source' } | undefined;
  /** Variables files of the root that are encrypted or templates: their values are unknown. */
  readonly opaqueVarFiles: { file: string; why: string; autoLoaded: boolean }[] = [];
  private readonly parsedFiles: HclFile[] = [];
  private readonly auxFiles = new Map<string, { path: string; text: string } | undefined>();
  /** Resource and module call blocks by address; each turned into a Location when first asked for. */
  private readonly addressIndex = new Map<string, Block | Location>();
  private suppressionCache: InlineSuppression[] | undefined;

  constructor(
    /** Absolute path of the root folder. */
    readonly absDir: string,
    /** The root folder as shown to the user. */
    readonly dir: string,
    private readonly reader: TerraformReader,
    private readonly cwd: string,
    /** Folders files may be read from; undefined: no boundary. */
    readonly roots?: readonly string[],
  ) {}

  private unreadList: UnreadFile[] | undefined;

  /**
   * Files named by `file()`, `templatefile()` and the like that were not read because they are
   * outside the scanned tree, not regular files (pipes, devices) or over the size limit. Missing
   * files are not listed: build outputs (`filebase64sha256("build/fn.zip")`) often are.
   */
  unreadFiles(): readonly UnreadFile[] {
    if (this.unreadList) return this.unreadList;
    const out: UnreadFile[] = [];
    const seen = new Set<string>();
    const visitExpr = (attr: Attribute, e: unknown): void => {
      if (!e || typeof e !== 'object') return;
      if (Array.isArray(e)) {
        for (const x of e) visitExpr(attr, x);
        return;
      }
      const node = e as Record<string, unknown>;
      if (node.type === 'call' && typeof node.name === 'string' && FILE_FUNCTIONS.has(node.name)) {
        const arg = (node.args as Expr[] | undefined)?.[0];
        const p = arg ? attr.evaluate(arg) : undefined;
        if (typeof p === 'string') {
          const abs = isAbsolute(p) ? p : resolve(this.absDir, p);
          const why = whyNotRead(abs, this.roots);
          const at = attr.locationOf(node as unknown as Span);
          const key = `${at.file}:${at.range.start.line}:${at.range.start.column}`;
          if (why && !seen.has(key)) {
            seen.add(key);
            const text = attr.file.source(node as unknown as Span).replace(/\s+/g, ' ');
            out.push({ at, call: text.length > 80 ? `${text.slice(0, 77)}...` : text, path: p, why });
          }
        }
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'start' && k !== 'end' && typeof v === 'object') visitExpr(attr, v);
    };
    const visitBody = (body: Body): void => {
      for (const a of body.attributes()) visitExpr(a, a.expr);
      for (const b of body.blocks()) visitBody(b);
    };
    for (const r of [...this.resources(), ...this.dataSources()]) visitBody(r);
    for (const a of this.locals()) visitExpr(a, a.expr);
    for (const o of this.outputs()) visitBody(o);
    for (const c of this.moduleCalls()) visitBody(c.block);
    this.unreadList = out;
    return out;
  }

  /** Display paths of the files behind the model: root files first, then modules, var files, scripts read. */
  get files(): string[] {
    const aux = [...this.auxFiles.values()].filter((f): f is { path: string; text: string } => f !== undefined).map((f) => f.path);
    return [...new Set([...this.parsedFiles.map((f) => f.path), ...aux])];
  }

  get inlineSuppressions(): InlineSuppression[] {
    // Scripts read through file() while rules ran add their own comments, so this is computed late.
    this.suppressionCache ??= this.parsedFiles.flatMap(hclSuppressions);
    const scripts = [...this.auxFiles.values()].filter((f): f is { path: string; text: string } => f !== undefined).flatMap((f) => scriptSuppressions(f.path, f.text));
    return [...this.suppressionCache, ...scripts];
  }

  /** Managed resources that may exist (not `count = 0`), in every instance; optionally of some types. */
  resources(type?: string | readonly string[] | ((type: string) => boolean)): Resource[] {
    this.existing ??= this.instances.flatMap((i) => i.resources.filter((r) => r.mayExist));
    if (type === undefined) return this.existing.slice(); // a copy: callers may sort it
    const match = typeMatcher(type);
    return this.existing.filter((r) => match(r.resourceType));
  }

  private existing: Resource[] | undefined;

  dataSources(type?: string | readonly string[] | ((type: string) => boolean)): Resource[] {
    const match = typeMatcher(type);
    return this.instances.flatMap((i) => i.dataSources.filter((r) => match(r.resourceType) && r.mayExist));
  }

  variables(): Variable[] {
    return this.instances.flatMap((i) => [...i.variables.values()]);
  }

  locals(): Attribute[] {
    return this.instances.flatMap((i) => [...i.locals.values()]);
  }

  outputs(): Block[] {
    return this.instances.flatMap((i) => i.outputs);
  }

  moduleCalls(): ModuleCall[] {
    return this.instances.flatMap((i) => i.moduleCalls);
  }

  moved(): Block[] {
    return this.instances.flatMap((i) => i.moved);
  }

  removed(): Block[] {
    return this.instances.flatMap((i) => i.removed);
  }

  /** Every parsed configuration and tfvars file. */
  parsed(): readonly HclFile[] {
    return this.parsedFiles;
  }

  /**
   * Where a resource or module call is declared, from its plan address
   * (`module.kms["a"].google_kms_key_ring.ring[0]` → the block in its .tf file).
   */
  sourceLocation(address: string): Location | undefined {
    const key = stripInstanceKeys(address);
    const entry = this.addressIndex.get(key);
    if (!(entry instanceof Block)) return entry;
    const location = entry.location;
    this.addressIndex.set(key, location);
    return location;
  }

  /**
   * A file read for `file()`/`templatefile()`, cached; undefined when missing or not read.
   * Files outside the roots are never read, so their contents cannot reach a report.
   */
  readAuxFile(absPath: string): { path: string; text: string } | undefined {
    if (!this.auxFiles.has(absPath)) {
      const text = this.roots && !pathInsideRoots(absPath, this.roots) ? undefined : this.reader.readFile(absPath);
      this.auxFiles.set(absPath, text === undefined ? undefined : { path: displayPath(absPath, this.cwd), text });
    }
    return this.auxFiles.get(absPath);
  }

  /** See Attribute.textLines. */
  scriptLines(expr: Expr, file: HclFile, instance: ModuleInstance, depth: number): TextLine[] | undefined {
    if (depth > 12) return undefined;
    const here = (span: Span) => (): Location => ({ file: file.path, range: file.range(span) });
    const fromAttribute = (a: Attribute | undefined) => (a?.instance ? this.scriptLines(a.expr, a.file, a.instance, depth + 1) : undefined);
    switch (expr.type) {
      case 'paren':
        return this.scriptLines(expr.expr, file, instance, depth + 1);
      case 'template': {
        const out = new LineBuilder();
        for (const part of expr.parts) {
          if (part.type === 'text') {
            if (expr.heredoc) out.addRaw(file, part);
            else out.addText(part.value, here(part), false);
          } else if (part.type === 'interp') {
            const inner = this.scriptLines(part.expr, file, instance, depth + 1);
            if (inner) out.addLines(inner);
            else out.addText(file.source(part), here(part), false);
          } else {
            out.addText(file.source(part), here(part), false);
          }
        }
        return out.finish();
      }
      case 'call': {
        if (expr.name === 'file' || expr.name === 'templatefile') {
          const p = expr.args[0] ? toStringValue(evaluate(expr.args[0], instance)) : undefined;
          if (p === undefined) return undefined;
          const f = this.readAuxFile(isAbsolute(p) ? p : resolve(this.absDir, p));
          if (!f) return undefined;
          return f.text.split('\n').map((text, i) => ({
            text: text.replace(/\r$/, ''),
            location: { file: f.path, range: { start: { line: i + 1, column: 1 }, end: { line: i + 1, column: 1 + text.length } } },
            exact: true,
          }));
        }
        const through = ['base64encode', 'base64gzip', 'trimspace', 'chomp', 'tostring', 'indent', 'replace'];
        if (through.includes(expr.name)) {
          const arg = expr.name === 'indent' ? expr.args[1] : expr.args[0];
          return arg ? this.scriptLines(arg, file, instance, depth + 1) : undefined;
        }
        break;
      }
      case 'getattr': {
        // var.x, local.x, data.cloudinit_config.c.rendered, data.template_file.t.rendered
        const path = traversalNames(expr);
        if (!path) break;
        if (path[0] === 'var' && path.length === 2) {
          return fromAttribute(instance.variables.get(path[1]!)?.assignment?.attribute);
        }
        if (path[0] === 'local' && path.length === 2) return fromAttribute(instance.locals.get(path[1]!));
        if (path[0] === 'data' && path.length === 4 && path[3] === 'rendered') {
          const ds = instance.dataSources.find((d) => d.resourceType === path[1] && d.name === path[2]);
          if (!ds) break;
          if (ds.resourceType === 'template_file') return fromAttribute(ds.attr('template'));
          if (ds.resourceType === 'cloudinit_config' || ds.resourceType === 'template_cloudinit_config') {
            const lines: TextLine[] = [];
            for (const part of ds.blocks('part')) {
              const l = fromAttribute(part.attr('content'));
              if (l) lines.push(...l);
            }
            return lines.length ? lines : undefined;
          }
        }
        break;
      }
    }
    const v = evaluate(expr, instance);
    if (typeof v !== 'string') return undefined;
    const locate = here(expr);
    return v.split('\n').map((text) => new ScriptLine(text, false, locate));
  }

  // ---- building

  /** @internal Used by the loader. */
  addParsed(file: HclFile): void {
    if (!this.parsedFiles.includes(file)) this.parsedFiles.push(file);
  }

  /** @internal Used by the loader. */
  index(instance: ModuleInstance): void {
    this.instances.push(instance);
    // Locations are computed on demand: most runs never ask, and each costs the file's line index.
    for (const r of instance.resources) if (!this.addressIndex.has(r.address)) this.addressIndex.set(r.address, r);
    for (const r of instance.dataSources) if (!this.addressIndex.has(r.address)) this.addressIndex.set(r.address, r);
    for (const c of instance.moduleCalls) if (!this.addressIndex.has(c.address)) this.addressIndex.set(c.address, c.block);
  }
}

function typeMatcher(type: string | readonly string[] | ((t: string) => boolean) | undefined): (t: string) => boolean {
  if (type === undefined) return () => true;
  if (typeof type === 'function') return type;
  if (typeof type === 'string') return (t) => t === type;
  return (t) => type.includes(t);
}

function traversalNames(expr: Expr): string[] | undefined {
  const names: string[] = [];
  let e: Expr = expr;
  while (e.type === 'getattr') {
    names.unshift(e.name);
    e = e.object;
  }
  if (e.type !== 'scope') return undefined;
  names.unshift(e.name);
  return names;
}

/**
 * Where a module resource's argument really gets its value: for `location = var.keyring_location`
 * in a module, the call's `keyring_location = var.infra_region` argument, followed up through
 * every module that passes the variable straight on. The outermost argument is the line a change
 * was made on (and that a user can change); undefined when the argument is not such a pass-through.
 */
export function callerArgument(attr: Attribute): Attribute | undefined {
  const outermost = attr.decidingAttribute(32, true);
  return outermost === attr ? undefined : outermost;
}

export function stripInstanceKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/** A line of a script whose location is worked out only when asked (most lines are never reported). */
class ScriptLine implements TextLine {
  private located: Location | undefined;

  constructor(
    readonly text: string,
    readonly exact: boolean,
    private readonly locate: () => Location,
  ) {}

  get location(): Location {
    return (this.located ??= this.locate());
  }
}

/** Joins template pieces into lines, keeping where each line starts. */
class LineBuilder {
  private readonly lines: TextLine[] = [];
  private current: { text: string; locate: () => Location; exact: boolean } | undefined;

  addText(text: string, locate: () => Location, exact: boolean): void {
    const pieces = text.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) this.newLine();
      this.append(piece, locate, exact);
    });
  }

  /** Heredoc text as written, so each line knows its own line and column. */
  addRaw(file: HclFile, span: Span): void {
    const raw = file.source(span);
    let offset = span.start;
    raw.split('\n').forEach((piece, i) => {
      if (i > 0) this.newLine();
      const text = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
      const at = offset;
      this.append(
        text,
        () => {
          const start = file.position(at);
          return { file: file.path, range: { start, end: { line: start.line, column: start.column + text.length } } };
        },
        true,
      );
      offset += piece.length + 1;
    });
  }

  addLines(lines: TextLine[]): void {
    lines.forEach((l, i) => {
      if (i > 0) this.newLine();
      this.append(l.text, () => l.location, l.exact);
    });
  }

  /** A line keeps the start of its first piece; it is exact only if everything before the last piece was empty. */
  private append(text: string, locate: () => Location, exact: boolean): void {
    const line = this.current;
    if (!line) {
      this.current = { text, locate, exact };
    } else {
      line.exact = line.exact && line.text === '' && exact;
      line.text += text;
    }
  }

  private newLine(): void {
    const line = this.current;
    if (line) this.lines.push(new ScriptLine(line.text, line.exact, line.locate));
    this.current = undefined;
  }

  finish(): TextLine[] {
    this.newLine();
    return this.lines;
  }
}

// ---------------------------------------------------------------- loading

/**
 * Builds the model of one root module from its files (given in memory, e.g. read at a git
 * revision). Local child modules, `--var-file`s and `file()` paths come through `options.reader`
 * (default: the disk). Throws ParseError for anything not understood.
 */
export async function loadModuleFromFiles(files: SourceFile[], options: TerraformLoadOptions): Promise<TerraformModule> {
  if (!files.length) throw new ParseError(options.cwd, 'no Terraform files given');
  const unit = files.find((f) => isTerragrunt(baseName(f.path)) && dirname(f.absPath) === dirname(files[0]!.absPath));
  if (unit) return loadTerragruntUnit(unit, options);
  const reader = options.reader ?? diskReader;
  const absDir = dirname(files[0]!.absPath);
  const model = new TerraformModule(absDir, absDir === resolve(options.cwd) ? '.' : displayPath(absDir, options.cwd), reader, options.cwd, options.roots);
  model.moduleSources = options.moduleSources ?? [];

  const rootFiles = files.filter((f) => dirname(f.absPath) === absDir);
  const config = rootFiles.filter((f) => isConfigFile(baseName(f.path))).sort(byName);
  const vars = rootFiles.filter((f) => isVarsFile(baseName(f.path))).sort(byName);

  // Every file is parsed and every failure reported together. A variables file that is encrypted,
  // or a template, is not HCL: its values are unknown and the rest of the folder is still checked.
  const failures: ParseError[] = [];
  const parsedConfig = await parseEach(config, failures);
  const parsedVars: HclFile[] = [];
  for (const f of vars) {
    const parsed = f.opaque ? undefined : await tryParse(f);
    const why = f.opaque ?? (parsed instanceof ParseError ? templateVars(f.text) : undefined);
    if (why) model.opaqueVarFiles.push({ file: f.path, why, autoLoaded: isAutoVars(baseName(f.path)) });
    else if (parsed instanceof ParseError) failures.push(parsed);
    else if (parsed) parsedVars.push(parsed);
  }
  throwAll(failures);
  for (const f of parsedVars) rejectBlocks(f);
  for (const f of [...parsedConfig, ...parsedVars]) model.addParsed(f);

  // Root variable values, lowest precedence first (defaults are the variable blocks themselves).
  const assignments = new Map<string, Assignment>();
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (k.startsWith('TF_VAR_') && v !== undefined) assignments.set(k.slice(7), { raw: v, origin: 'env' });
  }
  // Terragrunt passes its inputs as TF_VAR_ variables: lower than any tfvars file.
  for (const attribute of options.inputs ?? []) {
    assignments.set(attribute.name, { attribute, origin: 'terragrunt' });
    model.assignments.push(attribute);
  }
  const setFrom = (file: HclFile, origin: Assignment['origin']) => {
    for (const a of file.body.attributes) {
      const attribute = Attribute.of(a, file, undefined);
      assignments.set(a.name, { attribute, origin });
      model.assignments.push(attribute);
    }
  };
  const autoVars = parsedVars.filter((f) => isAutoVars(baseName(f.path)));
  // terraform.tfvars(.json) first, then *.auto.tfvars(.json) in lexical order.
  autoVars.sort((a, b) => Number(!/^terraform\.tfvars/i.test(baseName(a.path))) - Number(!/^terraform\.tfvars/i.test(baseName(b.path))) || byName(a, b));
  for (const f of autoVars) setFrom(f, 'tfvars');
  for (const vf of options.varFiles ?? []) {
    const abs = resolve(options.cwd, vf);
    const text = reader.readFile(abs);
    if (text === undefined) throw new ParseError(vf, `cannot read the --var-file: ${readReferencedFile(abs).error ?? 'not found'}`);
    const parsed = await parseCached({ path: displayPath(abs, options.cwd), absPath: abs, text });
    rejectBlocks(parsed);
    model.addParsed(parsed);
    setFrom(parsed, 'var-file');
  }
  for (const [k, v] of Object.entries(options.vars ?? {})) assignments.set(k, { raw: v, origin: 'var' });

  const sources = new Map<string, Promise<ModuleSource>>();
  sources.set(absDir, Promise.resolve({ dir: absDir, files: parsedConfig }));
  const root = new ModuleInstance(model, await sources.get(absDir)!, '', undefined, undefined, assignments);
  model.root = root;
  await expand(model, root, reader, options.cwd, sources, [absDir]);
  return model;
}

/**
 * A Terragrunt unit (a folder with terragrunt.hcl): the module its `terraform { source }` names,
 * loaded as the root with `inputs` as variable values. Local sources (`../modules//vpc`,
 * `${get_terragrunt_dir()}/...`) and `modules:` mappings are read; any other source leaves the
 * unit unread, which tf-module-unread reports. A unit that `include`s another configuration gets
 * inputs iac-guard does not evaluate: variables its own inputs do not set are unknown.
 */
async function loadTerragruntUnit(unit: SourceFile, options: TerraformLoadOptions): Promise<TerraformModule> {
  const tg = await parseCached(unit);
  const unitDir = dirname(unit.absPath);
  const reader = options.reader ?? diskReader;
  const sourceAttr = tg.body.blocks.find((b) => b.type === 'terraform')?.body.attributes.find((a) => a.name === 'source');
  const empty = async (unread?: TerraformModule['terragruntUnread']) => {
    const model = new TerraformModule(unitDir, unitDir === resolve(options.cwd) ? '.' : displayPath(unitDir, options.cwd), reader, options.cwd, options.roots);
    model.addParsed(tg);
    model.root = new ModuleInstance(model, { dir: unitDir, files: [] }, '', undefined, undefined, new Map());
    model.index(model.root);
    if (unread) model.terragruntUnread = unread;
    return model;
  };
  // A parent configuration (remote state, shared inputs) deploys nothing by itself.
  if (!sourceAttr) return empty();
  const attr = Attribute.of(sourceAttr, tg, undefined);
  const literal = /^"(?:\$\{get_terragrunt_dir\(\)\})?([^"$]*)"$/.exec(attr.source.trim());
  const source = literal ? (attr.source.includes('get_terragrunt_dir') ? `${unitDir}${literal[1]}` : literal[1]!) : undefined;
  const at = attr.valueLocation;
  if (source === undefined) return empty({ at, source: attr.source, why: 'no-literal-source' });
  // A local source's `//subdir` is a plain folder once resolved; `?ref=` means nothing locally.
  const local = /^(\.{1,2}(\/|$)|\/)/.test(source) && !source.includes('::');
  const dir = local ? resolve(unitDir, source.replace(/\?.*$/, '')) : mappedSourceDir(options.moduleSources ?? [], source);
  if (!dir) return empty({ at, source, why: 'remote-source' });
  if (options.roots && !pathInsideRoots(dir, options.roots)) return empty({ at, source, why: 'outside-tree' });
  const names = (reader.listFiles(dir) ?? []).filter((n) => isConfigFile(n)).sort();
  if (!names.length) {
    throw new ParseError(unit.path, `terraform.source ${source} has no .tf files (looked in ${displayPath(dir, options.cwd)}), so the unit cannot be checked`, at.range.start.line, at.range.start.column);
  }
  // The reader holds the scanned files (the group's, or a git revision's) and reads the rest.
  const moduleFiles: SourceFile[] = names.map((n) => {
    const abs = join(dir, n);
    const text = reader.readFile(abs);
    if (text === undefined) throw new ParseError(displayPath(abs, options.cwd), 'cannot read this file of the unit\'s module');
    return { path: displayPath(abs, options.cwd), absPath: abs, text };
  });
  const inputsAttr = tg.body.attributes.find((a) => a.name === 'inputs');
  const inputs: Attribute[] = [];
  if (inputsAttr?.expr.type === 'object') {
    for (const item of inputsAttr.expr.items) {
      if (item.name !== undefined) inputs.push(new Attribute(item.name, item.value, { start: item.start, end: item.end }, item.key.end, tg, undefined));
    }
  }
  const model = await loadModuleFromFiles(moduleFiles, { ...options, inputs });
  model.addParsed(tg);
  // Inputs from an included parent are not evaluated: what the unit does not set itself is unknown
  // (the safe reading; the module is still checked). Computed inputs hide every value: say so.
  model.includesParentInputs = tg.body.blocks.some((b) => b.type === 'include');
  if (inputsAttr !== undefined && inputsAttr.expr.type !== 'object') {
    model.opaqueVarFiles.push({ file: unit.path, why: 'a Terragrunt unit whose `inputs` are computed (not a plain object)', autoLoaded: true });
  }
  return model;
}

/** A variables file holds only `name = value` lines; Terraform refuses blocks there, and so do we. */
function rejectBlocks(file: HclFile): void {
  const block = file.body.blocks[0];
  if (!block) return;
  const p = file.position(block.start);
  throw new ParseError(file.path, `Unexpected "${block.type}" block; blocks are not allowed in a variables file, only \`name = value\` assignments`, p.line, p.column);
}

const byName = (a: { path: string }, b: { path: string }) => (baseName(a.path) < baseName(b.path) ? -1 : baseName(a.path) > baseName(b.path) ? 1 : 0);

/** The parsed file, or why it does not parse (saying what it looks like when it shows). */
async function tryParse(f: SourceFile): Promise<HclFile | ParseError> {
  try {
    return await parseCached(f);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return withSyntaxHint(e, f.text);
  }
}

/** The files that parse; the others' errors go to `failures`. */
async function parseEach(files: SourceFile[], failures: ParseError[]): Promise<HclFile[]> {
  const out: HclFile[] = [];
  for (const f of files) {
    const parsed = await tryParse(f);
    if (parsed instanceof ParseError) failures.push(parsed);
    else out.push(parsed);
  }
  return out;
}

/** Every broken file of a folder is reported, not only the first. */
function throwAll(failures: ParseError[]): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length) throw new ParseErrors(failures);
}

/** Says what a file that does not parse as HCL2 is, when it shows: Terragrunt 0.x, Terraform 0.11. */
function withSyntaxHint(e: ParseError, text: string): ParseError {
  const hint = /^\s*terragrunt\s*=\s*\{/m.test(text)
    ? 'Terragrunt 0.x configuration (a `terragrunt = { ... }` block in HCL1 syntax): iac-guard reads HCL2; move it to terragrunt.hcl (Terragrunt 0.19+)'
    : /required_version\s*=\s*"[^"]*\b0\.(?:[0-9]|1[01])\b/.test(text)
      ? 'Terraform 0.11 / HCL1 syntax (required_version names 0.11 or older): iac-guard reads HCL2 (Terraform 0.12+); upgrade it with `terraform 0.12upgrade`'
      : undefined;
  return hint ? new ParseError(e.file, `${hint}. ${e.message}`, e.line, e.column) : e;
}

/** A variables file that does not parse because a tool renders it before terraform runs, or undefined. */
function templateVars(text: string): string | undefined {
  return /\{\{[^\n]*?\}\}|\{%[^\n]*?%\}/.test(text) ? 'a template (`{{ }}` / `{% %}`), rendered by another tool before terraform runs' : undefined;
}

/**
 * `.terraform/modules/modules.json` after `terraform init`: where each module call's source was
 * put, by call path (`a` for `module "a"`, `a.b` for `module "b"` inside it). Empty when absent.
 */
function initModules(rootDir: string, reader: TerraformReader): Map<string, string> {
  const text = reader.readFile(join(rootDir, '.terraform', 'modules', 'modules.json'));
  const out = new Map<string, string>();
  if (text === undefined) return out;
  try {
    const json = JSON.parse(text) as { Modules?: { Key?: unknown; Dir?: unknown }[] };
    for (const m of json.Modules ?? []) if (typeof m.Key === 'string' && m.Key && typeof m.Dir === 'string') out.set(m.Key, resolve(rootDir, m.Dir));
  } catch {
    /* a broken modules.json resolves nothing: the calls stay unread, and tf-module-unread says so */
  }
  return out;
}

/** `module.a["x"].module.b` → `a.b`, the key modules.json uses. */
const initKey = (callAddress: string) => stripInstanceKeys(callAddress).split('.').filter((p, i) => i % 2 === 1).join('.');

/**
 * Where a module that is not a `./` path lives on this machine: the folder `terraform init`
 * installed it in, else a `modules:` mapping of the config (the longest matching prefix; a
 * `//subdir` and a `?ref=` after the prefix are followed and dropped). Undefined when neither.
 */
function installedSource(model: TerraformModule, call: ModuleCall, source: string): string | undefined {
  const installed = model.installedModuleDir(initKey(call.address));
  if (installed) return installed;
  return mappedSourceDir(model.moduleSources, source);
}

/** The folder a `modules:` mapping gives a source (longest prefix; `?ref=` dropped), if any. */
export function mappedSourceDir(mappings: readonly { prefix: string; dir: string }[], source: string): string | undefined {
  const mapping = [...mappings].sort((a, b) => b.prefix.length - a.prefix.length).find((m) => source.startsWith(m.prefix));
  if (!mapping) return undefined;
  const rest = source.slice(mapping.prefix.length).replace(/\?.*$/, '').replace(/^\/+/, '');
  return resolve(mapping.dir, rest);
}

/** A local module source must start with ./ or ../ (Terraform's rule); everything else is remote. */
const isLocalSource = (s: string) => s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..';

async function expand(model: TerraformModule, instance: ModuleInstance, reader: TerraformReader, cwd: string, sources: Map<string, Promise<ModuleSource>>, chain: string[]): Promise<void> {
  model.index(instance);
  for (const call of instance.moduleCalls) {
    const source = call.source;
    if (source === undefined || !expands(call.block)) continue;
    const installed = isLocalSource(source) ? undefined : installedSource(model, call, source);
    if (!isLocalSource(source) && (!installed || reader.listFiles(installed) === undefined)) continue;
    const dir = installed ?? resolve(instance.dir, source.replace(/\/+$/, '') || '.');
    // A module outside the repository is not read (tf-module-unread says so): a scanned tree
    // must not make the tool read, and print, files elsewhere on the machine.
    if (model.roots && !pathInsideRoots(dir, model.roots)) {
      call.outsideTree = true;
      continue;
    }
    const at = call.block.attr('source')!.valueLocation;
    if (chain.includes(dir)) {
      throw new ParseError(at.file, `module.${call.name} calls ${source}, which is already in its own call chain (a module cannot call itself)`, at.range.start.line, at.range.start.column);
    }
    if (!sources.has(dir)) sources.set(dir, loadSource(dir, reader, cwd, at));
    const src = await sources.get(dir)!;
    for (const f of src.files) model.addParsed(f);
    const child = new ModuleInstance(model, src, call.address, instance, call, new Map());
    call.child = child;
    instance.children.push(child);
    await expand(model, child, reader, cwd, sources, [...chain, dir]);
  }
}

async function loadSource(dir: string, reader: TerraformReader, cwd: string, at: Location): Promise<ModuleSource> {
  const names = reader.listFiles(dir);
  const config = (names ?? []).filter(isConfigFile).sort();
  if (!config.length) {
    const why = names === undefined ? 'does not exist' : 'has no .tf files';
    throw new ParseError(at.file, `module source ${displayPath(dir, cwd)} ${why}, so the module cannot be checked (run from the right folder, or fix the source path)`, at.range.start.line, at.range.start.column);
  }
  const files: HclFile[] = [];
  for (const name of config) {
    const abs = join(dir, name);
    const text = reader.readFile(abs);
    if (text === undefined) throw new ParseError(displayPath(abs, cwd), 'cannot read file');
    files.push(await parseCached({ path: displayPath(abs, cwd), absPath: abs, text }));
  }
  return { dir, files };
}

// ---------------------------------------------------------------- adapter

/** `source = "./modules/x"` in .tf or `"source": "../x"` in .tf.json, found without parsing. */
const LOCAL_SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"(\.{1,2}(?:\/[^"]*)?)"/g;

/**
 * One module per folder. A folder that another scanned folder calls as a local module is checked
 * through that call (with the caller's arguments and the `module.x` address), not on its own.
 */
/** The given files plus the other .tf, .tf.json and auto-loaded .tfvars files of their folders. */
export function withFolderSiblings(files: SourceFile[], options?: Pick<LoadOptions, 'cwd' | 'roots' | 'wholeModules'>): SourceFile[] {
  if (!options?.wholeModules) return files;
  const have = new Set(files.map((f) => f.absPath));
  const out = [...files];
  for (const dir of new Set(files.filter((f) => f.absPath !== '-').map((f) => dirname(f.absPath)))) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const abs = join(dir, name);
      if (have.has(abs) || !(isConfigFile(name) || isAutoVars(name))) continue;
      const read = readReferencedFile(abs, options.roots);
      // Unreadable siblings are left to a scan of the folder, which reports them.
      if (read.text === undefined) continue;
      have.add(abs);
      out.push({ path: displayPath(abs, options.cwd), absPath: abs, text: read.text });
    }
  }
  return out;
}

/** Any literal module source, for the `modules:` mappings. */
const ANY_SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"([^"]+)"/g;

/**
 * Groups folders into roots with the folders they call. A folder called by another (by a `./`
 * path, or through a `modules:` mapping) is checked as part of its caller, with the caller's
 * inputs, not again on its own: the same resource would otherwise be reported twice.
 */
export function groupTerraformFiles(files: SourceFile[], moduleSources: readonly { prefix: string; dir: string }[] = []): InputGroup<'terraform'>[] {
  const byDir = new Map<string, SourceFile[]>();
  for (const f of files) {
    const d = dirname(f.absPath);
    byDir.set(d, [...(byDir.get(d) ?? []), f]);
  }
  const calls = new Map<string, Set<string>>();
  for (const [dir, list] of byDir) {
    const targets = new Set<string>();
    for (const f of list) {
      // A Terragrunt unit's terraform.source calls its module like a module block does.
      if (!(isConfigFile(baseName(f.path)) || isTerragrunt(baseName(f.path))) || !f.text.includes('source')) continue;
      for (const m of f.text.matchAll(LOCAL_SOURCE)) {
        const target = resolve(dir, m[1]!.replace(/\/+$/, '') || '.');
        if (target !== dir && byDir.has(target)) targets.add(target);
      }
      if (moduleSources.length) {
        for (const m of f.text.matchAll(ANY_SOURCE)) {
          const target = mappedSourceDir(moduleSources, m[1]!);
          if (target && target !== dir && byDir.has(target)) targets.add(target);
        }
      }
    }
    calls.set(dir, targets);
  }
  const called = new Set([...calls.values()].flatMap((s) => [...s]));
  const dirs = [...byDir.keys()].sort();
  const reached = new Set<string>();
  const reach = (d: string, seen: Set<string>) => {
    if (seen.has(d)) return;
    seen.add(d);
    reached.add(d);
    for (const t of calls.get(d) ?? []) reach(t, seen);
  };
  const roots: string[] = [];
  for (const d of dirs) if (!called.has(d)) roots.push(d);
  for (const d of roots) reach(d, new Set());
  // A cycle of folders calling each other with no outside caller: check each from its own folder.
  for (const d of dirs) {
    if (!reached.has(d)) {
      roots.push(d);
      reach(d, new Set());
    }
  }
  return roots.sort().map((root) => {
    const inChain = new Set<string>();
    reachInto(root, calls, inChain);
    const own = [...byDir.get(root)!].sort(byName);
    const others = [...inChain].filter((d) => d !== root).sort().flatMap((d) => byDir.get(d)!);
    return { kind: 'terraform' as const, files: [...own, ...others] };
  });
}

function reachInto(d: string, calls: Map<string, Set<string>>, seen: Set<string>): void {
  if (seen.has(d)) return;
  seen.add(d);
  for (const t of calls.get(d) ?? []) reachInto(t, calls, seen);
}

export const terraformAdapter: InputAdapter<'terraform', TerraformModule> = {
  kind: 'terraform',
  claims: (file) => terraformFileKind(file.path) !== undefined,
  // A module is its whole folder: a file named alone (a pre-commit hook passes only the staged
  // `vars.tf`) is checked with the rest of its folder, or a default it changes would go unseen.
  group: (files, options) => groupTerraformFiles(withFolderSiblings(files, options), options.moduleSources ?? []),
  load: (group: InputGroup<'terraform'>, options: LoadOptions) => {
    const rootDir = dirname(group.files[0]!.absPath);
    return loadModuleFromFiles(
      group.files.filter((f) => dirname(f.absPath) === rootDir),
      {
        cwd: options.cwd,
        vars: options.vars,
        varFiles: options.varFiles,
        env: options.env,
        reader: overlayReader(group.files),
        ...(options.roots ? { roots: options.roots } : {}),
        ...(options.moduleSources ? { moduleSources: options.moduleSources } : {}),
      },
    );
  },
};
