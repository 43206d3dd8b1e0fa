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
  { port: 2375, kind: 'docker-api', what: 'the Docker API (unencrypted)' },
  { port: 2376, kind: 'docker-api', what: 'the Docker API' },
  { port: 9090, kind: 'monitoring', what: 'Prometheus' },
];

export interface SensitiveImage {
  /** Matches the image repository without registry or tag (`postgres`, `bitnami/postgresql`). */
  pattern: RegExp;
  kind: ServiceKind;
  what: string;
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

export function sensitiveImage(image: string): SensitiveImage | undefined {
  const repo = imageRepository(image);
  return SENSITIVE_IMAGES.find((s) => s.pattern.test(repo));
}

export function sensitivePort(port: number): KnownPort | undefined {
  return SENSITIVE_PORTS.find((p) => p.port === port);
}
