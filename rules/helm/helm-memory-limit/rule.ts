import { defineRule } from '../../../src/rule-api/rule.js';
import { JVM_HINT_KEYS, MEMORY_HUNGRY, isAuxiliary } from '../../../src/knowledge/helm-workloads.js';
import type { HelmPath, HelmRelease } from '../../../src/model/helm.js';

export const messages = {
  noMemoryLimit:
    '{{where}} sets no memory limit for {{subject}}, which takes as much memory as it can get: it can starve every other pod on its node until the kernel kills them; set `{{fix}}` (and size the heap below it).',
} as const;
export type MessageId = keyof typeof messages;
export type Options = Record<string, never>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

export default defineRule<MessageId, Options>({
  id: 'helm-memory-limit',
  severity: 'warning',
  category: 'reliability',
  docs: {
    summary: 'Memory-hungry workloads (Elasticsearch, OpenSearch, Kafka, Cassandra, other JVMs) deployed without a memory limit.',
    why: 'A JVM or a search engine grows until it is stopped. Without `resources.limits.memory` it is not stopped at its own limit: the node runs out of memory and the kernel kills whatever it picks, often the neighbours.',
    fix: 'Set `resources.limits.memory` for the workload (bitnami charts: or keep a `resourcesPreset` other than `none`), and set the heap (e.g. `heapSize`) to about half to three quarters of it.',
    allow: 'Add `# iac-guard-ignore helm-memory-limit: <reason>` above the `resources` key, or an `allow` entry with the values path in `.iac-guard.yml`.',
  },
  messages,
  check: {
    helm(release, ctx) {
      // A workload section is a map with `resources` (or bitnami's `resourcesPreset`) in it.
      const sections = new Map<string, HelmPath>();
      for (const e of release.walk()) {
        const key = e.path[e.path.length - 1];
        if (key === 'resources' || key === 'resourcesPreset') {
          const section = e.path.slice(0, -1);
          sections.set(section.join('\0'), section);
        }
      }
      for (const section of sections.values()) {
        if (isAuxiliary(section) || !release.isEnabled([...section, 'resources'])) continue;
        const subject = memoryHungry(release, section);
        if (!subject || hasMemoryLimit(release.get(section))) continue;
        const at = release.entry([...section, 'resources']) ?? release.entry([...section, 'resourcesPreset'])!;
        const fix = [...section, 'resources', 'limits', 'memory'].join('.');
        ctx.report({ messageId: 'noMemoryLimit', data: { where: release.describe(at), subject, fix }, at: at.location, path: at.pathText });
      }
    },
  },
});

/** By chart or section name, or because the section configures a JVM heap. */
function memoryHungry(release: HelmRelease, section: HelmPath): string | undefined {
  const named = release.namedAs(section, MEMORY_HUNGRY);
  if (named) return `\`${named}\``;
  const values = release.get(section);
  const hint = isObject(values) ? JVM_HINT_KEYS.find((k) => k in values) : undefined;
  return hint ? `a JVM (it sets \`${[...section, hint].join('.')}\`)` : undefined;
}

/**
 * `resources.limits.memory`, or (bitnami) an empty `resources` with a `resourcesPreset` other
 * than `none`: the chart then applies the preset, which has limits. Templates count as set.
 */
function hasMemoryLimit(section: unknown): boolean {
  if (!isObject(section)) return true;
  const resources = section.resources;
  if (typeof resources === 'string') return true;
  if (isObject(resources) && Object.keys(resources).length) {
    return isObject(resources.limits) ? isSet(resources.limits.memory) : typeof resources.limits === 'string';
  }
  const preset = section.resourcesPreset;
  return typeof preset === 'string' && preset !== '' && preset !== 'none';
}
