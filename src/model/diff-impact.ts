// What a diff finding costs: which resource types the diff rules guard, and what else is lost
// when one of them is destroyed or replaced (the keys in a key ring, a database encrypted with a
// replaced key), found in the head configuration.
import { CATEGORY_LABEL, KEYS, STATEFUL, type ResourceTypeTable } from '../knowledge/resource-types.js';
import { isEncryptionAttribute, isKeyAdministration, KEY_CONTAINER_LINKS } from '../knowledge/plan-keys.js';
import { listAddresses } from './plan-blast-radius.js';
import { CONTAINER_ID_TEMPLATES, replacementAttributes } from '../knowledge/replacement-attributes.js';
import type { RelatedLocation } from '../core/types.js';
import type { Body, Resource } from './terraform.js';
import { refersTo, type DiffModel, type ExpandablePair } from './diff.js';

/** Types whose loss the diff rules report: key material, key containers and stateful data. */
export function isProtected(types: ResourceTypeTable, type: string): boolean {
  return types.is(type, ...KEYS, ...STATEFUL);
}

export function labelOf(types: ResourceTypeTable, type: string): string {
  const category = types.categoryOf(type);
  return category ? CATEGORY_LABEL[category] : 'resource';
}

/**
 * The protected base resources a kept resource or module call stands for: the resource itself,
 * or every protected resource inside the module call.
 */
export function guardedBy(model: DiffModel, pair: ExpandablePair, types: ResourceTypeTable): Resource[] {
  return model.baseResourcesAt(pair.baseAddress).filter((r) => isProtected(types, r.resourceType));
}

/** `bucket` for a resource; `module holding aws_s3_bucket.logs, aws_kms_key.k` for a module call. */
export function subjectLabel(pair: ExpandablePair, guarded: Resource[], types: ResourceTypeTable): string {
  if (pair.kind === 'resource') return labelOf(types, guarded[0]!.resourceType);
  return `module holding ${listAddresses(guarded.map((r) => r.address.slice(pair.baseAddress.length + 1)), 4)}`;
}

/** Arguments through which a resource is tied to another so that replacing that one replaces it. */
const tyingArguments = (type: string): readonly string[] => [...replacementAttributes(type), ...KEY_CONTAINER_LINKS];

/**
 * Protected head resources that go when `base` (at the base revision; `head` is its head
 * version, if any) is destroyed or replaced: resources whose replacement-forcing argument refers
 * to it, and keys or secrets whose container link holds its old id as text. Transitive.
 */
