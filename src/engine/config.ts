// `.iac-guard.yml`: found upward from the first scanned path, or named with --config.
// The shape is declared once (CONFIG_SHAPE) and both validates config at run time and
// generates the JSON Schema editors use, so the two cannot drift.
import { existsSync, statSync } from 'node:fs';
import { MAX_FILE_BYTES, MAX_RUN_BYTES, readReferencedFile } from '../core/read.js';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode } from 'yaml';
import { UsageError } from '../core/errors.js';
import { firstUnusableNode, flowNestingPast, MAX_YAML_DEPTH } from '../parsers/yaml.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import type { OptionSpec } from '../rule-api/rule.js';

export const CONFIG_FILE_NAMES = ['.iac-guard.yml', '.iac-guard.yaml'];

export type RuleSetting = 'off' | Severity | { severity?: Severity | 'off'; options?: Record<string, unknown> };

export interface AllowEntry {
  rule: string;
  /** Glob over the Terraform address or YAML path of a finding (default: any). */
  resource?: string;
  /** Glob over the finding's file (default: any). */
  file?: string;
  reason: string;
  /** YYYY-MM-DD: the day after this the entry stops allowing and is reported. */
  expires?: string;
}

export interface Config {
  /** Absolute path of the file the config came from, when there was one. */
  source?: string;
  failOn: 'error' | 'warning' | 'never';
  rules: Record<string, RuleSetting>;
  include: string[];
  exclude: string[];
  allow: AllowEntry[];
  /** Extra resource types per category, added to the built-in table. */
  resourceTypes: Record<string, string[]>;
  plugins: string[];
  compose: { target?: 'compose' | 'swarm' };
  helm: { values: string[]; valuesFiles: string[] };
  /** `command`: terraform or tofu, run for binary plans (relative paths from the config file). */
  terraform: { command?: string };
  /** Read limits in MiB. */
  limits: { fileMib: number; runMib: number };
  /** Module source prefix → folder (relative to the config file). */
  modules: Record<string, string>;
  /**
   * Where `rules.<id>` and `rules.<id>.options.<name>` keys sit in the config file, so checks that
   * need the rule list (unknown ids, option types) can name file:line:column too.
   */
  places?: Record<string, { line: number; column: number }>;
  /** Absolute path of the baseline file (`baseline:`, relative to the config file). */
  baseline?: string;
  /**
   * Findings in example, test and dev files. `relax`: upkeep findings (log rotation, pins,
   * backups) are left out and counted, other errors are warnings; `warn`: every finding is
   * shown, errors as warnings; `strict`: as anywhere else.
   */
  devFiles: 'relax' | 'warn' | 'strict';
}

export const DEFAULT_LIMITS = { fileMib: MAX_FILE_BYTES / 1048576, runMib: MAX_RUN_BYTES / 1048576 };

/** The config's `modules:` mappings with folders made absolute (relative to the config file). */
export function moduleSources(config: Config, cwd: string): { prefix: string; dir: string }[] {
  const base = config.source ? dirname(config.source) : cwd;
  return Object.entries(config.modules).map(([prefix, dir]) => ({ prefix, dir: resolve(base, dir) }));
}

/** The config's read limits in bytes, for startReadBudget. */
export function readLimits(config: Config): { fileBytes: number; runBytes: number } {
  return { fileBytes: config.limits.fileMib * 1048576, runBytes: config.limits.runMib * 1048576 };
}

export const DEFAULT_CONFIG: Config = {
  failOn: 'error',
  rules: {},
  include: [],
  exclude: [],
  allow: [],
  resourceTypes: {},
  plugins: [],
  compose: {},
  helm: { values: [], valuesFiles: [] },
  terraform: {},
  limits: { ...DEFAULT_LIMITS },
  modules: {},
  devFiles: 'relax',
};

// ---- the shape, as a tiny schema language that maps 1:1 onto JSON Schema ----

type Shape =
  | { type: 'string'; enum?: readonly string[]; pattern?: string; description: string }
  | { type: 'boolean'; description: string }
  | { type: 'integer'; minimum: number; description: string }
  | { type: 'array'; items: Shape; description: string }
  | { type: 'object'; properties: Record<string, Shape>; required?: string[]; description: string }
  | { type: 'map'; values: Shape; description: string }
  | { type: 'oneOf'; options: Shape[]; description: string }
  | { type: 'any'; description: string };

