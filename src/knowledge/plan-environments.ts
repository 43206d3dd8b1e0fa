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
export const ENVIRONMENT_TAG = /^(env|environment|stage|tier)$/i;

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
