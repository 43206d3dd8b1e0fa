import { defineRule } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import {
  ENVIRONMENT_TAG,
  ENVIRONMENT_VARIABLE,
  environmentOf,
  environmentsIn,
  POINTER_ATTRIBUTE,
  SETTINGS_MAP,
  TAG_ATTRIBUTES,
  type Environment,
} from '../../../src/knowledge/plan-environments.js';
import type { Expr } from '../../../src/parsers/hcl-ast.js';
import type { Attribute, Block, TerraformModule } from '../../../src/model/terraform.js';

const messages = {
  variable:
    '{{address}} = {{value}} names {{other}}, but this configuration is for {{env}} ({{evidence}}): mixing environments sends traffic, data or credentials to the wrong one. Set the {{env}} value (check the default and the .tfvars), or allow this deliberately.',
  local:
    '{{address}} = {{value}} names {{other}}, but this configuration is for {{env}} ({{evidence}}): mixing environments sends traffic, data or credentials to the wrong one. Use the {{env}} value, or allow this deliberately if it is shared on purpose.',
  setting:
    '{{address}} sets {{setting}} = {{value}}, naming {{other}}, but this configuration is for {{env}} ({{evidence}}): mixing environments sends traffic, data or credentials to the wrong one. Use the {{env}} value, or allow this deliberately if it is shared on purpose.',
  fallback:
    '{{address}} falls back to {{value}} when {{what}}: an environment missing from it (a new workspace, a typo, an unset variable) silently runs with {{other}} settings instead of failing. Drop the default so terraform stops with an error, or fail loudly when the key is missing.',
} as const;

export interface Options {
  /** The environment this configuration is for, when its folder does not say (`production`, `staging`, ...). */
  environment: string;
}

interface Known {
  env: Environment;
  evidence: string;
  /** The variable that told us, which is evidence rather than a finding. */
  variable?: string;
}

/** Folders that hold one folder per environment. */
const ENV_PARENTS = /^(env|envs|environment|environments|stage|stages|deployments|accounts|live)$/i;
/** A folder named `test` is usually a test suite, not an environment. */
const AMBIGUOUS_FOLDER = /^(test|testing)$/i;
const PATH_DEPTH = 4;

/** Names beyond the plan rule's list that point at another system in source code. */
const EXTRA_POINTER = /(^|_)(credentials?|token|api_key|access_key|account|account_id|subscription|subscription_id|cluster|cluster_name|kms_key|key_ring|zone_name|server|servers)$/i;
const isPointer = (name: string) => POINTER_ATTRIBUTE.test(name) || EXTRA_POINTER.test(name);

/**
 * The root folder's path inside the repository (or scanned folder), with that folder's own
 * name: folders above it are where the checkout happens to live (`/tmp/stage/`), not a choice
 * of environment.
 */
function ownPathSegments(model: TerraformModule): string[] {
  const all = model.absDir.split(/[\\/]/).filter(Boolean);
  const root = model.roots
    ?.map((r) => r.split(/[\\/]/).filter(Boolean))
    .filter((r) => r.length <= all.length && r.every((seg, i) => all[i] === seg))
    .sort((a, b) => b.length - a.length)[0];
  return root ? all.slice(Math.max(0, root.length - 1)) : all;
}

function configuredEnvironment(model: TerraformModule, option: string): Known | undefined {
  if (option) {
    const env = environmentOf(option);
    if (env) return { env, evidence: 'rule option `environment`' };
  }
  const segments = ownPathSegments(model);
  for (let i = segments.length - 1; i >= Math.max(0, segments.length - PATH_DEPTH); i--) {
    const seg = segments[i]!;
    const parent = segments[i - 1] ?? '';
    let env = AMBIGUOUS_FOLDER.test(seg) && !ENV_PARENTS.test(parent) ? undefined : environmentOf(seg);
    if (!env && ENV_PARENTS.test(parent)) {
      const named = environmentsIn(seg);
      if (named.size === 1) env = [...named][0];
    }
    if (env) return { env, evidence: `folder ${segments.slice(Math.max(0, i - 1), i + 1).join('/')}` };
  }
  // The state's key names the environment it belongs to: `key = "prod/network.tfstate"`.
  for (const t of model.root.settings) {
    for (const backend of t.blocks('backend')) {
      for (const name of ['key', 'prefix', 'workspace_key_prefix', 'path']) {
        const v = backend.attr(name)?.value();
        const named = typeof v === 'string' ? environmentsIn(v) : new Set<Environment>();
        if (named.size === 1) return { env: [...named][0]!, evidence: `backend ${name} "${String(v)}"` };
      }
    }
  }
  for (const v of model.root.variables.values()) {
    if (!ENVIRONMENT_VARIABLE.test(v.name)) continue;
    const env = environmentOf(v.value());
    if (env) return { env, evidence: `variable ${v.name} = "${String(v.value())}"`, variable: v.name };
  }
  return undefined;
}

