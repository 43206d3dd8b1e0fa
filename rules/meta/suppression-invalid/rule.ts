import { defineRule } from '../../../src/rule-api/rule.js';

// Reported by the engine itself (src/engine/suppressions.ts), not by a check.
export default defineRule({
  id: 'suppression-invalid',
  severity: 'error',
  category: 'suppressions',
  docs: {
    summary: 'An iac-guard-ignore comment has no reason or names a rule that does not exist.',
    why: 'An exception nobody can explain is a hole in the gate: the next engineer cannot tell whether the danger was accepted on purpose, so a comment without a reason suppresses nothing.',
    fix: 'Write the comment as `# iac-guard-ignore <rule-id>: <why this is safe>` (optionally ` until YYYY-MM-DD`), with a rule id from `iac-guard rules`.',
  },
  messages: { missingReason: '{{message}}', unknownRule: '{{message}}' },
  check: {},
});
