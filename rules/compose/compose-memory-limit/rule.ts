import { defineRule } from '../../../src/rule-api/rule.js';
import { imageRepository } from '../../../src/knowledge/ports.js';

/**
 * Images whose memory use scales with the host when nothing caps it: the JVM's default heap is
 * a share of the memory it sees (Elasticsearch takes half, Keycloak 70%, Trino 80%). Images
 * whose start scripts already pin a modest heap (Kafka, ZooKeeper, Logstash: 1g) are left out.
 */
const MEMORY_HUNGRY: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /(^|\/)elasticsearch$/, what: 'Elasticsearch' },
  { pattern: /(^|\/)(cassandra|scylla)$/, what: 'Cassandra' },
  { pattern: /(^|\/)sonarqube$/, what: 'SonarQube' },
  { pattern: /(^|\/)jenkins$/, what: 'Jenkins' },
  { pattern: /(^|\/)keycloak$/, what: 'Keycloak' },
  { pattern: /(^|\/)neo4j$/, what: 'Neo4j' },
  { pattern: /(^|\/)trino$/, what: 'Trino' },
];

/** Variables through which these images take a JVM heap cap (`-Xmx`). */
const HEAP_VARIABLES = ['ES_JAVA_OPTS', 'JAVA_OPTS', 'JAVA_OPTS_APPEND', 'JVM_OPTS', 'MAX_HEAP_SIZE', 'SONAR_SEARCH_JAVAOPTS', 'NEO4J_server_memory_heap_max__size', 'NEO4J_dbms_memory_heap_max__size'];

export default defineRule({
  id: 'compose-memory-limit',
  severity: 'warning',
  category: 'availability',
  docs: {
    summary: 'A memory-hungry service (Elasticsearch, Cassandra, other JVMs that size their heap from the host) runs without a memory limit or heap cap.',
    why: 'A JVM sizes its heap from the memory it sees, and without a container limit it sees the whole host. Under load it takes the memory other containers need until the kernel\'s OOM killer steps in, and it kills whatever is largest or unluckiest, often the database next to it.',
    fix: 'Set `deploy.resources.limits.memory` (or `mem_limit`) and a matching heap, e.g. `ES_JAVA_OPTS: -Xms1g -Xmx1g` with a 2g limit.',
    allow: 'On a host dedicated to this one service, add `# iac-guard-ignore compose-memory-limit: <reason>` above the service.',
  },
  messages: {
    noLimit:
      '`{{path}}` runs {{what}} (`{{image}}`) with no memory limit and no heap cap, so under load it takes memory from every other container until the OOM killer kills one of them. Set `deploy.resources.limits.memory` (or `mem_limit`) and a matching -Xmx heap.',
  },
  check: {
    compose(project, ctx) {
      for (const service of project.services()) {
        const image = service.image;
        // A job that runs once and exits does not hold memory under load.
        if (!image?.ref || project.oneShotReason(service)) continue;
        const known = MEMORY_HUNGRY.find((m) => m.pattern.test(imageRepository(image.value)));
        if (!known) continue;
        if (service.get('deploy', 'resources', 'limits', 'memory') || service.has('mem_limit')) continue;
        // A heap cap bounds the JVM itself, which is most of the risk.
        const heapCapped = service.environment.some(
          (e) => HEAP_VARIABLES.includes(e.name) && (e.unresolved || /-Xmx\S+|^\d+[kmgKMG]?$/.test(e.value ?? '')),
        );
        if (heapCapped) continue;
        ctx.report({ messageId: 'noLimit', data: { path: service.path, what: known.what, image: image.value }, at: service.at, path: service.path });
      }
    },
  },
});
