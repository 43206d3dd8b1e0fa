// Which Compose services run once and exit (initialisers, migrations, setup jobs, tool and
// build-only containers) rather than serve. Rules about what a service does over months
// (log growth) apply to long-running services only; a job that prints a few lines and
// exits cannot fill a disk.

/** Words in a service name that say it is a job, not a server (`airflow-init`, `db-migrate`). */
export const ONE_SHOT_NAME_WORDS = [
  'init',
  'initializer',
  'initialiser',
  'setup',
  'migrate',
  'migration',
  'migrations',
  'migrator',
  'seed',
  'seeder',
  'bootstrap',
  'provision',
  'genkeys',
  'tools',
  'cli',
  'builder',
  'build',
  // Test runners run a suite and exit.
  'test',
  'tests',
  'e2e',
  'cypress',
  'playwright',
];

/** Profile names that mark services started by hand for a job (`docker compose --profile setup up`). */
export const ONE_SHOT_PROFILES = [
  'setup',
  'init',
  'migrate',
  'migration',
  'migrations',
  'tools',
  'tool',
  'debug',
  'test',
  'tests',
  'cli',
  'build',
  'seed',
  'bootstrap',
  'manual',
  'oneshot',
  'one-shot',
  'jobs',
  'job',
];

/** Commands that do nothing and exit: the service exists only to build or hold an image. */
const NO_OP_COMMANDS = /^(?:(?:\/usr)?\/bin\/)?(?:true|echo\b.*|exit\s+0|sh\s+-c\s+["']?(?:true|exit 0|echo\b[^;&|]*)["']?)$/;

export interface ServiceLifetimeFacts {
  name: string;
  profiles: string[];
  /** `restart:` as written, when it is a plain value. */
  restart?: string;
  command?: string;
  entrypoint?: string;
  /** `scale:` or `deploy.replicas:`, when a number. */
  replicas?: number;
  /** It publishes or exposes ports, or has a healthcheck: it answers requests, so it is a server. */
  serves: boolean;
  /** Services that wait for this one to exit successfully (`condition: service_completed_successfully`). */
  awaitedToCompleteBy: string[];
}

/** Words of a name, split on `-`, `_`, `.` and camelCase (`kibanaGenkeys` → kibana, genkeys); also for resource and bucket names. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Why a service runs once and exits, in words for docs and debug output; undefined for a
 * service that looks long-running. `restart: always|unless-stopped|on-failure` always means
 * long-running, whatever the name says.
 */
export function oneShotReason(facts: ServiceLifetimeFacts): string | undefined {
  const restart = facts.restart?.toLowerCase();
  if (restart && restart !== 'no' && restart !== 'false') return undefined;
  if (facts.awaitedToCompleteBy.length) {
    return `${facts.awaitedToCompleteBy.join(', ')} wait${facts.awaitedToCompleteBy.length === 1 ? 's' : ''} for it to complete (service_completed_successfully)`;
  }
  if (facts.replicas === 0) return 'it is scaled to 0 replicas';
  for (const key of ['command', 'entrypoint'] as const) {
    const c = facts[key]?.trim();
    if (c !== undefined && c !== '' && NO_OP_COMMANDS.test(c)) return `its ${key} \`${c}\` exits at once`;
  }
  // The weaker signals below do not outweigh a service that answers on a port.
  if (facts.serves) return undefined;
  if (restart === 'no' || restart === 'false') return 'it has `restart: "no"` and serves no port';
  const profile = facts.profiles.find((p) => nameWords(p).some((w) => ONE_SHOT_PROFILES.includes(w)));
  if (profile) return `it runs only with \`--profile ${profile}\``;
  const word = nameWords(facts.name).find((w) => ONE_SHOT_NAME_WORDS.includes(w));
  if (word) return `its name says it is a job (${word}), and it has no restart policy`;
  return undefined;
}