/** Literal text written in an expression, not text reached through references (those are checked where written). */
function literals(expr: Expr, out: string[]): void {
  switch (expr.type) {
    case 'template':
      for (const p of expr.parts) if (p.type === 'text') out.push(p.value);
      break;
    case 'tuple':
      for (const i of expr.items) literals(i, out);
      break;
    case 'paren':
      literals(expr.expr, out);
      break;
    case 'conditional':
      // `var.env == "prod" ? "a" : "b"` serves several environments on purpose.
      break;
    case 'call':
      if (['lower', 'upper', 'trimspace', 'format', 'join', 'concat', 'tostring', 'tolist', 'toset'].includes(expr.name)) for (const a of expr.args) literals(a, out);
      break;
  }
}

interface Hit {
  other: Environment;
  text: string;
  at: Location;
}

/** Other environments a value names; none when it also names this one (cannot tell which side it is on). */
function otherEnvironment(texts: string[], env: Environment, exact: boolean): Environment | undefined {
  const named = new Set<Environment>();
  for (const t of texts) {
    if (exact) {
      const e = environmentOf(t);
      if (e) named.add(e);
    } else {
      for (const e of environmentsIn(t)) named.add(e);
    }
  }
  if (named.has(env)) return undefined;
  return [...named][0];
}

function check(attr: Attribute, env: Environment, exact: boolean): Hit | undefined {
  const found: string[] = [];
  literals(attr.expr, found);
  const other = otherEnvironment(found, env, exact);
  if (!other) return undefined;
  return { other, text: attr.describe(), at: attr.location };
}

/** Arguments that can name an environment: tags, settings maps, environment variables, pointers. */
const isSetting = (name: string) => TAG_ATTRIBUTES.includes(name) || SETTINGS_MAP.test(name) || ENVIRONMENT_VARIABLE.test(name) || isPointer(name);

/** Settings in a block: pointer-like arguments, env tags, settings maps; nested blocks too. */
function settingsIn(block: Block, env: Environment, path: string, out: (Hit & { setting: string })[]): void {
  for (const attr of block.attributesWhere(isSetting)) {
    const setting = path ? `${path}.${attr.name}` : attr.name;
    let hits: { hit: Hit | undefined; setting: string }[];
    if (TAG_ATTRIBUTES.includes(attr.name)) {
      // Environment tags must name an environment exactly; a Name tag may contain one.
      hits = attr.elements().map((el) => ({
        hit: ENVIRONMENT_TAG.test(el.name) ? check(el, env, true) : /^name$/i.test(el.name) ? check(el, env, false) : undefined,
        setting: `${setting}.${el.name}`,
      }));
    } else if (SETTINGS_MAP.test(attr.name) && attr.elements().length) {
      hits = attr.elements().map((el) => ({ hit: check(el, env, ENVIRONMENT_VARIABLE.test(el.name)), setting: `${setting}.${el.name}` }));
    } else if (ENVIRONMENT_VARIABLE.test(attr.name)) {
      hits = [{ hit: check(attr, env, true), setting }];
    } else if (isPointer(attr.name)) {
      hits = [{ hit: check(attr, env, false), setting }];
    } else {
      hits = [];
    }
    for (const h of hits) if (h.hit) out.push({ ...h.hit, setting: h.setting });
  }
  for (const nested of block.blocks()) settingsIn(nested, env, path ? `${path}.${nested.type}` : nested.type, out);
}

/**
 * `lookup(local.settings, terraform.workspace, "staging")`, `coalesce(var.env, "staging")`,
 * `try(local.by_env[var.env], local.by_env["staging"])`: a default that names an environment
 * makes any environment missing from the map run with that one's settings, quietly. Found in
 * locals, variables' defaults, outputs and every argument, whatever this configuration is for.
 */
