// Compose handler of image-unpinned: each service's `image:`, after `${TAG}` interpolation.
import type { Handler } from '../../../src/rule-api/rule.js';
import { classifyTag } from '../../../src/knowledge/images.js';
import { describeShared, locationKey, type ComposeImage } from '../../../src/model/compose.js';
import type { MessageId, Options } from './spec.js';

export const checkCompose: Handler<'compose', MessageId, Options> = (project, ctx) => {
  const swarm = project.swarmEvidence() !== undefined;
  // Services sharing one anchored `image:` line get one finding there.
  const byLocation = new Map<string, { image: ComposeImage & { ref: NonNullable<ComposeImage['ref']> }; paths: string[] }>();
  for (const service of project.services()) {
    const image = service.image;
    // An unset variable is not guessed; a service without `image:` is built, not pulled.
    if (!image?.ref) continue;
    // With `build:`, `image:` names what the build produces; only swarm, which never builds, pulls it.
    if (service.has('build') && !swarm) continue;
    const key = locationKey(image.keyAt);
    const group = byLocation.get(key) ?? { image: { ...image, ref: image.ref }, paths: [] };
    group.paths.push(service.path);
    byLocation.set(key, group);
  }
  for (const { image, paths } of byLocation.values()) {
    const pinning = classifyTag(image.ref, ctx.options.mutableTags);
    if (pinning === 'digest' || pinning === 'version') continue;
    const resolved = image.raw !== image.value ? ` (\`${image.raw}\` after variable substitution)` : '';
    const data = { where: describeShared(paths, '.image') + resolved, image: image.value, tag: image.ref.tag ?? '' };
    const report = { data, at: image.keyAt, path: `${paths[0]}.image` };
    if (pinning === 'none') ctx.report({ messageId: 'noTag', ...report });
    else if (pinning === 'latest') ctx.report({ messageId: 'latest', ...report });
    else ctx.report({ messageId: 'mutable', ...report, severity: 'warning' });
  }
};
