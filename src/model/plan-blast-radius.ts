// Blast radius of a key: what is encrypted with it, and which keys die with a key container.
// Found two ways, because either can be missing: references in the configuration (resolved
// through variables, outputs and modules) and the key's identity (id, ARN) in other resources' values.
import type { PlanModel, ResourceChange } from './plan.js';
import { isObject } from '../parsers/plan.js';
import type { ResourceTypeTable } from '../knowledge/resource-types.js';
import { isEncryptionAttribute, isKeyAdministration, KEY_CONTAINER_LINKS } from '../knowledge/plan-keys.js';

export interface Dependent {
  /** Instance address when the plan knows one, else the configuration address. */
  address: string;
  /** Attributes through which it depends, e.g. `encryption.default_kms_key_name`. */
  attributes: string[];
}

/** Identity strings of an object before the change: what other resources store to point at it. */
export function identitiesOf(change: ResourceChange): string[] {
  const before = change.before;
  if (!isObject(before)) return [];
  const ids = ['id', 'arn', 'key_id', 'self_link', 'versionless_id', 'resource_versionless_id', 'vault_uri', 'path']
    .map((k) => before[k])
    .filter((v): v is string => typeof v === 'string' && v.length >= 8);
  return [...new Set(ids)];
}

interface Leaf {
  address: string;
  type: string;
  /** Attribute path without list indexes, e.g. `encryption.default_kms_key_name`. */
  attribute: string;
  value: string;
}

const leavesByModel = new WeakMap<PlanModel, Leaf[]>();

/**
 * String values that can point at a key or key container (encryption attributes and container
 * links), from changes, planned values and prior state; collected once per plan.
 */
function keyPointers(model: PlanModel): Leaf[] {
  const cached = leavesByModel.get(model);
  if (cached) return cached;
  const seen = new Set<string>();
  const out: Leaf[] = [];
  const sources: { address: string; type: string; values: unknown }[] = [];
  for (const c of model.changes()) {
    sources.push({ address: c.address, type: c.type, values: c.before });
    // A no-op's after is its before: walking it again would only find the same leaves.
    if (c.action !== 'no-op') sources.push({ address: c.address, type: c.type, values: c.after });
  }
  // Planned values and prior state repeat a change's after/before; only resources without a change add anything.
  for (const values of [model.priorValues(), model.plannedValues()]) {
    for (const r of values.values()) if (r.mode === 'managed' && !model.change(r.address)) sources.push({ address: r.address, type: r.type, values: r.values });
  }
  const path: string[] = [];
  let source = sources[0]!;
  const visit = (v: unknown, key: string | undefined) => {
    if (typeof v === 'string') {
      // Cheap test on the key first: most strings are names, tags and ARNs of no interest.
      if (v.length < 8 || key === undefined || !POINTER_KEY.test(key)) return;
      const attribute = path.join('.');
      if (!isEncryptionAttribute(attribute) && !KEY_CONTAINER_LINKS.includes(attribute)) return;
      const id = `${source.address}\0${attribute}\0${v}`;
      if (seen.has(id)) return;
      seen.add(id);
      out.push({ address: source.address, type: source.type, attribute, value: v });
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, key);
    } else if (isObject(v)) {
      for (const k in v) {
        path.push(k);
        visit(v[k], k);
        path.pop();
      }
    }
  };
  for (const s of sources) {
    source = s;
    visit(s.values, undefined);
  }
  leavesByModel.set(model, out);
  return out;
}

/** Keys that can hold a key or container reference (a superset of isEncryptionAttribute's endings and KEY_CONTAINER_LINKS). */
const POINTER_KEY = /kms|cmek|encrypt|crypt|sse|key|ring|vault|backend/i;

function addDependent(out: Map<string, Dependent>, address: string, attribute: string): void {
  const d = out.get(address) ?? { address, attributes: [] };
  if (!d.attributes.includes(attribute)) d.attributes.push(attribute);
  out.set(address, d);
}

/** Resources whose data is encrypted with the key `key` (not keys, aliases, grants or IAM). */
export function encryptedWith(model: PlanModel, key: ResourceChange, types: ResourceTypeTable): Dependent[] {
  const out = new Map<string, Dependent>();
  const isDataHolder = (type: string) => !types.is(type, 'key-material', 'key-container') && !isKeyAdministration(type);

  for (const ref of model.referencesTo(key.address)) {
    const from = model.configResource(ref.from);
    if (!from || from.mode !== 'managed' || !isDataHolder(from.type) || !isEncryptionAttribute(ref.attribute)) continue;
    for (const address of model.instancesOf(ref.from)) addDependent(out, address, ref.attribute);
  }

  const ids = identitiesOf(key);
  if (ids.length) {
    const matches = (v: string) => ids.some((id) => v === id || v.startsWith(`${id}/`));
    for (const leaf of keyPointers(model)) {
      if (leaf.address === key.address || !isDataHolder(leaf.type) || !isEncryptionAttribute(leaf.attribute)) continue;
      if (matches(leaf.value)) addDependent(out, leaf.address, leaf.attribute);
    }
  }
  return [...out.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
}

/** Keys and secrets held by the key container `container`. */
export function heldBy(model: PlanModel, container: ResourceChange, types: ResourceTypeTable): Dependent[] {
  const out = new Map<string, Dependent>();
  const isHeld = (type: string) => types.is(type, 'key-material', 'secret');

  for (const ref of model.referencesTo(container.address)) {
    const from = model.configResource(ref.from);
    if (!from || from.mode !== 'managed' || !isHeld(from.type)) continue;
    for (const address of model.instancesOf(ref.from)) addDependent(out, address, ref.attribute);
  }

  const ids = identitiesOf(container);
  if (ids.length) {
    for (const leaf of keyPointers(model)) {
      if (isHeld(leaf.type) && KEY_CONTAINER_LINKS.includes(leaf.attribute) && ids.includes(leaf.value)) addDependent(out, leaf.address, leaf.attribute);
    }
  }
  return [...out.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
}

/** "a, b and 3 more" for messages. */
export function listAddresses(addresses: string[], max = 6): string {
  if (addresses.length <= max) return addresses.join(', ');
  return `${addresses.slice(0, max).join(', ')} and ${addresses.length - max} more`;
}
