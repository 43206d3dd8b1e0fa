import { defineRule } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { Attribute, findingPlace, type Resource } from '../../../src/model/terraform.js';
import { REPLICA_OF } from '../../../src/knowledge/data-stores.js';

const messages = {
  noBackups:
    '{{address}} {{state}}, so no automated backups are taken: a bad migration, a dropped table or a lost disk cannot be undone. {{fix}}',
  skipFinalSnapshot:
    '{{address}} sets skip_final_snapshot = {{value}}: if the database is ever destroyed (a renamed identifier, a changed engine, a removed block), it goes without a final snapshot and its data is gone. Set `skip_final_snapshot = false` and a `final_snapshot_identifier`.',
  noDeletionProtection:
    '{{address}} {{state}}, so nothing stops a plan or a console click from deleting the database with its data. Set `deletion_protection = true`.',
  shortBackups:
    '{{address}} keeps backups for only {{days}} ({{attribute}} = {{value}}), so a problem noticed after that cannot be restored. Keep at least {{min}} days.',
} as const;

/** AWS databases that share backup_retention_period / skip_final_snapshot / deletion_protection. */
const AWS = ['aws_db_instance', 'aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster'];
const AZURE_FLEXIBLE = ['azurerm_mysql_flexible_server', 'azurerm_postgresql_flexible_server'];
const DATABASE_TYPES = new Set([...AWS, 'google_sql_database_instance', ...AZURE_FLEXIBLE, 'azurerm_mssql_database']);
const isDatabase = (type: string) => DATABASE_TYPES.has(type);
const MIN_BACKUP_DAYS = 7;

const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

type Report = (messageId: keyof typeof messages, data: Record<string, string | number>, at: Location | Attribute, severity?: 'warning') => void;

// A replica argument that evaluates to null (a module input defaulting to null) is not set: Resource.sets.
function checkAws(r: Resource, report: Report): void {
  const replica = REPLICA_OF.some((a) => r.sets(a));
  const retention = r.attr('backup_retention_period');
  if (retention?.value() === 0 && !replica) {
    report('noBackups', { state: `sets backup_retention_period = ${retention.describe()}`, fix: `Set backup_retention_period to ${MIN_BACKUP_DAYS} or more.` }, retention);
  }
  const skip = r.attr('skip_final_snapshot');
  if (skip?.value() === true) report('skipFinalSnapshot', { value: skip.describe() }, skip, 'warning');
  const protection = r.attr('deletion_protection');
  if (!protection) {
    report('noDeletionProtection', { state: 'does not set deletion_protection (it defaults to false)' }, r.location, 'warning');
  } else if (protection.value() === false) {
    report('noDeletionProtection', { state: `sets deletion_protection = ${protection.describe()}` }, protection, 'warning');
  }
}

function checkCloudSql(r: Resource, report: Report): void {
  const protection = r.attr('deletion_protection');
  if (protection?.value() === false) {
    report('noDeletionProtection', { state: `sets deletion_protection = ${protection.describe()}` }, protection, 'warning');
  }
  // Replicas cannot have backups of their own; the primary's backups cover them.
  if (r.sets('master_instance_name') || r.sets('replica_configuration')) return;
  const settings = r.block('settings');
  if (!settings || settings.dynamic) return;
  const backup = settings.block('backup_configuration');
  const fix = 'Add `backup_configuration { enabled = true }` to its settings (with point_in_time_recovery_enabled for point-in-time restore).';
  if (!backup) {
    report('noBackups', { state: 'has no settings.backup_configuration block (backups default to off)', fix }, settings.location);
    return;
  }
  const enabled = backup.attr('enabled');
  if (!enabled && !backup.dynamic) {
    report('noBackups', { state: 'does not set settings.backup_configuration.enabled (it defaults to false)', fix }, backup.location);
  } else if (enabled?.value() === false) {
    report('noBackups', { state: `sets settings.backup_configuration.enabled = ${enabled.describe()}`, fix }, enabled);
  }
}

function checkRetentionDays(r: Resource, path: string, report: Report): void {
  const attr = r.attr(path);
  const days = attr?.value();
  if (attr && typeof days === 'number' && days < MIN_BACKUP_DAYS) {
    report('shortBackups', { days: plural(days), attribute: path, value: attr.describe(), min: MIN_BACKUP_DAYS }, attr, 'warning');
  }
}

export default defineRule({
  id: 'tf-database-unprotected',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'Databases without automated backups, without deletion protection, or destroyed without a final snapshot.',
    why: 'A database is the one thing a redeploy cannot bring back. Without backups a bad migration or deleted table is permanent; without deletion protection one mistaken plan or click deletes it; with skip_final_snapshot its destruction leaves nothing to restore. Missing backups are errors; missing deletion protection and final snapshots are warnings.',
    fix: 'AWS RDS/Aurora/DocumentDB/Neptune: backup_retention_period ≥ 7, deletion_protection = true, skip_final_snapshot = false. Cloud SQL: settings.backup_configuration.enabled = true, keep deletion_protection (true by default). Azure flexible servers and SQL databases: keep at least 7 days of backups. DigitalOcean managed databases always keep daily backups, so they are not checked.',
    allow: 'For disposable databases (tests, previews) add `# iac-guard-ignore tf-database-unprotected: <reason>` above the resource or the attribute.',
  },
  messages,
  check: {
    terraform(model, ctx) {
      for (const r of model.resources(isDatabase)) {
        // An attribute that passes a module input along is reported where the caller sets it.
        const report: Report = (messageId, data, at, severity) =>
          ctx.report({
            messageId,
            data: { address: r.address, ...data },
            ...(at instanceof Attribute ? findingPlace(at) : { at }),
            resource: r.address,
            ...(severity ? { severity } : {}),
          });
        if (AWS.includes(r.resourceType)) checkAws(r, report);
        else if (r.resourceType === 'google_sql_database_instance') checkCloudSql(r, report);
        else if (AZURE_FLEXIBLE.includes(r.resourceType)) checkRetentionDays(r, 'backup_retention_days', report);
        else if (r.resourceType === 'azurerm_mssql_database') checkRetentionDays(r, 'short_term_retention_policy.retention_days', report);
      }
    },
  },
});
