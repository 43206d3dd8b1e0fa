// One Terraform root at two revisions: the base (a git revision) and the head (the working tree
// or the index). The diff rules query it: which resources kept their address (directly or through
// a `moved` block), which disappeared, which instances a count/for_each change re-addresses.
// Findings point into the head files; a resource that is gone can only point at its base block.
import type { BaseModel, InlineSuppression } from '../core/source.js';
import type { Expr } from '../parsers/hcl-ast.js';
import { deepEqual, isWhollyKnown } from '../parsers/hcl-eval.js';
import { stripInstanceKeys, type Attribute, type Block, type Body, type ModuleCall, type Resource, type TerraformModule } from './terraform.js';

/** A `moved { from = … to = … }` block of the head, with addresses made absolute. */
export interface Move {
  from: string;
  to: string;
  block: Block;
}

/** A `removed { from = … }` block of the head. */
export interface Removal {
  from: string;
  /** `lifecycle { destroy = false }` keeps the real object and only forgets it. */
  destroy: boolean;
  block: Block;
}

/** A resource present at both revisions (same address, or moved). */
export interface ResourcePair {
  base: Resource;
  head: Resource;
}

/** A resource of the base that the head no longer has (or has with `count = 0`). */
export interface Disappeared {
  base: Resource;
  /** The head block, when it is still written but expands to nothing. */
  stillWritten?: Resource;
  /** A `removed` block that covers it. */
  removal?: Removal;
}

/** A resource or module call at both revisions, for count/for_each comparisons. */
export interface ExpandablePair {
  kind: 'resource' | 'module';
  /** Address at the base; instance keys are appended to it. */
  baseAddress: string;
  headAddress: string;
  base: Body;
  head: Body;
  /** The head block, where a finding about it points. */
  headBlock: Block;
}

export type ExpansionMode = 'none' | 'count' | 'for_each';

/** Instances of a kept resource or module call that change address. */
export interface Readdressing {
  before: Expansion;
  after: Expansion;
  /** Base instance keys (`''`, `[0]`, `["a"]`) that no head instance takes over, after implied and written moves. */
  lost: string[];
  /** Head instance keys no base instance becomes; undefined when the head's keys are known only at plan time. */
  gained: string[] | undefined;
}

/** How a resource expands into instances: the mode and, when known, the instance keys (`[0]`, `["a"]`). */
export interface Expansion {
  mode: ExpansionMode;
  /** Suffixes of every instance address; undefined when count/for_each is not known without terraform. */
  keys: string[] | undefined;
  /** The `count` or `for_each` argument, when written. */
  argument: Attribute | undefined;
}

export class DiffModel implements BaseModel {
  readonly kind = 'diff' as const;
  private cachedPairs: ResourcePair[] | undefined;
  private cachedDisappeared: Disappeared[] | undefined;
  private baseIndex: Map<string, Resource[]> | undefined;
  private cachedMoves: Move[] | undefined;
  private cachedRenames: Map<Resource, Resource> | undefined;

  constructor(
    /** The root at the base revision; undefined when the root is new. */
    readonly base: TerraformModule | undefined,
    /** The root in the working tree or index; undefined when the whole root was deleted. */
    readonly head: TerraformModule | undefined,
    /** The base revision for messages: `origin/main (merge base 1a2b3c4)`. */
    readonly baseLabel: string,
  ) {}

  get files(): string[] {
    return (this.head ?? this.base)?.files ?? [];
  }

  /** Only the head's comments count: the base text is history. */
  get inlineSuppressions(): InlineSuppression[] {
    return this.head?.inlineSuppressions ?? [];
  }

  /** `moved` blocks of the head, every module instance, addresses absolute. */
  moves(): Move[] {
    return (this.cachedMoves ??= (this.head?.instances ?? []).flatMap((instance) =>
      instance.moved.flatMap((block) => {
        const from = addressOf(block.attr('from'), instance.address);
        const to = addressOf(block.attr('to'), instance.address);
        return from && to ? [{ from, to, block }] : [];
      }),
    ));
  }

