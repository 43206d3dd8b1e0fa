import { defineRule } from '../../../src/rule-api/rule.js';
import { checkCompose } from './compose.js';
import { checkHelm } from './helm.js';
import { checkTerraform } from './terraform.js';

import { messages, type MessageId, type Options } from './spec.js';

export default defineRule<MessageId, Options>({
  id: 'certificate-expiry',
  severity: 'error',
  category: 'availability',
  docs: {
    summary: 'X.509 certificates in configuration that have expired or expire soon: PEM or base64-encoded PEM in Helm values, Compose secret/config files and environment, and `.tfvars` values.',
    why: 'A certificate pasted into configuration is renewed by nobody: the day it expires, every client refuses the TLS handshake and the service is down, usually discovered by the on-call engineer at night.',
    fix: 'Replace the certificate with a renewed one, and move it out of static configuration into something that renews it (cert-manager, ACME, your platform\'s certificate manager).',
    allow: 'Add `# iac-guard-ignore certificate-expiry: <reason> until YYYY-MM-DD` above the value, or an `allow` entry in `.iac-guard.yml`. Set `rules: { certificate-expiry: { options: { warnDays: 60 } } }` to be warned earlier. An expired certificate is an error, one expiring within `warnDays` a warning, and a block that cannot be parsed a warning (a template such as `{{ .Values.cert }}` inside the block is not reported). Helm values in a section switched off with `enabled: false` are not checked.',
  },
  messages,
  options: { warnDays: 30 },
  optionSpecs: { warnDays: { type: 'number', description: 'Days before expiry from which a certificate is reported as a warning (default 30).' } },
  check: { compose: checkCompose, helm: checkHelm, terraform: checkTerraform },
});
