import { defineRule } from '../../../src/rule-api/rule.js';
import { DATA_STORES, isAuxiliary } from '../../../src/knowledge/helm-workloads.js';
import type { HelmEntry } from '../../../src/model/helm.js';

export const messages = {
  backupOff:
    '{{where}} switches off the backups this chart can take, so when the volume is lost or a bad change destroys data there is no copy to restore; enable them and check where they are stored, or allow this naming the backup that replaces them.',
  backupStorageOff:
    '{{where}} writes the backups to a temporary volume that is deleted with the pod, so they are gone exactly when they are needed; enable persistent storage for the backups.',
  persistenceOff:
    '{{where}} keeps the data of `{{subject}}` on the pod\'s temporary disk: every restart, reschedule or upgrade deletes all of it; enable persistence so the data lives on a PersistentVolumeClaim.',
} as const;
export type MessageId = keyof typeof messages;
export type Options = Record<string, never>;

/** `backup`, `snapshots`, `disasterRecovery`, `logicalBackup`, ... but not `startFromSnapshot` (a restore). */
const isBackupSection = (k: unknown) =>
  typeof k === 'string' && (/^(backups?|snapshots?|disasterRecovery)$/i.test(k) || /[a-z](Backups?|Snapshots?)$/.test(k)) && !/^(startFrom|restore)/i.test(k);
const isStorageSection = (k: unknown) => typeof k === 'string' && /^(persistence|persistentVolume|storage)$/.test(k);
const isPersistence = (k: unknown) => k === 'persistence' || k === 'persistentVolume';

export default defineRule<MessageId, Options>({
  id: 'helm-backups-disabled',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'Helm values that switch off a chart\'s backups, store backups on a temporary volume, or run a database without persistence.',
    why: 'A database without a persistent volume loses everything on the next restart or upgrade; a chart whose backup job is switched off leaves nothing to restore when the volume, the cluster or a migration fails.',
    fix: 'Keep `persistence.enabled: true` for data stores; enable the chart\'s `backup` / `snapshots` / `disasterRecovery` section with persistent storage, or rely on a backup you can name (Velero, managed snapshots) and allow the finding with that reason.',
    allow: 'Add `# iac-guard-ignore helm-backups-disabled: <what backs this up instead>` above the key, or an `allow` entry with the values path in `.iac-guard.yml`. A chart\'s own default is reported as a warning, an override as an error; a chart\'s optional backups that are off by default are reported only for a deployment of it (values files, helmfile, helm_release), not for the chart alone.',
  },
  messages,
  check: {
    helm(release, ctx) {
      for (const e of release.walk()) {
        if (e.kind !== 'scalar' || e.path[e.path.length - 1] !== 'enabled' || e.value !== false) continue;
        if (!release.isEnabled(e.path)) continue;
        const section = e.path[e.path.length - 2];
        const report = (messageId: MessageId, data: Record<string, string> = {}) =>
          ctx.report({
            messageId,
            data: { where: release.describe(e), ...data },
            at: e.location,
            path: e.pathText,
            severity: e.setBy === 'chart' ? 'warning' : 'error',
          });

        if (isBackupSection(section)) {
          // A chart judged alone: optional backups off by default are the deployment's choice, not the chart's hazard.
          if (e.setBy === 'chart' && !release.overridden) continue;
          report('backupOff');
        } else if (isStorageSection(section) && insideBackupSection(e)) {
          report('backupStorageOff');
        } else if (isPersistence(section) && !isAuxiliary(e.path)) {
          const subject = release.namedAs(e.path, DATA_STORES);
          if (subject) report('persistenceOff', { subject });
        }
      }
    },
  },
});

const insideBackupSection = (e: HelmEntry) => e.path.slice(0, -2).some(isBackupSection);
