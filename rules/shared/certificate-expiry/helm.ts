// The helm handler of certificate-expiry: PEM in any string value, and base64-encoded PEM
// (`tls.crt: LS0tLS1CRUdJTi...`), pointing at the BEGIN line inside the value when it is visible.
import type { Handler } from '../../../src/rule-api/rule.js';
import { decodeBase64Pem, findCertificates, PEM_BEGIN } from '../../../src/parsers/pem.js';
import { hasUnresolvedVariable } from '../../../src/knowledge/images.js';
import { reportCertificates } from './check.js';
import type { MessageId, Options } from './spec.js';

export const checkHelm: Handler<'helm', MessageId, Options> = (release, ctx) => {
  for (const e of release.walk()) {
    if (e.kind !== 'scalar' || typeof e.value !== 'string' || !release.isEnabled(e.path)) continue;
    const value = e.value;
    const pem = value.includes(PEM_BEGIN) ? value : decodeBase64Pem(value);
    if (pem === undefined) continue;
    const blocks = findCertificates(pem);
    // In a PEM value each BEGIN marker is in the file; a base64 value is pointed at as a whole.
    const markers = pem === value ? release.textLocations(e, PEM_BEGIN) : [];
    reportCertificates(
      blocks,
      {
        where: release.describe(e),
        path: e.pathText,
        locate: (i) => (markers.length === blocks.length ? markers[i]! : e.valueLocation),
        templated: hasUnresolvedVariable(value),
      },
      ctx,
    );
  }
};
