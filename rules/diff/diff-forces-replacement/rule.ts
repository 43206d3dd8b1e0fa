import { defineRule } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { replacementAttributes } from '../../../src/knowledge/replacement-attributes.js';
import { isWhollyKnown } from '../../../src/parsers/hcl-eval.js';
import { compareArgument, describeArgument, normalize, type ArgumentChange, type ResourcePair } from '../../../src/model/diff.js';
import { isProtected, labelOf, lossOf } from '../../../src/model/diff-impact.js';
import { callerArgument, type Attribute } from '../../../src/model/terraform.js';

const messages = {
  replaced:
    '{{address}} will be replaced ({{changes}}): terraform destroys this {{label}} and creates a new, empty one{{lost}}. Put {{arguments}} back, or create the new {{label}} beside the old one and move the data before removing the old one.',
  replacedAtPlanTime:
    '{{address}} will be replaced unless the new value turns out equal at plan time ({{changes}}): terraform destroys this {{label}} and creates a new, empty one{{lost}}. Put {{arguments}} back, or check `terraform plan` and move the data first.',
  refused:
    '{{address}} has `prevent_destroy = true`, so terraform will refuse to plan this change ({{changes}} forces a new {{label}}): nothing is destroyed, but the apply fails until it is resolved. Put {{arguments}} back, or create the new {{label}} beside the old one and move the data before removing the old one.',
  mayBeReplaced:
    '{{address}} may be replaced ({{changes}}): {{arguments}} forces a new {{label}} when its value changes, and the value the provider holds now is not in the configuration. Check `terraform plan` for "forces replacement" before applying.',
} as const;

interface Change {
  path: string;
  change: ArgumentChange;
}

/** `location "global" → var.infra_region = "us-central1"`. */
function describe({ path, change }: Change): string {
  switch (change.kind) {
    case 'changed':
      return `${path} ${describeArgument(change.before)} → ${describeArgument(change.after)}`;
    case 'unset':
      return `${path} ${describeArgument(change.before)} → not set (the provider's default or current value)`;
    case 'set':
      return `${path} not set → ${describeArgument(change.after)}`;
    case 'block':
      return `${path} block ${change.beforeBlock && change.afterBlock ? 'changed' : change.afterBlock ? 'added' : 'removed'}`;
  }
}

/** The head place to fix: the changed argument, else the nested block, else the resource block. */
/** The module call argument a change arrives through, when it does (see callerArgument). */
const viaCallOf = (c: Change) => (c.change.kind === 'changed' ? callerArgument(c.change.after) : undefined);

/** The line that decides a changed value whose own text did not change, when it is elsewhere. */
function decidedUpstream({ change }: Change): Attribute | undefined {
  if (change.kind !== 'changed' || normalize(change.before.source) !== normalize(change.after.source)) return undefined;
  const decided = change.after.decidingAttribute();
  return decided === change.after ? undefined : decided;
}

function placeOf(pair: ResourcePair, c: Change): Location {
  const { change } = c;
  if (change.kind === 'changed' || change.kind === 'set') return change.after.location;
  if (change.kind === 'block' && change.afterBlock) return change.afterBlock.location;
  return pair.head.location;
}

const before = (a: Location, b: Location) =>
  a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;

/** True when the new value can only be known when terraform plans. */
const unknownAfter = ({ change }: Change) => change.kind === 'changed' && !isWhollyKnown(change.after.value());
/** True when the old value could only be known at plan time too. */
const unknownBefore = ({ change }: Change) => change.kind === 'changed' && !isWhollyKnown(change.before.value());

export default defineRule({
  id: 'diff-forces-replacement',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A change to the .tf files edits an argument that makes terraform destroy and recreate a key, key ring, database, bucket, disk or secret.',
    why: 'Some arguments (a key ring\'s `location`, a bucket\'s `name`, a database\'s `region`) cannot be changed in place: the provider destroys the resource and creates a new, empty one. For a key ring that means every crypto key in it and everything they encrypted; for a database or bucket, the data. `iac-guard diff` sees this in the commit, before anyone runs `terraform plan`, with variables and tfvars resolved on both sides. When the resource has `prevent_destroy = true`, terraform refuses the plan instead of destroying it: that is reported as a warning (a failed apply to resolve, not data lost).',
    fix: 'Put the argument back. If the resource really must move, create the new one beside the old one, copy or re-encrypt the data, switch users over, and only then remove the old one in its own reviewed change.',
    allow: 'If the resource is empty or disposable, add `# iac-guard-ignore diff-forces-replacement: <why>` above the changed argument, or an `allow` entry with its address as `resource`.',
  },
  messages,
  check: {
    diff(model, ctx) {
      for (const pair of model.pairs()) {
        const type = pair.head.resourceType;
        if (!isProtected(ctx.resourceTypes, type)) continue;
        const changes: Change[] = [];
        const renamed = model.renamedReferences(pair.head.instance.address);
        for (const path of replacementAttributes(type)) {
          const change = compareArgument(pair.base, pair.head, path, renamed);
          if (change) changes.push({ path, change });
        }
        if (!changes.length) continue;
        changes.sort((a, b) => before(placeOf(pair, a), placeOf(pair, b)));
        const certain = changes.filter((c) => c.change.kind === 'changed' || c.change.kind === 'block');
        const shown = certain.length ? certain : changes;
        const label = labelOf(ctx.resourceTypes, type);
        const data = {
          address: pair.head.address,
          label,
          changes: shown.map((c) => (c === shown[0] && viaCallOf(c) ? `${describe(c)}, passed in by \`${viaCallOf(c)!.name} = ${viaCallOf(c)!.source}\` of ${pair.head.instance.address}` : describe(c))).join(', '),
          arguments: shown.map((c) => (viaCallOf(c) ? `\`${viaCallOf(c)!.name}\` (in the call of ${pair.head.instance.address})` : `\`${c.path}\``)).join(' and '),
        };
        // Set through a module input: point at the call's argument in the caller (the line that
        // changed in the pull request), and at the resource inside the module as related.
        const first = shown[0]!;
        const viaCall = viaCallOf(first);
        // Same text, new value: the change is upstream (a tfvars line, a default, a Terragrunt input).
        const upstream = viaCall ? undefined : decidedUpstream(first);
        const source = viaCall ?? upstream;
        const at = source?.location ?? placeOf(pair, first);
        const through = source ? [{ message: `sets \`${first.path}\` of ${pair.head.address}`, location: placeOf(pair, first), resource: pair.head.address }] : [];
        if (!certain.length) {
          ctx.report({ messageId: 'mayBeReplaced', data, at, resource: pair.head.address, severity: 'warning', related: through });
          continue;
        }
        // terraform refuses a plan that would destroy a resource with prevent_destroy: a failed
        // apply to sort out, not data lost; reported, at the lower urgency.
        if (pair.head.preventDestroy?.value() === true) {
          ctx.report({ messageId: 'refused', data, at, resource: pair.head.address, severity: 'warning', related: through });
          continue;
        }
        const loss = lossOf(model, pair.base, pair.head, ctx.resourceTypes);
        // Known on neither side (a rewrite of an expression of unknown values): maybe the same
        // value, maybe not; a question for the plan, not a certain loss.
        const unknownBothSides = certain.every(unknownBefore) && certain.every(unknownAfter);
        ctx.report({
          messageId: certain.some(unknownAfter) ? 'replacedAtPlanTime' : 'replaced',
          data: { ...data, lost: loss.sentence },
          at,
          resource: pair.head.address,
          related: [...through, ...loss.related],
          ...(unknownBothSides ? { severity: 'warning' as const } : {}),
        });
      }
    },
  },
});
