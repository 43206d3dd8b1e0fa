// The plan model: typed views over `terraform show -json tfplan` that rules query.
// Values are read straight from the parsed JSON; what is derived (replace actions, config
// addresses, references across module boundaries, file positions) is computed on first use.
import type { BaseModel, InlineSuppression, SourceFile } from '../core/source.js';
import type { InputAdapter } from './adapter.js';
import type { Location } from '../core/types.js';
import {
  isObject,
  looksLikePlan,
  parsePlan,
  type ConfigModuleJson,
  type JsonPath,
  type PlanJson,
  type PlanPositions,
  type ResourceChangeJson,
  type ValuesModuleJson,
} from '../parsers/plan.js';
import { parseLargePlan } from '../parsers/plan-stream.js';

export type { JsonPath } from '../parsers/plan.js';

export type ChangeAction = 'create' | 'delete' | 'update' | 'replace' | 'read' | 'no-op' | 'forget';
export type Side = 'before' | 'after';

/** Printed for values that must never reach a message or report. */
export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';

/**
 * `["delete","create"]` and `["create","delete"]` replace the object. `["create","forget"]`
 * (a `removed` block with `destroy = false` on a replaced resource) keeps the old object alive,
 * so it counts as a forget: nothing is destroyed.
 */
function deriveAction(actions: string[]): ChangeAction {
  const key = actions.join(',');
  if (key === 'delete,create' || key === 'create,delete') return 'replace';
  if (key === 'create,forget' || key === 'forget,create') return 'forget';
  return actions[0] as ChangeAction;
}

/** Reads `path` in a JSON value; undefined when any step is missing. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const step of path) {
    if (Array.isArray(v) && typeof step === 'number') v = v[step];
    else if (isObject(v) && typeof step === 'string') v = v[step];
    else return undefined;
  }
  return v;
}

/** True when a sensitivity/unknown mask marks `path` or one of its ancestors. */
function markedAt(mask: unknown, path: JsonPath): boolean {
  let m = mask;
  if (m === true) return true;
  for (const step of path) {
    m = Array.isArray(m) && typeof step === 'number' ? m[step] : isObject(m) && typeof step === 'string' ? m[step] : undefined;
    if (m === true) return true;
    if (m === undefined || m === false) return false;
  }
  return false;
}

const marksAnything = (mask: unknown): boolean =>
  mask === true || (Array.isArray(mask) ? mask.some(marksAnything) : isObject(mask) && Object.values(mask).some(marksAnything));

/** A copy of `value` with every masked leaf replaced by `label`. */
function redact(value: unknown, mask: unknown, label: string): unknown {
  if (mask === true) return label;
  if (Array.isArray(value) && Array.isArray(mask)) return value.map((v, i) => redact(v, mask[i], label));
  if (isObject(value) && isObject(mask)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, mask[k], label)]));
  }
  // A mask whose shape does not match the value: hide all of it rather than guess.
  return marksAnything(mask) ? label : value;
}

const MAX_DISPLAY = 120;