  /** `removed` blocks of the head. */
  removals(): Removal[] {
    if (!this.head) return [];
    return this.head.instances.flatMap((instance) =>
      instance.removed.flatMap((block) => {
        const from = addressOf(block.attr('from'), instance.address);
        return from ? [{ from, destroy: block.attr('lifecycle.destroy')?.value() !== false, block }] : [];
      }),
    );
  }

  /** Where a base address lives in the head after whole-resource and whole-module `moved` blocks. */
  movedAddress(address: string): string {
    const moves = this.moves().filter((m) => !hasInstanceKey(m.from) && !hasInstanceKey(m.to));
    let current = address;
    // A chain of moves (a → b, b → c) is followed; a cycle is cut short.
    for (let step = 0; step < 16; step++) {
      const m = moves.find((mv) => current === mv.from || current.startsWith(mv.from + '.'));
      if (!m) break;
      current = m.to + current.slice(m.from.length);
    }
    return current;
  }

  /** Resources kept from base to head. */
  pairs(): ResourcePair[] {
    this.match();
    return this.cachedPairs!;
  }

  /** Base resources the head no longer creates. */
  disappeared(): Disappeared[] {
    this.match();
    return this.cachedDisappeared!;
  }

  /** Head resources with no base counterpart (new, or renamed without a `moved` block). */
  added(): Resource[] {
    if (!this.head) return [];
    const kept = new Set(this.pairs().map((p) => p.head));
    return this.head.resources().filter((r) => !kept.has(r));
  }

  /** Base resources (that exist) at `address`, or inside the module call `address`. */
  baseResourcesAt(address: string): Resource[] {
    if (!this.baseIndex) {
      this.baseIndex = new Map();
      for (const r of this.base?.resources() ?? []) {
        // The resource's own address, and each module call around it: module.a, module.a.module.b.
        const calls = r.instance.address ? r.instance.address.split(/\.(?=module\.)/) : [];
        const keys = [r.address, ...calls.map((_, i) => calls.slice(0, i + 1).join('.'))];
        for (const key of keys) {
          const at = this.baseIndex.get(key);
          if (at) at.push(r);
          else this.baseIndex.set(key, [r]);
        }
      }
    }
    return this.baseIndex.get(address) ?? [];
  }

  /** Module calls kept from base to head (same address, or moved). */
  modulePairs(): { base: ModuleCall; head: ModuleCall }[] {
    const heads = new Map((this.head?.moduleCalls() ?? []).map((c) => [c.address, c]));
    return (this.base?.moduleCalls() ?? []).flatMap((base) => {
      const head = heads.get(this.movedAddress(base.address));
      return head ? [{ base, head }] : [];
    });
  }

  /**
   * For each disappeared resource (not covered by a `removed` block, not still written), the
   * added head resource it most likely became: same type, mostly the same arguments.
   */
  renames(): Map<Resource, Resource> {
    if (this.cachedRenames) return this.cachedRenames;
    const out = (this.cachedRenames = new Map<Resource, Resource>());
    const gone = this.disappeared().filter((d) => !d.removal && !d.stillWritten).map((d) => d.base);
    const candidates = this.added();
    const scored: { from: Resource; to: Resource; score: number }[] = [];
    for (const from of gone) {
      for (const to of candidates) {
        if (to.resourceType !== from.resourceType) continue;
        const score = similarity(from, to) + (to.name === from.name ? 0.1 : 0);
        if (score >= 0.5) scored.push({ from, to, score });
      }
    }
    scored.sort((a, b) => b.score - a.score);
    const taken = new Set<Resource>();
    for (const s of scored) {
      if (out.has(s.from) || taken.has(s.to)) continue;
      out.set(s.from, s.to);
      taken.add(s.to);
    }
    return out;
  }

