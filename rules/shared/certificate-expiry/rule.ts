import { defineRule } from '../../../src/engine/rule.js';
import { checkCompose } from './compose.js';
import { checkHelm } from './helm.js';
import { checkTerraform } from './terraform.js';

export const messages = {
  expired:
    '{{where}} holds the certificate of {{subject}} (issued by {{issuer}}), which expired on {{notAfter}}: every TLS handshake that presents or checks it fails; replace it with a renewed certificate and automate renewal (e.g. cert-manager).',
  expiring:
    '{{where}} holds the certificate of {{subject}} (issued by {{issuer}}), which expires on {{notAfter}} ({{days}}): from then on every TLS handshake that presents or checks it fails; renew and replace it now, and automate renewal (e.g. cert-manager).',
  unparsable:
    '{{where}} has a `-----BEGIN CERTIFICATE-----` block that cannot be read ({{reason}}), so its expiry cannot be checked and the service will likely fail to load it; put the complete PEM certificate there.',
} as const;
export type MessageId = keyof typeof messages;
export interface Options {
  /** A certificate expiring within this many days is reported as a warning. */
  warnDays: number;
}

// One rule for certificates wherever configuration embeds them; each input kind's handler is in
// its own file beside this one, and all of them judge certificates with ./check.ts.
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
