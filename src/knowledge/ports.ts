// What listens behind a port or an image: databases, caches, search engines, admin consoles
// and the Docker API, which must never face the internet. Shared by the Compose rules (and
// readable by the Terraform rules for security-group checks).
import { parseImage } from './images.js';

export type ServiceKind = 'database' | 'cache' | 'search' | 'queue' | 'admin' | 'docker-api' | 'monitoring';

export interface KnownPort {
  port: number;
  kind: ServiceKind;
  /** What usually listens there, for messages. */
  what: string;
}

/**
 * Ports that mean one thing almost everywhere. Ports many web apps also use (3000, 8080,
 * 9000...) are not here: for those the image decides (see SENSITIVE_IMAGES).
 */
export const SENSITIVE_PORTS: readonly KnownPort[] = [
  { port: 5432, kind: 'database', what: 'PostgreSQL' },
  { port: 3306, kind: 'database', what: 'MySQL/MariaDB' },
  { port: 33060, kind: 'database', what: 'MySQL X protocol' },
  { port: 1433, kind: 'database', what: 'SQL Server' },
  { port: 1521, kind: 'database', what: 'Oracle' },
  { port: 27017, kind: 'database', what: 'MongoDB' },
  { port: 27018, kind: 'database', what: 'MongoDB' },
  { port: 27019, kind: 'database', what: 'MongoDB' },
  { port: 5984, kind: 'database', what: 'CouchDB' },
  { port: 9042, kind: 'database', what: 'Cassandra' },
  { port: 8086, kind: 'database', what: 'InfluxDB' },
  { port: 26257, kind: 'database', what: 'CockroachDB' },
  { port: 7687, kind: 'database', what: 'Neo4j Bolt' },
  { port: 28015, kind: 'database', what: 'RethinkDB' },
  { port: 2379, kind: 'database', what: 'etcd' },
  { port: 6379, kind: 'cache', what: 'Redis' },
  { port: 11211, kind: 'cache', what: 'Memcached' },
  { port: 9200, kind: 'search', what: 'Elasticsearch/OpenSearch' },
  { port: 9300, kind: 'search', what: 'Elasticsearch transport' },
  { port: 5601, kind: 'admin', what: 'Kibana' },
  { port: 15672, kind: 'admin', what: 'RabbitMQ management' },
  { port: 5672, kind: 'queue', what: 'RabbitMQ (AMQP)' },
  { port: 2181, kind: 'queue', what: 'ZooKeeper' },
  { port: 9092, kind: 'queue', what: 'Kafka' },
  { port: 9644, kind: 'admin', what: "Redpanda's admin API (no login by default)" },
  { port: 5555, kind: 'admin', what: 'Celery Flower (no login by default)' },
  { port: 9229, kind: 'admin', what: 'the Node.js inspector (a debugger: whoever connects runs code)' },
  { port: 2375, kind: 'docker-api', what: 'the Docker API (unencrypted)' },
  { port: 2376, kind: 'docker-api', what: 'the Docker API' },
  { port: 9090, kind: 'monitoring', what: 'Prometheus' },
];

/** What a rule can tell about a running service, for images that are only sensitive in some setups. */
export interface ServiceSetup {
  /** Whether the variable is set at all (a `${VAR}` counts as set). */
  hasEnv(name: string): boolean;
  /** The variable's resolved value. */
  env(name: string): string | undefined;
  /** `command` joined by spaces ('' when none or unresolved). */
  command: string;
  /** Container paths of the service's mounts. */
  mounts: readonly string[];
}

export interface SensitiveImage {
  /** Matches the image repository without registry or tag (`postgres`, `bitnami/postgresql`). */
  pattern: RegExp;
  kind: ServiceKind;
  what: string;
  /** Only these container ports are sensitive (Kong's admin API, not its proxy); all when absent. */
  ports?: readonly number[];
  /**
   * For images that are safe when configured: says what makes this setup open, or
   * undefined when it is not (Grafana with an admin password set).
   */
  openWhen?: (setup: ServiceSetup) => string | undefined;
}

