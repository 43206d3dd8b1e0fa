import { defineRule } from '../../../src/rule-api/rule.js';
import { guardedBy, isProtected, labelOf, lossOf, movedBlock, subjectLabel } from '../../../src/model/diff-impact.js';
import type { DiffModel, Disappeared } from '../../../src/model/diff.js';
import type { ModuleCall, Resource } from '../../../src/model/terraform.js';
import { listAddresses } from '../../../src/model/plan-blast-radius.js';

const messages = {
  removed:
    '{{address}} ({{label}}) will be destroyed: its block is gone (it was at {{was}} in {{base}}) and no moved or removed block accounts for it{{lost}}. Put the block back; if it was renamed or moved into a module, add a moved block; to stop managing it without destroying it, add `removed { from = {{address}} }` with `lifecycle { destroy = false }`.',
  renamed:
    '{{address}} ({{label}}) was renamed to {{newAddress}} without a moved block: terraform will destroy the existing {{label}} and create a new, empty one{{lost}}. Add {{where}}: {{moved}}',
  removedBlock:
    '{{address}} ({{label}}) will be destroyed: this removed block tells terraform to destroy it{{lost}}. To stop managing it but keep the real {{label}}, write `lifecycle { destroy = false }` in the removed block.',
  nothingCreated:
    '{{address}} ({{label}}) will be destroyed: {{argument}} now creates no instance of it{{lost}}. Restore {{argument}}, or add a removed block with `lifecycle { destroy = false }` if it should only be forgotten.',
  instancesRemoved:
    '{{instances}} ({{label}}) will be destroyed: with {{argument}}, terraform no longer creates {{them}}. Restore the count or for_each keys that created {{them}}; if {{them}} only got another key, add a moved block for each.',
} as const;

type MessageId = keyof typeof messages;

/** `main.tf:12`: where a block that no longer exists was written. */
const wasAt = (d: Disappeared) => `${d.base.location.file}:${d.base.location.range.start.line}`;

/** The head module call that took over a base one, when a whole module call was renamed. */
function renamedCall(model: DiffModel, from: Resource, to: Resource): ModuleCall | undefined {
  const fromCall = from.instance.call;
  const toCall = to.instance.call;
  if (!fromCall || !toCall || fromCall.address === toCall.address) return undefined;
  const stillCalled = model.head?.moduleCalls().some((c) => c.address === fromCall.address);
  const calledBefore = model.base?.moduleCalls().some((c) => c.address === toCall.address);
  return stillCalled || calledBefore ? undefined : toCall;
}

export default defineRule<MessageId>({
  id: 'diff-protected-removed',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A change to the .tf files deletes or renames the block of a key, key ring, database, bucket, disk or secret, so terraform will destroy it.',
    why: 'Terraform destroys whatever is in its state but no longer in the configuration. Deleting a block, renaming a resource or a module call without a `moved` block, lowering `count`, or dropping a `for_each` key all mean "destroy" for the real key, database or bucket, and its data with it. The commit looks like a tidy-up; the plan is a deletion.',
    fix: 'Put the block back. For a rename, add the `moved { from = … to = … }` block iac-guard prints, so terraform keeps the object under its new address. To stop managing something without deleting it, use a `removed` block with `lifecycle { destroy = false }`.',
    allow: 'To destroy it on purpose, write a `removed { from = … }` block (it is reported there) and put `# iac-guard-ignore diff-protected-removed: <why>` above it, or add an `allow` entry with the address as `resource`.',
  },
  messages,
  check: {
    diff(model, ctx) {
      const renames = model.renames();
      for (const d of model.disappeared()) {
        const { base } = d;
        const type = base.resourceType;
        if (!isProtected(ctx.resourceTypes, type)) continue;
        const label = labelOf(ctx.resourceTypes, type);
        if (d.removal && !d.removal.destroy) continue;
        const renamedTo = renames.get(base);
        const loss = lossOf(model, base, renamedTo ?? d.stillWritten, ctx.resourceTypes);
        const common = { data: { address: base.address, label, lost: loss.sentence }, resource: base.address, related: loss.related };
        if (d.removal) {
          ctx.report({ ...common, messageId: 'removedBlock', at: d.removal.block.location });
        } else if (d.stillWritten) {
          const argument = d.stillWritten.attr('count') ?? d.stillWritten.attr('for_each');
          const at = argument?.location ?? d.stillWritten.location;
          ctx.report({ ...common, messageId: 'nothingCreated', data: { ...common.data, argument: argument ? `\`${argument.name} = ${argument.source}\`` : 'its count/for_each' }, at });
        } else if (renamedTo) {
          const call = renamedCall(model, base, renamedTo);
          const { block, where } = movedBlock(base.address, renamedTo.address, call !== undefined);
          ctx.report({ ...common, messageId: 'renamed', data: { ...common.data, newAddress: renamedTo.address, moved: block, where }, at: (call?.block ?? renamedTo).location });
        } else {
          ctx.report({ ...common, messageId: 'removed', data: { ...common.data, was: wasAt(d), base: model.baseLabel }, at: base.location });
        }
      }

      // Fewer instances: count lowered, for_each keys dropped (with nothing new to move them to).
      for (const pair of model.expandablePairs()) {
        const guarded = guardedBy(model, pair, ctx.resourceTypes);
        if (!guarded.length) continue;
        const change = model.readdressing(pair);
        if (!change || change.gained === undefined || change.gained.length) continue;
        const instances = change.lost.map((k) => `${pair.baseAddress}${k}`);
        const after = change.after.argument;
        ctx.report({
          messageId: 'instancesRemoved',
          data: {
            instances: listAddresses(instances),
            label: subjectLabel(pair, guarded, ctx.resourceTypes),
            argument: after ? `\`${after.name} = ${after.source}\`` : `the block without \`${change.before.argument?.name ?? 'count'}\``,
            them: instances.length === 1 ? 'it' : 'them',
          },
          at: after?.location ?? pair.headBlock.location,
          resource: pair.headAddress,
        });
      }
    },
  },
});
