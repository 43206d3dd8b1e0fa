import { defineRule } from '../../../src/rule-api/rule.js';
import { engineSocket, isRootUser, isSocketProxy } from '../../../src/knowledge/host-control.js';
import { imageRepository } from '../../../src/knowledge/ports.js';
import { isTrue, keyOrValue, text } from '../../../src/model/compose.js';

export default defineRule({
  id: 'compose-host-control',
  severity: 'warning',
  category: 'exposure',
  docs: {
    summary: 'A Compose service that can control the host: the Docker (or Podman, containerd) socket mounted into it, or `privileged: true`.',
    why: 'The engine socket is the engine\'s full API: whoever can reach it inside the container can start a new container with the host\'s root file system mounted and take the host. Mounting it `:ro` does not help, because read-only applies to the socket file, not to the API calls sent through it. A `privileged` container has every capability and every device of the host. A bug or a compromised image in such a service is a compromised host. Some tools need this (reverse proxies that watch containers, log shippers, Portainer): the warning asks for a conscious decision, not a removal.',
    fix: 'Give the service a filtered socket instead: run a socket proxy (for example tecnativa/docker-socket-proxy) that allows only the API calls it needs, and point the service at it with `DOCKER_HOST`. Replace `privileged: true` with the few `cap_add` entries and `devices` the service really needs.',
    allow: 'Where the service is trusted with the host, add `# iac-guard-ignore compose-host-control: <reason>` above the mount or `privileged:` line.',
  },
  messages: {
    socket:
      '`{{path}}` mounts {{what}} into `{{service}}`{{asRoot}}: anything running in that container can start containers with the host\'s file system mounted, which is root on the host (mounting it read-only does not limit the API). If the service only needs to watch containers, give it a socket proxy that allows just those API calls.',
    privileged:
      '`{{path}}` runs `{{service}}` privileged: it gets every capability and every host device, so a compromise of that container is a compromise of the host. Grant only the `cap_add` entries and `devices` it needs.',
  },
  check: {
    compose(project, ctx) {
      for (const service of project.services()) {
        const user = text(service.get('user'));
        // A socket proxy holds the socket so that others need not; publishing its port undoes that.
        const proxy = service.image?.ref && isSocketProxy(imageRepository(service.image.value)) && service.ports.length === 0;
        const asRoot = isRootUser(user) ? ` as root (\`user: ${user}\`)` : '';
        for (const volume of service.volumes) {
          if (volume.type !== 'bind' && volume.type !== 'volume') continue;
          const what = engineSocket(volume.target) ?? engineSocket(volume.source);
          if (!what || proxy) continue;
          ctx.report({
            messageId: 'socket',
            data: {
              path: volume.path,
              what,
              service: service.name,
              asRoot,
            },
            at: volume.at,
            path: volume.path,
          });
        }
        const privileged = service.get('privileged');
        if (privileged && isTrue(privileged)) {
          ctx.report({
            messageId: 'privileged',
            data: { path: `${service.path}.privileged`, service: service.name },
            at: keyOrValue(privileged),
            path: `${service.path}.privileged`,
          });
        }
      }
    },
  },
});