function goesWith(model: DiffModel, base: Resource, head: Resource | undefined, types: ResourceTypeTable): Resource[] {
  const found: Resource[] = [];
  const seen = new Set<Resource>();
  const queue: Resource[] = head ? [head] : [];
  const add = (r: Resource) => {
    if (seen.has(r) || r === head || !isProtected(types, r.resourceType)) return;
    seen.add(r);
    found.push(r);
    queue.push(r);
  };
  for (const r of heldById(model, base, types)) add(r);
  while (queue.length) {
    const target = queue.shift()!;
    for (const resource of model.referrers(target, tyingArguments)) add(resource);
  }
  return found.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Keys and secrets whose container link is the literal id of `container` as it was at the base. */
function heldById(model: DiffModel, container: Resource, types: ResourceTypeTable): Resource[] {
  const template = CONTAINER_ID_TEMPLATES[container.resourceType];
  if (!template || !model.head) return [];
  const pattern = template.replace(/\{(\w+)\}|[^{]+/g, (whole, name: string | undefined) => {
    if (!name) return whole.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const v = container.attr(name)?.value();
    return typeof v === 'string' ? v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : '[^/]+';
  });
  const id = new RegExp(`^${pattern}$`, 'i');
  return model.head.resources().filter((r) => {
    if (!types.is(r.resourceType, 'key-material', 'secret')) return false;
    return KEY_CONTAINER_LINKS.some((link) => {
      const v = r.attr(link)?.value();
      return typeof v === 'string' && id.test(v);
    });
  });
}

/** Head resources holding data encrypted with one of `keys`: an encryption argument refers to the key. */
function encryptedWith(model: DiffModel, keys: Resource[], types: ResourceTypeTable): Resource[] {
  if (!keys.length) return [];
  return (model.head?.resources() ?? []).filter(
    (r) =>
      !types.is(r.resourceType, ...KEYS) &&
      !isKeyAdministration(r.resourceType) &&
      keys.some((k) => k.instance.address === r.instance.address && usesKey(r, k, '')),
  );
}

function usesKey(body: Body, key: Resource, path: string): boolean {
  const at = (name: string) => (path ? `${path}.${name}` : name);
  return (
    body.attributes().some((a) => isEncryptionAttribute(at(a.name)) && refersTo(a.expr, key.resourceType, key.name)) ||
    body.blocks().some((b) => usesKey(b, key, at(b.type)))
  );
}

/** What else is lost with a destroyed or replaced resource, as findings show it. */
export interface Loss {
  /** The sentence part, starting with "; " (or empty): `; crypto keys a, b under it will be destroyed, and …`. */
  sentence: string;
  related: RelatedLocation[];
}

/**
 * The loss when `base` (at the base revision; `head` is its head version, if any) is destroyed
 * or replaced: what goes with it (`goesWith`), and the data encrypted with any key among them.
 */
export function lossOf(model: DiffModel, base: Resource, head: Resource | undefined, types: ResourceTypeTable): Loss {
  const target = head ?? base;
  const dependents = goesWith(model, base, head, types);
  const keys = [target, ...dependents].filter((r) => types.is(r.resourceType, 'key-material'));
  const encrypted = encryptedWith(model, keys, types);
  const related: RelatedLocation[] = [
    ...dependents.map((r) => ({ message: `destroyed with ${base.address}`, location: r.location, resource: r.address })),
    ...encrypted.map((r) => ({ message: `encrypted with a key destroyed with ${base.address}`, location: r.location, resource: r.address })),
  ];
  return { sentence: lossSentence(target, dependents, encrypted, keys.length > 0, types), related };
}

function lossSentence(target: Resource, dependents: Resource[], encrypted: Resource[], hasKeys: boolean, types: ResourceTypeTable): string {
  const unreadable = encrypted.length ? ` (${listAddresses(encrypted.map((r) => r.address))})` : '';
  const container = types.is(target.resourceType, 'key-container');
  if (!dependents.length) {
    if (container) return '; every key in it is lost with it (none in this configuration refers to it, so check what else uses it)';
    return hasKeys ? `; everything encrypted with it becomes unreadable${unreadable}` : '';
  }
  const list = listAddresses(dependents.map((d) => d.address));
  if (!container) return `; ${list}, which depend${dependents.length === 1 ? 's' : ''} on it, will be replaced too`;
  const one = dependents.length === 1;
  const noun = dependents.every((d) => d.resourceType === 'google_kms_crypto_key')
    ? one ? 'crypto key' : 'crypto keys'
    : dependents.every((d) => types.is(d.resourceType, 'key-material'))
      ? one ? 'key' : 'keys'
      : 'keys and secrets';
  return `; ${noun} ${list} under it will be destroyed, and everything encrypted with ${one ? 'it' : 'them'} becomes unreadable${unreadable}`;
}

/**
 * The `moved` block that keeps `from` as `to`, and where it goes: addresses are written relative
 * to the module that declares the block (the deepest module holding both). With `wholeModule`, a
 * renamed module call moves as one (`module.old` → `module.new`) instead of resource by resource.
 */
export function movedBlock(from: string, to: string, wholeModule = false): { block: string; where: string } {
  let f = splitModules(from);
  let t = splitModules(to);
  let shared = 0;
  while (shared < f.length - 1 && shared < t.length - 1 && f[shared] === t[shared]) shared++;
  const prefix = f.slice(0, shared);
  if (wholeModule && f[shared]!.startsWith('module.') && t[shared]!.startsWith('module.')) {
    f = f.slice(0, shared + 1);
    t = t.slice(0, shared + 1);
  }
  const block = `moved { from = ${f.slice(shared).join('.')}  to = ${t.slice(shared).join('.')} }`;
  const where = prefix.length ? `in the source of ${prefix.join('.')}` : 'in the root module';
  return { block, where: `${where} (from and to on their own lines)` };
}

/** `module.a["x"].module.b.aws_s3_bucket.c` → [`module.a["x"]`, `module.b`, `aws_s3_bucket.c`]. */
function splitModules(address: string): string[] {
  const parts: string[] = [];
  const step = /^module\.[^.[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\./;
  let rest = address;
  for (let m = step.exec(rest); m; m = step.exec(rest)) {
    parts.push(m[0].slice(0, -1));
    rest = rest.slice(m[0].length);
  }
  parts.push(rest);
  return parts;
}
