// What a Helm chart (or a section of its values) runs: a database, an admin UI, a JVM, a node agent.
// Recognised by chart name and by the names of values sections (`postgresql:` in an umbrella
// chart, `redis-ha:`), because values carry no type information. One table, read by every helm rule.

/** Stores whose data is the point: losing their volume loses data, exposing them leaks it. */
export const DATA_STORES = [
  'postgresql',
  'postgres',
  'mysql',
  'mariadb',
  'mongodb',
  'redis',
  'valkey',
  'keydb',
  'elasticsearch',
  'opensearch',
  'couchdb',
  'cassandra',
  'scylla',
  'clickhouse',
  'influxdb',
  'neo4j',
  'cockroachdb',
  'timescaledb',
  'etcd',
  'zookeeper',
  'kafka',
  'rabbitmq',
  'minio',
  'solr',
  'consul',
  'vault',
];

/** Consoles and control planes: whoever reaches them can read or change infrastructure. */
export const ADMIN_SERVICES = [
  'prometheus',
  'alertmanager',
  'grafana',
  'kibana',
  'jenkins',
  'argo-cd',
  'argocd',
  'argo-workflows',
  'argo-rollouts',
  'airflow',
  'spark',
  'thanos',
  'kubernetes-dashboard',
  'dashboard',
  'pgadmin',
  'phpmyadmin',
  'adminer',
  'portainer',
  'opensearch-dashboards',
  'admin',
  'console',
  'management',
];

/** Runs on the JVM or caches aggressively: without a memory limit it takes what the node has. */
export const MEMORY_HUNGRY = [
  'elasticsearch',
  'opensearch',
  'logstash',
  'kafka',
  'cassandra',
  'zookeeper',
  'solr',
  'spark',
  'flink',
  'jenkins',
  'keycloak',
  'sonarqube',
  'nexus',
  'neo4j',
  'trino',
  'presto',
  'druid',
  'pinot',
  'hbase',
  'hadoop',
  'clickhouse',
];

/** Values keys that only JVM workloads have: a section with one of them runs a JVM. */
export const JVM_HINT_KEYS = ['heapSize', 'heapOpts', 'javaOpts', 'javaOptions', 'jvm', 'jvmOptions', 'jvmFlags', 'esJavaOpts', 'javaOptsAppendExtra'];

/**
 * Node agents whose job needs the host's network or process namespace (they read host metrics,
 * logs or manage host networking). `hostNetwork`/`hostPID` there is the design, not a mistake.
 */
export const HOST_AGENTS = [
  'prometheus-node-exporter',
  'node-exporter',
  'promtail',
  'fluent-bit',
  'fluentbit',
  'fluentd',
  'datadog',
  'falco',
  'cilium',
  'calico',
  'kube-proxy',
  'metallb',
  'nvidia-device-plugin',
  'node-problem-detector',
];

/**
 * Sections that run a helper beside the main workload (an exporter, an init container, a hook):
 * not where the data, the heap or the admin UI lives.
 */
export const AUXILIARY_SECTIONS = [
  'metrics',
  'exporter',
  'volumePermissions',
  'sysctl',
  'sysctlImage',
  'initContainers',
  'sidecar',
  'sidecars',
  'tests',
  'testFramework',
  'hooks',
  'autoReload',
  'backup',
  'cronjob',
  'dashboards',
  'defaultInitContainers',
  'copyTlsCerts',
];

const normalise = (s: string) => s.toLowerCase().replace(/_/g, '-');

/**
 * True when `name` is one of `names`, or a variant of one: `postgresql-ha`, `redis-cluster`,
 * `bitnami-postgresql`, `redisHa`. Substrings inside a word do not count (`externalRedis` is not redis).
 */
export function nameMatches(name: string, names: readonly string[]): boolean {
  const n = normalise(name);
  const camelHead = normalise(name.replace(/([a-z0-9])([A-Z]).*$/, '$1'));
  return names.some((x) => n === x || n.startsWith(`${x}-`) || n.endsWith(`-${x}`) || camelHead === x);
}

/** The first path segment (outermost first) that names one of `names`, if any. */
export function sectionNamed(path: readonly (string | number)[], names: readonly string[]): string | undefined {
  return path.find((p): p is string => typeof p === 'string' && nameMatches(p, names));
}

export const isAuxiliary = (path: readonly (string | number)[]) =>
  path.some((p) => typeof p === 'string' && (AUXILIARY_SECTIONS.includes(p) || /^init[A-Z]/.test(p)));

/**
 * Top-level sections whose pods run only for `helm test`: their images are never part of the
 * deployment, so pinning them does not decide what runs.
 */
export const HELM_TEST_SECTIONS = ['test', 'tests', 'testFramework', 'helmTest', 'helmTests'];

export const isHelmTestSection = (path: readonly (string | number)[]) => typeof path[0] === 'string' && HELM_TEST_SECTIONS.includes(path[0]);
