// Why terraform deletes or replaces something, in words: from `action_reason` and `replace_paths`.
import type { ResourceChange } from './plan.js';
import { formatPath } from './plan.js';

/** Terraform's `action_reason` values for deletes and replaces (Terraform 1.2+). */
export const ACTION_REASONS: Record<string, string> = {
  replace_because_tainted: 'it is tainted (an earlier apply failed part-way, or someone ran `terraform taint`)',
  replace_because_cannot_update: 'a changed argument cannot be updated in place',
  replace_by_request: 'it was requested with `-replace`',
  replace_by_triggers: 'a `replace_triggered_by` reference changed',
  delete_because_no_resource_config: 'its resource block was removed from the configuration',
  delete_because_no_module: 'the module block that contained it was removed',
  delete_because_wrong_repetition: '`count`/`for_each` was added to or removed from its block',
  delete_because_count_index: 'its `count` index is now out of range (count was lowered)',
  delete_because_each_key: 'its key is no longer in the `for_each` map or set',
  delete_because_no_move_target: 'a `moved` block points it at an address that does not exist',
};

const MAX_PATHS = 3;

/**
 * "replaced because engine_version changed ("13.4" → "15.2")", or the action_reason in words.
 * Values go through `display`, so sensitive ones print as "(sensitive)".
 */
export function whyDestroyed(change: ResourceChange): string {
  if (change.deposed) return `it is a leftover (deposed) object from an earlier create_before_destroy replacement`;
  if (change.isReplace && change.replacePaths.length) {
    const shown = change.replacePaths.slice(0, MAX_PATHS).map((p) => `${formatPath(p)} changed (${change.displayChange(p)})`);
    const more = change.replacePaths.length > MAX_PATHS ? ` and ${change.replacePaths.length - MAX_PATHS} more` : '';
    return `${shown.join(', ')}${more}, which forces a new resource`;
  }
  const reason = change.actionReason && ACTION_REASONS[change.actionReason];
  if (reason) return reason;
  if (change.isReplace) return 'a changed argument forces a new resource';
  return 'the plan deletes it';
}
