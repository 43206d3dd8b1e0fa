// Terraform plan JSON (`terraform show -json tfplan`, Terraform 0.12+ and OpenTofu): syntax errors
// with line:column, the shape checks rules rely on, and lazy offsets of values. A plan is
// usually ONE long line, so every position carries a real column.
import { LineIndex } from './line-index.js';
import { ParseError } from '../core/errors.js';
import type { SourceFile } from '../core/source.js';
import type { Position, Range } from '../core/types.js';

/** Plan format majors this build reads: 0.x (Terraform 0.12–0.15) and 1.x (Terraform 1.x, OpenTofu). */
export const SUPPORTED_FORMAT_MAJORS = ['0', '1'];

export type JsonPath = readonly (string | number)[];

// ---- the raw document, as terraform writes it ----

export type Sensitivity = boolean | Record<string, unknown> | unknown[];

export interface ChangeJson {
  actions: string[];
  before: unknown;
  after: unknown;
  after_unknown?: unknown;
  before_sensitive?: Sensitivity;
  after_sensitive?: Sensitivity;
  replace_paths?: (string | number)[][];
  importing?: unknown;
}

export interface ResourceChangeJson {
  address: string;
  previous_address?: string;
  module_address?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  deposed?: string;
  provider_name?: string;
  change: ChangeJson;
  action_reason?: string;
}

export interface ValuesResourceJson {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  values?: Record<string, unknown>;
  sensitive_values?: Sensitivity;
}

export interface ValuesModuleJson {
  address?: string;
  resources?: ValuesResourceJson[];
  child_modules?: ValuesModuleJson[];
}

export interface ConfigModuleJson {
  resources?: Record<string, unknown>[];
  module_calls?: Record<string, Record<string, unknown>>;
  outputs?: Record<string, Record<string, unknown>>;
  variables?: Record<string, Record<string, unknown>>;
}

export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  variables?: Record<string, { value?: unknown }>;
  planned_values?: { root_module?: ValuesModuleJson; outputs?: Record<string, unknown> };
  resource_changes?: ResourceChangeJson[];
  resource_drift?: ResourceChangeJson[];
  prior_state?: { values?: { root_module?: ValuesModuleJson } };
  configuration?: { root_module?: ConfigModuleJson; provider_config?: Record<string, unknown> };
  errored?: boolean;
}

// ---- claiming ----

/**
 * Cheap content test: a JSON object text naming "format_version" and one of the plan's own keys.
 * No parse: `includes` on a large string runs natively.
 */
export function looksLikePlan(text: string): boolean {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7b /* { */) return false;
  if (!text.includes('"format_version"')) return false;
  return text.includes('"resource_changes"') || text.includes('"planned_values"') || text.includes('"terraform_version"');
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

// ---- positions ----

export { LineIndex } from './line-index.js';

// ---- a structural scanner: offsets of values by path, skipping everything else ----

/** Decides per value: 'descend' into it, 'skip' it, or 'stop' the scan. Called before the value is read. */
export type ScanVisitor = (path: readonly (string | number)[], offset: number) => 'descend' | 'skip' | 'stop';

/**
 * Walks a JSON text that is known to be valid (JSON.parse accepted it) and calls `visit` with the
 * path and start offset of every value it descends to. Skipped subtrees are only bracket-counted
 * (strings jumped with indexOf), several times faster than parsing.
 */