  /**
   * References that mean the same object at both revisions although the name changed: for the
   * module instance `instanceAddress`, `type.old` → `type.new` from `moved` blocks and from
   * renames without one (those are reported once, as renames, not at every reference).
   */
  renamedReferences(instanceAddress: string): Map<string, string> {
    const out = new Map<string, string>();
    const local = (address: string) => {
      const prefix = instanceAddress ? `${instanceAddress}.` : '';
      const rest = address.startsWith(prefix) ? address.slice(prefix.length) : undefined;
      return rest !== undefined && /^[^.[]+\.[^.[]+$/.test(rest) ? rest : undefined;
    };
    const add = (from: string, to: string) => {
      const f = local(from);
      const t = local(to);
      if (f && t && f !== t) out.set(f, t);
    };
    for (const m of this.moves()) add(m.from, m.to);
    for (const [from, to] of this.renames()) add(from.address, to.address);
    return out;
  }

  /** Instances that change address when count/for_each changes, or undefined when none do (or it cannot be known). */
  readdressing(pair: ExpandablePair): Readdressing | undefined {
    const before = expansion(pair.base);
    const after = expansion(pair.head);
    if (!before.keys) return undefined;
    // Terraform moves `x` to `x[0]` (and back) by itself when count is added or removed.
    const moved = new Map<string, string>();
    if (before.mode === 'none' && after.mode === 'count') moved.set('', '[0]');
    if (before.mode === 'count' && after.mode === 'none') moved.set('[0]', '');
    for (const m of this.moves()) {
      const from = keySuffix(m.from, pair.baseAddress);
      const to = keySuffix(m.to, pair.headAddress);
      if (from !== undefined && to !== undefined) moved.set(from, to);
    }
    if (!after.keys) {
      if (before.mode === after.mode) return undefined;
      const lost = before.keys.filter((k) => !moved.has(k));
      return lost.length ? { before, after, lost, gained: undefined } : undefined;
    }
    const mapped = before.keys.map((k) => moved.get(k) ?? k);
    const lost = before.keys.filter((_, i) => !after.keys!.includes(mapped[i]!));
    const gained = after.keys.filter((k) => !mapped.includes(k));
    return lost.length ? { before, after, lost, gained } : undefined;
  }

  /** Kept resources and module calls as count/for_each subjects. */
  expandablePairs(): ExpandablePair[] {
    const resources = this.pairs().map((p): ExpandablePair => ({ kind: 'resource', baseAddress: p.base.address, headAddress: p.head.address, base: p.base, head: p.head, headBlock: p.head }));
    const calls = this.modulePairs().map((p): ExpandablePair => ({ kind: 'module', baseAddress: p.base.address, headAddress: p.head.address, base: p.base.block, head: p.head.block, headBlock: p.head.block }));
    return [...resources, ...calls];
  }

  private match(): void {
    if (this.cachedPairs) return;
    this.cachedPairs = [];
    this.cachedDisappeared = [];
    const headByAddress = new Map<string, Resource>();
    for (const instance of this.head?.instances ?? []) for (const r of instance.resources) headByAddress.set(r.address, r);
    const removals = this.removals();
    // A module call still there whose module the head cannot read (a local source switched to a
    // registry one): what it manages is not seen, not gone. tf-module-unread says so.
    const unseen = (this.head?.moduleCalls() ?? []).filter((c) => c.unreadBecause).map((c) => `${c.address}.`);
    for (const base of this.base?.resources() ?? []) {
      if (unseen.some((prefix) => this.movedAddress(base.address).startsWith(prefix))) continue;
      const head = headByAddress.get(this.movedAddress(base.address));
      if (head?.mayExist) {
        this.cachedPairs.push({ base, head });
        continue;
      }
      const removal = removals.find((r) => base.address === r.from || base.address.startsWith(r.from + '.'));
      this.cachedDisappeared.push({ base, ...(head ? { stillWritten: head } : {}), ...(removal ? { removal } : {}) });
    }
  }

  /** Head resources in the same module instance whose argument `names` refer to `target` (`type.name.…`). */
  referrers(target: Resource, names: (type: string) => readonly string[]): Resource[] {
    const instance = this.head?.instances.find((i) => i.address === target.instance.address);
    return (instance?.resources ?? []).filter(
      (r) => r !== target && r.mayExist && names(r.resourceType).some((name) => {
        const a = r.attr(name);
        return a !== undefined && refersTo(a.expr, target.resourceType, target.name);
      }),
    );
  }
}

// ---------------------------------------------------------------- comparing arguments

export type ArgumentChange =
  /** Both written; the value (or, when unknown, the text) differs. */
  | { kind: 'changed'; before: Attribute; after: Attribute }
  /** Written only at the base: the provider's default or computed value takes over. */
  | { kind: 'unset'; before: Attribute; after?: undefined }
  /** Written only in the head. */
  | { kind: 'set'; before?: undefined; after: Attribute }
  /** A nested block whose content changed, appeared or disappeared. */
  | { kind: 'block'; beforeBlock?: Block; afterBlock?: Block };

/**
 * How `path` (an argument, or a nested block) differs between two versions of a resource.
 * `renamed` maps `type.name` references of the base to what they are called in the head, so
 * `google_kms_key_ring.logs.id` → `google_kms_key_ring.audit.id` after a rename is no change.
 */
export function compareArgument(before: Resource, after: Resource, path: string, renamed: ReadonlyMap<string, string> = new Map()): ArgumentChange | undefined {
  const b = before.attr(path);
  const a = after.attr(path);
  if (b && a) {
    const bv = b.value();
    const av = a.value();
    const knownBefore = isWhollyKnown(bv);
    const knownAfter = isWhollyKnown(av);
    if (knownBefore && knownAfter) return deepEqual(bv, av) ? undefined : { kind: 'changed', before: b, after: a };
    // A value that was known and no longer is changed what feeds it, even with the same text: a
    // module input now set from a variable without a value (`keyring_location = var.infra_region`)
    // reaches `location = var.keyring_location` inside the module.
    if (knownBefore !== knownAfter) return { kind: 'changed', before: b, after: a };
    // Without either value, the text decides: same text, no evidence of a change.
    return normalize(renameReferences(b.source, renamed)) === normalize(a.source) ? undefined : { kind: 'changed', before: b, after: a };
  }
  // An argument whose value is null is the argument left out (`zone = var.zone` with a null default).
  if (b) return b.value() === null ? undefined : { kind: 'unset', before: b };
  if (a) return a.value() === null ? undefined : { kind: 'set', after: a };
  if (path.includes('.')) return undefined;
  const bb = before.blocks(path);
  const ab = after.blocks(path);
  if (!bb.length && !ab.length) return undefined;
  if (bb.map(blockText).join('\n') === ab.map(blockText).join('\n')) return undefined;
  return { kind: 'block', ...(bb[0] ? { beforeBlock: bb[0] } : {}), ...(ab[0] ? { afterBlock: ab[0] } : {}) };
}

function renameReferences(text: string, renamed: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of renamed) out = out.replace(new RegExp(`(?<![\\w.-])${from.replace(/[.[\]"]/g, '\\$&')}(?=[.[])`, 'g'), to);
  return out;
}

/** `"global"`, or `var.infra_region = "us-central1"`, or `var.region (known only at plan time)`. */
export function describeArgument(a: Attribute): string {
  const v = a.value();
  if (!isWhollyKnown(v)) return `${oneLine(a.source)} (known only at plan time)`;
  return isLiteral(a.expr) ? JSON.stringify(v) : `${oneLine(a.source)} = ${JSON.stringify(v)}`;
}

/** Written as a plain value: a number, a bool, a string without interpolation. */
function isLiteral(e: Expr): boolean {
  return e.type === 'literal' || (e.type === 'template' && !e.heredoc && e.parts.every((p) => p.type === 'text'));
}

const oneLine = (s: string) => {
  const t = normalize(s);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
};

/** Whitespace-insensitive text of an expression, for comparing what is written. */
export function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s*([=:,{}[\]()])\s*/g, '$1').trim();
}

