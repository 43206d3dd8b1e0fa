import { defineRule } from '../../../src/rule-api/rule.js';
import { isCScalar, keyOrValue } from '../../../src/model/compose.js';

/**
 * Service keys `docker stack deploy` ignores (docker/cli's unsupported and deprecated
 * properties, plus `depends_on`, which swarm never waits for), with what to do instead.
 */
const IGNORED: Record<string, string> = {
  build: 'swarm never builds: build and push the image in CI and deploy it by tag or digest',
  container_name: 'swarm names the task containers itself: drop it and address the service by its name',
  depends_on: 'swarm starts services in any order: make the service retry until its dependencies answer',
  restart: 'use `deploy.restart_policy` instead',
  links: 'services on a shared network reach each other by service name: drop it',
  external_links: 'attach the service to the other stack\'s network instead',
  network_mode: 'attach the service to networks instead',
  cgroup_parent: 'swarm has no equivalent: drop it',
  cgroupns_mode: 'swarm has no equivalent: drop it',
  devices: 'swarm cannot pass devices: run this part with plain `docker compose`',
  domainname: 'swarm has no equivalent: drop it',
  ipc: 'swarm has no equivalent: drop it',
  mac_address: 'swarm has no equivalent: drop it',
  pid: 'swarm has no equivalent: drop it',
  privileged: 'swarm cannot run privileged tasks: grant only the needed `cap_add` instead',
  security_opt: 'swarm has no equivalent: drop it',
  shm_size: 'mount a tmpfs at /dev/shm instead',
  userns_mode: 'swarm has no equivalent: drop it',
};

export default defineRule({
  id: 'compose-swarm-ignored',
  severity: 'warning',
  category: 'correctness',
  docs: {
    summary: 'A stack file uses Compose keys that `docker stack deploy` silently ignores.',
    why: '`docker stack deploy` reads the same file format as `docker compose` but drops `build`, `container_name`, `depends_on`, `restart`, `links`, `network_mode` and more without failing. The stack then runs differently from what the file says: an old image instead of the fresh build, no start order, no restart policy.',
    fix: 'Replace each ignored key with its swarm equivalent (`deploy.restart_policy`, networks, a pushed image) or remove it. If the file is not meant for swarm, run with `--target compose` (or `compose.target: compose` in `.iac-guard.yml`).',
    allow: 'Add `# iac-guard-ignore compose-swarm-ignored: <reason>` above the key (for example, a key kept for local `docker compose` runs).',
  },
  messages: {
    ignored: '`{{path}}` is ignored by `docker stack deploy`, so the stack does not do what this line says; {{instead}}. (Treated as a swarm stack because {{reason}}.)',
  },
  check: {
    compose(project, ctx) {
      const evidence = project.swarmEvidence();
      if (!evidence) return;
      for (const service of project.services()) {
        for (const [key, instead] of Object.entries(IGNORED)) {
          const node = service.get(key);
          // `privileged: false` and friends ask for nothing, so nothing is lost.
          if (!node || !service.has(key) || (isCScalar(node) && node.value === false)) continue;
          const path = `${service.path}.${key}`;
          ctx.report({ messageId: 'ignored', data: { path, instead, reason: evidence.reason }, at: keyOrValue(node), path });
        }
      }
    },
  },
});