export function scanJson(text: string, visit: ScanVisitor): void {
  const path: (string | number)[] = [];
  let i = 0;
  let stopped = false;

  const skipWs = () => {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  };
  /** i at an opening quote → i after the closing quote. */
  const skipString = () => {
    let j = i + 1;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q === -1) throw new Error('unterminated string');
      let backslashes = 0;
      for (let k = q - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++;
      if (backslashes % 2 === 0) {
        i = q + 1;
        return;
      }
      j = q + 1;
    }
  };
  const readKey = (): string => {
    const start = i;
    skipString();
    const raw = text.slice(start + 1, i - 1);
    return raw.includes('\\') ? (JSON.parse(text.slice(start, i)) as string) : raw;
  };
  /** i at a value → i after it. Strings are jumped with indexOf, the rest read char by char. */
  const skipValue = () => {
    const c = text.charCodeAt(i);
    if (c === 0x22) return skipString();
    if (c !== 0x7b && c !== 0x5b) {
      while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
      return;
    }
    let depth = 0;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        skipString();
        continue;
      }
      if (ch === 0x7b || ch === 0x5b) depth++;
      else if ((ch === 0x7d || ch === 0x5d) && --depth === 0) {
        i++;
        return;
      }
      i++;
    }
    throw new Error('unbalanced JSON');
  };
  const value = () => {
    if (stopped) return;
    skipWs();
    const decision = visit(path, i);
    if (decision === 'stop') {
      stopped = true;
      return;
    }
    const c = text.charCodeAt(i);
    if (decision === 'skip' || (c !== 0x7b && c !== 0x5b)) return skipValue();
    i++;
    skipWs();
    if (c === 0x7b) {
      while (!stopped && text.charCodeAt(i) !== 0x7d) {
        const key = readKey();
        skipWs();
        i++; // ':'
        path.push(key);
        value();
        path.pop();
        if (stopped) return;
        skipWs();
        if (text.charCodeAt(i) === 0x2c) i++;
        skipWs();
      }
    } else {
      let index = 0;
      while (!stopped && text.charCodeAt(i) !== 0x5d) {
        path.push(index++);
        value();
        path.pop();
        if (stopped) return;
        skipWs();
        if (text.charCodeAt(i) === 0x2c) i++;
        skipWs();
      }
    }
    i++;
  };
  value();
}

/** Start offset of the value at `path`, or of its deepest existing ancestor. */
export function offsetOfPath(text: string, target: JsonPath): number {
  let best = 0;
  scanJson(text, (path, offset) => {
    if (path.length > target.length || !path.every((p, k) => p === target[k])) return 'skip';
    best = offset;
    return path.length === target.length ? 'stop' : 'descend';
  });
  return best;
}

// ---- syntax errors ----

/** Line:column and a short message for a JSON text that JSON.parse rejected. */
export function describeSyntaxError(text: string, error: unknown, lines: LineIndex): { message: string; position: Position } {
  const { message, offset } = locateSyntaxError(text, error);
  return { message, position: lines.position(offset) };
}

/** A short message and the offset in `text` of the mistake JSON.parse rejected. */
export function locateSyntaxError(text: string, error: unknown): { message: string; offset: number } {
  const raw = error instanceof Error ? error.message : String(error);
  // V8 quotes a snippet of the input ("…" is not valid JSON); the snippet may hold secrets, so drop it.
  const message = raw
    .replace(/, (?:\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
  const at = /at position (\d+)/.exec(raw);
  let offset: number;
  if (at) offset = Number(at[1]);
  else if (/end of JSON input/.test(raw)) offset = endOfContent(text);
  else offset = firstSyntaxErrorOffset(text);
  return { message, offset: Math.min(offset, text.length) };
}

function endOfContent(text: string): number {
  let i = text.length;
  while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * Offset of the first character that breaks JSON grammar. Used only after JSON.parse failed
 * without saying where (V8's "Unexpected token" messages carry no position).
 */
export function firstSyntaxErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  };
  const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  // eslint-disable-next-line no-control-regex -- JSON forbids raw control characters inside strings
  const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const scalar = (): boolean => {
    const c = text[i];
    if (c === '"') {
      STRING.lastIndex = i;
      if (!STRING.test(text)) return false;
      i = STRING.lastIndex;
      return true;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) return false;
    i = NUMBER.lastIndex;
    return true;
  };
  // Explicit stack: each entry is the container we are in; deep nesting cannot overflow.
  const stack: ('{' | '[')[] = [];
  let expectValue = true;
  for (;;) {
    ws();
    if (i >= text.length) return i;
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          expectValue = false;
        } else if (c === '{') {
          if (text[i] !== '"') return i;
          if (!scalar()) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        if (!stack.length && !expectValue) break;
        continue;
      }
      if (!scalar()) return i;
      expectValue = false;
      if (!stack.length) break;
      continue;
    }
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === ',') {
      i++;
      ws();
      if (top === '{') {
        if (text[i] !== '"' || !scalar()) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
      }
      expectValue = true;
      continue;
    }
    if ((top === '{' && c === '}') || (top === '[' && c === ']')) {
      stack.pop();
      i++;
      if (!stack.length) break;
      continue;
    }
    return i;
  }
  ws();
  return i; // trailing content after the document
}

