import { defineRule } from '../../../src/rule-api/rule.js';
import { CATEGORY_LABEL } from '../../../src/knowledge/resource-types.js';

const messages = {
  missing:
    '{{address}} is {{label}} without `lifecycle { prevent_destroy = true }`: one changed argument (a location, a name) makes Terraform destroy and recreate it, and everything encrypted with {{encryptedWith}} becomes unreadable for good. Add `lifecycle { prevent_destroy = true }` to the block.',
  disabled:
    '{{address}} is {{label}} with `prevent_destroy = {{value}}`: one changed argument (a location, a name) makes Terraform destroy and recreate it, and everything encrypted with {{encryptedWith}} becomes unreadable for good. Set `prevent_destroy = true`.',
} as const;

export interface Options {
  /** Key types for which a destroy loses nothing (public SSH keys, for instance). */
  ignoreTypes: string[];
}

export default defineRule<keyof typeof messages, Options>({
  id: 'tf-key-without-prevent-destroy',
  severity: 'warning',
  category: 'data-loss',
  docs: {
    summary: 'Encryption keys, key rings and key vaults without `lifecycle { prevent_destroy = true }`.',
    why: 'A key ring whose `location` changed from "global" to a variable was replaced: Terraform destroyed it with every crypto key inside, and the log archives encrypted with them were lost. `prevent_destroy` turns such a plan into an error before anything is deleted.',
    fix: 'Add `lifecycle { prevent_destroy = true }` to every KMS key, key ring and key vault block. To retire a key on purpose, remove the flag in a separate, reviewed change.',
    allow: 'Add `# iac-guard-ignore tf-key-without-prevent-destroy: <reason>` above the block (for throw-away test keys), or list the type under the rule option `ignoreTypes`.',
  },
  messages,
  options: { ignoreTypes: ['digitalocean_ssh_key'] },
  optionSpecs: { ignoreTypes: { type: 'string[]', description: 'Key resource types not to check (default: digitalocean_ssh_key, a public key).' } },
  check: {
    terraform(model, ctx) {
      const isKey = (t: string) => ctx.resourceTypes.is(t, 'key-material', 'key-container') && !ctx.options.ignoreTypes.includes(t);
      for (const r of model.resources(isKey)) {
        const container = ctx.resourceTypes.is(r.resourceType, 'key-container');
        const data = {
          address: r.address,
          label: container ? `a ${CATEGORY_LABEL['key-container']} (${r.resourceType})` : `an ${CATEGORY_LABEL['key-material']} (${r.resourceType})`,
          encryptedWith: container ? 'its keys' : 'it',
        };
        const flag = r.preventDestroy;
        if (!flag) {
          ctx.report({ messageId: 'missing', data, at: r.location, resource: r.address });
          continue;
        }
        const value = flag.value();
        if (value === false || value === 'false') {
          ctx.report({ messageId: 'disabled', data: { ...data, value: flag.source }, at: flag.location, resource: r.address });
        }
      }
    },
  },
});
