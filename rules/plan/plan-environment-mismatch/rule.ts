import { defineRule } from '../../../src/rule-api/rule.js';
import {
  ENVIRONMENT_TAG,
  ENVIRONMENT_VARIABLE,
  environmentOf,
  environmentsIn,
  environmentOfSetting,
  BUILD_MODE_SETTING,
  POINTER_ATTRIBUTE,
  SETTINGS_MAP,
  TAG_ATTRIBUTES,
  type Environment,
} from '../../../src/knowledge/plan-environments.js';
import { isObject } from '../../../src/parsers/plan.js';
import { formatPath, formatValue, SENSITIVE, type PlanModel, type ResourceChange } from '../../../src/model/plan.js';

const messages = {
  resource:
    '{{address}} sets {{settings}}, naming {{other}}, but this plan is for {{env}} ({{evidence}}): mixing environments sends traffic, data or credentials to the wrong one. Use the {{env}} value, or allow this deliberately if it is shared on purpose.',
  variable:
    'Variable `{{name}}` = {{value}} names {{other}}, but this plan is for {{env}} ({{evidence}}): mixing environments sends traffic, data or credentials to the wrong one. Set the {{env}} value (check defaults and .tfvars), or allow this deliberately.',
  provider:
    'Provider `{{provider}}` uses {{attribute}} = {{value}}, naming {{other}}, but this plan is for {{env}} ({{evidence}}): the changes would be applied with the wrong account or project. Use the {{env}} credentials.',
  flipped:
    '{{address}} changes {{setting}} from {{before}} to {{after}} in place: it stops talking to {{from}} and starts talking to {{to}} ({{consequence}}). If this is the intended switch, make it its own reviewed change; otherwise keep {{before}}.',
} as const;

/** Non-production environments: a switch from one of them to production is what the flip check looks for. */
const NON_PRODUCTION = new Set<Environment>(['staging', 'development', 'test', 'sandbox']);

interface Flip {
  path: (string | number)[];
  from: Environment;
  to: Environment;
}

/**
 * Settings an in-place update moves from one environment to another: a payment mode `test` →
 * `live`, `sandbox = true` → `false`, `APP_ENV = staging` → `production`, an endpoint on a staging
 * host replaced by a production one (or, inside production, the reverse). Tags only label.
 */
function flips(change: ResourceChange, planEnv: Environment | undefined): Flip[] {
  const out: Flip[] = [];
  const visit = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...path, i]));
    if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
      return;
    }
    if (!path.length || (typeof path[0] === 'string' && TAG_ATTRIBUTES.includes(path[0]))) return;
    if (change.isSensitive(path, 'before') || change.isSensitive(path, 'after')) return;
    const before = change.valueBefore(path);
    if (before === v || before === undefined) return;
    const key = String(path[path.length - 1]);
    if (BUILD_MODE_SETTING.test(key)) return;
    const parentKey = path.slice(0, -1).reverse().find((s): s is string => typeof s === 'string');
    let from = environmentOfSetting(key, before);
    let to = environmentOfSetting(key, v);
    if ((!from || !to) && typeof before === 'string' && typeof v === 'string' && (POINTER_ATTRIBUTE.test(key) || (parentKey !== undefined && SETTINGS_MAP.test(parentKey)))) {
      const a = environmentsIn(before);
      const b = environmentsIn(v);
      // One environment on each side, and not the same: the setting moved.
      if (a.size === 1 && b.size === 1) [from, to] = [[...a][0], [...b][0]];
    }
    if (!from || !to || from === to) return;
    const intoProduction = to === 'production' && NON_PRODUCTION.has(from);
    const outOfProduction = from === 'production' && NON_PRODUCTION.has(to) && planEnv === 'production';
    if (intoProduction || outOfProduction) out.push({ path, from, to });
  };
  visit(change.after, []);
  return out;
}

interface PlanEnvironment {
  env: Environment;
  evidence: string;
}

const MIN_TAGGED = 2;
const MIN_SHARE = 0.75;

function tagMaps(values: unknown): Record<string, unknown>[] {
  if (!isObject(values)) return [];
  return TAG_ATTRIBUTES.map((k) => values[k]).filter(isObject);
}

function taggedEnvironment(values: unknown): Environment | undefined {
  for (const tags of tagMaps(values)) {
    for (const [k, v] of Object.entries(tags)) if (ENVIRONMENT_TAG.test(k) && environmentOf(v)) return environmentOf(v);
  }
  return undefined;
}

