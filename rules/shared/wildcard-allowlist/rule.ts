import { defineRule } from '../../../src/engine/rule.js';
import { checkCompose } from './compose.js';
import { checkTerraform } from './terraform.js';

export const messages = {
  wildcard: '{{where}} sets the allow list `{{name}}` to `{{value}}`, which lets every address in and switches the protection off; list the addresses or ranges that need access instead.',
} as const;
export type MessageId = keyof typeof messages;
export type Options = Record<string, never>;

// Shared by Compose environments and Terraform attributes; each kind's handler is in its own file.
export default defineRule<MessageId, Options>({
  id: 'wildcard-allowlist',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'An IP or host allow list set to `*`, `0.0.0.0/0` or `::/0`.',
    why: 'An allow list that accepts everything is an allow list switched off: whatever it was protecting (an admin API, a database, an agent endpoint) is open to the internet while everyone believes it is restricted.',
    fix: 'Replace the wildcard with the specific addresses, CIDR ranges or host names that need access.',
    allow: 'If the service is meant to be public, say so with `# iac-guard-ignore wildcard-allowlist: <reason>` above the setting or an `allow` entry in `.iac-guard.yml`.',
  },
  messages,
  check: { compose: checkCompose, terraform: checkTerraform },
});