/** A value as a short printable string; strings are quoted as in HCL. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_DISPLAY ? `${text.slice(0, MAX_DISPLAY - 1)}…` : text;
}

/** `a.b[0].c` from a path. */
export function formatPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`: the address in the configuration. */
export function configAddressOf(address: string): string {
  let out = '';
  for (let i = 0; i < address.length; i++) {
    const c = address[i]!;
    if (c !== '[') {
      out += c;
      continue;
    }
    // Skip the instance key, which may be a quoted string holding brackets or dots.
    while (i < address.length && address[i] !== ']') {
      if (address[i] === '"') {
        i++;
        while (i < address.length && address[i] !== '"') i += address[i] === '\\' ? 2 : 1;
      }
      i++;
    }
  }
  return out;
}

export class ResourceChange {
  readonly address: string;
  readonly previousAddress: string | undefined;
  /** `module.a.module.b` ('' in the root module), instance keys included. */
  readonly moduleAddress: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index: string | number | undefined;
  readonly deposed: string | undefined;
  readonly providerName: string;
  /** As terraform wrote them, e.g. `["delete","create"]`. */
  readonly actions: string[];
  readonly action: ChangeAction;
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
  readonly replacePaths: JsonPath[];
  readonly actionReason: string | undefined;
  /** Position in `resource_changes` (or `resource_drift`). */
  readonly ordinal: number;
  readonly list: 'resource_changes' | 'resource_drift';

  constructor(raw: ResourceChangeJson, ordinal: number, list: 'resource_changes' | 'resource_drift') {
    const c = raw.change;
    this.address = raw.address;
    this.previousAddress = raw.previous_address;
    this.moduleAddress = raw.module_address ?? '';
    this.mode = raw.mode;
    this.type = raw.type;
    this.name = raw.name;
    this.index = raw.index;
    this.deposed = raw.deposed;
    this.providerName = raw.provider_name ?? '';
    this.actions = c.actions;
    this.action = deriveAction(c.actions);
    this.before = c.before ?? null;
    this.after = c.after ?? null;
    this.afterUnknown = c.after_unknown ?? {};
    this.beforeSensitive = c.before_sensitive ?? {};
    this.afterSensitive = c.after_sensitive ?? {};
    this.replacePaths = c.replace_paths ?? [];
    this.actionReason = raw.action_reason;
    this.ordinal = ordinal;
    this.list = list;
  }

  /** The resource's address in the configuration (no instance keys). */
  get configAddress(): string {
    return configAddressOf(this.address);
  }

  get isDelete(): boolean {
    return this.action === 'delete';
  }

  get isReplace(): boolean {
    return this.action === 'replace';
  }

  /** The existing object stops existing: deleted or replaced. */
  get destroysObject(): boolean {
    return this.action === 'delete' || this.action === 'replace';
  }

  valueBefore(path: JsonPath): unknown {
    return valueAt(this.before, path);
  }

  valueAfter(path: JsonPath): unknown {
    return valueAt(this.after, path);
  }

  isSensitive(path: JsonPath, side: Side): boolean {
    return markedAt(side === 'before' ? this.beforeSensitive : this.afterSensitive, path);
  }

  isUnknownAfter(path: JsonPath): boolean {
    return markedAt(this.afterUnknown, path);
  }

  /**
   * The value at `path` on one side, safe to print: "(sensitive)" for sensitive values (also
   * inside objects), "(known after apply)" for values terraform learns only during apply.
   */
  display(path: JsonPath, side: Side): string {
    if (this.isSensitive(path, side)) return SENSITIVE;
    if (side === 'after' && this.isUnknownAfter(path)) return UNKNOWN;
    let value = side === 'before' ? this.valueBefore(path) : this.valueAfter(path);
    if (typeof value === 'object' && value !== null) {
      value = redact(value, valueAt(side === 'before' ? this.beforeSensitive : this.afterSensitive, path), SENSITIVE);
      if (side === 'after') value = redact(value, valueAt(this.afterUnknown, path), UNKNOWN);
    }
    return value === SENSITIVE || value === UNKNOWN ? value : formatValue(value);
  }

  /** `old → new` for one attribute, both sides safe to print. */
  displayChange(path: JsonPath): string {
    return `${this.display(path, 'before')} → ${this.display(path, 'after')}`;
  }
}

/** A resource block in the configuration, with its module prefix. */
export interface ConfigResource {
  /** `module.a.aws_s3_bucket.b` (no instance keys: one block can make many instances). */
  address: string;
  /** `module.a` ('' for the root module). */
  moduleAddress: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  expressions: Record<string, unknown>;
}

/** A `module` block in the configuration. */
export interface ConfigModuleCall {
  /** `module.a.module.b` */
  address: string;
  source: string | undefined;
  expressions: Record<string, unknown>;
}

/** One attribute of one resource block referring to another resource block. */
export interface ConfigReference {
  /** Config address of the resource holding the expression. */
  from: string;
  /** Attribute path in that resource, e.g. `encryption.default_kms_key_name`. */
  attribute: string;
  /** Config address of the resource referred to (through variables, outputs and modules). */
  to: string;
  /** The one instance referred to, when the expression names it (`aws_kms_key.k[0]` in the root module). */
  instance?: string;
}

/** A resolved reference target: a resource block, and the instance when the expression names one. */
interface Target {
  to: string;
  instance?: string;
}

/** A resource's values as planned or as in the prior state. */
export interface ResourceValues {
  address: string;
  type: string;
  mode: string;
  values: Record<string, unknown>;
  sensitive: unknown;
}

interface ModuleContext {
  module: ConfigModuleJson;
  /** Expressions of the `module` block that called this module (absent for the root). */
  callExpressions?: Record<string, unknown>;
  parent?: string;
}

/** Maps a resource address to a place in the `.tf` sources; filled in by the HCL work. */
export type SourceLocator = (address: string) => Location | undefined;

export class PlanModel implements BaseModel {
  readonly kind = 'plan' as const;
  readonly files: string[];
  /** Plan JSON has no comments. */
  readonly inlineSuppressions: InlineSuppression[] = [];
  readonly formatVersion: string;
  readonly terraformVersion: string | undefined;
  /** Root module input variables with their values. */
  readonly variables: Record<string, unknown>;

  private readonly allChanges: ResourceChange[];
  /** Current (not deposed) changes by address. */
  private readonly byAddress = new Map<string, ResourceChange>();
  private readonly drift: ResourceChange[];
  private cachedInstances: Map<string, string[]> | undefined;
  private sourceLocator: SourceLocator | undefined;
  private cachedConfig: ConfigIndex | undefined;
  private cachedPlanned: Map<string, ResourceValues> | undefined;
  private cachedPrior: Map<string, ResourceValues> | undefined;

  constructor(
    readonly file: SourceFile,
    readonly json: PlanJson,
    private readonly positions: PlanPositions,
  ) {
    this.files = [file.path];
    this.formatVersion = json.format_version;
    this.terraformVersion = json.terraform_version;
    this.variables = Object.fromEntries(Object.entries(json.variables ?? {}).map(([k, v]) => [k, isObject(v) ? v.value : undefined]));
    this.allChanges = (json.resource_changes ?? []).map((rc, i) => new ResourceChange(rc, i, 'resource_changes'));
    this.drift = (json.resource_drift ?? []).map((rc, i) => new ResourceChange(rc, i, 'resource_drift'));
    for (const c of this.allChanges) if (!c.deposed && !this.byAddress.has(c.address)) this.byAddress.set(c.address, c);
  }

  /**
   * Planned changes. Data sources (mode "data") are reads, never changes to stop, so they are
   * left out unless `mode: 'data'` asks for them.
   */
  changes(filter: { actions?: ChangeAction[]; types?: string[]; mode?: 'managed' | 'data' } = {}): ResourceChange[] {
    const mode = filter.mode ?? 'managed';
    return this.allChanges.filter(
      (c) => c.mode === mode && (!filter.actions || filter.actions.includes(c.action)) && (!filter.types || filter.types.includes(c.type)),
    );
  }

  /** Changes terraform detected outside of it since the last apply (`resource_drift`). */
  resourceDrift(): ResourceChange[] {
    return this.drift;
  }

  /** The change of one address (the current object, not a deposed one). */
  change(address: string): ResourceChange | undefined {
    return this.byAddress.get(address);
  }

  /**
   * Instance addresses of a resource block (`aws_s3_bucket.b` → `aws_s3_bucket.b[0]`, …) found in
   * the changes, planned values and prior state; the block's own address when none is found.
   */
  instancesOf(configAddress: string): string[] {
    if (!this.cachedInstances) {
      const index = new Map<string, Set<string>>();
      const add = (address: string) => {
        const key = configAddressOf(address);
        let set = index.get(key);
        if (!set) index.set(key, (set = new Set()));
        set.add(address);
      };
      for (const c of this.allChanges) add(c.address);
      for (const a of this.priorValues().keys()) add(a);
      for (const a of this.plannedValues().keys()) add(a);
      this.cachedInstances = new Map([...index].map(([k, v]) => [k, [...v]]));
    }
    return this.cachedInstances.get(configAddress) ?? [configAddress];
  }

  /** Whether a variable is declared `sensitive = true` in the root module. */
  isVariableSensitive(name: string): boolean {
    const v = this.json.configuration?.root_module?.variables?.[name];
    return isObject(v) && v.sensitive === true;
  }

  // ---- locations ----

  setSourceLocator(locator: SourceLocator | undefined): void {
    this.sourceLocator = locator;
  }

  /** Where a finding about this change points: its `.tf` block when sources are known, else the plan. */
  at(change: ResourceChange): Location {
    return this.sourceLocator?.(change.address) ?? this.locate(change);
  }

  /** The resource change's "address" value in the plan file. */
  locate(target: ResourceChange | string): Location {
    const change = typeof target === 'string' ? this.change(target) ?? this.allChanges.find((c) => c.address === target) : target;
    if (!change) return { file: this.file.path, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } };
    return { file: this.file.path, range: this.positions.range([change.list, change.ordinal, 'address'], JSON.stringify(change.address).length) };
  }

  /**
   * Where a finding about one attribute of a change belongs: the resource's .tf block when the
   * sources are mapped, else the attribute's value in the plan (`change.after.<path>`).
   */
  atAttribute(change: ResourceChange, path: JsonPath, side: 'before' | 'after' = 'after'): Location {
    return this.sourceLocator?.(change.address) ?? this.locatePath([change.list, change.ordinal, 'change', side, ...path]);
  }

  /** A location for any value in the plan, by JSON path (e.g. `['variables', 'env', 'value']`). */
  locatePath(path: JsonPath): Location {
    const { start } = this.positions.range(path);
    return { file: this.file.path, range: { start, end: start } };
  }

  // ---- planned values and prior state ----

  /** Values every resource will have after apply, by address (unknown values are absent). */
  plannedValues(): Map<string, ResourceValues> {
    this.cachedPlanned ??= collectValues(this.json.planned_values?.root_module);
    return this.cachedPlanned;
  }

  /** Values in the state the plan was made from, by address. */
  priorValues(): Map<string, ResourceValues> {
    this.cachedPrior ??= collectValues(this.json.prior_state?.values?.root_module);
    return this.cachedPrior;
  }

  // ---- configuration ----

  /** Every resource block in the configuration, module calls walked recursively. */
  configResources(): ConfigResource[] {
    return this.config().resources;
  }

  /** Every `module` block, nested ones included, with its source and arguments. */
  moduleCalls(): ConfigModuleCall[] {
    return this.config().modules;
  }

  configResource(address: string): ConfigResource | undefined {
    return this.config().byAddress.get(address);
  }

  /**
   * Every attribute, anywhere in the configuration, that refers to the resource at `address`.
   * For an instance (`aws_kms_key.k[1]`), references that name another instance are left out.
   */
  referencesTo(address: string): ConfigReference[] {
    const block = configAddressOf(address);
    const refs = this.config().to.get(block) ?? [];
    return block === address ? refs : refs.filter((r) => r.instance === undefined || r.instance === address);
  }

  /** What the resource block `address` refers to, resolved across modules. */
  referencesFrom(address: string): ConfigReference[] {
    return this.config().from.get(configAddressOf(address)) ?? [];
  }

  private config(): ConfigIndex {
    if (this.cachedConfig) return this.cachedConfig;
    const contexts = new Map<string, ModuleContext>();
    const modules: ConfigModuleCall[] = [];
    const root = this.json.configuration?.root_module;
    const addModule = (key: string, module: ConfigModuleJson, callExpressions?: Record<string, unknown>, parent?: string) => {
      contexts.set(key, { module, ...(callExpressions ? { callExpressions } : {}), ...(parent !== undefined ? { parent } : {}) });
      for (const [name, call] of Object.entries(module.module_calls ?? {})) {
        if (!isObject(call)) continue;
        const address = `${key ? `${key}.` : ''}module.${name}`;
        const expressions = isObject(call.expressions) ? call.expressions : {};
        modules.push({ address, source: typeof call.source === 'string' ? call.source : undefined, expressions });
        if (isObject(call.module)) addModule(address, call.module as ConfigModuleJson, expressions, key);
      }
    };
    if (isObject(root)) addModule('', root);

    const resources: ConfigResource[] = [];
    const references: ConfigReference[] = [];
    const resolver = new ReferenceResolver(contexts);
    for (const [key, ctx] of contexts) {
      for (const r of ctx.module.resources ?? []) {
        if (!isObject(r) || typeof r.type !== 'string' || typeof r.name !== 'string') continue;
        const mode = r.mode === 'data' ? 'data' : 'managed';
        const local = `${mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
        const address = key ? `${key}.${local}` : local;
        const expressions = isObject(r.expressions) ? r.expressions : {};
        resources.push({ address, moduleAddress: key, mode, type: r.type, name: r.name, expressions });
        for (const { attribute, refs } of expressionReferences(expressions)) {
          for (const t of mostSpecific(refs.flatMap((ref) => resolver.resolve(ref, key)))) {
            if (t.to !== address) references.push({ from: address, attribute, ...t });
          }
        }
      }
    }
    const group = (key: 'from' | 'to') => {
      const map = new Map<string, ConfigReference[]>();
      for (const r of references) map.set(r[key], [...(map.get(r[key]) ?? []), r]);
      return map;
    };
    this.cachedConfig = { modules, resources, byAddress: new Map(resources.map((r) => [r.address, r])), from: group('from'), to: group('to') };
    return this.cachedConfig;
  }
}

