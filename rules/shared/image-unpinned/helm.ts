// The helm handler of image-unpinned: image maps and `image:` strings anywhere in the merged values.
// An empty tag the chart fills with its appVersion is pinned by the chart version: fine.
import type { Handler } from '../../../src/rule-api/rule.js';
import { judgeImage, type MessageId, type Options } from './spec.js';
import { isHelmTestSection } from '../../../src/knowledge/helm-workloads.js';

export const checkHelm: Handler<'helm', MessageId, Options> = (release, ctx) => {
  for (const image of release.images()) {
    // Templated parts are rendered by Helm at install time; an image in a switched-off section is never pulled.
    if (image.templated || image.tagUnknown || !release.isEnabled(image.entry.path)) continue;
    // `helm test` pods are not the deployment.
    if (isHelmTestSection(image.entry.path)) continue;
    const verdict = judgeImage(image.ref, ctx.options);
    if (!verdict) continue;
    const at = image.tag ?? image.entry;
    const data = { where: release.describe(at), image: image.reference, tag: image.ref.tag ?? '', level: ctx.options.minimumPin };
    // A chart's own default is upstream's choice, and the values that deploy it may override it: a warning.
    ctx.report({ ...verdict, ...(at.setBy === 'chart' ? { severity: 'warning' as const } : {}), data, at: at.location, path: at.pathText });
  }
};
