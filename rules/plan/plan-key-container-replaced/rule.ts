import { defineRule } from '../../../src/rule-api/rule.js';
import { CATEGORY_LABEL, type ResourceTypeTable } from '../../../src/knowledge/resource-types.js';
import { whyDestroyed } from '../../../src/model/plan-actions.js';
import { heldBy, listAddresses } from '../../../src/model/plan-blast-radius.js';
import { KEY_CONTAINER_IDENTITY } from '../../../src/knowledge/plan-keys.js';
import { configAddressOf, type PlanModel, type ResourceChange } from '../../../src/model/plan.js';
import { isObject } from '../../../src/parsers/plan.js';

const messages = {
  moved:
    '{{address}} ({{label}}) will be replaced because it moves ({{changes}}): a key container cannot move, so terraform destroys it and creates an empty one, and {{keys}}; everything encrypted with them becomes unreadable. Revert {{attributes}}, or create the new container beside the old one and migrate data before removing the old one.',
  replaced:
    '{{address}} ({{label}}) will be replaced because {{reason}}: the container is destroyed and recreated empty, and {{keys}}; everything encrypted with them becomes unreadable. Revert that change, or create a new container beside it and migrate data first.',
} as const;

/** Identity attributes whose change forces the replacement: from replace_paths, else compared by value. */
function movedIdentity(change: ResourceChange, identity: string[]): string[] {
  if (change.replacePaths.length) {
    return identity.filter((attr) => change.replacePaths.some((p) => p[0] === attr));
  }
  return identity.filter(
    (attr) => change.isUnknownAfter([attr]) || JSON.stringify(change.valueBefore([attr])) !== JSON.stringify(change.valueAfter([attr])),
  );
}

/** Enough to act on; the message lists up to 20 and counts the rest. */
const MAX_RELATED = 25;

/** "the key in it (a) dies with it", "all 3 keys in it (a, b, c) die with it". */
function describeHeld(addresses: string[], types: ResourceTypeTable): string {
  const secrets = addresses.some((a) => types.is(configAddressOf(a).split('.').slice(-2)[0]!, 'secret'));
  const noun = secrets ? 'keys and secrets' : 'keys';
  const list = listAddresses(addresses, 20);
  return addresses.length === 1 ? `the ${secrets ? 'secret' : 'key'} in it (${list}) dies with it` : `all ${addresses.length} ${noun} in it (${list}) die with it`;
}

/** ", set from var.infra_region" when the configuration takes the attribute from a variable or local. */
function source(model: PlanModel, change: ResourceChange, attribute: string): string {
  const expr = model.configResource(change.configAddress)?.expressions[attribute];
  const refs = isObject(expr) && Array.isArray(expr.references) ? expr.references.filter((r): r is string => typeof r === 'string') : [];
  const named = refs.filter((r) => /^(var|local)\./.test(r));
  return named.length ? `, set from ${named.join(' and ')}` : '';
}

export default defineRule({
  id: 'plan-key-container-replaced',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A plan replaces a key ring, key vault or other key container, taking every key in it along.',
    why: 'Key containers are identified by their location, name or path and cannot be moved: changing one (a key ring\'s `location` from "global" to a region, a vault\'s resource group) destroys the container and all keys in it, and data encrypted with those keys is lost. Bucket and log encryption settings keep pointing at keys that no longer exist.',
    fix: 'Put the location, name and project back. To move keys, create a new container and new keys next to the old ones, re-encrypt the data, and only then remove the old container.',
    allow: 'If the container is empty and unused, add an `allow` entry for `plan-key-container-replaced` with its address as `resource` and a reason in `.iac-guard.yml`.',
  },
  messages,
  check: {
    plan(model, ctx) {
      for (const change of model.changes({ actions: ['replace'] })) {
        if (!ctx.resourceTypes.is(change.type, 'key-container')) continue;
        const held = heldBy(model, change, ctx.resourceTypes);
        const keys = held.length ? `${describeHeld(held.map((h) => h.address), ctx.resourceTypes)}` : 'every key in it dies with it (none of them is in this plan, so check what else uses it)';
        const related = held.slice(0, MAX_RELATED).map((h) => {
          const keyChange = model.change(h.address);
          return { message: `dies with ${change.address}`, resource: h.address, ...(keyChange ? { location: model.locate(keyChange) } : {}) };
        });
        const base = { address: change.address, label: CATEGORY_LABEL[ctx.resourceTypes.categoryOf(change.type) ?? 'key-container'], keys };
        const moved = movedIdentity(change, KEY_CONTAINER_IDENTITY[change.type] ?? []);
        if (moved.length) {
          ctx.report({
            messageId: 'moved',
            data: {
              ...base,
              changes: moved.map((attr) => `${attr} ${change.displayChange([attr])}${source(model, change, attr)}`).join('; '),
              attributes: moved.map((attr) => `\`${attr}\``).join(' and '),
            },
            at: model.at(change),
            resource: change.address,
            related,
          });
        } else {
          ctx.report({ messageId: 'replaced', data: { ...base, reason: whyDestroyed(change) }, at: model.at(change), resource: change.address, related });
        }
      }
    },
  },
});
