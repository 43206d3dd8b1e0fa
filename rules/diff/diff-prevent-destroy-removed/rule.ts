import { defineRule } from '../../../src/rule-api/rule.js';
import { isProtected, labelOf } from '../../../src/model/diff-impact.js';

const messages = {
  removed:
    '{{address}} ({{label}}) loses `prevent_destroy = true`: the next plan that destroys or replaces it will go ahead instead of stopping. Keep `lifecycle { prevent_destroy = true }`; take it out only in the reviewed change that destroys the resource on purpose.',
  turnedOff:
    '{{address}} ({{label}}) sets `prevent_destroy = {{value}}` (it was true): the next plan that destroys or replaces it will go ahead instead of stopping. Put `prevent_destroy = true` back; turn it off only in the reviewed change that destroys the resource on purpose.',
} as const;

export default defineRule({
  id: 'diff-prevent-destroy-removed',
  severity: 'error',
  category: 'protection',
  docs: {
    summary: 'A change to the .tf files removes `lifecycle { prevent_destroy = true }` from a resource, or sets it to false.',
    why: '`prevent_destroy` is the last guard inside terraform itself: with it, a plan that would destroy the resource fails instead of running. Removing it is often the quiet first step of an accident (a later rename, a changed region) and is easy to miss in review. Keys, key rings, databases, buckets and disks are reported as errors, anything else that had the guard as a warning.',
    fix: 'Keep `prevent_destroy = true`. When a resource really has to go, remove the guard in the same reviewed change that removes the resource, so the destruction is visible.',
    allow: 'Put `# iac-guard-ignore diff-prevent-destroy-removed: <why>` above the resource or lifecycle block, or add an `allow` entry with the address as `resource`.',
  },
  messages,
  check: {
    diff(model, ctx) {
      for (const { base, head } of model.pairs()) {
        if (base.preventDestroy?.value() !== true) continue;
        const now = head.preventDestroy;
        if (now?.value() === true) continue;
        const severity = isProtected(ctx.resourceTypes, head.resourceType) ? undefined : ('warning' as const);
        const data = { address: head.address, label: labelOf(ctx.resourceTypes, head.resourceType) };
        const common = { resource: head.address, ...(severity ? { severity } : {}) };
        if (now) ctx.report({ ...common, messageId: 'turnedOff', data: { ...data, value: now.source }, at: now.location });
        else ctx.report({ ...common, messageId: 'removed', data, at: (head.block('lifecycle') ?? head).location });
      }
    },
  },
});
