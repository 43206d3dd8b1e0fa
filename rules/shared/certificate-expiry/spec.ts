// The messages and options of certificate-expiry, shared by its per-input checks and rule.ts (so neither imports the other).
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