const severityOrOff: Shape = {
  type: 'string',
  enum: ['off', ...SEVERITIES],
  description: 'off, or the severity to report with',
};
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';

export const CONFIG_SHAPE: Shape = {
  type: 'object',
  description: 'iac-guard configuration',
  properties: {
    'fail-on': {
      type: 'string',
      enum: ['error', 'warning', 'never'],
      description: 'Lowest severity that fails the run (exit 1). Default: error.',
    },
    'dev-files': {
      type: 'string',
      enum: ['relax', 'warn', 'strict'],
      description: 'Findings in examples, tests, docs and local-development files (examples/, test/, compose.dev.yml, a header or README saying "not for production"): relax (default) leaves out every finding in test suites (test/, fixtures/, *.test.yml) and findings about upkeep of a deployment (log rotation, memory limits, image pins, backups, deletion protection, certificates), counted in the summary, and reports their other errors as warnings with the reason; warn shows every finding, errors as warnings; strict blocks them like any other file.',
    },
    rules: {
      type: 'map',
      description: 'Per-rule settings by rule id: off, a severity, or {severity, options}.',
      values: {
        type: 'oneOf',
        description: 'Rule setting',
        options: [
          severityOrOff,
          {
            type: 'object',
            description: 'Severity and options for one rule',
            properties: {
              severity: severityOrOff,
              options: { type: 'map', values: { type: 'any', description: 'option value' }, description: 'Rule options' },
            },
          },
        ],
      },
    },
    include: { type: 'array', items: { type: 'string', description: 'glob' }, description: 'Only scan files matching these globs (relative to the config file).' },
    exclude: { type: 'array', items: { type: 'string', description: 'glob' }, description: 'Never scan files matching these globs.' },
    allow: {
      type: 'array',
      description: 'Findings deliberately allowed. Each entry needs a reason; an expired entry stops allowing.',
      items: {
        type: 'object',
        description: 'One allowed finding or family of findings',
        required: ['rule', 'reason'],
        properties: {
          rule: { type: 'string', description: 'Rule id' },
          resource: { type: 'string', description: 'Glob over the Terraform address or YAML path' },
          file: { type: 'string', description: 'Glob over the file path' },
          reason: { type: 'string', pattern: '\\S', description: 'Why this is safe (required)' },
          expires: { type: 'string', pattern: DATE, description: 'YYYY-MM-DD; the entry stops allowing after this day' },
        },
      },
    },
    'resource-types': {
      type: 'map',
      description: 'Extra Terraform resource types per category (key-material, database, object-storage, ...).',
      values: { type: 'array', items: { type: 'string', description: 'resource type' }, description: 'types' },
    },
    plugins: { type: 'array', items: { type: 'string', description: 'path or package' }, description: 'Custom rule modules: local paths or npm package names.' },
    compose: {
      type: 'object',
      description: 'Docker Compose settings',
      properties: {
        target: { type: 'string', enum: ['compose', 'swarm'], description: 'How the files are deployed' },
      },
    },
    helm: {
      type: 'object',
      description: 'Helm settings',
      properties: {
        values: { type: 'array', items: { type: 'string', description: 'values file' }, description: 'Extra values files, merged in order' },
        'values-files': {
          type: 'array',
          items: { type: 'string', description: 'glob' },
          description: 'More YAML files to read as Helm values, beyond the names iac-guard knows (values*.yaml, *-values.yaml, values/*.yaml): globs relative to the config file',
        },
      },
    },
    modules: {
      type: 'map',
      description: 'Where module sources that are not ./ paths live on this machine: a source prefix (an absolute path, a registry or git address) → a folder in the repository, relative to this file. `.terraform/modules/modules.json` is used too when present.',
      values: { type: 'string', pattern: '\\S', description: 'folder holding the module(s)' },
    },
    limits: {
      type: 'object',
      description: 'How much a run reads (see docs/limits.md); a file past a limit is reported as not read (exit 2), never skipped',
      properties: {
        'file-mib': { type: 'integer', minimum: 1, description: `Largest scanned file read whole, in MiB (default ${DEFAULT_LIMITS.fileMib}; plan JSON is streamed past it)` },
        'run-mib': { type: 'integer', minimum: 1, description: `Most a run reads in all, scanned and referenced files, in MiB (default ${DEFAULT_LIMITS.runMib})` },
      },
    },
    terraform: {
      type: 'object',
      description: 'Terraform settings',
      properties: {
        command: { type: 'string', pattern: '\\S', description: 'terraform or tofu to run `show -json` with for binary plans; never run otherwise (a command from a config inside the scanned tree needs --allow-plugins)' },
      },
    },
    baseline: {
      type: 'string',
      description: 'Baseline file (relative to this config) written by --write-baseline: findings recorded in it are reported as suppressed; only new ones block.',
    },
  },
};

