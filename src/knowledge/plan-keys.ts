// Encryption keys in a plan: what identifies a key container, what switches a key off, what
// shortens its deletion window, and which attributes of other resources hold a key.

/** Attributes whose change moves a key container to a new identity (and so replaces it). */
export const KEY_CONTAINER_IDENTITY: Record<string, string[]> = {
  google_kms_key_ring: ['location', 'name', 'project'],
  azurerm_key_vault: ['name', 'location', 'resource_group_name', 'tenant_id'],
  azurerm_key_vault_managed_hardware_security_module: ['name', 'location', 'resource_group_name', 'tenant_id'],
  vault_mount: ['path', 'namespace', 'type'],
};

/** Attributes of keys that live inside a container, pointing at it. */
export const KEY_CONTAINER_LINKS = ['key_ring', 'key_vault_id', 'managed_hsm_id', 'backend'];

export interface KeySwitch {
  attribute: string;
  /** Values of `attribute` that make the key unusable. */
  off: (string | boolean)[];
}

/** Updates that make a key unusable without destroying it. */
export const KEY_DISABLE: Record<string, KeySwitch> = {
  aws_kms_key: { attribute: 'is_enabled', off: [false] },
  aws_kms_external_key: { attribute: 'enabled', off: [false] },
  aws_kms_replica_key: { attribute: 'enabled', off: [false] },
  aws_kms_replica_external_key: { attribute: 'enabled', off: [false] },
  google_kms_crypto_key_version: { attribute: 'state', off: ['DISABLED', 'DESTROYED', 'DESTROY_SCHEDULED'] },
};

export interface DeletionWindow {
  attribute: string;
  /** The attribute's value in seconds (undefined when it cannot be read). */
  seconds: (value: unknown) => number | undefined;
}

const days = (v: unknown) => (typeof v === 'number' ? v * 86400 : undefined);
/** Google durations are strings like "86400s" or "2592000.5s". */
const duration = (v: unknown) => {
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
};

/** How long a deleted key can still be recovered. */
export const KEY_DELETION_WINDOW: Record<string, DeletionWindow> = {
  aws_kms_key: { attribute: 'deletion_window_in_days', seconds: days },
  aws_kms_external_key: { attribute: 'deletion_window_in_days', seconds: days },
  aws_kms_replica_key: { attribute: 'deletion_window_in_days', seconds: days },
  aws_kms_replica_external_key: { attribute: 'deletion_window_in_days', seconds: days },
  google_kms_crypto_key: { attribute: 'destroy_scheduled_duration', seconds: duration },
};

/** Attribute paths (dotted, no indexes) through which a resource uses a key to encrypt its data. */
export function isEncryptionAttribute(attribute: string): boolean {
  return /kms|cmek|encrypt|crypto_?key|sse|master_key|key_(name|id|arn|self_link|uri|vault_key_id)$/i.test(attribute);
}

/**
 * Resources that refer to a key without holding data encrypted by it: aliases, grants, IAM
 * bindings and policies. Their references are not blast radius.
 */
export function isKeyAdministration(type: string): boolean {
  return /_iam_|^aws_kms_(alias|grant|key_policy|ciphertext)$|^google_kms_(secret_ciphertext|key_ring_import_job)$|_policy$|_access_policy$/.test(type);
}
