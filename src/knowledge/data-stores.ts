// What makes a data store hold records nobody can recreate (audit trails, state, backups),
// and the settings that keep its data private: encryption at rest and in transit, and whether
// it gets an address on the internet. Shared by the Terraform source rules.
import { nameWords } from './compose-lifetimes.js';

/** Words in a bucket's name that say what it keeps, from most to least critical. */
export const ARCHIVE_WORDS: readonly { word: RegExp; holds: string; critical: boolean }[] = [
  { word: /^(tfstate|terraform|tf-state|tfstates|state)$/, holds: 'Terraform state', critical: true },
  { word: /^(cloudtrail|trail|trails|audit|auditlog|auditlogs)$/, holds: 'audit logs', critical: true },
  { word: /^(backup|backups|snapshots?|dumps?)$/, holds: 'backups', critical: true },
  { word: /^(archive|archives|records|evidence|retention)$/, holds: 'archives', critical: false },
  { word: /^(log|logs|logging|accesslogs|flowlogs)$/, holds: 'logs', critical: false },
];

/** What the bucket name says it holds, or undefined. */
export function archiveNamed(names: readonly string[]): { holds: string; critical: boolean; word: string } | undefined {
  let best: { holds: string; critical: boolean; word: string } | undefined;
  for (const name of names) {
    for (const word of nameWords(name)) {
      const hit = ARCHIVE_WORDS.find((a) => a.word.test(word));
      if (hit && (!best || (hit.critical && !best.critical))) best = { holds: hit.holds, critical: hit.critical, word };
    }
  }
  return best;
}

/** Resources that write into a bucket, with the argument that names it and what they write. */
export const BUCKET_WRITERS: readonly { type: string; attribute: string; holds: string }[] = [
  { type: 'aws_cloudtrail', attribute: 's3_bucket_name', holds: 'audit logs (CloudTrail)' },
  { type: 'aws_config_delivery_channel', attribute: 's3_bucket_name', holds: 'audit logs (AWS Config)' },
  { type: 'aws_s3_bucket_logging', attribute: 'target_bucket', holds: 'access logs' },
  { type: 'aws_flow_log', attribute: 'log_destination', holds: 'network flow logs' },
  { type: 'google_logging_project_sink', attribute: 'destination', holds: 'audit logs (log sink)' },
];

export interface StoreSetting {
  types: readonly string[];
  /** Dotted attribute path (`encrypt_at_rest.enabled`). */
  path: string;
  /** The provider's default is off: leaving it out is the same as turning it off. */
  absentIsOff: boolean;
  what: string;
  /** Encryption of stored data, or of data on the network. */
  kind?: 'at-rest' | 'in-transit';
}

/** Encryption settings of data stores that default to, or can be set to, off. */
export const ENCRYPTION_SETTINGS: readonly StoreSetting[] = [
  { types: ['aws_db_instance', 'aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster'], path: 'storage_encrypted', absentIsOff: true, what: 'encryption at rest' },
  { types: ['aws_elasticsearch_domain', 'aws_opensearch_domain'], path: 'encrypt_at_rest.enabled', absentIsOff: true, what: 'encryption at rest' },
  { types: ['aws_elasticsearch_domain', 'aws_opensearch_domain'], path: 'node_to_node_encryption.enabled', absentIsOff: true, what: 'node-to-node encryption', kind: 'in-transit' },
  { types: ['aws_elasticache_replication_group'], path: 'at_rest_encryption_enabled', absentIsOff: true, what: 'encryption at rest' },
  { types: ['aws_elasticache_replication_group'], path: 'transit_encryption_enabled', absentIsOff: false, what: 'encryption in transit', kind: 'in-transit' },
  { types: ['aws_redshift_cluster'], path: 'encrypted', absentIsOff: false, what: 'encryption at rest' },
  { types: ['aws_ebs_volume', 'aws_efs_file_system'], path: 'encrypted', absentIsOff: false, what: 'encryption at rest' },
  { types: ['aws_dynamodb_table'], path: 'server_side_encryption.enabled', absentIsOff: false, what: 'encryption with your own key' },
];

/** Arguments that give a database an address on the internet. */
export const PUBLIC_ADDRESS_SETTINGS: readonly StoreSetting[] = [
  { types: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_redshift_cluster', 'aws_dms_replication_instance'], path: 'publicly_accessible', absentIsOff: false, what: 'a public address' },
];

/** Read replicas and global-cluster members take no backups of their own: the primary's cover them. */
export const REPLICA_OF = ['replicate_source_db', 'replication_source_identifier', 'global_cluster_identifier'];

/** Arguments that say a database copies another (its encryption follows the source's): a replica, or a restore. */
export const COPY_OF = [...REPLICA_OF, 'snapshot_identifier'];