/** What the schema needs to know of a rule to describe its `rules:` entry and options. */
export interface RuleSchemaInfo {
  id: string;
  summary?: string;
  severity?: Severity;
  aliases?: string[];
  /** Default option values. */
  options?: Record<string, unknown>;
  optionSpecs?: Record<string, OptionSpec | undefined>;
}

const OPTION_TYPES: Record<OptionSpec['type'], Record<string, unknown>> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  'string[]': { type: 'array', items: { type: 'string' } },
};

/**
 * JSON Schema (draft-07) for `.iac-guard.yml`, generated from CONFIG_SHAPE. Given rule ids, the
 * `rules:` keys are limited to them; given rule descriptions, each rule gets its own entry with
 * its options (for editor completion) and other ids stay allowed, as plugins add rules.
 */
export function configJsonSchema(ruleIds: (string | RuleSchemaInfo)[] = []): Record<string, unknown> {
  const convert = (s: Shape): Record<string, unknown> => {
    switch (s.type) {
      case 'string':
        return { type: 'string', description: s.description, ...(s.enum ? { enum: s.enum } : {}), ...(s.pattern ? { pattern: s.pattern } : {}) };
      case 'boolean':
        return { type: 'boolean', description: s.description };
      case 'integer':
        return { type: 'integer', minimum: s.minimum, description: s.description };
      case 'array':
        return { type: 'array', description: s.description, items: convert(s.items) };
      case 'object':
        return {
          type: 'object',
          description: s.description,
          additionalProperties: false,
          properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, convert(v)])),
          ...(s.required ? { required: s.required } : {}),
        };
      case 'map':
        return { type: 'object', description: s.description, additionalProperties: convert(s.values) };
      case 'oneOf':
        return { description: s.description, oneOf: s.options.map(convert) };
      case 'any':
        return { description: s.description };
    }
  };
  const schema = convert(CONFIG_SHAPE);
  const rules = (schema.properties as Record<string, Record<string, unknown>>).rules!;
  const described = ruleIds.filter((r): r is RuleSchemaInfo => typeof r !== 'string');
  if (described.length) {
    rules.properties = Object.fromEntries(
      described.flatMap((r) => [r.id, ...(r.aliases ?? [])].map((id) => [id, ruleSettingSchema(r, id, convert(severityOrOff))])),
    );
  } else if (ruleIds.length) {
    rules.propertyNames = { enum: ruleIds };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'iac-guard config', ...schema };
}

function ruleSettingSchema(rule: RuleSchemaInfo, id: string, severity: Record<string, unknown>): Record<string, unknown> {
  const specs = Object.entries(rule.optionSpecs ?? {}).filter((e): e is [string, OptionSpec] => e[1] !== undefined);
  const defaults = rule.options ?? {};
  // Strict only when every option is described, so an undocumented option is never flagged as a typo.
  const allDescribed = Object.keys(defaults).every((k) => specs.some(([name]) => name === k));
  const options = {
    type: 'object',
    description: specs.length ? `Options of ${rule.id}` : `${rule.id} has no options`,
    properties: Object.fromEntries(
      specs.map(([name, spec]) => [name, { ...OPTION_TYPES[spec.type], ...(spec.values ? { enum: spec.values } : {}), description: spec.description, ...(name in defaults ? { default: defaults[name] } : {}) }]),
    ),
    additionalProperties: !allDescribed,
  };
  const alias = id !== rule.id ? ` (former id of ${rule.id})` : '';
  return {
    description: `${rule.summary ?? rule.id}${alias}${rule.severity ? ` Default severity: ${rule.severity}.` : ''}`,
    oneOf: [severity, { type: 'object', description: 'Severity and options', additionalProperties: false, properties: { severity, options } }],
  };
}

// ---- validation with positions ----

interface Issue {
  path: string;
  message: string;
  node?: YamlNode | null;
}

