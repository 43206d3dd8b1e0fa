import { defineRule } from '../../../src/rule-api/rule.js';
import { imageRepository } from '../../../src/knowledge/ports.js';
import { keyOrValue, type ComposeService } from '../../../src/model/compose.js';
import { STATEFUL_IMAGES, type StatefulImage } from './data-dirs.js';

export default defineRule({
  id: 'compose-stateful-no-volume',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: 'A database (or other stateful service) in Compose with no volume on its data directory.',
    why: 'Without a named volume or bind mount on the data directory, the data lives in the container\'s writable layer or an anonymous volume. Compose carries an anonymous volume over only when it recreates a container in place; `docker compose down` then `up`, `docker compose rm`, a volume prune or a move to another host starts the database with an empty data directory: the data is gone, with no error.',
    fix: 'Mount a named volume (or a host path) on the data directory, e.g. `volumes: ["pgdata:/var/lib/postgresql/data"]` plus `volumes: { pgdata: {} }` at the top level, and back it up.',
    allow: 'For throw-away test databases, add `# iac-guard-ignore compose-stateful-no-volume: <reason>` above the service.',
  },
  messages: {
    noVolume:
      '`{{path}}` runs {{what}} (`{{image}}`) with no named volume or host folder on its data directory `{{dir}}`, so the data lives in an anonymous volume or the container itself: `docker compose down` followed by `up`, a volume prune or a move to another host starts it empty. Mount a named volume there: `- {{volume}}:{{dir}}`.',
  },
  check: {
    compose(project, ctx) {
      for (const service of project.services()) {
        const image = service.image;
        if (!image?.ref || service.has('volumes_from')) continue;
        // A setup or migration job run from a database image keeps no data of its own.
        if (project.oneShotReason(service)) continue;
        const repo = imageRepository(image.value);
        const known = STATEFUL_IMAGES.find((s) => s.pattern.test(repo));
        if (!known || !isStateful(known, service)) continue;
        // A mount whose target is a variable might be the data directory: do not guess.
        if (service.volumes.some((v) => v.target === undefined)) continue;
        const dirs = dataDirs(known, service);
        if (dirs.some((dir) => isPersisted(dir, service))) continue;
        const volumes = service.get('volumes');
        ctx.report({
          messageId: 'noVolume',
          data: { path: service.path, what: known.what, image: image.value, dir: dirs[0]!, volume: `${service.name}-data` },
          at: volumes ? keyOrValue(volumes) : service.at,
          path: volumes ? `${service.path}.volumes` : service.path,
        });
      }
    },
  },
});

function isStateful(known: StatefulImage, service: ComposeService): boolean {
  if (!known.persistsWhen) return true;
  const command = [service.command('entrypoint'), service.command()].filter(Boolean).join(' ');
  return known.persistsWhen.test(command);
}

function dataDirs(known: StatefulImage, service: ComposeService): string[] {
  const moved = known.dataDirEnv ? service.env(known.dataDirEnv) : undefined;
  return moved ? [moved] : known.dataDirs;
}

/** A named volume or bind mount on the directory or one of its parents keeps the data. */
function isPersisted(dir: string, service: ComposeService): boolean {
  const clean = (p: string) => p.replace(/\/+$/, '') || '/';
  return service.volumes.some((v) => {
    if (v.type === 'tmpfs' || (v.type === 'volume' && !v.source) || !v.target) return false;
    const target = clean(v.target);
    return target === '/' || clean(dir) === target || clean(dir).startsWith(`${target}/`);
  });
}