/** `resource_changes[3].change` for messages. */
export function describePath(path: JsonPath): string {
  if (!path.length) return 'the plan';
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
}

/**
 * The first key written twice in one object of a JSON text that JSON.parse accepted. JSON.parse
 * keeps the last of them, other readers the first: terraform never writes one, so a plan that has
 * one was edited to show a reader something else (`"actions":["delete"],"actions":["no-op"]`).
 */
export function findDuplicateKey(text: string): { path: JsonPath; offset: number } | undefined {
  const keys: Set<string>[] = [];
  let found: { path: JsonPath; offset: number } | undefined;
  scanJson(text, (path, offset) => {
    const depth = path.length;
    const last = path[depth - 1];
    if (typeof last === 'string') {
      const seen = keys[depth]!;
      if (seen.has(last)) {
        found = { path: [...path], offset };
        return 'stop';
      }
      seen.add(last);
    }
    if (text.charCodeAt(offset) === 0x7b) keys[depth + 1] = new Set();
    return 'descend';
  });
  return found;
}

/** The refusal for a duplicate key at `path`. */
export function duplicateKeyMessage(path: JsonPath): string {
  return `duplicate key \`${String(path[path.length - 1])}\` in ${describePath(path.slice(0, -1))}: terraform never writes a key twice, and readers disagree on which one counts, so this plan was edited and is refused; write it again with \`terraform show -json\``;
}

// ---- parse + shape ----

const KNOWN_ACTIONS = new Set([
  'no-op',
  'create',
  'read',
  'update',
  'delete',
  'delete,create',
  'create,delete',
  'forget',
  'create,forget',
  'forget,create',
]);

/** Where values are in the plan file: positions are computed only for findings and errors. */
export interface PlanPositions {
  /** The start of the value at `path` (or of its deepest existing ancestor), and the position `length` characters on. */
  range(path: JsonPath, length?: number): Range;
}

export interface ParsedPlan {
  json: PlanJson;
  positions: PlanPositions;
}

/** Positions in a plan held as one string. */
export class TextPlanPositions implements PlanPositions {
  private readonly lines: LineIndex;
  private changeAddressOffsets: number[] | undefined;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  range(path: JsonPath, length = 0): Range {
    const offset = isChangeAddress(path) ? this.changeAddressOffset(path[1] as number) : offsetOfPath(this.text, path);
    return { start: this.lines.position(offset), end: this.lines.position(offset + length) };
  }

  /** One pass records every resource_changes[i].address: findings about changes come in numbers. */
  private changeAddressOffset(ordinal: number): number {
    if (!this.changeAddressOffsets) {
      const offsets: number[] = [];
      let seen = false;
      scanJson(this.text, (path, at) => {
        if (path.length === 0) return 'descend';
        // Terraform writes prior_state and configuration after resource_changes: no need to read them.
        if (path[0] !== 'resource_changes') return seen ? 'stop' : 'skip';
        seen = true;
        if (path.length <= 2) return 'descend';
        if (path.length === 3 && path[2] === 'address') offsets[path[1] as number] = at;
        return 'skip';
      });
      this.changeAddressOffsets = offsets;
    }
    return this.changeAddressOffsets[ordinal] ?? offsetOfPath(this.text, ['resource_changes', ordinal, 'address']);
  }
}

const isChangeAddress = (path: JsonPath) => path.length === 3 && path[0] === 'resource_changes' && typeof path[1] === 'number' && path[2] === 'address';

