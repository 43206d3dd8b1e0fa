// Evaluates what can be known about a Terraform expression without running Terraform: literals,
// `var.*` and `local.*` (through the caller's scope), string templates, collections, a few pure
// functions. Everything else is UNKNOWN, and rules never report on an unknown value.
import type { Expr, TemplatePart } from './hcl-ast.js';
import { parseTemplateContent } from './hcl-syntax.js';

/** The one "cannot know without terraform" value. Compare with `isUnknown`. */
export class Unknown {
  static readonly value = new Unknown();
  private constructor() {}
  toString(): string {
    return '(known after apply)';
  }
}
export const UNKNOWN = Unknown.value;

export type Value = string | number | boolean | null | Unknown | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

export const isUnknown = (v: Value | undefined): v is Unknown => v === UNKNOWN;
export const isObject = (v: Value | undefined): v is ObjectValue =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);

/** True when no part of the value is unknown. */
export function isWhollyKnown(v: Value): boolean {
  if (v === UNKNOWN) return false;
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  if (isObject(v)) return Object.values(v).every(isWhollyKnown);
  return true;
}

/** What an expression can see. The model implements it per module instance. */
export interface EvalScope {
  /** `var.<name>`. */
  variable(name: string): Value;
  /** `local.<name>`. */
  local(name: string): Value;
  /** `path.module`, `path.root`, `path.cwd`. */
  path(name: string): Value;
  /** `file()`: text of a path relative to the root module, or undefined when unreadable. */
  readFile(path: string): string | undefined;
}

type Bindings = ReadonlyMap<string, Value>;
const NO_BINDINGS: Bindings = new Map();

/** How deep nested evaluation may go before giving up (guards against pathological input). */
const MAX_DEPTH = 64;

export function evaluate(expr: Expr, scope: EvalScope, bindings: Bindings = NO_BINDINGS, depth = 0): Value {
  if (depth > MAX_DEPTH) return UNKNOWN;
  const ev = (e: Expr, b: Bindings = bindings) => evaluate(e, scope, b, depth + 1);
  switch (expr.type) {
    case 'literal':
      return expr.value;
    case 'paren':
      return ev(expr.expr);
    case 'template':
      return evalTemplate(expr.parts, ev);
    case 'tuple':
      return expr.items.map((i) => ev(i));
    case 'object': {
      const out: ObjectValue = {};
      for (const item of expr.items) {
        const key = item.name ?? ev(item.key);
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') return UNKNOWN;
        out[String(key)] = ev(item.value);
      }
      return out;
    }
    case 'scope':
    case 'getattr':
    case 'index':
      return evalTraversal(expr, scope, bindings, ev);
    case 'splat': {
      const list = ev(expr.object);
      return Array.isArray(list) ? list : UNKNOWN;
    }
    case 'conditional': {
      const cond = ev(expr.cond);
      if (cond === true) return ev(expr.then);
      if (cond === false) return ev(expr.else);
      const a = ev(expr.then);
      const b = ev(expr.else);
      return isWhollyKnown(a) && deepEqual(a, b) ? a : UNKNOWN;
    }
    case 'unary': {
      const v = ev(expr.operand);
      if (expr.op === '-') return typeof v === 'number' ? -v : UNKNOWN;
      return typeof v === 'boolean' ? !v : UNKNOWN;
    }
    case 'binary':
      return evalBinary(expr.op, ev(expr.left), ev(expr.right));
    case 'for':
      return evalFor(expr, ev, bindings);
    case 'call':
      return callFunction(expr.name, expr.args.map((a) => ev(a)), expr.expandFinal, scope);
  }
}

function evalTemplate(parts: TemplatePart[], ev: (e: Expr) => Value): Value {
  // `"${x}"` is x itself, not its string form.
  if (parts.length === 1 && parts[0]!.type === 'interp') return ev(parts[0]!.expr);
  let out = '';
  for (const p of parts) {
    if (p.type === 'text') {
      out += p.value;
    } else if (p.type === 'interp') {
      const s = toStringValue(ev(p.expr));
      if (s === undefined) return UNKNOWN;
      out += s;
    } else if (p.type === 'if') {
      const c = ev(p.cond);
      if (typeof c !== 'boolean') return UNKNOWN;
      const inner = evalTemplate(c ? p.then : p.else, ev);
      if (typeof inner !== 'string') {
        const s = toStringValue(inner);
        if (s === undefined) return UNKNOWN;
        out += s;
      } else {
        out += inner;
      }
    } else {
      return UNKNOWN;
    }
  }
  return out;
}

