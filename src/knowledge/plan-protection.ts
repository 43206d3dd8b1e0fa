// Settings that protect data from deletion or loss: backups, retention, deletion protection.
// Each says which direction LOWERS protection; only that direction is a finding.
import type { ResourceCategory } from './resource-types.js';
import { REPLICA_OF } from './data-stores.js';

export type Lowering =
  /** true → false */
  | { kind: 'turned-off' }
  /** false → true (e.g. skip_final_snapshot, force_destroy) */
  | { kind: 'turned-on' }
  /** a number goes down; with `zeroMeansForever`, 0 is the highest value (keep forever) */
  | { kind: 'decreased'; zeroMeansForever?: boolean }
  /** a value in `from` becomes a value outside it */
  | { kind: 'left'; from: string[] };

export interface Protection {
  /** Dotted attribute path; `*` stands for every element of a list (nested blocks are lists). */
  path: string;
  /** Resource types it applies to; absent = any type (with `categories`, any type of those). */
  types?: string[];
  categories?: ResourceCategory[];
  lowered: Lowering;
  /** Noun phrase: what protection this is. */
  what: string;
  /** What can now go wrong, in one clause. */
  risk: string;
  /** Deleting the resource itself lowers the protection (e.g. removing a versioning resource suspends versioning). */
  deleteLowers?: boolean;
  /**
   * Creating the resource with this value leaves it unprotected from day one (the same hazard the
   * source rules report on .tf): `unsafe` tests the planned value, `unlessSet` names attributes
   * whose non-null value makes it fine (a replica has no backups of its own).
   */
  created?: { unsafe: (value: unknown) => boolean; severity: 'error' | 'warning'; state: string; risk: string; fix: string; unlessSet?: string[] };
}


const STATEFUL_CATEGORIES: ResourceCategory[] = ['database', 'object-storage', 'disk', 'file-system', 'secret', 'dns-zone', 'log-archive', 'cache', 'k8s-volume'];
const SNAPSHOT_ON_DELETE = ['aws_db_instance', 'aws_rds_cluster', 'aws_redshift_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster'];