function validate(shape: Shape, value: unknown, path: string, node: YamlNode | null | undefined, out: Issue[]): void {
  const where = path || '(root)';
  switch (shape.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') {
        out.push({ path, node, message: `${where} must be a string` });
      } else if (shape.enum && !shape.enum.includes(value)) {
        out.push({ path, node, message: `${where} must be one of ${shape.enum.join(', ')} (got "${value}")` });
      } else if (shape.pattern && !new RegExp(shape.pattern).test(value)) {
        out.push({ path, node, message: shape.pattern === DATE ? `${where} must be a date YYYY-MM-DD (got "${value}")` : `${where} must not be empty` });
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ path, node, message: `${where} must be true or false` });
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < shape.minimum) out.push({ path, node, message: `${where} must be a whole number of at least ${shape.minimum} (got ${JSON.stringify(value)})` });
      return;
    case 'array':
      if (!Array.isArray(value)) {
        out.push({ path, node, message: `${where} must be a list` });
        return;
      }
      value.forEach((v, i) => validate(shape.items, v, `${path}[${i}]`, isSeq(node) ? (node.items[i] as YamlNode) : undefined, out));
      return;
    case 'object':
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push({ path, node, message: `${where} must be a mapping` });
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      for (const [k, v] of entries) {
        const child = childNode(node, k);
        const childPath = path ? `${path}.${k}` : k;
        if (shape.type === 'map') {
          validate(shape.values, v, childPath, child?.value, out);
          continue;
        }
        const sub = shape.properties[k];
        if (!sub) {
          const known = Object.keys(shape.properties).join(', ');
          out.push({ path: childPath, node: child?.key, message: `unknown key "${childPath}" (expected one of: ${known})` });
        } else {
          validate(sub, v, childPath, child?.value, out);
        }
      }
      if (shape.type === 'object') {
        for (const req of shape.required ?? []) {
          if (!(req in (value as object))) out.push({ path, node, message: `${where} is missing required key "${req}"` });
        }
      }
      return;
    }
    case 'oneOf': {
      const attempts = shape.options.map((o) => {
        const issues: Issue[] = [];
        validate(o, value, path, node, issues);
        return issues;
      });
      if (attempts.some((a) => a.length === 0)) return;
      // Report the attempt whose type matched (the one that got furthest), not all of them.
      const best = attempts.find((a) => !a.some((i) => i.path === path && /must be a (string|mapping)/.test(i.message)));
      out.push(...(best ?? attempts[0] ?? []));
      return;
    }
  }
}

function childNode(node: YamlNode | null | undefined, key: string): { key: YamlNode | null; value: YamlNode | null } | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) {
      return { key: pair.key as YamlNode, value: (pair.value as YamlNode | null) ?? null };
    }
  }
  return undefined;
}

