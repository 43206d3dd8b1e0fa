// Compose handler of image-unpinned: each service's `image:`, after `${TAG}` interpolation.
import type { Handler } from '../../../src/rule-api/rule.js';
import { describeShared, locationKey, type ComposeImage } from '../../../src/model/compose.js';
import { judgeImage, type MessageId, type Options } from './spec.js';

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
    const verdict = judgeImage(image.ref, ctx.options);
    if (!verdict) continue;
    const resolved = image.raw !== image.value ? ` (\`${image.raw}\` after variable substitution)` : '';
    const data = { where: describeShared(paths, '.image') + resolved, image: image.value, tag: image.ref.tag ?? '', level: ctx.options.minimumPin };
    ctx.report({ ...verdict, data, at: image.keyAt, path: `${paths[0]}.image` });
  }
};
