import { defineRule } from '../../../src/rule-api/rule.js';
import { CATEGORY_LABEL, STATEFUL } from '../../../src/knowledge/resource-types.js';
import { whyDestroyed } from '../../../src/model/plan-actions.js';

const messages = {
  deleted:
    '{{address}} ({{label}}) will be deleted because {{reason}}: its data is gone for good unless a backup exists. If that is not intended, restore the resource block (or add a `moved` block if you renamed it); if it is, take a backup first.',
  replaced:
    '{{address}} ({{label}}) will be destroyed and recreated empty because {{reason}}: its data is lost unless restored from a backup. Revert that change, or migrate the data to a new resource before removing this one.',
} as const;

export default defineRule({
  id: 'plan-stateful-destroyed',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A plan deletes or replaces a resource that holds data: a database, bucket, disk, file system, secret, DNS zone, cache, volume or log archive.',
    why: 'Terraform deletes without asking twice. A replaced database or disk comes back empty; a deleted bucket, secret or DNS zone takes its contents with it. The cause is often innocent: a renamed block, a lowered `count`, or one argument that cannot change in place.',
    fix: 'Read why the plan destroys it (shown in the message). Revert the argument that forces replacement, restore a removed block, or add a `moved` block for a rename. When the deletion is intended, take a backup first.',
    allow: 'Add an `allow` entry for `plan-stateful-destroyed` with the resource address and a reason (and an `expires` date) in `.iac-guard.yml` for a deliberate, one-off deletion.',
  },
  messages,
  check: {
    plan(model, ctx) {
      for (const change of model.changes({ actions: ['delete', 'replace'] })) {
        const category = ctx.resourceTypes.categoryOf(change.type);
        if (!category || !STATEFUL.includes(category)) continue;
        ctx.report({
          messageId: change.isReplace ? 'replaced' : 'deleted',
          data: { address: change.address, label: CATEGORY_LABEL[category], reason: whyDestroyed(change) },
          at: model.at(change),
          resource: change.address,
        });
      }
    },
  },
});
