// Compose handler of wildcard-allowlist: service environments, from `environment:` and env_file.
// Which names are allow lists, and which entries let everyone in, is src/knowledge/allowlists.ts,
// shared with the Terraform handler (container environments there get the same judgement).
import type { Handler } from '../../../src/rule-api/rule.js';
import { isAllowlistName, wildcardIn } from '../../../src/knowledge/allowlists.js';
import type { MessageId, Options } from './spec.js';

/** WireGuard's AllowedIPs says which traffic goes through the tunnel, not who may connect. */
const ROUTING_NOT_ACCESS = [{ image: /wireguard|wg-easy/i, name: /ALLOWED_?IPS/i }];

export const checkCompose: Handler<'compose', MessageId, Options> = (project, ctx) => {
  for (const service of project.services()) {
    const image = service.image?.value ?? '';
    for (const v of service.environment) {
      if (v.unresolved || v.value === undefined || !isAllowlistName(v.name)) continue;
      if (ROUTING_NOT_ACCESS.some((r) => r.image.test(image) && r.name.test(v.name))) continue;
      if (!wildcardIn(v.value)) continue;
      const where = v.source === 'env_file' ? `\`${service.path}\` (env_file ${v.at.file})` : `\`${service.path}.environment\``;
      ctx.report({ messageId: 'wildcard', data: { where, name: v.name, value: v.value }, at: v.at, path: v.path });
    }
  }
};