export const PROTECTIONS: Protection[] = [
  { path: 'deletion_protection', lowered: { kind: 'turned-off' }, what: 'deletion protection', risk: 'a later plan or a mistaken click can now delete it' },
  { path: 'deletion_protection_enabled', lowered: { kind: 'turned-off' }, what: 'deletion protection', risk: 'a later plan or a mistaken click can now delete it' },
  { path: 'disable_api_termination', lowered: { kind: 'turned-off' }, what: 'termination protection', risk: 'it can now be terminated by API or by a later plan' },
  { path: 'enable_termination_protection', lowered: { kind: 'turned-off' }, what: 'termination protection', risk: 'the stack and everything in it can now be deleted' },
  {
    path: 'skip_final_snapshot',
    types: SNAPSHOT_ON_DELETE,
    lowered: { kind: 'turned-on' },
    what: 'the final snapshot on delete',
    risk: 'deleting it will leave no snapshot to restore from',
    created: { unsafe: (v) => v === true, severity: 'warning', state: 'with no final snapshot on delete', risk: 'if it is ever destroyed, its data goes with it', fix: 'Set skip_final_snapshot = false and a final_snapshot_identifier', unlessSet: REPLICA_OF },
  },
  { path: 'delete_automated_backups', types: ['aws_db_instance'], lowered: { kind: 'turned-on' }, what: 'keeping automated backups after delete', risk: 'its backups will be deleted together with it' },
  { path: 'force_destroy', categories: STATEFUL_CATEGORIES, lowered: { kind: 'turned-on' }, what: 'the refusal to delete it while it holds data', risk: 'destroying it now deletes every object in it without asking' },
  { path: 'force_delete', types: ['aws_ecr_repository'], lowered: { kind: 'turned-on' }, what: 'the refusal to delete it while it holds images', risk: 'destroying it now deletes every image in it' },
  { path: 'delete_contents_on_destroy', types: ['google_bigquery_dataset'], lowered: { kind: 'turned-on' }, what: 'the refusal to delete it while it holds tables', risk: 'destroying it now deletes every table in it' },
  {
    path: 'backup_retention_period',
    lowered: { kind: 'decreased' },
    what: 'backup retention',
    risk: 'fewer days of backups exist to restore from (0 turns automated backups off)',
    created: { unsafe: (v) => v === 0, severity: 'error', state: 'with automated backups off', risk: 'a bad migration, a dropped table or a lost disk cannot be undone', fix: 'Set backup_retention_period to 7 or more', unlessSet: REPLICA_OF },
  },
  { path: 'backup_retention_days', lowered: { kind: 'decreased' }, what: 'backup retention', risk: 'fewer days of backups exist to restore from' },
  { path: 'snapshot_retention_limit', lowered: { kind: 'decreased' }, what: 'snapshot retention', risk: 'fewer snapshots exist to restore from (0 turns snapshots off)' },
  { path: 'settings.*.backup_configuration.*.enabled', types: ['google_sql_database_instance'], lowered: { kind: 'turned-off' }, what: 'automated backups', risk: 'no new backups will be taken' },
  { path: 'settings.*.backup_configuration.*.point_in_time_recovery_enabled', types: ['google_sql_database_instance'], lowered: { kind: 'turned-off' }, what: 'point-in-time recovery', risk: 'the database can no longer be restored to a moment before a bad write' },
  { path: 'settings.*.backup_configuration.*.binary_log_enabled', types: ['google_sql_database_instance'], lowered: { kind: 'turned-off' }, what: 'point-in-time recovery (binary log)', risk: 'the database can no longer be restored to a moment before a bad write' },
  { path: 'settings.*.backup_configuration.*.backup_retention_settings.*.retained_backups', types: ['google_sql_database_instance'], lowered: { kind: 'decreased' }, what: 'backup retention', risk: 'fewer backups exist to restore from' },
  { path: 'point_in_time_recovery.*.enabled', types: ['aws_dynamodb_table'], lowered: { kind: 'turned-off' }, what: 'point-in-time recovery', risk: 'the table can no longer be restored to a moment before a bad write' },
  { path: 'retention_in_days', types: ['aws_cloudwatch_log_group'], lowered: { kind: 'decreased', zeroMeansForever: true }, what: 'log retention', risk: 'older logs will be deleted' },
  { path: 'retention_in_days', types: ['azurerm_log_analytics_workspace'], lowered: { kind: 'decreased' }, what: 'log retention', risk: 'older logs will be deleted' },
  { path: 'retention_days', types: ['google_logging_project_bucket_config'], lowered: { kind: 'decreased' }, what: 'log retention', risk: 'older logs will be deleted' },
  { path: 'versioning.*.enabled', types: ['google_storage_bucket', 'aws_s3_bucket'], lowered: { kind: 'turned-off' }, what: 'object versioning', risk: 'an overwritten or deleted object can no longer be recovered' },
  {
    path: 'versioning_configuration.*.status',
    types: ['aws_s3_bucket_versioning'],
    lowered: { kind: 'left', from: ['Enabled'] },
    what: 'object versioning',
    risk: 'an overwritten or deleted object can no longer be recovered',
    deleteLowers: true,
  },
  { path: 'retention_policy.*.retention_period', types: ['google_storage_bucket'], lowered: { kind: 'decreased' }, what: 'the bucket retention policy', risk: 'objects can be deleted sooner' },
  { path: 'soft_delete_policy.*.retention_duration_seconds', types: ['google_storage_bucket'], lowered: { kind: 'decreased' }, what: 'soft delete', risk: 'deleted objects can be recovered for a shorter time (0 turns it off)' },
  {
    path: 'recovery_window_in_days',
    types: ['aws_secretsmanager_secret'],
    lowered: { kind: 'decreased' },
    what: 'the secret recovery window',
    risk: 'a deleted secret can be recovered for a shorter time (0 deletes it at once)',
    created: { unsafe: (v) => v === 0, severity: 'warning', state: 'with no recovery window', risk: 'deleting it destroys the secret at once, with no way back', fix: 'Keep recovery_window_in_days at 7 to 30' },
  },
  {
    path: 'deletion_window_in_days',
    types: ['aws_kms_key', 'aws_kms_external_key', 'aws_kms_replica_key', 'aws_kms_replica_external_key'],
    lowered: { kind: 'decreased' },
    what: 'the key deletion window',
    risk: 'a key scheduled for deletion by mistake can be restored for fewer days, and everything encrypted with it is lost after that',
    // 7 is the least AWS allows: no margin at all to notice a mistaken deletion.
    created: { unsafe: (v) => typeof v === 'number' && v <= 7, severity: 'error', state: 'with the shortest deletion window AWS allows', risk: 'a key scheduled for deletion by mistake can be restored for only 7 days, after which everything encrypted with it is unreadable for good', fix: 'Use deletion_window_in_days = 30' },
  },
  {
    path: 'purge_protection_enabled',
    types: ['azurerm_key_vault'],
    lowered: { kind: 'turned-off' },
    what: 'purge protection',
    risk: 'deleted keys and secrets can be purged for good',
    created: { unsafe: (v) => v === false, severity: 'warning', state: 'without purge protection', risk: 'anyone who can delete the vault can purge it and its keys at once, with nothing to recover', fix: 'Set purge_protection_enabled = true' },
  },
  { path: 'soft_delete_retention_days', types: ['azurerm_key_vault'], lowered: { kind: 'decreased' }, what: 'soft delete retention', risk: 'deleted keys and secrets can be recovered for a shorter time' },
  { path: 'deletion_allowed', types: ['vault_transit_secret_backend_key'], lowered: { kind: 'turned-on' }, what: 'the refusal to delete this transit key', risk: 'the key, and the ability to decrypt everything it encrypted, can now be deleted' },
  { path: 'rule.*.lifecycle.*.delete_after', types: ['aws_backup_plan'], lowered: { kind: 'decreased' }, what: 'backup retention', risk: 'backups are deleted sooner' },
  { path: 'backup_policy.*.status', types: ['aws_efs_backup_policy'], lowered: { kind: 'left', from: ['ENABLED'] }, what: 'automatic backups', risk: 'no new backups will be taken' },
];
