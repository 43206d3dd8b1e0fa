import { defineRule } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { basename } from 'node:path';
import { describeShared, isCScalar, keyOrValue, locationKey, text } from '../../../src/model/compose.js';

/** Drivers that keep logs in files on the host and need `max-size` to stop growing. */
const UNBOUNDED_BY_DEFAULT = new Set(['json-file']);

export default defineRule({
  id: 'compose-log-rotation',
  severity: 'error',
  category: 'availability',
  docs: {
    summary: 'A long-running Compose service logs through `json-file` (the default) with no `max-size`.',
    why: 'Docker keeps every line a container prints in a json-file on the host and, unless told otherwise, never rotates it. A chatty or crash-looping service fills the disk; then everything on the host that needs to write fails (databases stop accepting writes, and an agent or monitoring that runs there goes quiet with them). Only long-running services are checked: a service that runs once and exits is left alone (another service waits for it with `condition: service_completed_successfully`, it has `restart: "no"`, it is scaled to 0, its command is a no-op such as `true`, it runs only under a job profile such as `setup`, `init`, `migrate`, `tools`, `debug` or `test`, or its name says it is a job or a test runner, such as `*-init`, `*-migrate`, `*-setup`, `*-cli`, `*-tests`, with no restart policy), and so are `podman-compose` files, which Podman runs with its own log drivers.',
    fix: 'Give each service (or an `x-logging` anchor they share) `logging: { driver: json-file, options: { max-size: "10m", max-file: "3" } }`, or use the `local` driver, which rotates by default.',
    allow: 'If `/etc/docker/daemon.json` already sets `log-opts.max-size` on every host, set `rules: { compose-log-rotation: { options: { daemonRotatesLogs: true } } }`. For one service: `# iac-guard-ignore compose-log-rotation: <reason>` above it.',
  },
  messages: {
    noLogging:
      '{{path}} has no `logging:`, so Docker writes its output to a json-file that is never rotated: the logs grow without limit until they fill the disk, and then everything on the host that needs to write fails. Add `logging: {driver: json-file, options: {max-size: "10m", max-file: "3"}}` (or driver `local`).',
    noMaxSize:
      '{{path}} uses the `{{driver}}` driver without `options.max-size`, so the log file is never rotated: it grows without limit until it fills the disk, and then everything on the host that needs to write fails. Set `max-size` (e.g. "10m") and `max-file` (e.g. "3"), or use driver `local`.',
  },
  options: { daemonRotatesLogs: false },
  optionSpecs: {
    daemonRotatesLogs: { type: 'boolean', description: 'The Docker daemon (daemon.json `log-opts`) already rotates every container log.' },
  },
  check: {
    compose(project, ctx) {
      if (ctx.options.daemonRotatesLogs) return;
      // podman-compose runs containers under Podman, whose log drivers are not Docker's json-file.
      if (/^podman-compose/i.test(basename(project.mainFile))) return;
      // Services sharing an anchored `logging:` (x-logging) get one finding at the anchor.
      const unbounded = new Map<string, { at: Location; path: string; driver: string; services: string[] }>();
      for (const service of project.services()) {
        if (service.isFragment) continue;
        // A job that prints a few lines and exits cannot fill a disk.
        if (project.oneShotReason(service)) continue;
        const logging = service.get('logging');
        if (!logging) {
          ctx.report({ messageId: 'noLogging', data: { path: `\`${service.path}\`` }, at: service.at, path: service.path });
          continue;
        }
        const driverNode = service.get('logging', 'driver');
        // No driver: the daemon's default, which is json-file unless daemon.json says otherwise.
        const driver = driverNode ? text(driverNode) : 'json-file';
        if (driver === undefined || !UNBOUNDED_BY_DEFAULT.has(driver)) continue;
        const maxSize = service.get('logging', 'options', 'max-size');
        // `-1` means unlimited; an unset variable is given the benefit of the doubt.
        const limited = maxSize !== undefined && !(isCScalar(maxSize) && (maxSize.value === null || String(maxSize.value) === '-1'));
        if (limited) continue;
        const at = driverNode ? keyOrValue(driverNode) : keyOrValue(logging);
        const path = driverNode ? `${service.path}.logging.driver` : `${service.path}.logging`;
        const group = unbounded.get(locationKey(at)) ?? { at, path, driver, services: [] };
        group.services.push(service.path);
        unbounded.set(locationKey(at), group);
      }
      for (const { at, path, driver, services } of unbounded.values()) {
        ctx.report({ messageId: 'noMaxSize', data: { path: describeShared(services, '.logging'), driver }, at, path });
      }
    },
  },
});