/** The text of a block without comments and layout. */
export function blockText(block: Block): string {
  return normalize(block.file.source(block.span).replace(/(^|\s)(#|\/\/)[^\n]*/g, '$1'));
}

// ---------------------------------------------------------------- instances

/** How a resource or module call expands: `count`, `for_each` or neither, and the instance keys when known. */
export function expansion(r: Body): Expansion {
  const count = r.attr('count');
  if (count) {
    const n = count.value();
    const keys = typeof n === 'number' && Number.isInteger(n) && n >= 0 ? Array.from({ length: n }, (_, i) => `[${i}]`) : undefined;
    return { mode: 'count', keys, argument: count };
  }
  const each = r.attr('for_each');
  if (each) {
    const v = each.value();
    let keys: string[] | undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) keys = [...new Set(v as string[])].sort().map(keyOf);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && isWhollyKnown(v)) keys = Object.keys(v).sort().map(keyOf);
    return { mode: 'for_each', keys, argument: each };
  }
  return { mode: 'none', keys: [''], argument: undefined };
}

const keyOf = (k: string) => `[${JSON.stringify(k)}]`;

const hasInstanceKey = (address: string) => stripInstanceKeys(address) !== address;

/** `["a"]` for `x.y["a"]` and address `x.y`; `''` for `x.y` itself; undefined for anything else. */
function keySuffix(full: string, address: string): string | undefined {
  if (!full.startsWith(address)) return undefined;
  const rest = full.slice(address.length);
  return rest === '' || /^\[(?:"(?:[^"\\]|\\.)*"|\d+)\]$/.test(rest) ? rest : undefined;
}

/** Share of arguments and nested blocks two resource bodies have in common (0..1). */
function similarity(a: Resource, b: Resource): number {
  const x = bodyEntries(a);
  const y = bodyEntries(b);
  if (!x.size && !y.size) return 1;
  let common = 0;
  for (const e of x) if (y.has(e)) common++;
  return common / (x.size + y.size - common);
}

const META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on']);

function bodyEntries(r: Resource): Set<string> {
  const out = new Set<string>();
  for (const a of r.attributes()) if (!META_ARGUMENTS.has(a.name)) out.add(`${a.name}=${normalize(a.source)}`);
  for (const b of r.blocks()) out.add(blockText(b));
  return out;
}

// ---------------------------------------------------------------- references

/** The address a `moved`/`removed` argument names, absolute (prefixed with the module instance). */
function addressOf(a: Attribute | undefined, instanceAddress: string): string | undefined {
  if (!a) return undefined;
  const text = a.source.replace(/\s+/g, '');
  if (!/^[A-Za-z_][\w-]*(\.|\[|$)/.test(text)) return undefined;
  return instanceAddress ? `${instanceAddress}.${text}` : text;
}

/** True when an expression reads `type.name` (`google_kms_key_ring.logs.id`, `aws_kms_key.k[0].arn`). */
export function refersTo(expr: Expr, type: string, name: string): boolean {
  let found = false;
  visit(expr, (e) => {
    if (found || e.type !== 'getattr' || e.name !== name) return;
    let root: Expr = e.object;
    while (root.type === 'paren') root = root.expr;
    if (root.type === 'scope' && root.name === type) found = true;
  });
  return found;
}

function visit(e: Expr, fn: (e: Expr) => void): void {
  fn(e);
  switch (e.type) {
    case 'template':
      for (const p of e.parts) visitPart(p, fn);
      break;
    case 'tuple':
      e.items.forEach((i) => visit(i, fn));
      break;
    case 'object':
      for (const i of e.items) {
        visit(i.key, fn);
        visit(i.value, fn);
      }
      break;
    case 'getattr':
    case 'splat':
      visit(e.object, fn);
      break;
    case 'index':
      visit(e.object, fn);
      visit(e.key, fn);
      break;
    case 'call':
      e.args.forEach((a) => visit(a, fn));
      break;
    case 'conditional':
      visit(e.cond, fn);
      visit(e.then, fn);
      visit(e.else, fn);
      break;
    case 'unary':
      visit(e.operand, fn);
      break;
    case 'binary':
      visit(e.left, fn);
      visit(e.right, fn);
      break;
    case 'for':
      visit(e.collection, fn);
      if (e.keyExpr) visit(e.keyExpr, fn);
      visit(e.valueExpr, fn);
      if (e.cond) visit(e.cond, fn);
      break;
    case 'paren':
      visit(e.expr, fn);
      break;
  }
}

type Part = Extract<Expr, { type: 'template' }>['parts'][number];
function visitPart(p: Part, fn: (e: Expr) => void): void {
  if (p.type === 'interp') visit(p.expr, fn);
  else if (p.type === 'if') {
    visit(p.cond, fn);
    p.then.forEach((x) => visitPart(x, fn));
    p.else.forEach((x) => visitPart(x, fn));
  } else if (p.type === 'for') {
    visit(p.collection, fn);
    p.body.forEach((x) => visitPart(x, fn));
  }
}