/** Parses and checks a plan. Anything a rule could misread is a ParseError with a position. */
export function parsePlan(file: SourceFile): ParsedPlan {
  const { text, path } = file;
  if (!text.trim()) throw new ParseError(path, 'file is empty; expected the output of `terraform show -json tfplan`');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const { message, position } = describeSyntaxError(text, e, new LineIndex(text));
    throw new ParseError(path, `invalid JSON: ${message}`, position.line, position.column);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const at = new LineIndex(text).position(duplicate.offset);
    throw new ParseError(path, duplicateKeyMessage(duplicate.path), at.line, at.column);
  }
  const positions = new TextPlanPositions(text);
  return { json: checkPlan(json, path, positions), positions };
}

/** The checks every plan passes, however it was read: what a rule could misread is a ParseError with a position. */
export function checkPlan(json: unknown, path: string, positions: PlanPositions): PlanJson {
  const fail = (message: string, at: JsonPath = []): never => {
    const p = positions.range(at).start;
    throw new ParseError(path, message, p.line, p.column);
  };
  if (!isObject(json)) return fail('not a Terraform plan: expected a JSON object from `terraform show -json tfplan`');

  const version = json.format_version;
  if (typeof version !== 'string' || !/^\d+\.\d+/.test(version)) {
    return fail('not a Terraform plan: "format_version" must be a version string like "1.2"', ['format_version']);
  }
  const major = version.split('.')[0]!;
  if (!SUPPORTED_FORMAT_MAJORS.includes(major)) {
    return fail(
      `unsupported plan format_version "${version}": iac-guard reads plan formats 0.x and 1.x (Terraform 0.12 to 1.x, OpenTofu); upgrade iac-guard`,
      ['format_version'],
    );
  }
  if (!('resource_changes' in json) && !('planned_values' in json) && 'values' in json) {
    return fail('this is Terraform state JSON (`terraform show -json` without a plan), not a plan: run `terraform plan -out tfplan && terraform show -json tfplan`');
  }
  if (json.errored === true) {
    return fail('the plan errored: terraform could not finish planning, so it is incomplete and cannot be applied; fix the errors terraform printed and plan again', ['errored']);
  }

  checkOptionalObject(json, 'variables', fail);
  checkChanges(json, 'resource_changes', fail);
  checkChanges(json, 'resource_drift', fail);
  if (checkOptionalObject(json, 'planned_values', fail)) checkValuesModule(json.planned_values, ['planned_values'], fail);
  if (checkOptionalObject(json, 'prior_state', fail)) {
    const prior = json.prior_state as Record<string, unknown>;
    if (checkOptionalObject(prior, 'values', fail, ['prior_state'])) checkValuesModule(prior.values, ['prior_state', 'values'], fail);
  }
  if (checkOptionalObject(json, 'configuration', fail)) {
    const config = json.configuration as Record<string, unknown>;
    if (checkOptionalObject(config, 'root_module', fail, ['configuration'])) checkConfigModule(config.root_module as Record<string, unknown>, ['configuration', 'root_module'], fail);
  }
  return json as unknown as PlanJson;
}

type Fail = (message: string, at?: JsonPath) => never;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkOptionalObject(parent: Record<string, unknown>, key: string, fail: Fail, at: JsonPath = []): boolean {
  if (!(key in parent) || parent[key] === null) return false;
  if (!isObject(parent[key])) fail(`"${[...at, key].join('.')}" must be an object`, [...at, key]);
  return true;
}

