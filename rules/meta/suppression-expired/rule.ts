import { defineRule } from '../../../src/rule-api/rule.js';

// Reported by the engine itself (src/engine/suppressions.ts), not by a check: this definition
// gives the finding its metadata, docs and config switch.
export default defineRule({
  id: 'suppression-expired',
  severity: 'warning',
  category: 'suppressions',
  docs: {
    summary: 'An allow entry or iac-guard-ignore comment is past its expiry date.',
    why: 'A temporary exception that outlives its date hides a real problem; once expired it stops allowing, so the original finding is back and this tells you why.',
    fix: 'Fix the original finding and delete the exception, or renew it with a new `expires`/`until` date and a current reason.',
    allow: 'Turn the rule off in `.iac-guard.yml` (`rules: { suppression-expired: off }`) if you do not want the reminder; the original findings still come back.',
  },
  messages: { configExpired: '{{message}}', inlineExpired: '{{message}}' },
  check: {},
});