interface ConfigIndex {
  modules: ConfigModuleCall[];
  resources: ConfigResource[];
  byAddress: Map<string, ConfigResource>;
  from: Map<string, ConfigReference[]>;
  to: Map<string, ConfigReference[]>;
}

/**
 * Terraform lists `aws_kms_key.k[0].arn`, `aws_kms_key.k[0]` and `aws_kms_key.k` for one use:
 * keep the instance when one is named, and each target once.
 */
function mostSpecific(targets: Target[]): Target[] {
  const named = new Set(targets.filter((t) => t.instance).map((t) => t.to));
  const seen = new Set<string>();
  return targets.filter((t) => {
    if (!t.instance && named.has(t.to)) return false;
    const key = `${t.to}\0${t.instance ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `aws_kms_key.k[0]` from `aws_kms_key.k[0].arn` (undefined when no instance key follows the name). */
const INSTANCE = /^((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(\[(?:"(?:[^"\\]|\\.)*"|[^\]"])*\])/;

/** Walks an `expressions` object: nested blocks are lists (or objects) of expressions. */
function expressionReferences(expressions: Record<string, unknown>, prefix = ''): { attribute: string; refs: string[] }[] {
  const out: { attribute: string; refs: string[] }[] = [];
  for (const [key, expr] of Object.entries(expressions)) {
    const attribute = prefix ? `${prefix}.${key}` : key;
    const blocks = Array.isArray(expr) ? expr : [expr];
    for (const block of blocks) {
      if (!isObject(block)) continue;
      if ('references' in block || 'constant_value' in block) {
        const refs = Array.isArray(block.references) ? block.references.filter((r): r is string => typeof r === 'string') : [];
        if (refs.length) out.push({ attribute, refs });
      } else {
        out.push(...expressionReferences(block, attribute));
      }
    }
  }
  return out;
}

/** Splits `module.a["k.x"].out` into `module`, `a`, `out` (instance keys dropped). */
function referenceParts(ref: string): string[] {
  return configAddressOf(ref).split('.');
}

/** Resolves a reference written in one module to resource blocks, following var.* and module outputs. */
class ReferenceResolver {
  private readonly memo = new Map<string, Target[]>();
  constructor(private readonly contexts: Map<string, ModuleContext>) {}

  resolve(ref: string, moduleKey: string, depth = 0): Target[] {
    const memoKey = `${moduleKey}\0${ref}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    if (depth > 32) return [];
    const parts = referenceParts(ref);
    const prefix = moduleKey ? `${moduleKey}.` : '';
    const [head, a, b] = parts;
    const through = (refs: string[], context: string) => refs.flatMap((r) => this.resolve(r, context, depth + 1));
    let out: Target[] = [];
    if (head === 'var' && a) {
      const ctx = this.contexts.get(moduleKey);
      const expr = ctx?.callExpressions?.[a];
      if (ctx?.parent !== undefined && isObject(expr)) out = expressionReferences({ [a]: expr }).flatMap(({ refs }) => through(refs, ctx.parent!));
    } else if (head === 'module' && a) {
      const childKey = `${prefix}module.${a}`;
      const outputs = this.contexts.get(childKey)?.module.outputs ?? {};
      out = (b ? [b] : Object.keys(outputs)).flatMap((name) => {
        const output = outputs[name];
        const expr = isObject(output) ? output.expression : undefined;
        return isObject(expr) ? expressionReferences({ out: expr }).flatMap(({ refs }) => through(refs, childKey)) : [];
      });
    } else if ((head === 'data' && a && b) || (head && a && !['local', 'each', 'count', 'self', 'path', 'terraform', 'data'].includes(head))) {
      const to = head === 'data' ? `${prefix}data.${a}.${b}` : `${prefix}${head}.${a}`;
      // Only in the root module is an instance key a full address (module instances are unknown here).
      const instance = moduleKey === '' ? INSTANCE.exec(ref)?.[0] : undefined;
      out = [{ to, ...(instance ? { instance } : {}) }];
    }
    this.memo.set(memoKey, out);
    return out;
  }
}

function collectValues(root: ValuesModuleJson | undefined): Map<string, ResourceValues> {
  const out = new Map<string, ResourceValues>();
  // The parser checked that modules are objects and resources objects with an address.
  const walk = (m: ValuesModuleJson | undefined) => {
    if (!m) return;
    for (const r of m.resources ?? []) {
      out.set(r.address, {
        address: r.address,
        type: r.type,
        mode: r.mode,
        values: isObject(r.values) ? r.values : {},
        sensitive: r.sensitive_values ?? {},
      });
    }
    for (const child of m.child_modules ?? []) walk(child);
  };
  walk(root);
  return out;
}

export const planAdapter: InputAdapter<'plan', PlanModel> = {
  kind: 'plan',
  claims: (file) => looksLikePlan(file.text),
  group: (files) => files.map((f) => ({ kind: 'plan', files: [f] })),
  load: (group) => {
    const file = group.files[0]!;
    const { json, positions } = file.large ? parseLargePlan(file) : parsePlan(file);
    return new PlanModel(file, json, positions);
  },
};
