// Compose handler of wildcard-allowlist: service environments, from `environment:` and env_file.
import type { Handler } from '../../../src/rule-api/rule.js';
import type { MessageId, Options } from './spec.js';

/** Variable names that hold an allow list of addresses or hosts (not CORS origins: see src/knowledge/terraform-allowlists.ts). */
const ALLOWLIST_NAME = /ALLOWED|ACCEPTED|TRUSTED|WHITE_?LIST|ALLOW_?LIST|_IPS$|_HOSTS$/i;
/** CORS settings: a browser policy for web pages, not a list of peers the service admits. */
const CORS_NAME = /ORIGIN|CORS/i;
/** WireGuard's AllowedIPs says which traffic goes through the tunnel, not who may connect. */
const ROUTING_NOT_ACCESS = [{ image: /wireguard|wg-easy/i, name: /ALLOWED_?IPS/i }];
/** Entries that let everyone in. */
const WILDCARDS = new Set(['*', '0.0.0.0/0', '::/0']);

export const checkCompose: Handler<'compose', MessageId, Options> = (project, ctx) => {
  for (const service of project.services()) {
    const image = service.image?.value ?? '';
    for (const v of service.environment) {
      if (v.unresolved || v.value === undefined || !ALLOWLIST_NAME.test(v.name) || CORS_NAME.test(v.name)) continue;
      if (ROUTING_NOT_ACCESS.some((r) => r.image.test(image) && r.name.test(v.name))) continue;
      const entries = v.value.split(/[\s,;]+/).map((e) => e.replace(/^["']|["']$/g, '')).filter(Boolean);
      const wildcard = entries.find((e) => WILDCARDS.has(e));
      if (!wildcard) continue;
      const where = v.source === 'env_file' ? `\`${service.path}\` (env_file ${v.at.file})` : `\`${service.path}.environment\``;
      ctx.report({ messageId: 'wildcard', data: { where, name: v.name, value: v.value }, at: v.at, path: v.path });
    }
  }
};
