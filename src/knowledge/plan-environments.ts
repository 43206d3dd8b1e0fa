// Environment names (production, staging, ...) as they appear in identifiers, and where a plan
// states which environment it is for.

export type Environment = 'production' | 'staging' | 'development' | 'test' | 'sandbox';

/** Whole tokens (split on anything not a letter or digit) that name an environment. */
const TOKENS: Record<string, Environment> = {
  production: 'production',
  prod: 'production',
  prd: 'production',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  preprod: 'staging',
  development: 'development',
  dev: 'development',
  test: 'test',
  testing: 'test',
  qa: 'test',
  uat: 'test',
  sandbox: 'sandbox',
};

/** The environment a whole value names exactly (`"prod"`, `"Production"`), for tags and variables. */
export function environmentOf(value: unknown): Environment | undefined {
  return typeof value === 'string' ? TOKENS[value.trim().toLowerCase()] : undefined;
}

/** "test" inside a longer name is too often a test tool or test suite, not an environment. */
const AMBIGUOUS_INSIDE = new Set(['test', 'testing']);

/** Environments named by tokens inside a longer value (`db.staging.internal` → staging). */
export function environmentsIn(value: string): Set<Environment> {
  const out = new Set<Environment>();
  // Device and file paths (`/dev/xvda`, `/tmp/x`) are not environment names.
  if (/^\/(dev|tmp|proc|sys|var|usr|etc)\b/.test(value)) return out;
  for (const token of value.toLowerCase().split(/[^a-z0-9]+/)) {
    const env = TOKENS[token];
    if (env && !AMBIGUOUS_INSIDE.has(token)) out.add(env);
  }
  return out;
}

/** Root variable names that say which environment a plan is for. */
export const ENVIRONMENT_VARIABLE = /^(env|environment|stage|tier|workspace|deployment_environment|app_env|env_name|environment_name)$/i;

/** Tag and label keys that say which environment a resource belongs to. */
export const ENVIRONMENT_TAG = /^(env|environment|stage|tier|workspace|tf_workspace|terraform_workspace)$/i;

/** Tag/label maps on resources. */
export const TAG_ATTRIBUTES = ['tags', 'labels', 'tags_all', 'default_tags'];

/**
 * Attributes whose value names or points at another system: names, hosts, endpoints, secrets,
 * users. Other strings (descriptions, policies, scripts) mention environments too freely.
 */
export const POINTER_ATTRIBUTE =
  /(^|_)(name|names|identifier|bucket|host|hostname|endpoint|url|uri|dsn|connection_string|arn|secret_id|secret_name|secret|user|username|db_name|database|domain|address|queue|topic|profile|project|role_arn|password)$/i;

/** Maps whose values are settings handed to a program (environment variables, app settings). */
export const SETTINGS_MAP = /^(environment|variables|env|environment_variables|app_settings|env_vars|parameters)$/i;

/**
 * Settings whose value says which environment a program talks to, beyond environment names:
 * payment and API modes (`STRIPE_MODE = "live"`) and sandbox switches (`sandbox = true`).
 */
export const MODE_SETTING = /(^|_)mode$/i;
const MODE_VALUES: Record<string, Environment> = { live: 'production', production: 'production', prod: 'production', test: 'test', sandbox: 'sandbox', staging: 'staging', development: 'development', dev: 'development' };
/** Switches that are true in a sandbox or test setup: `sandbox`, `use_sandbox`, `test_mode`, `is_test`. */
export const SANDBOX_SWITCH = /(^|_)(sandbox|use_sandbox|sandbox_mode|test_mode|testmode|is_test|dry_run)$/i;
/** Switches that are true in production: `live_mode`, `is_live`, `production_mode`. */
export const LIVE_SWITCH = /(^|_)(live_mode|livemode|is_live|production_mode|is_production)$/i;

/** Build modes, not where a program points: NODE_ENV development → production is a fix. */
export const BUILD_MODE_SETTING = /^(node_env|babel_env|webpack_env|build_env)$/i;

/** The environment one setting points at by its key and value, when it says so clearly. */
export function environmentOfSetting(key: string, raw: unknown): Environment | undefined {
  // Environment variables carry switches as strings.
  const value = raw === 'true' ? true : raw === 'false' ? false : raw;
  if (typeof value === 'boolean') {
    if (SANDBOX_SWITCH.test(key)) return value ? 'sandbox' : 'production';
    if (LIVE_SWITCH.test(key)) return value ? 'production' : 'sandbox';
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (MODE_SETTING.test(key)) return MODE_VALUES[value.trim().toLowerCase()];
  if (BUILD_MODE_SETTING.test(key)) return undefined;
  if (/(^|_)(env|environment|stage|tier|environment_name)$/i.test(key)) return environmentOf(value);
  return undefined;
}
