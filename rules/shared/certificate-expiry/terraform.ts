// The terraform handler of certificate-expiry: string values in `.tfvars` files (also inside
// object values), pointing at the BEGIN line inside the string or heredoc.
import { basename } from 'node:path';
import type { Handler, RuleContext } from '../../../src/rule-api/rule.js';
import type { Attribute } from '../../../src/model/terraform.js';
import { decodeBase64Pem, findCertificates, PEM_BEGIN } from '../../../src/parsers/pem.js';
import { locationIn, reportCertificates } from './check.js';
import type { MessageId, Options } from './spec.js';

export const checkTerraform: Handler<'terraform', MessageId, Options> = (module, ctx) => {
  for (const assignment of module.assignments) checkAttribute(assignment, `var.${assignment.name}`, ctx);
};

function checkAttribute(attribute: Attribute, name: string, ctx: RuleContext<MessageId, Options>): void {
  const elements = attribute.elements();
  if (elements.length) {
    for (const e of elements) checkAttribute(e, `${name}.${e.name}`, ctx);
    return;
  }
  const value = attribute.value();
  if (typeof value !== 'string') return;
  const pem = value.includes(PEM_BEGIN) ? value : decodeBase64Pem(value);
  if (pem === undefined) return;
  const blocks = findCertificates(pem);
  // The expression as written holds the same BEGIN markers (heredoc or "\n"-escaped string).
  const source = attribute.source;
  const start = attribute.valueLocation.range.start;
  const markers: number[] = [];
  for (let i = source.indexOf(PEM_BEGIN); i >= 0; i = source.indexOf(PEM_BEGIN, i + PEM_BEGIN.length)) markers.push(i);
  reportCertificates(
    blocks,
    {
      where: `\`${name}\` in ${basename(attribute.file.path)}`,
      resource: name,
      locate: (i) => (markers.length === blocks.length ? locationIn(attribute.file.path, source, markers[i]!, start) : attribute.valueLocation),
      templated: /\$\{/.test(source),
    },
    ctx,
  );
}
