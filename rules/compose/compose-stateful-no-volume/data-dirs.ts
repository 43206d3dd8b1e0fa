// Where stateful images keep their data. Matched against the image repository without
// registry or tag (see imageRepository in src/knowledge/ports.ts).

export interface StatefulImage {
  pattern: RegExp;
  what: string;
  /** Any one of these covered by a volume keeps the data. */
  dataDirs: string[];
  /** An environment variable that moves the data directory (PGDATA). */
  dataDirEnv?: string;
  /** Only stateful when its command turns persistence on (Redis is a cache by default). */
  persistsWhen?: RegExp;
}

export const STATEFUL_IMAGES: readonly StatefulImage[] = [
  { pattern: /^bitnami\/postgresql(-repmgr)?$/, what: 'PostgreSQL', dataDirs: ['/bitnami/postgresql'] },
  {
    pattern: /(^|\/)(postgres|postgis|timescaledb(-ha)?|pgvector|supabase-postgres)$/,
    what: 'PostgreSQL',
    // 18+ keeps data under /var/lib/postgresql/<major>/docker; older ones in /var/lib/postgresql/data.
    dataDirs: ['/var/lib/postgresql/data', '/var/lib/postgresql'],
    dataDirEnv: 'PGDATA',
  },
  { pattern: /^bitnami\/mysql$/, what: 'MySQL', dataDirs: ['/bitnami/mysql'] },
  { pattern: /^bitnami\/mariadb(-galera)?$/, what: 'MariaDB', dataDirs: ['/bitnami/mariadb'] },
  { pattern: /(^|\/)(mysql|mysql-server|mariadb|percona(-server)?)$/, what: 'MySQL/MariaDB', dataDirs: ['/var/lib/mysql'] },
  { pattern: /^bitnami\/mongodb(-sharded)?$/, what: 'MongoDB', dataDirs: ['/bitnami/mongodb'] },
  { pattern: /(^|\/)(mongo|mongodb-community-server)$/, what: 'MongoDB', dataDirs: ['/data/db'] },
  { pattern: /(^|\/)couchdb$/, what: 'CouchDB', dataDirs: ['/opt/couchdb/data'] },
  { pattern: /(^|\/)elasticsearch$/, what: 'Elasticsearch', dataDirs: ['/usr/share/elasticsearch/data'] },
  { pattern: /(^|\/)opensearch$/, what: 'OpenSearch', dataDirs: ['/usr/share/opensearch/data'] },
  { pattern: /(^|\/)influxdb$/, what: 'InfluxDB', dataDirs: ['/var/lib/influxdb', '/var/lib/influxdb2'] },
  { pattern: /(^|\/)clickhouse(-server)?$/, what: 'ClickHouse', dataDirs: ['/var/lib/clickhouse'] },
  { pattern: /(^|\/)rabbitmq$/, what: 'RabbitMQ', dataDirs: ['/var/lib/rabbitmq'] },
  { pattern: /(^|\/)cassandra$/, what: 'Cassandra', dataDirs: ['/var/lib/cassandra'] },
  { pattern: /(^|\/)neo4j$/, what: 'Neo4j', dataDirs: ['/data'] },
  { pattern: /(^|\/)mssql\/server$/, what: 'SQL Server', dataDirs: ['/var/opt/mssql'] },
  {
    pattern: /(^|\/)(redis|redis-stack-server|valkey|keydb)$/,
    what: 'Redis with persistence',
    dataDirs: ['/data'],
    persistsWhen: /--appendonly\s+yes|--save\s+(?!["']{2}|$)\S/,
  },
];
