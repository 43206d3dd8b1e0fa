import { defineRule } from '../../../src/rule-api/rule.js';
import { checkCompose } from './compose.js';
import { checkTerraform } from './terraform.js';

import { messages, type MessageId, type Options } from './spec.js';

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
