import { defineRule } from '../../../src/rule-api/rule.js';
import { sensitiveImage, sensitivePort, type ServiceSetup } from '../../../src/knowledge/ports.js';
import { isCMap, isCSeq, isTrue, text, type ComposePort, type ComposeProject, type ComposeService } from '../../../src/model/compose.js';

export default defineRule({
  id: 'compose-port-exposed',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'A database, cache, search engine, admin console, an API or dashboard that answers without login, or the Docker API published on every interface of the host.',
    why: 'A port published without a host IP listens on 0.0.0.0. Docker inserts its own iptables rules for published ports ahead of ufw and firewalld, so the host firewall never sees that traffic: a "firewalled" server still serves its PostgreSQL, Redis or Elasticsearch to the whole internet, where scanners find it within hours.',
    fix: 'Bind the port to the loopback address (`"127.0.0.1:5432:5432"`) or to a private interface, or remove `ports:` and let other services reach it over the Compose network by service name.',
    allow: 'If the port must be public (and is protected another way), add `# iac-guard-ignore compose-port-exposed: <reason>` above the port, or an `allow` entry for the path `services.<name>.ports[<n>]`.',
  },
  messages: {
    exposed:
      '`{{path}}` publishes {{what}} (container port {{target}}) on every interface of the host; Docker\'s own iptables rules bypass ufw/firewalld, so the host firewall does not protect it and anyone who can reach the host can connect. Bind it to localhost (`"{{local}}"`) or remove the port and use the Compose network.',
  },
  check: {
    compose(project, ctx) {
      for (const service of project.services()) {
        // With the host's network stack, `ports:` is ignored (and nothing is NATed past the firewall).
        if (text(service.get('network_mode')) === 'host') continue;
        if (!service.ports.some((p) => p.bind === 'all')) continue;
        // A service only on internal networks has no route in or out: its published ports answer nobody.
        if (onlyInternalNetworks(project, service)) continue;
        // The repository decides what listens; a tag that is still a variable does not change it.
        const image = service.image?.unresolved ? knownRepository(service.image.value) : service.image?.value;
        const setup: ServiceSetup = {
          hasEnv: (name) => service.environment.some((e) => e.name === name),
          env: (name) => service.env(name),
          command: service.command() ?? '',
          mounts: service.volumes.map((v) => v.target).filter((t): t is string => t !== undefined),
        };
        for (const port of service.ports) {
          if (port.bind !== 'all' || !port.target) continue;
          const known = inShortRange(port, (p) => (image ? sensitiveImage(image, p, setup) : undefined) ?? sensitivePort(p));
          if (!known) continue;
          ctx.report({
            messageId: 'exposed',
            data: {
              path: port.path,
              what: known.what,
              target: rangeText(port.target),
              local: localhostMapping(port),
            },
            at: port.at,
            path: port.path,
          });
        }
      }
    },
  },
});

/** `temporalio/ui:${VERSION}` → `temporalio/ui`; undefined when the repository itself is a variable. */
function knownRepository(image: string): string | undefined {
  const repo = image.replace(/@.*$/, '').replace(/:[^/:]*\$\{?[^/]*$/, '');
  return repo.includes('$') ? undefined : repo;
}

function onlyInternalNetworks(project: ComposeProject, service: ComposeService): boolean {
  const networks = service.get('networks');
  const names = isCSeq(networks)
    ? networks.items.map(text)
    : isCMap(networks)
      ? [...networks.entries.keys()]
      : [];
  if (names.length === 0 || text(service.get('network_mode')) !== undefined) return false;
  return names.every((name) => name !== undefined && isTrue(project.get('networks', name, 'internal')));
}

/** The first container port of the mapping that `probe` knows. */
function inShortRange<T>(port: ComposePort, probe: (p: number) => T | undefined): T | undefined {
  const { start, end } = port.target!;
  // Wide ranges are someone's app (RTP, passive FTP); only look inside short ones.
  if (end - start > 100) return undefined;
  for (let p = start; p <= end; p++) {
    const known = probe(p);
    if (known) return known;
  }
  return undefined;
}

/** The same mapping bound to 127.0.0.1, keeping a published port that is still a variable. */
function localhostMapping(port: ComposePort): string {
  const target = rangeText(port.target!);
  if (port.published) return `127.0.0.1:${rangeText(port.published)}:${target}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
  const parts = port.raw.replace(/\/\w+$/, '').split(':');
  const published = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2] : target;
  return `127.0.0.1:${published}:${target}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}

const rangeText = (r: { start: number; end: number }) => (r.start === r.end ? String(r.start) : `${r.start}-${r.end}`);