/**
 * The environment the plan file's own name or folder names (`prod.tfplan.json`,
 * `envs/staging/plan.json`), inside the current folder only: where a checkout happens to live
 * is no evidence. A folder named `test` is more often a test suite than an environment.
 */
function namedEnvironment(file: string | undefined): PlanEnvironment | undefined {
  if (!file || /^([\\/]|[A-Za-z]:)/.test(file) || file.startsWith('..')) return undefined;
  const parts = file.split(/[\\/]+/);
  const name = parts.pop()!;
  const fromName = environmentsIn(name.replace(/(\.tfplan)?(\.json)?$/i, ''));
  if (fromName.size === 1) return { env: [...fromName][0]!, evidence: `plan file name ${name}` };
  for (let i = parts.length - 1; i >= Math.max(0, parts.length - 3); i--) {
    const env = /^(test|testing|tests)$/i.test(parts[i]!) ? undefined : environmentOf(parts[i]);
    if (env) return { env, evidence: `folder ${parts.slice(Math.max(0, i - 1), i + 1).join('/')}` };
  }
  return undefined;
}

/** The environment the plan is for, only when the evidence is clear: an env variable, provider default_tags, the plan file's name or folder, or most env tags agreeing. */
function planEnvironment(model: PlanModel): PlanEnvironment | undefined {
  const fromVariables = Object.entries(model.variables).filter(([name, v]) => ENVIRONMENT_VARIABLE.test(name) && environmentOf(v));
  const envs = new Set(fromVariables.map(([, v]) => environmentOf(v)!));
  if (envs.size === 1) {
    const [name, value] = fromVariables[0]!;
    return { env: [...envs][0]!, evidence: `variable ${name} = ${formatValue(value)}` };
  }
  if (envs.size > 1) return undefined;

  // Provider default_tags stamp every resource: `default_tags { tags = { Environment = "prod" } }`.
  for (const [key, provider] of Object.entries(model.json.configuration?.provider_config ?? {})) {
    const blocks = isObject(provider) && isObject(provider.expressions) ? provider.expressions.default_tags : undefined;
    for (const block of Array.isArray(blocks) ? blocks : []) {
      const tags = isObject(block) && isObject(block.tags) ? block.tags.constant_value : undefined;
      if (!isObject(tags)) continue;
      for (const [k, v] of Object.entries(tags)) {
        const env = ENVIRONMENT_TAG.test(k) ? environmentOf(v) : undefined;
        if (env) return { env, evidence: `provider ${key} default_tags ${k} = ${formatValue(v)}` };
      }
    }
  }

  const named = namedEnvironment(model.files[0]);
  if (named) return named;

  const counts = new Map<Environment, number>();
  for (const r of model.plannedValues().values()) {
    const env = r.mode === 'managed' ? taggedEnvironment(r.values) : undefined;
    if (env) counts.set(env, (counts.get(env) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  if (!top || top[1] < MIN_TAGGED || top[1] / total < MIN_SHARE) return undefined;
  return { env: top[0], evidence: `${top[1]} of ${total} resources tagged with environment ${top[0]}` };
}

interface Setting {
  path: (string | number)[];
  other: Environment;
}

/** Values the change sets (new or changed) that name another environment. */
function foreignSettings(change: ResourceChange, env: Environment): Setting[] {
  const out: Setting[] = [];
  const visit = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...path, i]));
    if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
      return;
    }
    if (typeof v !== 'string' || !path.length) return;
    if (change.action === 'update' && change.valueBefore(path) === v) return; // unchanged: not this plan's doing
    const key = String(path[path.length - 1]);
    // The map or block this value sits in: `variables` in environment[0].variables.DB_HOST.
    const parentKey = path.slice(0, -1).reverse().find((s): s is string => typeof s === 'string');
    const inTags = typeof path[0] === 'string' && TAG_ATTRIBUTES.includes(path[0]) && path.length === 2;
    let named: Set<Environment>;
    if (inTags) {
      if (path[0] === 'tags_all') return; // tags_all repeats tags and provider default tags
      if (ENVIRONMENT_TAG.test(key)) named = new Set(environmentOf(v) ? [environmentOf(v)!] : []);
      else if (/^name$/i.test(key)) named = environmentsIn(v);
      else return;
    } else if (POINTER_ATTRIBUTE.test(key) || (parentKey !== undefined && SETTINGS_MAP.test(parentKey))) {
      named = environmentsIn(v);
    } else {
      return;
    }
    if (named.has(env)) return; // names both: cannot tell which side it is on
    const other = [...named][0];
    if (other) out.push({ path, other });
  };
  visit(change.after, []);
  return out;
}

