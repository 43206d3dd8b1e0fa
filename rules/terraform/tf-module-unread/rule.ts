// A module call whose module iac-guard cannot read is reported, never passed over in silence:
// whatever that module creates, and whatever its inputs change, is outside the check.
import { defineRule } from '../../../src/rule-api/rule.js';
import { normalize } from '../../../src/model/diff.js';
import type { Block } from '../../../src/model/terraform.js';

const messages = {
  unread:
    '{{address}} is not checked: its source `{{source}}` {{why}}, so the resources the module creates, and what a change to its inputs does to them, are not seen by this scan. To check it, vendor the module into the repository and call it with a `./` or `../` path, or scan a copy of the module with the same inputs.',
  outsideTree:
    '{{address}} is not checked: its source `{{source}}` is outside the scanned tree (the repository, or the scanned folder when there is no repository), and iac-guard reads no files outside it, so the resources the module creates are not seen by this scan. Scan from a folder that holds both the caller and the module, or vendor the module into the repository.',
  noLiteralSource:
    '{{address}} is not checked: its `source` is not a plain string, so the module cannot be found and the resources it creates are not seen by this scan. Write the source as a literal path (terraform requires that too).',
  terragruntUnread:
    'The Terragrunt unit `{{file}}` is not checked: its terraform.source `{{source}}` {{why}}, so nothing the unit deploys is seen by this scan. Map the source to a vendored copy (`modules:` in .iac-guard.yml), or keep the module in the repository and name it by a relative path.',
  inputsChanged:
    'Cannot predict what {{inputs}} of {{address}} does: the module behind it is not read (its source `{{source}}` {{why}}), and this change {{what}}. A changed module input can replace or destroy what the module manages (in one incident, a new `keyring_location` input moved a key ring and destroyed every key under it). Map its source to a vendored copy (`modules:` in .iac-guard.yml), or run `terraform init` so .terraform/modules lists it, and the change is checked; else check `terraform plan` before applying.',
} as const;

const WHY = {
  'absolute-path': 'is an absolute path, which terraform copies at `terraform init` and iac-guard does not follow (it may not exist on this machine)',
  'remote-source': 'is a registry, git or other remote source, which iac-guard does not download',
  'outside-tree': 'is outside the scanned tree, which iac-guard does not read',
  'no-literal-source': 'is not a plain string',
} as const;

/** Arguments of a module call that are inputs (not meta-arguments). */
const META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

const argumentTexts = (block: Block) =>
  new Map(block.attributes().filter((a) => !META.has(a.name)).map((a) => [a.name, normalize(a.source)]));

export default defineRule<keyof typeof messages>({
  id: 'tf-module-unread',
  severity: 'warning',
  category: 'coverage',
  docs: {
    summary: 'Module calls whose module iac-guard cannot read (remote, absolute-path, computed or outside the scanned tree).',
    why: 'A one-line change to a module call can destroy everything the module manages: the KMS key ring incident was an input of a module from another project that moved the ring and destroyed every key under it. When the module is not read, none of its resources are checked, and a clean result would be false confidence; this warning says which calls were not seen.',
    fix: 'Make the module readable where iac-guard runs: map its source prefix to a vendored copy with `modules:` in .iac-guard.yml (e.g. `"/exekube-modules/": vendor/exekube/modules/`), run `terraform init` first so .terraform/modules/modules.json lists it, or vendor it and call it by a relative path (`./modules/x`).',
    allow: 'Add `# iac-guard-ignore tf-module-unread: <reason>` above the module block (for a module you check elsewhere), or turn the rule off in `.iac-guard.yml`.',
  },
  messages,
  check: {
    terraform(model, ctx) {
      const unit = model.terragruntUnread;
      if (unit) {
        const why = unit.why === 'no-literal-source' ? 'is computed by Terragrunt functions iac-guard does not evaluate' : WHY[unit.why];
        ctx.report({ messageId: 'terragruntUnread', at: unit.at, data: { file: unit.at.file, source: unit.source, why } });
      }
      const seen = new Set<string>();
      for (const call of model.moduleCalls()) {
        const because = call.unreadBecause;
        if (!because) continue;
        const sourceAttr = call.block.attr('source');
        const at = sourceAttr ? sourceAttr.valueLocation : call.block.location;
        // A module called by a module that is called several times: one finding per source line.
        const key = `${at.file}:${at.range.start.line}:${at.range.start.column}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (because === 'outside-tree') ctx.report({ messageId: 'outsideTree', at, resource: call.address, data: { address: call.address, source: call.source ?? '' } });
        else if (because === 'no-literal-source') ctx.report({ messageId: 'noLiteralSource', at, resource: call.address, data: { address: call.address } });
        else ctx.report({ messageId: 'unread', at, resource: call.address, data: { address: call.address, source: call.source ?? '', why: WHY[because] } });
      }
    },
    // `iac-guard diff`: a call of an unread module whose inputs or source changed is a change
    // nobody can see the effect of. Say which inputs, at the first changed one.
    diff(model, ctx) {
      if (!model.head) return;
      const baseCalls = new Map((model.base?.moduleCalls() ?? []).map((c) => [c.address, c]));
      for (const call of model.head.moduleCalls()) {
        const because = call.unreadBecause;
        if (!because) continue;
        const before = baseCalls.get(call.address);
        const now = argumentTexts(call.block);
        const was = before ? argumentTexts(before.block) : new Map<string, string>();
        const changed = [...new Set([...now.keys(), ...was.keys()])].filter((k) => now.get(k) !== was.get(k)).sort();
        const sourceChanged = before !== undefined && before.source !== call.source;
        if (!before || (!changed.length && !sourceChanged)) continue;
        const first = changed.map((k) => call.block.attr(k)).find((a) => a !== undefined);
        const at = first?.location ?? call.block.attr('source')?.valueLocation ?? call.block.location;
        const what = [
          ...changed.map((k) => (!was.has(k) ? `sets \`${k} = ${now.get(k)}\`` : !now.has(k) ? `removes \`${k}\`` : `changes \`${k}\` from \`${was.get(k)}\` to \`${now.get(k)}\``)),
          ...(sourceChanged ? [`changes its source from \`${before.source ?? '?'}\``] : []),
        ].join(', ');
        const inputs = changed.length ? changed.map((k) => `\`${k}\``).join(', ') : 'the new source';
        ctx.report({ messageId: 'inputsChanged', at, resource: call.address, data: { inputs, address: call.address, source: call.source ?? '', why: WHY[because], what } });
      }
    },
  },
});
