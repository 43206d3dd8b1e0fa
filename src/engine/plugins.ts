// Custom rules: `.iac-guard.yml` `plugins: [./my-rules, some-npm-package]`. Each module's
// default export is a rule or an array of rules made with `defineRule` (from 'iac-guard').
// A plugin that cannot be found, loaded or validated, or whose id collides with another rule,
// is a usage error (exit 2): a rule the user asked for never silently goes missing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import { defineRule, formatMessage, type AnyRule } from '../rule-api/rule.js';
import { INPUT_KINDS, SEVERITIES } from '../core/types.js';
import { importModule } from '../core/dynamic-import.js';
import { findPackageRoot } from '../core/version.js';
import { insideRoots, safeRealpath } from '../core/read.js';
import type { Config } from './config.js';
import { BUILTIN_RULES } from '../../rules/index.js';

const HANDLER_KEYS: string[] = [...INPUT_KINDS, 'project'];
const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

const isPathSpec = (spec: string) => spec.startsWith('.') || isAbsolute(spec);

/**
 * Loads every plugin named in config. `baseDir` is the config file's folder: local paths are
 * relative to it and packages are resolved from it, as if the config file imported them.
 */
export async function loadPlugins(specs: string[], baseDir: string, builtins: AnyRule[]): Promise<AnyRule[]> {
  const owner = new Map<string, string>();
  for (const r of builtins) for (const id of [r.id, ...(r.aliases ?? [])]) owner.set(id, `the built-in rule ${r.id}`);

  const problems: string[] = [];
  const loaded: AnyRule[] = [];
  for (const spec of specs) {
    try {
      for (const rule of await loadOne(spec, baseDir)) {
        for (const id of [rule.id, ...(rule.aliases ?? [])]) {
          const taken = owner.get(id);
          if (taken) throw new Error(`rule id "${id}" is already used by ${taken}; give the plugin rule its own id`);
          owner.set(id, `rule ${rule.id} of plugin ${spec}`);
        }
        loaded.push(rule);
      }
    } catch (e) {
      problems.push(`plugin ${spec}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  return loaded;
}

// Resolves `iac-guard` for plugins to the running copy: a plugin in a repository without
// node_modules, under pre-commit, the Action or a global install has no iac-guard of its own.
const SELF_RESOLVE_HOOK = `
let api;
export function initialize(data) { api = data.api; }
export async function resolve(specifier, context, next) {
  if (specifier === 'iac-guard') return { url: api, shortCircuit: true };
  return next(specifier, context);
}`;
let selfResolution: boolean | undefined;

/**
 * Where a bundle runs without the compiled API beside it (the Action's action/index.cjs), plugins
 * get its two functions as a module of their own: defineRule may pass the spec through, since every
 * loaded rule goes through the real defineRule again (validateRule).
 */
const API_SHIM = `export function defineRule(spec) { return spec; }
export ${formatMessage.toString()}`;

/** Registers the hook once per process. */
function resolveIacGuardToThisCopy(): boolean {
  if (selfResolution !== undefined) return selfResolution;
  selfResolution = typeof register === 'function';
  if (!selfResolution) return false;
  const root = findPackageRoot();
  const built = root ? join(root, 'dist', 'src', 'index.js') : undefined;
  const api = built && existsSync(built) ? pathToFileURL(built).href : `data:text/javascript,${encodeURIComponent(API_SHIM)}`;
  register(`data:text/javascript,${encodeURIComponent(SELF_RESOLVE_HOOK)}`, { data: { api } });
  return true;
}

async function loadOne(spec: string, baseDir: string): Promise<AnyRule[]> {
  const file = resolvePlugin(spec, baseDir);
  resolveIacGuardToThisCopy();
  if (TYPESCRIPT.has(extname(file))) {
    throw new Error(`${file} is TypeScript; compile it to JavaScript (.js/.mjs) first: Node 20 cannot import .ts files`);
  }
  let mod: { default?: unknown };
  try {
    mod = (await importModule(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new Error(`failed to load ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const exported = mod.default;
  if (exported === undefined) throw new Error('has no default export; write `export default defineRule({...})` or export an array of rules');
  const list = Array.isArray(exported) ? (exported as unknown[]) : [exported];
  if (!list.length) throw new Error('exports an empty list of rules');
  return list.map((r, i) => validateRule(r, list.length > 1 ? `rule #${i + 1}` : 'default export'));
}

/** Resolves a local path or package name to a file, from `baseDir`. */
export function resolvePlugin(spec: string, baseDir: string): string {
  const require = createRequire(join(baseDir, 'iac-guard-config.js'));
  const target = isPathSpec(spec) ? resolve(baseDir, spec) : spec;
  try {
    return require.resolve(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // require.resolve only knows the `require`/`default` export conditions; ESM-only packages
    // export under `import`, so look that up in the package's own package.json.
    if (!isPathSpec(spec) && code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      const viaImport = resolveImportCondition(spec, require.resolve.paths(spec) ?? []);
      if (viaImport) return viaImport;
    }
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw new Error(isPathSpec(spec) ? `not found: ${target} (local paths are relative to the config file)` : `package not found from ${baseDir}; install it (npm install --save-dev ${spec})`);
    }
    throw e;
  }
}

function resolveImportCondition(spec: string, searchDirs: string[]): string | undefined {
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = ['.', ...parts.slice(nameLength)].join('/');
  for (const dir of searchDirs) {
    const pkgDir = join(dir, name);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: unknown };
    const exportsMap = pkg.exports;
    const entry = typeof exportsMap === 'object' && exportsMap !== null && !Array.isArray(exportsMap) && subpath in exportsMap
      ? (exportsMap as Record<string, unknown>)[subpath]
      : subpath === '.' ? exportsMap : undefined;
    const target = pickCondition(entry);
    return target ? resolve(pkgDir, target) : undefined;
  }
  return undefined;
}

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return undefined;
  const conditions = entry as Record<string, unknown>;
  for (const key of ['import', 'node', 'default']) {
    const found = pickCondition(conditions[key]);
    if (found) return found;
  }
  return undefined;
}

/** Checks the shape `defineRule` produces, with messages that say what to change. */
function validateRule(value: unknown, label: string): AnyRule {
  if (typeof value !== 'object' || value === null) throw new Error(`${label} is not a rule; use defineRule({...}) from 'iac-guard'`);
  const r = value as Record<string, unknown>;
  const name = typeof r.id === 'string' ? `rule "${r.id}"` : label;
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  if (typeof r.id !== 'string' || !RULE_ID.test(r.id)) fail('`id` must be kebab-case (e.g. "s3-bucket-team-tag")');
  if (!SEVERITIES.includes(r.severity as never)) fail(`\`severity\` must be one of ${SEVERITIES.join(', ')}`);
  if (typeof r.category !== 'string' || !r.category) fail('`category` must be a non-empty string');
  const docs = r.docs as Record<string, unknown> | undefined;
  for (const key of ['summary', 'why', 'fix'] as const) {
    if (typeof docs?.[key] !== 'string' || !docs[key]) fail(`\`docs.${key}\` must be a non-empty string`);
  }
  const messages = r.messages as Record<string, unknown> | undefined;
  if (typeof messages !== 'object' || messages === null || !Object.keys(messages).length) fail('`messages` must map message ids to templates');
  for (const [id, template] of Object.entries(messages!)) if (typeof template !== 'string') fail(`message "${id}" must be a string`);
  const check = r.check as Record<string, unknown> | undefined;
  if (typeof check !== 'object' || check === null) fail('`check` must be an object of handlers');
  const handlers = Object.keys(check!);
  const unknown = handlers.filter((k) => !HANDLER_KEYS.includes(k));
  if (unknown.length) fail(`unknown handler ${unknown.join(', ')} in \`check\` (expected ${HANDLER_KEYS.join(', ')})`);
  if (!handlers.length) fail('`check` has no handler; add one of ' + HANDLER_KEYS.join(', '));
  for (const k of handlers) if (typeof check![k] !== 'function') fail(`\`check.${k}\` must be a function`);
  // Re-derive `inputs` from the handlers, as defineRule does, so a hand-built object cannot lie.
  return defineRule(value as Parameters<typeof defineRule>[0]) as AnyRule;
}

/**
 * Who may make a run execute code. Plugins are code, and a config that sits inside the scanned
 * tree may have arrived with the very change being checked (a pull request), so by default only a
 * config the user chose loads them: one named with --config, or one outside the scanned tree.
 */
export interface PluginTrust {
  /** `allow`: --allow-plugins; `refuse`: --refuse-plugins (CI on untrusted changes); else by config origin. */
  policy: 'by-origin' | 'allow' | 'refuse';
  /** The config was named on the command line. */
  explicitConfig: boolean;
  /** The scanned tree (see boundaryRoots). */
  roots: readonly string[];
  cwd: string;
}

/** Throws a UsageError when the config asks to run code (plugins, a terraform command) that this run may not. */
export function checkPluginTrust(config: Config, trust: PluginTrust): void {
  const code = [
    ...(config.plugins.length ? [`plugins (${config.plugins.join(', ')})`] : []),
    ...(config.terraform.command ? [`a terraform command (${config.terraform.command})`] : []),
  ];
  if (!code.length || trust.policy === 'allow') return;
  const where = config.source ? relative(trust.cwd, config.source) || config.source : 'the config';
  const listed = `${where} names ${code.join(' and ')}`;
  if (trust.policy === 'refuse') {
    throw new UsageError(`${listed}, and this run refuses to run code from a config (--refuse-plugins); remove them, or run where the config is trusted with --allow-plugins`);
  }
  if (trust.explicitConfig || !config.source) return;
  const real = safeRealpath(config.source) ?? config.source;
  if (!insideRoots(real, trust.roots)) return;
  throw new UsageError(
    `${listed}, which run as code, and this config is inside the scanned tree, so it may have come with the change being checked. ` +
      "A config runs code only when you trust it: pass --allow-plugins if you trust this repository's code, or name the config with --config",
  );
}

/**
 * Built-in rules plus the plugins the config names (relative to the config file). `trust` is
 * checked first; `'checked'` is for worker threads, whose parent already checked it.
 */
export async function rulesFor(config: Config, cwd: string, trust: PluginTrust | 'checked'): Promise<AnyRule[]> {
  if (trust !== 'checked') checkPluginTrust(config, trust);
  if (!config.plugins.length) return BUILTIN_RULES;
  const plugins = await loadPlugins(config.plugins, config.source ? dirname(config.source) : cwd, BUILTIN_RULES);
  return [...BUILTIN_RULES, ...plugins];
}