const MAX_SETTINGS = 3;
/** Names of settings whose values are never printed, marked sensitive or not. */
const SECRET_NAME = /password|passwd|secret|token|credential|private_key|access_key|api_key/i;

export default defineRule({
  id: 'plan-environment-mismatch',
  severity: 'warning',
  category: 'configuration',
  docs: {
    summary: 'A plan for one environment sets names, endpoints, tags or credentials of another (staging inside production, or the reverse), or switches a setting in place from a test or staging value to a live one.',
    why: 'Copy-pasted or defaulted values cross environments quietly: a production service reading a staging database, staging credentials left as a default inside production, a staging job writing to a production bucket. The plan applies cleanly and the damage shows up later.',
    fix: 'Give the value for this plan\'s environment (check variable defaults and the .tfvars used). The plan\'s environment is taken from an `env`/`environment` variable, else the provider\'s default_tags, else the plan file\'s name or folder (`prod.tfplan.json`, `envs/prod/`), else the environment (or workspace) tags most resources carry.',
    allow: 'For something shared across environments on purpose, add an `allow` entry for `plan-environment-mismatch` with its address and a reason in `.iac-guard.yml`.',
  },
  messages,
  check: {
    plan(model, ctx) {
      const planEnv = planEnvironment(model);
      // A setting that flipped is reported once, as the flip (it says what it was before).
      const flipped = new Set<string>();
      for (const change of model.changes({ actions: ['update'] })) {
        for (const flip of flips(change, planEnv?.env)) {
          flipped.add(`${change.address}\0${formatPath(flip.path)}`);
          const secret = SECRET_NAME.test(String(flip.path[flip.path.length - 1]));
          ctx.report({
            messageId: 'flipped',
            data: {
              address: change.address,
              setting: formatPath(flip.path),
              before: secret ? SENSITIVE : change.display(flip.path, 'before'),
              after: secret ? SENSITIVE : change.display(flip.path, 'after'),
              from: flip.from,
              to: flip.to,
              consequence: flip.to === 'production' ? 'from the next request on it acts on production systems and data' : 'this production resource would use a system that is not production',
            },
            at: model.atAttribute(change, flip.path),
            resource: change.address,
            severity: 'error',
          });
        }
      }
      if (!planEnv) return;
      const { env, evidence } = planEnv;

      for (const change of model.changes({ actions: ['create', 'update', 'replace'] })) {
        const settings = foreignSettings(change, env).filter((st) => !flipped.has(`${change.address}\0${formatPath(st.path)}`));
        if (!settings.length) continue;
        const shown = settings
          .slice(0, MAX_SETTINGS)
          .map((s) => `${formatPath(s.path)} = ${SECRET_NAME.test(String(s.path[s.path.length - 1])) ? SENSITIVE : change.display(s.path, 'after')}`);
        if (settings.length > MAX_SETTINGS) shown.push(`${settings.length - MAX_SETTINGS} more`);
        const others = [...new Set(settings.map((s) => s.other))].join(' and ');
        ctx.report({
          messageId: 'resource',
          data: { address: change.address, settings: shown.join(', '), other: others, env, evidence },
          at: model.at(change),
          resource: change.address,
        });
      }

      for (const [name, value] of Object.entries(model.variables)) {
        if (ENVIRONMENT_VARIABLE.test(name) || typeof value !== 'string' || !POINTER_ATTRIBUTE.test(name)) continue;
        const named = environmentsIn(value);
        const other = [...named][0];
        if (!other || named.has(env)) continue;
        ctx.report({
          messageId: 'variable',
          data: { name, value: model.isVariableSensitive(name) || SECRET_NAME.test(name) ? SENSITIVE : formatValue(value), other, env, evidence },
          at: model.locatePath(['variables', name, 'value']),
        });
      }

      const providers = model.json.configuration?.provider_config ?? {};
      for (const [key, provider] of Object.entries(providers)) {
        const expressions = isObject(provider) && isObject(provider.expressions) ? provider.expressions : {};
        for (const [attribute, expr] of Object.entries(expressions)) {
          const value = isObject(expr) ? expr.constant_value : undefined;
          if (typeof value !== 'string' || !POINTER_ATTRIBUTE.test(attribute)) continue;
          const named = environmentsIn(value);
          const other = [...named][0];
          if (!other || named.has(env)) continue;
          ctx.report({
            messageId: 'provider',
            data: { provider: key, attribute, value: SECRET_NAME.test(attribute) ? SENSITIVE : formatValue(value), other, env, evidence },
            at: model.locatePath(['configuration', 'provider_config', key, 'expressions', attribute]),
          });
        }
      }
    },
  },
});
