// Which Terraform resource types hold things that cannot be recreated, by category.
// One readable table: add a type here (or in `.iac-guard.yml` under `resource-types:`) and every
// rule that asks "is this key material / a database / ..." sees it.

export type ResourceCategory =
  | 'key-material'
  | 'key-container'
  | 'database'
  | 'object-storage'
  | 'disk'
  | 'file-system'
  | 'secret'
  | 'dns-zone'
  | 'log-archive'
  | 'cache'
  | 'firewall'
  | 'k8s-volume';

export const CATEGORY_LABEL: Record<ResourceCategory, string> = {
  'key-material': 'encryption key',
  'key-container': 'key container',
  database: 'database',
  'object-storage': 'bucket',
  disk: 'disk',
  'file-system': 'file system',
  secret: 'secret',
  'dns-zone': 'DNS zone',
  'log-archive': 'log archive',
  cache: 'cache with data',
  firewall: 'firewall',
  'k8s-volume': 'Kubernetes persistent volume',
};

export const RESOURCE_TYPES: Record<ResourceCategory, string[]> = {
  'key-material': [
    'google_kms_crypto_key',
    'google_kms_crypto_key_version',
    'aws_kms_key',
    'aws_kms_external_key',
    'aws_kms_replica_key',
    'aws_kms_replica_external_key',
    'azurerm_key_vault_key',
    'azurerm_key_vault_managed_hardware_security_module_key',
    'vault_transit_secret_backend_key',
    // Not here: public SSH keys (digitalocean_ssh_key, aws_key_pair); losing one destroys no data.
  ],
  'key-container': [
    'google_kms_key_ring',
    'azurerm_key_vault',
    'azurerm_key_vault_managed_hardware_security_module',
    'vault_mount',
  ],
  database: [
    'aws_db_instance',
    'aws_rds_cluster',
    'aws_rds_global_cluster',
    'aws_dynamodb_table',
    'aws_docdb_cluster',
    'aws_neptune_cluster',
    'aws_redshift_cluster',
    'google_sql_database_instance',
    'google_sql_database',
    'google_spanner_instance',
    'google_spanner_database',
    'google_bigtable_instance',
    'google_bigquery_dataset',
    'google_bigquery_table',
    'google_firestore_database',
    'azurerm_mssql_server',
    'azurerm_mssql_database',
    'azurerm_postgresql_server',
    'azurerm_postgresql_flexible_server',
    'azurerm_mysql_server',
    'azurerm_mysql_flexible_server',
    'azurerm_cosmosdb_account',
    'digitalocean_database_cluster',
    'digitalocean_database_db',
    'aws_opensearch_domain',
    'aws_elasticsearch_domain',
    'aws_keyspaces_table',
    'aws_timestreamwrite_table',
    'google_alloydb_cluster',
    'azurerm_cosmosdb_sql_database',
    'azurerm_cosmosdb_mongo_database',
  ],
  'object-storage': [
    'aws_s3_bucket',
    'google_storage_bucket',
    'azurerm_storage_account',
    'azurerm_storage_container',
    'digitalocean_spaces_bucket',
    'aws_s3_directory_bucket',
    'aws_glacier_vault',
  ],
  disk: [
    'aws_ebs_volume',
    'google_compute_disk',
    'google_compute_region_disk',
    'azurerm_managed_disk',
    'digitalocean_volume',
  ],
  'file-system': ['aws_efs_file_system', 'aws_fsx_lustre_file_system', 'google_filestore_instance', 'azurerm_storage_share'],
  secret: [
    'aws_secretsmanager_secret',
    'aws_ssm_parameter',
    'google_secret_manager_secret',
    'azurerm_key_vault_secret',
    'vault_kv_secret_v2',
    'vault_generic_secret',
    'kubernetes_secret',
    'aws_secretsmanager_secret_version',
    'google_secret_manager_secret_version',
    'azurerm_key_vault_certificate',
  ],
  'dns-zone': ['aws_route53_zone', 'google_dns_managed_zone', 'azurerm_dns_zone', 'digitalocean_domain'],
  'log-archive': [
    'aws_cloudwatch_log_group',
    'google_logging_project_bucket_config',
    'google_logging_project_sink',
    'azurerm_log_analytics_workspace',
  ],
  cache: ['aws_elasticache_replication_group', 'aws_elasticache_cluster', 'google_redis_instance', 'azurerm_redis_cache', 'aws_memorydb_cluster'],
  firewall: [
    'google_compute_firewall',
    'aws_security_group',
    'aws_security_group_rule',
    'aws_vpc_security_group_ingress_rule',
    'aws_network_acl',
    'azurerm_network_security_group',
    'azurerm_network_security_rule',
    'digitalocean_firewall',
  ],
  'k8s-volume': ['kubernetes_persistent_volume', 'kubernetes_persistent_volume_claim', 'kubernetes_persistent_volume_claim_v1', 'kubernetes_persistent_volume_v1'],
};

/** The table with `.iac-guard.yml` `resource-types:` additions folded in. */
export class ResourceTypeTable {
  private readonly byType = new Map<string, ResourceCategory>();

  constructor(extra: Partial<Record<string, string[]>> = {}) {
    for (const [cat, types] of Object.entries(RESOURCE_TYPES) as [ResourceCategory, string[]][]) {
      for (const t of types) this.byType.set(t, cat);
    }
    for (const [cat, types] of Object.entries(extra)) {
      if (!(cat in RESOURCE_TYPES)) continue;
      for (const t of types ?? []) this.byType.set(t, cat as ResourceCategory);
    }
  }

  categoryOf(type: string): ResourceCategory | undefined {
    return this.byType.get(type);
  }

  is(type: string, ...categories: ResourceCategory[]): boolean {
    const c = this.byType.get(type);
    return c !== undefined && categories.includes(c);
  }
}

/** Categories whose loss is permanent: deleting them is what the gate exists to stop. */
export const STATEFUL: ResourceCategory[] = [
  'database',
  'object-storage',
  'disk',
  'file-system',
  'secret',
  'dns-zone',
  'log-archive',
  'cache',
  'k8s-volume',
];
export const KEYS: ResourceCategory[] = ['key-material', 'key-container'];
