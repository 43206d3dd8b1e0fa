import { defineRule } from '../../../src/rule-api/rule.js';
import { guardedBy, movedBlock, subjectLabel } from '../../../src/model/diff-impact.js';
import type { ExpansionMode, ExpandablePair, Readdressing } from '../../../src/model/diff.js';
import { listAddresses } from '../../../src/model/plan-blast-radius.js';

const messages = {
  switched:
    '{{address}} ({{label}}) switches from {{before}} to {{after}}, so its instance addresses change ({{lost}} → {{gained}}): terraform destroys what exists and creates new, empty ones unless a moved block maps each old address to its new one. Add {{where}}, each old address matched to its new one: {{moved}}',
  keysChanged:
    'Instances of {{address}} ({{label}}) change keys ({{lost}} → {{gained}}): terraform destroys {{lost}} and creates {{gained}} empty. If they are the same objects under new keys, add {{where}}: {{moved}}',
} as const;

const MODE: Record<ExpansionMode, string> = { none: 'a single instance', count: '`count`', for_each: '`for_each`' };

/** The suggested moved blocks: old and new instances paired in order (a placeholder key when the new ones are not known). */
function suggestion(pair: ExpandablePair, change: Readdressing): { where: string; moved: string } {
  const placeholder = change.after.mode === 'count' ? '[<index>]' : change.after.mode === 'for_each' ? '["<key>"]' : '';
  const targets = change.gained ?? change.lost.map(() => placeholder);
  const blocks = change.lost.slice(0, 3).map((k, i) => movedBlock(`${pair.baseAddress}${k}`, `${pair.headAddress}${targets[i] ?? placeholder}`));
  const more = change.lost.length > 3 ? ` (and one for each of the other ${change.lost.length - 3})` : '';
  return { where: blocks[0]!.where, moved: blocks.map((b) => b.block).join(', ') + more };
}

export default defineRule({
  id: 'diff-readdressed',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A change to count or for_each gives the instances of a key, database, bucket, disk or secret (or of a module holding one) new addresses without moved blocks.',
    why: 'Terraform tracks each instance by its address: `x`, `x[0]`, `x["logs"]`. Switching between count and for_each, adding for_each, or renaming for_each keys changes those addresses, and an address terraform no longer sees is destroyed while the new one is created empty. Only adding or removing `count` on a single resource is moved automatically (`x` ↔ `x[0]`).',
    fix: 'Add one `moved { from = <old address> to = <new address> }` block per instance (iac-guard prints them when the keys are known), or keep the old addressing.',
    allow: 'If the instances are disposable, put `# iac-guard-ignore diff-readdressed: <why>` above the count/for_each argument, or add an `allow` entry with the address as `resource`.',
  },
  messages,
  check: {
    diff(model, ctx) {
      for (const pair of model.expandablePairs()) {
        const guarded = guardedBy(model, pair, ctx.resourceTypes);
        if (!guarded.length) continue;
        const change = model.readdressing(pair);
        // Only fewer instances, nothing new: that is a removal, reported by diff-protected-removed.
        if (!change || (change.gained !== undefined && !change.gained.length)) continue;
        const show = (keys: string[], address: string) => listAddresses(keys.map((k) => `${address}${k}`), 4);
        const data = {
          address: pair.headAddress,
          label: subjectLabel(pair, guarded, ctx.resourceTypes),
          lost: show(change.lost, pair.baseAddress),
          gained: change.gained ? show(change.gained, pair.headAddress) : `${pair.headAddress}[…] (keys known only at plan time)`,
          ...suggestion(pair, change),
        };
        const switched = change.before.mode !== change.after.mode;
        ctx.report({
          messageId: switched ? 'switched' : 'keysChanged',
          data: { ...data, before: MODE[change.before.mode], after: MODE[change.after.mode] },
          at: change.after.argument?.location ?? pair.headBlock.location,
          resource: pair.headAddress,
        });
      }
    },
  },
});
