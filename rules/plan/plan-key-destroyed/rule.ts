import { defineRule } from '../../../src/rule-api/rule.js';
import type { RelatedLocation } from '../../../src/core/types.js';
import { CATEGORY_LABEL } from '../../../src/knowledge/resource-types.js';
import { whyDestroyed } from '../../../src/model/plan-actions.js';
import { encryptedWith, heldBy, listAddresses, type Dependent } from '../../../src/model/plan-blast-radius.js';
import { KEY_DELETION_WINDOW, KEY_DISABLE } from '../../../src/knowledge/plan-keys.js';
import type { PlanModel, ResourceChange } from '../../../src/model/plan.js';

const messages = {
  destroyed:
    '{{address}} ({{label}}) will be destroyed because {{reason}}: data encrypted with it can never be decrypted again{{window}}{{blast}}. Keep the key (restore its block and add `lifecycle { prevent_destroy = true }`), and re-encrypt data under another key before retiring it.',
  replaced:
    '{{address}} ({{label}}) will be replaced because {{reason}}: the old key is destroyed and a different one created, so data encrypted with the old key becomes unreadable{{window}}{{blast}}. Revert that change, or create a new key beside this one and re-encrypt data before removing it.',
  disabled:
    '{{address}} will be disabled ({{attribute}}: {{change}}): nothing encrypted with it can be decrypted while it is off{{blast}}. Keep it enabled until that data is re-encrypted under another key.',
  windowShortened:
    '{{address}} shortens its deletion waiting period ({{attribute}}: {{change}}), leaving less time to cancel a mistaken deletion before the key, and every piece of data it protects, is lost for good. Keep {{attribute}} at its current value.',
  containerDestroyed:
    '{{address}} ({{label}}) will be deleted because {{reason}}: the keys it holds go with it{{held}}, and data encrypted with them becomes unreadable. Restore its block (and add `lifecycle { prevent_destroy = true }`), or migrate every key out first.',
} as const;

/** " once its 30-day deletion window ends" for keys whose deletion is scheduled rather than immediate. */
function describeWindow(change: ResourceChange): string {
  const window = KEY_DELETION_WINDOW[change.type];
  const seconds = window && !change.isSensitive([window.attribute], 'before') ? window.seconds(change.valueBefore([window.attribute])) : undefined;
  if (seconds === undefined) return '';
  const days = Math.round((seconds / 86400) * 10) / 10;
  return ` once its ${days}-day deletion window ends (until then the deletion can still be cancelled)`;
}

/** ": google_storage_bucket.logs (encryption.default_kms_key_name) and …" or "" when nothing is known. */
function describeBlast(dependents: Dependent[]): string {
  if (!dependents.length) return '';
  const items = dependents.map((d) => `${d.address} (${d.attributes.join(', ')})`);
  return `; encrypted with it in this plan: ${listAddresses(items)}`;
}

/** Enough to act on; the message already counts the rest. */
const MAX_RELATED = 25;

function related(model: PlanModel, dependents: Dependent[], message: string): RelatedLocation[] {
  return dependents.slice(0, MAX_RELATED).map((d) => {
    const change = model.change(d.address);
    return { message, resource: d.address, ...(change ? { location: model.locate(change) } : {}) };
  });
}

export default defineRule({
  id: 'plan-key-destroyed',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A plan destroys, replaces or disables an encryption key, deletes a key container, or shortens a key\'s deletion window.',
    why: 'Data encrypted with a key is only readable while the key exists. Destroying or replacing a KMS key (or the key ring or vault that holds it) makes every bucket, disk, database and log archive encrypted with it unreadable for good; a shorter deletion window leaves less time to notice and cancel.',
    fix: 'Revert the change that destroys the key. To retire a key, create its successor first, re-encrypt the data, and only then remove the old key; protect keys with `lifecycle { prevent_destroy = true }`.',
    allow: 'When the key is truly unused, add an `allow` entry for `plan-key-destroyed` with the key\'s address as `resource` and a reason in `.iac-guard.yml`.',
  },
  messages,
  check: {
    plan(model, ctx) {
      for (const change of model.changes()) {
        const { type } = change;
        // Where a finding points is looked up only for a finding: most changes make none.
        const at = () => model.at(change);
        const base = { address: change.address, label: CATEGORY_LABEL[ctx.resourceTypes.categoryOf(type) ?? 'key-material'] };
        if (ctx.resourceTypes.is(type, 'key-material')) {
          if (change.destroysObject) {
            const dependents = encryptedWith(model, change, ctx.resourceTypes);
            ctx.report({
              messageId: change.isReplace ? 'replaced' : 'destroyed',
              data: { ...base, reason: whyDestroyed(change), window: describeWindow(change), blast: describeBlast(dependents) },
              at: at(),
              resource: change.address,
              related: related(model, dependents, `encrypted with ${change.address}`),
            });
            continue;
          }
          if (change.action !== 'update') continue;
          const off = KEY_DISABLE[type];
          if (off) {
            const path = [off.attribute];
            const before = change.valueBefore(path);
            const after = change.valueAfter(path);
            if (!off.off.includes(before as string | boolean) && off.off.includes(after as string | boolean)) {
              const dependents = encryptedWith(model, change, ctx.resourceTypes);
              ctx.report({
                messageId: 'disabled',
                data: { address: change.address, attribute: off.attribute, change: change.displayChange(path), blast: describeBlast(dependents) },
                at: at(),
                resource: change.address,
                related: related(model, dependents, `encrypted with ${change.address}`),
              });
            }
          }
          const window = KEY_DELETION_WINDOW[type];
          if (window) {
            const path = [window.attribute];
            const before = window.seconds(change.valueBefore(path));
            const after = window.seconds(change.valueAfter(path));
            if (before !== undefined && after !== undefined && after < before) {
              ctx.report({
                messageId: 'windowShortened',
                data: { address: change.address, attribute: window.attribute, change: change.displayChange(path) },
                at: at(),
                resource: change.address,
              });
            }
          }
        } else if (ctx.resourceTypes.is(type, 'key-container') && change.isDelete) {
          // A container being replaced is plan-key-container-replaced's finding.
          const held = heldBy(model, change, ctx.resourceTypes);
          ctx.report({
            messageId: 'containerDestroyed',
            data: { ...base, reason: whyDestroyed(change), held: held.length ? ` (${listAddresses(held.map((h) => h.address))})` : '' },
            at: at(),
            resource: change.address,
            related: related(model, held, `held by ${change.address}`),
          });
        }
      }
    },
  },
});
