// The compose handler of certificate-expiry: certificate files named by `secrets:`/`configs:`
// (`file:`), inline `configs.<name>.content`, and PEM in environment values.
import type { Handler, RuleContext } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { isCMap, isCScalar } from '../../../src/model/compose.js';
import { decodeBase64Pem, findCertificates, PEM_BEGIN } from '../../../src/parsers/pem.js';
import { locationIn, reportCertificates } from './check.js';
import type { MessageId, Options } from './spec.js';

export const checkCompose: Handler<'compose', MessageId, Options> = (project, ctx) => {
  for (const ref of project.fileReferences()) {
    if (ref.text === undefined) continue;
    const pem = ref.text.includes(PEM_BEGIN) ? ref.text : decodeBase64Pem(ref.text);
    if (pem === undefined) continue;
    const blocks = findCertificates(pem);
    const path = ref.kind === 'env_file' ? `services.${ref.name}.env_file` : `${ref.kind}s.${ref.name}.file`;
    reportCertificates(
      blocks,
      {
        where: `\`${ref.path}\` (${ref.kind === 'env_file' ? 'env_file of service' : ref.kind} \`${ref.name}\`)`,
        path,
        // In the certificate file itself, at each BEGIN line; base64 files at their start.
        locate: (_, block) => (pem === ref.text ? locationIn(ref.file, ref.text, block.offset) : locationIn(ref.file, ref.text!, 0)),
        templated: false,
      },
      ctx,
    );
  }

  const configs = project.get('configs');
  if (isCMap(configs)) {
    for (const [name, config] of configs.entries) {
      const content = isCMap(config) ? config.entries.get('content') : undefined;
      if (!isCScalar(content) || typeof content.value !== 'string') continue;
      checkValue(content.value, `configs.${name}.content`, content.unresolved, content.at, ctx);
    }
  }
  for (const service of project.services()) {
    for (const v of service.environment) {
      if (v.value !== undefined) checkValue(v.value, v.path, v.unresolved, v.at, ctx);
    }
  }
};

function checkValue(value: string, path: string, templated: boolean, at: Location, ctx: RuleContext<MessageId, Options>): void {
  const pem = value.includes(PEM_BEGIN) ? value : decodeBase64Pem(value);
  if (pem === undefined) return;
  reportCertificates(findCertificates(pem), { where: `\`${path}\``, path, locate: () => at, templated }, ctx);
}
