// Arguments whose change makes Terraform destroy the resource and create a new one ("forces
// replacement"), for the resource types whose loss is permanent. Read from each provider's
// resource schema (`ForceNew: true`, or immutable in Google's generated resources) in
// hashicorp/terraform-provider-google, -azurerm and -aws. Only arguments verified there are
// listed: a missing entry means "not known to force replacement", never "safe".
//
// Paths are dotted through nested blocks (`settings.collation`). A path that names a nested
// block (`replication`) means: any change inside that block forces replacement.

export const REPLACEMENT_ATTRIBUTES: Record<string, readonly string[]> = {
  // ---- Google
  google_kms_key_ring: ['name', 'location', 'project'],
  google_kms_crypto_key: ['name', 'key_ring', 'purpose', 'import_only', 'crypto_key_backend', 'version_template.protection_level'],
  google_storage_bucket: ['name', 'location', 'project', 'enable_object_retention'],
  google_sql_database_instance: ['name', 'region', 'project', 'encryption_key_name', 'settings.collation'],
  google_sql_database: ['name', 'instance', 'project'],
  google_compute_disk: ['name', 'zone', 'project', 'type', 'image', 'snapshot', 'source_disk', 'physical_block_size_bytes', 'disk_encryption_key'],
  google_compute_region_disk: ['name', 'region', 'project', 'type', 'snapshot', 'source_disk', 'replica_zones', 'physical_block_size_bytes', 'disk_encryption_key'],
  google_secret_manager_secret: ['secret_id', 'project', 'replication'],
  google_bigquery_dataset: ['dataset_id', 'project', 'location'],
  google_bigquery_table: ['table_id', 'dataset_id', 'project', 'encryption_configuration'],
  google_spanner_instance: ['name', 'config', 'project'],
  google_spanner_database: ['name', 'instance', 'project', 'database_dialect', 'encryption_config'],
  google_bigtable_instance: ['name', 'project'],
  google_firestore_database: ['name', 'location_id', 'project', 'cmek_config'],
  google_filestore_instance: ['name', 'location', 'zone', 'project', 'tier', 'kms_key_name', 'file_shares.name'],
  google_redis_instance: ['name', 'region', 'project', 'tier', 'location_id', 'customer_managed_key', 'transit_encryption_mode'],
  google_dns_managed_zone: ['name', 'dns_name', 'project', 'visibility'],
  google_logging_project_bucket_config: ['bucket_id', 'location', 'project'],

  // ---- Azure (location and resource_group_name come from the provider's ForceNew helpers)
  azurerm_key_vault: ['name', 'location', 'resource_group_name'],
  azurerm_key_vault_key: ['name', 'key_vault_id', 'key_type', 'key_size', 'curve'],
  azurerm_key_vault_secret: ['name', 'key_vault_id'],
  azurerm_storage_account: ['name', 'location', 'resource_group_name', 'account_tier', 'is_hns_enabled', 'nfsv3_enabled', 'infrastructure_encryption_enabled'],
  azurerm_storage_container: ['name', 'storage_account_id'],
  azurerm_storage_share: ['name', 'storage_account_id', 'enabled_protocol'],
  azurerm_mssql_server: ['name', 'location', 'resource_group_name', 'version', 'administrator_login'],
  azurerm_mssql_database: ['name', 'server_id', 'collation', 'create_mode'],
  azurerm_postgresql_flexible_server: ['name', 'location', 'resource_group_name', 'delegated_subnet_id', 'geo_redundant_backup_enabled', 'customer_managed_key'],
  azurerm_mysql_flexible_server: ['name', 'location', 'resource_group_name', 'administrator_login', 'delegated_subnet_id', 'geo_redundant_backup_enabled'],
  azurerm_managed_disk: ['name', 'location', 'resource_group_name', 'create_option', 'source_resource_id', 'source_uri', 'storage_account_id', 'logical_sector_size', 'security_type'],
  azurerm_cosmosdb_account: ['name', 'location', 'resource_group_name', 'kind', 'key_vault_key_id'],
  azurerm_redis_cache: ['name', 'location', 'resource_group_name', 'subnet_id'],
  azurerm_log_analytics_workspace: ['name', 'location', 'resource_group_name'],
  azurerm_dns_zone: ['name', 'resource_group_name'],

  // ---- AWS (`identifier` of aws_db_instance renames in place since provider v5, so it is not here)
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region', 'custom_key_store_id', 'xks_key_id'],
  aws_db_instance: ['engine', 'db_name', 'username', 'availability_zone', 'storage_encrypted', 'kms_key_id', 'character_set_name', 'nchar_character_set_name', 'timezone', 'snapshot_identifier', 'restore_to_point_in_time'],
  aws_rds_cluster: ['cluster_identifier', 'cluster_identifier_prefix', 'engine', 'engine_mode', 'database_name', 'master_username', 'kms_key_id', 'availability_zones', 'db_subnet_group_name', 'snapshot_identifier', 'restore_to_point_in_time'],
  aws_s3_bucket: ['bucket', 'bucket_prefix'],
  aws_ebs_volume: ['availability_zone', 'encrypted', 'kms_key_id', 'snapshot_id', 'outpost_arn', 'multi_attach_enabled'],
  aws_dynamodb_table: ['name'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  aws_ssm_parameter: ['name'],
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  aws_route53_zone: ['name'],
};

/** The replacement-forcing arguments of a type; empty when none are known. */
export function replacementAttributes(type: string): readonly string[] {
  return REPLACEMENT_ATTRIBUTES[type] ?? [];
}

/**
 * How a resource of each key-container type names itself in a literal id, so a key that points
 * at its container by id text (not by reference) is still found: `{name}` and the other
 * placeholders are the container's argument values.
 */
export const CONTAINER_ID_TEMPLATES: Record<string, string> = {
  google_kms_key_ring: 'projects/{project}/locations/{location}/keyRings/{name}',
  azurerm_key_vault: '/subscriptions/{subscription}/resourceGroups/{resource_group_name}/providers/Microsoft.KeyVault/vaults/{name}',
};
