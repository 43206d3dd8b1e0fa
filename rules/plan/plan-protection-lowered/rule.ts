import { defineRule } from '../../../src/rule-api/rule.js';
import type { ResourceTypeTable } from '../../../src/knowledge/resource-types.js';
import { PROTECTIONS, type Lowering, type Protection } from '../../../src/knowledge/plan-protection.js';
import { KEY_DELETION_WINDOW } from '../../../src/knowledge/plan-keys.js';
import { formatPath, valueAt, type JsonPath, type ResourceChange } from '../../../src/model/plan.js';

const messages = {
  lowered: '{{address}} lowers {{what}} ({{attribute}}: {{change}}), so {{risk}}. Keep {{attribute}} at {{before}}, or allow this change deliberately with a reason.',
  removed: '{{address}} will be deleted, which turns off {{what}} (it was {{attribute}} = {{before}}), so {{risk}}. Keep the resource, or allow this deliberately with a reason.',
  created: '{{address}} will be created {{state}} ({{attribute}} = {{after}}), so {{risk}}. {{fix}}, or allow this deliberately with a reason.',
} as const;

/** Concrete paths for a pattern like `settings.*.backup_configuration.*.enabled` in one value. */
function expand(root: unknown, pattern: string[]): JsonPath[] {
  let paths: (string | number)[][] = [[]];
  for (const step of pattern) {
    if (step !== '*') {
      paths = paths.map((p) => [...p, step]);
      continue;
    }
    paths = paths.flatMap((p) => {
      const list = valueAt(root, p);
      return Array.isArray(list) ? list.map((_, i) => [...p, i]) : [];
    });
  }
  return paths;
}

function lowers(lowering: Lowering, before: unknown, after: unknown): boolean {
  switch (lowering.kind) {
    case 'turned-off':
      return before === true && after === false;
    case 'turned-on':
      return before === false && after === true;
    case 'decreased': {
      if (typeof before !== 'number' || typeof after !== 'number') return false;
      const rank = (n: number) => (lowering.zeroMeansForever && n === 0 ? Infinity : n);
      return rank(after) < rank(before);
    }
    case 'left':
      return typeof before === 'string' && lowering.from.includes(before) && typeof after === 'string' && !lowering.from.includes(after);
  }
}

function applies(p: Protection, type: string, types: ResourceTypeTable): boolean {
  if (p.types) return p.types.includes(type);
  if (p.categories) return types.is(type, ...p.categories);
  return true;
}

/** Protections a resource is created without: the same table, judged on the planned value. */
function missingAtCreation(change: ResourceChange, types: ResourceTypeTable): Lowered[] {
  const out: Lowered[] = [];
  for (const protection of PROTECTIONS) {
    const created = protection.created;
    if (!created || !applies(protection, change.type, types)) continue;
    if (created.unlessSet?.some((a) => change.valueAfter([a]) !== null && change.valueAfter([a]) !== undefined)) continue;
    for (const path of expand(change.after, protection.path.split('.'))) {
      if (change.isSensitive(path, 'after') || change.isUnknownAfter(path)) continue;
      if (created.unsafe(change.valueAfter(path))) out.push({ protection, path });
    }
  }
  return out;
}

interface Lowered {
  protection: Protection;
  path: JsonPath;
}

function loweredProtections(change: ResourceChange, types: ResourceTypeTable): Lowered[] {
  const out: Lowered[] = [];
  for (const protection of PROTECTIONS) {
    if (!applies(protection, change.type, types)) continue;
    // A key's shortened deletion window is plan-key-destroyed's finding: one change, one finding.
    if (KEY_DELETION_WINDOW[change.type]?.attribute === protection.path) continue;
    const pattern = protection.path.split('.');
    if (change.isDelete) {
      if (!protection.deleteLowers || protection.lowered.kind !== 'left') continue;
      const from = protection.lowered.from;
      for (const path of expand(change.before, pattern)) {
        if (from.includes(change.valueBefore(path) as string)) out.push({ protection, path });
      }
      continue;
    }
    for (const path of expand(change.after, pattern)) {
      // A value we cannot see (sensitive, or known only after apply) is no evidence either way.
      if (change.isSensitive(path, 'before') || change.isSensitive(path, 'after') || change.isUnknownAfter(path)) continue;
      if (lowers(protection.lowered, change.valueBefore(path), change.valueAfter(path))) out.push({ protection, path });
    }
  }
  return out;
}

export default defineRule({
  id: 'plan-protection-lowered',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A plan turns off deletion protection, backups, point-in-time recovery, versioning or a final snapshot, or shortens a retention period; or creates a database with backups off, a key with the shortest deletion window, a secret or vault that can be destroyed at once.',
    why: 'These settings are what makes a mistake recoverable. Lowering them is rarely the goal of a change, and the damage shows only later: the next destroy goes through, or the backup you need was never taken or already expired.',
    fix: 'Keep the protective value. If it must come down (for a planned decommission), do it in its own reviewed change, after taking a final backup.',
    allow: 'Add an `allow` entry for `plan-protection-lowered` with the resource address, a reason and an `expires` date in `.iac-guard.yml`.',
  },
  messages,
  check: {
    plan(model, ctx) {
      for (const change of model.changes({ actions: ['create'] })) {
        for (const { protection, path } of missingAtCreation(change, ctx.resourceTypes)) {
          const attribute = formatPath(path);
          ctx.report({
            messageId: 'created',
            data: { address: change.address, state: protection.created!.state, attribute, after: change.display(path, 'after'), risk: protection.created!.risk, fix: protection.created!.fix },
            at: model.atAttribute(change, path),
            resource: change.address,
            severity: protection.created!.severity,
          });
        }
      }
      for (const change of model.changes({ actions: ['update', 'replace', 'delete'] })) {
        for (const { protection, path } of loweredProtections(change, ctx.resourceTypes)) {
          const attribute = formatPath(path);
          const before = change.display(path, 'before');
          // Where 0 means "forever", say so only when the old value was 0: otherwise it explains nothing.
          const fromForever = protection.lowered.kind === 'decreased' && protection.lowered.zeroMeansForever && change.valueBefore(path) === 0;
          const changeText = fromForever ? `0 (keep forever) → ${change.display(path, 'after')}` : change.displayChange(path);
          ctx.report({
            messageId: change.isDelete ? 'removed' : 'lowered',
            data: { address: change.address, what: protection.what, attribute, change: changeText, before, risk: protection.risk },
            at: change.isDelete ? model.at(change) : model.atAttribute(change, path),
            resource: change.address,
          });
        }
      }
    },
  },
});
