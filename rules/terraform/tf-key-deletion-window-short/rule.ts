import { defineRule } from '../../../src/rule-api/rule.js';
import { KEY_DELETION_WINDOW } from '../../../src/knowledge/plan-keys.js';
import { findingPlace } from '../../../src/model/terraform.js';

const messages = {
  shortWindow:
    '{{address}} sets {{attribute}} = {{value}}: a key scheduled for deletion by mistake can only be restored for {{days}}, after which everything encrypted with it is unreadable for good. Use at least {{min}} days (`{{suggestion}}`).',
  noPurgeProtection:
    '{{address}} {{state}}: anyone who can delete the vault can also purge it and its keys at once, with no soft-delete period to recover them, and everything encrypted with them is lost. Set `purge_protection_enabled = true`.',
  shortRetention:
    '{{address}} sets soft_delete_retention_days = {{value}}: a deleted vault or key can only be recovered for {{days}}. Use at least {{min}} days (the Azure default is 90).',
} as const;

export interface Options {
  /** The shortest acceptable recovery window, in days. */
  minDays: number;
}

/** Provider defaults when the argument is not written, in days. */
const DEFAULT_DAYS: Record<string, number> = {
  aws_kms_key: 30,
  aws_kms_external_key: 30,
  aws_kms_replica_key: 30,
  aws_kms_replica_external_key: 30,
  google_kms_crypto_key: 30,
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const VAULTS = ['azurerm_key_vault', 'azurerm_key_vault_managed_hardware_security_module'];

export default defineRule<keyof typeof messages, Options>({
  id: 'tf-key-deletion-window-short',
  severity: 'warning',
  category: 'data-loss',
  docs: {
    summary: 'KMS keys and key vaults whose deletion can be undone for less than 30 days (or not at all).',
    why: 'Cloud key services delay the destruction of a key so a mistaken delete can be cancelled. A short window (AWS `deletion_window_in_days`, Google `destroy_scheduled_duration`) or an Azure vault without purge protection leaves little or no time to notice, and then every backup, disk and log archive encrypted with the key is lost.',
    fix: 'Keep the provider default of 30 days (AWS, Google) or set it explicitly; on Azure set `purge_protection_enabled = true` and keep `soft_delete_retention_days` at 90.',
    allow: 'Add `# iac-guard-ignore tf-key-deletion-window-short: <reason>` above the argument (for short-lived test keys), or set the rule option `minDays`.',
  },
  messages,
  options: { minDays: 30 },
  optionSpecs: { minDays: { type: 'number', description: 'Shortest acceptable deletion window in days (default 30).' } },
  check: {
    terraform(model, ctx) {
      const min = ctx.options.minDays;
      for (const r of model.resources(Object.keys(KEY_DELETION_WINDOW))) {
        const window = KEY_DELETION_WINDOW[r.resourceType]!;
        const attr = r.attr(window.attribute);
        const inDays = window.attribute.endsWith('_days');
        const suggestion = inDays ? `${window.attribute} = ${Math.max(min, 7)}` : `${window.attribute} = "${min * 86400}s"`;
        if (!attr) {
          const fallback = DEFAULT_DAYS[r.resourceType];
          if (fallback !== undefined && fallback < min) {
            ctx.report({ messageId: 'shortWindow', data: { address: r.address, attribute: window.attribute, value: `${fallback} (the default)`, days: plural(fallback, 'day'), min, suggestion }, at: r.location, resource: r.address });
          }
          continue;
        }
        const seconds = window.seconds(attr.value());
        if (seconds === undefined || seconds >= min * 86400) continue;
        const days = plural(Math.round((seconds / 86400) * 10) / 10, 'day');
        ctx.report({ messageId: 'shortWindow', data: { address: r.address, attribute: window.attribute, value: attr.describe(), days, min, suggestion }, ...findingPlace(attr), resource: r.address });
      }
      for (const r of model.resources(VAULTS)) {
        const purge = r.attr('purge_protection_enabled');
        const enabled = purge?.value();
        if (!purge) {
          ctx.report({ messageId: 'noPurgeProtection', data: { address: r.address, state: 'does not enable purge protection (`purge_protection_enabled` defaults to false)' }, at: r.location, resource: r.address });
        } else if (enabled === false) {
          ctx.report({ messageId: 'noPurgeProtection', data: { address: r.address, state: 'sets `purge_protection_enabled = false`' }, ...findingPlace(purge), resource: r.address });
        }
        const retention = r.attr('soft_delete_retention_days');
        const days = retention?.value();
        if (retention && typeof days === 'number' && days < min) {
          ctx.report({ messageId: 'shortRetention', data: { address: r.address, value: retention.describe(), days: plural(days, 'day'), min }, ...findingPlace(retention), resource: r.address });
        }
      }
    },
  },
});
