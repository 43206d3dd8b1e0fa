// The helm handler of image-unpinned: image maps and `image:` strings anywhere in the merged values.
// An empty tag the chart fills with its appVersion is pinned by the chart version: fine.
import type { Handler } from '../../../src/rule-api/rule.js';
import { classifyTag } from '../../../src/knowledge/images.js';
import type { MessageId, Options } from './spec.js';

export const checkHelm: Handler<'helm', MessageId, Options> = (release, ctx) => {
  for (const image of release.images()) {
    // Templated parts are rendered by Helm at install time; an image in a switched-off section is never pulled.
    if (image.templated || image.tagUnknown || !release.isEnabled(image.entry.path)) continue;
    const pinning = classifyTag(image.ref, ctx.options.mutableTags);
    if (pinning === 'digest' || pinning === 'version') continue;
    const at = image.tag ?? image.entry;
    const data = { where: release.describe(at), image: image.reference, tag: image.ref.tag ?? '' };
    if (pinning === 'none') ctx.report({ messageId: 'noTag', data, at: at.location, path: at.pathText });
    else if (pinning === 'latest') ctx.report({ messageId: 'latest', data, at: at.location, path: at.pathText });
    else ctx.report({ messageId: 'mutable', data, at: at.location, path: at.pathText, severity: 'warning' });
  }
};