const truthy = (v: string | undefined) => v !== undefined && /^(true|1|yes)$/i.test(v.trim());
const setAny = (setup: ServiceSetup, ...names: string[]) => names.some((n) => setup.hasEnv(n) || setup.hasEnv(`${n}__FILE`) || setup.hasEnv(`${n}_FILE`));

/** Grafana: anonymous access, or the built-in admin/admin login left in place. */
function grafanaOpen(setup: ServiceSetup): string | undefined {
  if (truthy(setup.env('GF_AUTH_ANONYMOUS_ENABLED'))) {
    const role = setup.env('GF_AUTH_ANONYMOUS_ORG_ROLE') ?? 'Viewer';
    return `Grafana with anonymous access (GF_AUTH_ANONYMOUS_ENABLED, role ${role})`;
  }
  // A mounted grafana.ini (or the whole config folder) may set the password: do not guess.
  const configured = setup.mounts.some((m) => /^\/etc\/grafana\/?(grafana\.ini)?$/.test(m)) || setup.hasEnv('GF_PATHS_CONFIG');
  if (setup.env('GF_SECURITY_ADMIN_PASSWORD') === 'admin' || (!configured && !setAny(setup, 'GF_SECURITY_ADMIN_PASSWORD'))) {
    return 'Grafana with its default admin/admin login (GF_SECURITY_ADMIN_PASSWORD not set)';
  }
  return undefined;
}

/** MinIO: the minioadmin/minioadmin root login when no root password is given. */
function minioOpen(setup: ServiceSetup): string | undefined {
  const password = setup.env('MINIO_ROOT_PASSWORD') ?? setup.env('MINIO_SECRET_KEY');
  if (password === 'minioadmin' || !setAny(setup, 'MINIO_ROOT_PASSWORD', 'MINIO_SECRET_KEY', 'MINIO_CONFIG_ENV_FILE')) {
    return 'MinIO with its default minioadmin/minioadmin root login (MINIO_ROOT_PASSWORD not set)';
  }
  return undefined;
}

/** Temporal's web UI: every workflow, with terminate and reset buttons, unless auth is on. */
function temporalUiOpen(setup: ServiceSetup): string | undefined {
  return truthy(setup.env('TEMPORAL_AUTH_ENABLED')) ? undefined : "Temporal's web UI without login (TEMPORAL_AUTH_ENABLED not set)";
}

/** Traefik's dashboard and API answer without login with `--api.insecure=true`. */
function traefikOpen(setup: ServiceSetup): string | undefined {
  return /--api\.insecure(=true)?(\s|$)/.test(setup.command) || truthy(setup.env('TRAEFIK_API_INSECURE'))
    ? "Traefik's dashboard and API without login (--api.insecure)"
    : undefined;
}