function reportFallbacks(model: TerraformModule, report: (d: { messageId: keyof typeof messages; data: Record<string, string>; at: Location; resource?: string }) => void): void {
  const seen = new Set<string>();
  const visit = (attr: Attribute, address: string, e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    if (Array.isArray(e)) return e.forEach((x) => visit(attr, address, x));
    const node = e as Expr & { args?: Expr[]; name?: string };
    if (node.type === 'call' && node.args) {
      const fallback = node.name === 'lookup' && node.args.length === 3 ? node.args[2] : node.name === 'coalesce' || node.name === 'try' ? node.args[node.args.length - 1] : undefined;
      const texts: string[] = [];
      if (fallback && node.args.length > 1) literals(fallback, texts);
      if (fallback?.type === 'index' || fallback?.type === 'getattr') texts.push(attr.file.source(fallback).replace(/^.*[[.]"?|"?]$/g, ''));
      const other = texts.map((t) => environmentOf(t)).find((x): x is Environment => x !== undefined);
      const at = attr.locationOf(node);
      const key = `${at.file}:${at.range.start.line}:${at.range.start.column}`;
      if (other && !seen.has(key)) {
        seen.add(key);
        const what = node.name === 'lookup' ? `the key (${attr.file.source(node.args[1]!)}) is not in ${attr.file.source(node.args[0]!)}` : `${attr.file.source(node.args[0]!)} has no value`;
        report({ messageId: 'fallback', data: { address, value: attr.file.source(fallback!), what, other }, at, resource: address });
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'start' && k !== 'end' && typeof v === 'object') visit(attr, address, v);
  };
  const visitBlock = (block: Block, address: string): void => {
    for (const a of block.attributes()) visit(a, address, a.expr);
    for (const b of block.blocks()) visitBlock(b, address);
  };
  for (const local of model.locals()) visit(local, `${local.instance?.address ? `${local.instance.address}.` : ''}local.${local.name}`, local.expr);
  for (const r of [...model.resources(), ...model.dataSources()]) visitBlock(r, r.address);
  for (const c of model.moduleCalls()) visitBlock(c.block, c.address);
  for (const o of model.outputs()) visitBlock(o, `output.${o.labels[0] ?? ''}`);
}

export default defineRule<keyof typeof messages, Options>({
  id: 'tf-environment-mismatch',
  severity: 'warning',
  category: 'configuration',
  docs: {
    summary: 'A configuration for one environment (its folder, or an `environment` variable) whose names, tags, hosts, credentials or variable defaults name another one.',
    why: 'Copy-pasted or defaulted values cross environments quietly: staging credentials left as the default inside production, a production service pointed at a staging database, a staging bucket written to from production. Terraform applies them without complaint and the damage shows later.',
    fix: 'Give the value for this environment (check variable defaults and the .tfvars beside them). The environment comes from the rule option `environment`, else from a folder such as `environments/prod`, else from the backend\'s state key (`key = "prod/app.tfstate"`), else from an `env`/`environment` variable. A `lookup`/`coalesce`/`try` default that names an environment is reported whatever the environment: drop the default so a missing key fails the plan.',
    allow: 'For something shared across environments on purpose, add `# iac-guard-ignore tf-environment-mismatch: <reason>` above it, or an `allow` entry with its address in `.iac-guard.yml`.',
  },
  messages,
  options: { environment: '' },
  optionSpecs: { environment: { type: 'string', description: 'The environment this configuration is for (production, staging, development, test, sandbox), when its folder does not say.' } },
  check: {
    terraform(model, ctx) {
      reportFallbacks(model, ctx.report.bind(ctx));
      const known = configuredEnvironment(model, ctx.options.environment);
      if (!known) return;
      const { env, evidence } = known;
      const base = { env, evidence };

      for (const v of model.variables()) {
        if (v.instance === model.root && v.name === known.variable) continue;
        if (!isPointer(v.name) && !ENVIRONMENT_VARIABLE.test(v.name)) continue;
        const attr = v.assignment?.attribute;
        const hit = attr && check(attr, env, ENVIRONMENT_VARIABLE.test(v.name));
        if (hit) ctx.report({ messageId: 'variable', data: { ...base, address: v.address, value: hit.text, other: hit.other }, at: hit.at, resource: v.address });
      }
      for (const local of model.locals()) {
        if (!isPointer(local.name) && !ENVIRONMENT_VARIABLE.test(local.name)) continue;
        const hit = check(local, env, ENVIRONMENT_VARIABLE.test(local.name));
        const address = `${local.instance?.address ? `${local.instance.address}.` : ''}local.${local.name}`;
        if (hit) ctx.report({ messageId: 'local', data: { ...base, address, value: hit.text, other: hit.other }, at: hit.at, resource: address });
      }
      const blocks: { address: string; block: Block }[] = [
        ...model.resources().map((r) => ({ address: r.address, block: r as Block })),
        ...model.dataSources().map((r) => ({ address: r.address, block: r as Block })),
        // Remote modules: their arguments are all we see. Local ones are checked through their variables.
        ...model.moduleCalls().filter((c) => !c.child).map((c) => ({ address: c.address, block: c.block })),
        ...model.instances.flatMap((i) => [
          ...i.providers.map((p) => ({ address: `${i.address ? `${i.address}.` : ''}provider.${p.labels[0] ?? ''}`, block: p })),
          ...i.settings.map((t) => ({ address: `${i.address ? `${i.address}.` : ''}terraform`, block: t })),
        ]),
      ];
      for (const { address, block } of blocks) {
        const hits: (Hit & { setting: string })[] = [];
        settingsIn(block, env, '', hits);
        for (const h of hits) ctx.report({ messageId: 'setting', data: { ...base, address, setting: h.setting, value: h.text, other: h.other }, at: h.at, resource: address });
      }
    },
  },
});