/** Where the upward config search starts for a scanned path: the folder itself, or a file's folder. */
export function configSearchStart(path: string): string {
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

/** Finds `.iac-guard.yml` in `startDir` or any parent. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and validates a config file. Any problem is a UsageError naming file:line:column and the key. */
export function loadConfig(file: string, displayPath = file): Config {
  // Regular files only, size-capped: a config linked to /dev/zero or a named pipe must not hang the run.
  // `--config /dev/null` is the usual way to say "no config".
  const read = resolve(file) === '/dev/null' ? { text: '' } : readReferencedFile(file);
  if (read.text === undefined) throw new UsageError(`${displayPath}: cannot read config: ${read.error}`);
  return parseConfig(read.text, displayPath, resolve(file));
}

/** Positions of the keys under `rules:` and their `options:` (see Config.places). */
function rulePlaces(root: YamlNode | null, lines: LineCounter): NonNullable<Config['places']> {
  const places: NonNullable<Config['places']> = {};
  const at = (node: unknown) => {
    const offset = (node as YamlNode | null)?.range?.[0];
    if (offset === undefined) return undefined;
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const pairs = (node: unknown) => (isMap(node) ? node.items : []);
  const rules = pairs(root).find((p) => isScalar(p.key) && p.key.value === 'rules')?.value;
  for (const rule of pairs(rules)) {
    if (!isScalar(rule.key)) continue;
    const id = String(rule.key.value);
    const place = at(rule.key);
    if (place) places[`rules.${id}`] = place;
    const options = pairs(rule.value).find((p) => isScalar(p.key) && p.key.value === 'options')?.value;
    for (const option of pairs(options)) {
      if (!isScalar(option.key)) continue;
      const name = String(option.key.value);
      // A wrong value is reported at the value, an unknown name at the name.
      const key = at(option.key);
      const value = at(option.value);
      if (key) places[`rules.${id}.options.${name}`] = key;
      if (value) places[`rules.${id}.options.${name}=`] = value;
    }
  }
  return places;
}

export function parseConfig(text: string, displayPath: string, source?: string): Config {
  const lineCounter = new LineCounter();
  // Absurd `[`/`{` nesting makes the yaml parser crawl: refuse it before parsing.
  if (flowNestingPast(text, MAX_YAML_DEPTH) !== undefined) throw new UsageError(`${displayPath}: invalid YAML in config: nested more than ${MAX_YAML_DEPTH} levels deep`);
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  } catch (e) {
    // The yaml parser recurses per level of nesting and runs out of stack on absurd depths.
    throw new UsageError(`${displayPath}: invalid YAML in config: ${e instanceof RangeError ? 'nested too deeply' : String(e)}`);
  }
  const firstError = doc.errors[0];
  if (firstError) {
    const p = lineCounter.linePos(firstError.pos[0]);
    throw new UsageError(`${displayPath}:${p.line}:${p.col}: invalid YAML in config: ${firstError.message.split('\n')[0]}`);
  }
  const bad = firstUnusableNode(doc.contents, MAX_YAML_DEPTH);
  if (bad) {
    const p = lineCounter.linePos(bad.node.range?.[0] ?? 0);
    const problem = bad.invalidYaml ? `invalid YAML in config: ${bad.problem}` : `invalid config: ${bad.problem}`;
    throw new UsageError(`${displayPath}:${p.line}:${p.col}: ${problem}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    // An alias to an anchor defined later, or too many aliases: the YAML is not usable.
    throw new UsageError(`${displayPath}: invalid YAML in config: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const issues: Issue[] = [];
  validate(CONFIG_SHAPE, raw, '', doc.contents as YamlNode | null, issues);
  const issue = issues[0];
  if (issue) {
    const offset = issue.node?.range?.[0];
    const where = offset !== undefined ? (() => { const p = lineCounter.linePos(offset); return `:${p.line}:${p.col}`; })() : '';
    throw new UsageError(`${displayPath}${where}: invalid config: ${issue.message}`);
  }
  const r = raw as Record<string, unknown>;
  const places = rulePlaces(doc.contents as YamlNode | null, lineCounter);
  const compose = (r.compose ?? {}) as Record<string, unknown>;
  const helm = (r.helm ?? {}) as Record<string, unknown>;
  const terraform = (r.terraform ?? {}) as Record<string, unknown>;
  const limits = (r.limits ?? {}) as Record<string, number | undefined>;
  const allow = ((r.allow ?? []) as Record<string, unknown>[]).map((a) => {
    const entry: AllowEntry = { rule: String(a.rule), reason: String(a.reason).trim() };
    if (a.resource !== undefined) entry.resource = String(a.resource);
    if (a.file !== undefined) entry.file = String(a.file);
    if (a.expires !== undefined) entry.expires = String(a.expires);
    return entry;
  });
  return {
    ...(source ? { source } : {}),
    ...(Object.keys(places).length ? { places } : {}),
    ...(typeof r.baseline === 'string' ? { baseline: resolve(source ? dirname(source) : '.', r.baseline) } : {}),
    failOn: (r['fail-on'] as Config['failOn'] | undefined) ?? 'error',
    rules: (r.rules ?? {}) as Record<string, RuleSetting>,
    include: (r.include ?? []) as string[],
    exclude: (r.exclude ?? []) as string[],
    allow,
    resourceTypes: (r['resource-types'] ?? {}) as Record<string, string[]>,
    plugins: (r.plugins ?? []) as string[],
    compose: {
      ...(compose.target ? { target: compose.target as 'compose' | 'swarm' } : {}),
    },
    helm: { values: (helm.values ?? []) as string[], valuesFiles: (helm['values-files'] ?? []) as string[] },
    terraform: terraform.command !== undefined ? { command: String(terraform.command) } : {},
    limits: { fileMib: limits['file-mib'] ?? DEFAULT_LIMITS.fileMib, runMib: limits['run-mib'] ?? DEFAULT_LIMITS.runMib },
    modules: (r.modules ?? {}) as Record<string, string>,
    devFiles: (r['dev-files'] as Config['devFiles'] | undefined) ?? 'relax',
  };
}