/** A primitive as Terraform would print it inside a string; undefined for collections and unknowns. */
export function toStringValue(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function evalTraversal(expr: Expr, scope: EvalScope, bindings: Bindings, ev: (e: Expr) => Value): Value {
  // Flatten `root.a["b"][0]` into a root name and steps.
  const steps: (string | Expr)[] = [];
  let e: Expr = expr;
  while (e.type === 'getattr' || e.type === 'index') {
    steps.unshift(e.type === 'getattr' ? e.name : e.key);
    e = e.object;
  }
  let value: Value;
  let rest: (string | Expr)[];
  if (e.type !== 'scope') {
    value = ev(e);
    rest = steps;
  } else if (bindings.has(e.name)) {
    value = bindings.get(e.name)!;
    rest = steps;
  } else {
    const first = steps[0];
    if (typeof first !== 'string') return UNKNOWN;
    rest = steps.slice(1);
    if (e.name === 'var') value = scope.variable(first);
    else if (e.name === 'local') value = scope.local(first);
    else if (e.name === 'path') value = scope.path(first);
    else return UNKNOWN; // resources, data sources, module outputs, each, count, self, terraform.workspace
  }
  for (const step of rest) {
    if (value === UNKNOWN) return UNKNOWN;
    const key = typeof step === 'string' ? step : ev(step);
    if (Array.isArray(value) && typeof key === 'number') value = value[key] ?? UNKNOWN;
    else if (isObject(value) && (typeof key === 'string' || typeof key === 'number')) value = value[String(key)] ?? UNKNOWN;
    else return UNKNOWN;
  }
  return value;
}

function evalBinary(op: string, a: Value, b: Value): Value {
  if (op === '&&') return a === false || b === false ? false : a === true && b === true ? true : UNKNOWN;
  if (op === '||') return a === true || b === true ? true : a === false && b === false ? false : UNKNOWN;
  if (!isWhollyKnown(a) || !isWhollyKnown(b)) return UNKNOWN;
  if (op === '==') return deepEqual(a, b);
  if (op === '!=') return !deepEqual(a, b);
  const x = typeof a === 'string' && a.trim() !== '' ? Number(a) : a;
  const y = typeof b === 'string' && b.trim() !== '' ? Number(b) : b;
  if (typeof x !== 'number' || typeof y !== 'number' || Number.isNaN(x) || Number.isNaN(y)) return UNKNOWN;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? UNKNOWN : x / y;
    case '%':
      return y === 0 ? UNKNOWN : x % y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
  return UNKNOWN;
}

function evalFor(expr: Extract<Expr, { type: 'for' }>, ev: (e: Expr, b?: Bindings) => Value, bindings: Bindings): Value {
  const coll = ev(expr.collection);
  if (!Array.isArray(coll) && !isObject(coll)) return UNKNOWN;
  const entries: [Value, Value][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.entries(coll);
  const list: Value[] = [];
  const obj: ObjectValue = {};
  for (const [k, v] of entries) {
    const b = new Map(bindings);
    if (expr.keyVar) b.set(expr.keyVar, k);
    b.set(expr.valueVar, v);
    if (expr.cond) {
      const c = ev(expr.cond, b);
      if (typeof c !== 'boolean') return UNKNOWN;
      if (!c) continue;
    }
    if (expr.keyExpr) {
      const key = ev(expr.keyExpr, b);
      if (typeof key !== 'string') return UNKNOWN;
      obj[key] = ev(expr.valueExpr, b);
    } else {
      list.push(ev(expr.valueExpr, b));
    }
  }
  return expr.keyExpr ? obj : list;
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

// ---------------------------------------------------------------- functions

const str = (v: Value | undefined): string | undefined => (v === undefined ? undefined : toStringValue(v));

function callFunction(name: string, rawArgs: Value[], expandFinal: boolean, scope: EvalScope): Value {
  let args = rawArgs;
  if (expandFinal) {
    const last = args[args.length - 1];
    if (!Array.isArray(last)) return UNKNOWN;
    args = [...args.slice(0, -1), ...last];
  }
  const a0 = args[0];
  switch (name) {
    case 'try':
      // An unknown first argument may be an error (fall through) or a value: we cannot tell which.
      return a0 !== undefined && isWhollyKnown(a0) ? a0 : UNKNOWN;
    case 'coalesce': {
      for (const v of args) {
        if (v === UNKNOWN) return UNKNOWN;
        if (v !== null && v !== '') return v;
      }
      return UNKNOWN;
    }
    case 'file': {
      const p = str(a0);
      return p === undefined ? UNKNOWN : (scope.readFile(p) ?? UNKNOWN);
    }
    case 'templatefile': {
      const p = str(a0);
      const vars = args[1];
      if (p === undefined || !isObject(vars)) return UNKNOWN;
      const text = scope.readFile(p);
      if (text === undefined) return UNKNOWN;
      try {
        const t = parseTemplateContent(text);
        return evaluate(t, scope, new Map(Object.entries(vars)));
      } catch {
        return UNKNOWN;
      }
    }
  }
  if (!args.every(isWhollyKnown)) return UNKNOWN;
  switch (name) {
    case 'jsonencode':
      return a0 === undefined ? UNKNOWN : JSON.stringify(a0);
    case 'jsondecode': {
      const s = str(a0);
      if (s === undefined) return UNKNOWN;
      try {
        return JSON.parse(s) as Value;
      } catch {
        return UNKNOWN;
      }
    }
    case 'lower':
      return str(a0)?.toLowerCase() ?? UNKNOWN;
    case 'upper':
      return str(a0)?.toUpperCase() ?? UNKNOWN;
    case 'trimspace':
      return str(a0)?.trim() ?? UNKNOWN;
    case 'chomp':
      return str(a0)?.replace(/[\r\n]+$/, '') ?? UNKNOWN;
    case 'tostring':
      return a0 === null ? null : (str(a0) ?? UNKNOWN);
    case 'tonumber': {
      if (typeof a0 === 'number') return a0;
      const n = typeof a0 === 'string' && a0.trim() !== '' ? Number(a0) : NaN;
      return Number.isNaN(n) ? UNKNOWN : n;
    }
    case 'tobool':
      return a0 === true || a0 === 'true' ? true : a0 === false || a0 === 'false' ? false : UNKNOWN;
    case 'tolist':
    case 'toset':
      return Array.isArray(a0) ? (name === 'toset' ? dedupe(a0) : a0) : UNKNOWN;
    case 'tomap':
      return isObject(a0) ? a0 : UNKNOWN;
    case 'concat':
      return args.every(Array.isArray) ? (args as Value[][]).flat() : UNKNOWN;
    case 'merge':
      return args.every((v) => isObject(v) || v === null) ? Object.assign({}, ...args.filter(isObject)) : UNKNOWN;
    case 'flatten':
      return Array.isArray(a0) ? flatten(a0) : UNKNOWN;
    case 'distinct':
      return Array.isArray(a0) ? dedupe(a0) : UNKNOWN;
    case 'compact':
      return Array.isArray(a0) ? a0.filter((v) => v !== null && v !== '') : UNKNOWN;
    case 'join': {
      const sep = str(a0);
      const lists = args.slice(1);
      if (sep === undefined || !lists.every(Array.isArray)) return UNKNOWN;
      const items = (lists as Value[][]).flat().map(str);
      return items.every((s) => s !== undefined) ? items.join(sep) : UNKNOWN;
    }
    case 'split': {
      const sep = str(a0);
      const s = str(args[1]);
      return sep === undefined || s === undefined ? UNKNOWN : s.split(sep);
    }
    case 'replace': {
      const s = str(a0);
      const from = str(args[1]);
      const to = str(args[2]);
      if (s === undefined || from === undefined || to === undefined) return UNKNOWN;
      if (from.length > 1 && from.startsWith('/') && from.endsWith('/')) return UNKNOWN; // regex form
      return s.split(from).join(to);
    }
    case 'format': {
      const f = str(a0);
      if (f === undefined) return UNKNOWN;
      let i = 1;
      let ok = true;
      const out = f.replace(/%%|%[-+ #0]*\d*(?:\.\d+)?([sdvq])/g, (m, verb?: string) => {
        if (m === '%%') return '%';
        const v = args[i++];
        const s = v === undefined ? undefined : str(v);
        if (s === undefined) ok = false;
        return verb === 'q' ? JSON.stringify(s ?? '') : (s ?? '');
      });
      return ok ? out : UNKNOWN;
    }
    case 'lookup': {
      if (!isObject(a0)) return UNKNOWN;
      const k = str(args[1]);
      if (k === undefined) return UNKNOWN;
      return k in a0 ? a0[k]! : (args[2] ?? UNKNOWN);
    }
    case 'element': {
      const n = args[1];
      return Array.isArray(a0) && typeof n === 'number' && a0.length ? a0[n % a0.length]! : UNKNOWN;
    }
    case 'length':
      return Array.isArray(a0) ? a0.length : isObject(a0) ? Object.keys(a0).length : typeof a0 === 'string' ? [...a0].length : UNKNOWN;
    case 'contains':
      return Array.isArray(a0) ? a0.some((v) => deepEqual(v, args[1]!)) : UNKNOWN;
    case 'keys':
      return isObject(a0) ? Object.keys(a0).sort() : UNKNOWN;
    case 'values':
      return isObject(a0) ? Object.keys(a0).sort().map((k) => a0[k]!) : UNKNOWN;
    case 'min':
    case 'max': {
      const nums = args.filter((v): v is number => typeof v === 'number');
      return nums.length === args.length && nums.length ? (name === 'min' ? Math.min(...nums) : Math.max(...nums)) : UNKNOWN;
    }
    case 'abs':
      return typeof a0 === 'number' ? Math.abs(a0) : UNKNOWN;
    case 'base64encode':
      return typeof a0 === 'string' ? Buffer.from(a0, 'utf8').toString('base64') : UNKNOWN;
    case 'base64decode':
      return typeof a0 === 'string' ? Buffer.from(a0, 'base64').toString('utf8') : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function dedupe(list: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of list) if (!out.some((o) => deepEqual(o, v))) out.push(v);
  return out;
}

function flatten(list: Value[]): Value[] {
  return list.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}