function checkChanges(json: Record<string, unknown>, key: 'resource_changes' | 'resource_drift', fail: Fail): void {
  const list = json[key];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) fail(`"${key}" must be a list of resource changes`, [key]);
  (list as unknown[]).forEach((rc, i) => {
    const at = [key, i];
    const where = `${key}[${i}]`;
    if (!isObject(rc)) return fail(`${where} must be an object`, at);
    // Terraform 1.0.0 wrote drift entries without "address"; rebuild it rather than refuse the plan.
    if (key === 'resource_drift' && rc.address === undefined && typeof rc.type === 'string' && typeof rc.name === 'string') {
      rc.address = driftAddress(rc);
    }
    if (typeof rc.address !== 'string' || !rc.address) return fail(`${where} has no "address"`, at);
    const name = `${where} (${rc.address})`;
    if (typeof rc.type !== 'string' || typeof rc.name !== 'string') fail(`${name} must have string "type" and "name"`, at);
    if (rc.mode !== 'managed' && rc.mode !== 'data') fail(`${name} has mode ${JSON.stringify(rc.mode)}; expected "managed" or "data"`, [...at, 'mode']);
    for (const k of ['module_address', 'deposed', 'provider_name', 'action_reason', 'previous_address'] as const) {
      if (rc[k] !== undefined && typeof rc[k] !== 'string') fail(`${name}.${k} must be a string`, [...at, k]);
    }
    const change = rc.change;
    if (!isObject(change)) return fail(`${name} has no "change" object`, at);
    const actions = change.actions;
    if (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string')) {
      return fail(`${name}.change.actions must be a list of strings`, [...at, 'change', 'actions']);
    }
    if (!KNOWN_ACTIONS.has(actions.join(','))) {
      fail(
        `${name} has actions ${JSON.stringify(actions)}, which this iac-guard does not know; it cannot tell whether they destroy anything, so it stops here (upgrade iac-guard)`,
        [...at, 'change', 'actions'],
      );
    }
    for (const side of ['before', 'after'] as const) {
      const v = change[side];
      if (v !== undefined && v !== null && typeof v !== 'object') fail(`${name}.change.${side} must be an object or null`, [...at, 'change', side]);
    }
    const paths = change.replace_paths;
    if (paths !== undefined && !(Array.isArray(paths) && paths.every((p) => Array.isArray(p)))) {
      fail(`${name}.change.replace_paths must be a list of paths`, [...at, 'change', 'replace_paths']);
    }
  });
}

function driftAddress(rc: Record<string, unknown>): string {
  const module = typeof rc.module_address === 'string' && rc.module_address ? `${rc.module_address}.` : '';
  const data = rc.mode === 'data' ? 'data.' : '';
  const index = typeof rc.index === 'number' ? `[${rc.index}]` : typeof rc.index === 'string' ? `[${JSON.stringify(rc.index)}]` : '';
  return `${module}${data}${String(rc.type)}.${String(rc.name)}${index}`;
}

function checkValuesModule(module: unknown, at: JsonPath, fail: Fail): void {
  if (!isObject(module)) return;
  if (module.root_module !== undefined) {
    if (!isObject(module.root_module)) fail(`"${[...at, 'root_module'].join('.')}" must be an object`, [...at, 'root_module']);
    return checkValuesModule(module.root_module, [...at, 'root_module'], fail);
  }
  if (module.resources !== undefined) {
    if (!Array.isArray(module.resources)) fail(`"${[...at, 'resources'].join('.')}" must be a list`, [...at, 'resources']);
    (module.resources as unknown[]).forEach((r, i) => {
      if (!isObject(r) || typeof r.address !== 'string') fail(`"${[...at, 'resources'].join('.')}[${i}]" must be an object with an "address"`, [...at, 'resources', i]);
    });
  }
  if (module.child_modules !== undefined) {
    if (!Array.isArray(module.child_modules)) fail(`"${[...at, 'child_modules'].join('.')}" must be a list`, [...at, 'child_modules']);
    (module.child_modules as unknown[]).forEach((m, i) => {
      if (!isObject(m)) fail(`"${[...at, 'child_modules'].join('.')}[${i}]" must be an object`, [...at, 'child_modules', i]);
      checkValuesModule(m, [...at, 'child_modules', i], fail);
    });
  }
}

function checkConfigModule(module: Record<string, unknown>, at: JsonPath, fail: Fail): void {
  if (module.resources !== undefined && !Array.isArray(module.resources)) fail(`"${[...at, 'resources'].join('.')}" must be a list`, [...at, 'resources']);
  if (module.module_calls === undefined) return;
  if (!isObject(module.module_calls)) fail(`"${[...at, 'module_calls'].join('.')}" must be an object`, [...at, 'module_calls']);
  for (const [name, call] of Object.entries(module.module_calls as Record<string, unknown>)) {
    if (!isObject(call)) fail(`module call "${name}" must be an object`, [...at, 'module_calls', name]);
    const inner = (call as Record<string, unknown>).module;
    if (isObject(inner)) checkConfigModule(inner, [...at, 'module_calls', name, 'module'], fail);
  }
}