/** Images whose every published port is sensitive, whatever number it is published on. */
export const SENSITIVE_IMAGES: readonly SensitiveImage[] = [
  { pattern: /(^|\/)(postgres|postgresql|postgis|timescaledb(-ha)?|pgvector|supabase-postgres)$/, kind: 'database', what: 'PostgreSQL' },
  { pattern: /(^|\/)(mysql|mysql-server|mariadb|percona(-server)?)$/, kind: 'database', what: 'MySQL/MariaDB' },
  { pattern: /(^|\/)(mongo|mongodb(-community-server)?)$/, kind: 'database', what: 'MongoDB' },
  { pattern: /(^|\/)couchdb$/, kind: 'database', what: 'CouchDB' },
  { pattern: /(^|\/)(cassandra|scylla)$/, kind: 'database', what: 'Cassandra' },
  { pattern: /(^|\/)influxdb$/, kind: 'database', what: 'InfluxDB' },
  { pattern: /(^|\/)clickhouse(-server)?$/, kind: 'database', what: 'ClickHouse' },
  { pattern: /(^|\/)mssql\/server$/, kind: 'database', what: 'SQL Server' },
  { pattern: /(^|\/)neo4j$/, kind: 'database', what: 'Neo4j' },
  { pattern: /(^|\/)(redis|redis-stack(-server)?|valkey|keydb)$/, kind: 'cache', what: 'Redis' },
  { pattern: /(^|\/)memcached$/, kind: 'cache', what: 'Memcached' },
  { pattern: /(^|\/)(elasticsearch|opensearch)$/, kind: 'search', what: 'Elasticsearch/OpenSearch' },
  { pattern: /(^|\/)(pgadmin4?|adminer|phpmyadmin|mongo-express|redis-commander|redisinsight)$/, kind: 'admin', what: 'a database admin console' },
  { pattern: /(^|\/)(kibana|opensearch-dashboards)$/, kind: 'admin', what: 'Kibana/OpenSearch Dashboards' },
  { pattern: /(^|\/)docker$/, kind: 'docker-api', what: 'Docker-in-Docker (the Docker API)' },
  { pattern: /(^|\/)prometheus$/, kind: 'monitoring', what: 'Prometheus' },
  { pattern: /(^|\/)(alertmanager|pushgateway)$/, kind: 'monitoring', what: 'Prometheus Alertmanager/Pushgateway (no login)' },
  { pattern: /(^|\/)loki$/, kind: 'monitoring', what: "Loki's HTTP API (every log line readable, no login by default)" },
  { pattern: /(^|\/)jaegertracing\/(all-in-one|jaeger|jaeger-query)$/, kind: 'monitoring', what: "Jaeger's trace viewer (no login)", ports: [16686, 16685] },
  { pattern: /(^|\/)zipkin$/, kind: 'monitoring', what: "Zipkin's trace viewer (no login)" },
  { pattern: /(^|\/)(mailhog|mailpit|maildev|mailcatcher|smtp4dev)$/, kind: 'admin', what: 'a mail catcher (every captured mail readable, no login)' },
  { pattern: /(^|\/)(consul)$/, kind: 'admin', what: "Consul's HTTP API (no ACLs by default)", ports: [8500, 8501] },
  { pattern: /(^|\/)(kong|kong-gateway)$/, kind: 'admin', what: "Kong's Admin API or Kong Manager", ports: [8001, 8444, 8002, 8445] },
  { pattern: /(^|\/)grafana(-oss|-enterprise)?$/, kind: 'admin', what: 'Grafana', openWhen: grafanaOpen },
  { pattern: /(^|\/)minio$/, kind: 'admin', what: 'MinIO', openWhen: minioOpen },
  { pattern: /^temporalio\/ui$/, kind: 'admin', what: 'Temporal', openWhen: temporalUiOpen },
  {
    pattern: /^temporalio\/(auto-setup|server)$/,
    kind: 'admin',
    what: "Temporal's frontend API (no authorization by default: anyone can start, signal or terminate workflows)",
    ports: [7233],
  },
  { pattern: /(^|\/)traefik$/, kind: 'admin', what: 'Traefik', ports: [8080], openWhen: traefikOpen },
];

/** `docker.io/library/postgres:16` → `postgres`; `ghcr.io/org/app` → `org/app`. */
export function imageRepository(image: string): string {
  const name = parseImage(image).name.toLowerCase();
  const parts = name.split('/');
  // A first part with a dot, a colon or `localhost` is a registry host.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  if (parts[0] === 'library' && parts.length > 1) parts.shift();
  return parts.join('/');
}

/**
 * What a service of this image exposes on `port`, when that is sensitive: `what` says it in
 * words (with the setup that makes it open). Undefined when the image is not in the table,
 * or this port or setup of it is not sensitive.
 */
export function sensitiveImage(image: string, port: number, setup: ServiceSetup): { kind: ServiceKind; what: string } | undefined {
  const repo = imageRepository(image);
  const known = SENSITIVE_IMAGES.find((s) => s.pattern.test(repo));
  if (!known || (known.ports && !known.ports.includes(port))) return undefined;
  if (!known.openWhen) return known;
  const what = known.openWhen(setup);
  return what ? { kind: known.kind, what } : undefined;
}

export function sensitivePort(port: number): KnownPort | undefined {
  return SENSITIVE_PORTS.find((p) => p.port === port);
}
