import { defineRule, type RuleContext } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { imageRepository } from '../../../src/knowledge/ports.js';
import { child, isCMap, keyOrValue, text, type ComposeProject, type ComposeService } from '../../../src/model/compose.js';

interface Seen {
  project: ComposeProject;
  service: ComposeService;
  at: Location;
}

/** Environment variables that tell a monitoring or CI agent who it is. */
const IDENTITY_ENV = /(^|_)(ID|UUID|NAME|HOSTNAME)$|AGENT|NODE_?NAME|INSTANCE/i;
/**
 * Variables that name the agent itself to a remote system. Across projects only these count:
 * two sample stacks that both call their database host `db` are not one deployment twice.
 */
const AGENT_IDENTITY_ENV = /AGENT|NODE_?NAME|INSTANCE|(^|_)(UUID|HOSTNAME)$/i;
/** Port ranges wider than this are not expanded (nobody publishes 10 000 ports twice by accident). */
const MAX_RANGE = 1000;

export default defineRule({
  id: 'compose-duplicate-deployment',
  severity: 'error',
  category: 'correctness',
  docs: {
    summary: 'Two Compose services claim the same container name or host port in one project, or run the same agent identity anywhere in the files scanned together.',
    why: 'A service copied into a second stack (or left behind in an old one) keeps running next to its replacement: an agent with the same identity reports twice and the monitoring shows a ghost server, two services fight over one host port so one never starts, or a container name conflict stops a deploy halfway.',
    fix: 'Delete the duplicate, or give each copy its own `container_name`, host port, and agent identity (hostname, *_ID/*_NAME variables).',
    allow: 'If both copies are deliberate (they run on different hosts), add `# iac-guard-ignore compose-duplicate-deployment: <reason>` above the second one.',
  },
  messages: {
    containerName:
      '`{{path}}` sets container_name `{{name}}`, which `{{other}}` ({{where}}) already uses, so only one of them can run: the other fails with a name conflict or is replaced. Give each a unique name or drop `container_name`.',
    hostPort:
      '`{{path}}` publishes host port {{port}}, which `{{other}}` ({{where}}) also publishes, so only one can bind it and the other fails to start or a stale copy keeps answering. Use another host port or remove the duplicate service.',
    agentIdentity:
      '`{{path}}` runs the same agent as `{{other}}` ({{where}}): image `{{image}}` with identical {{identity}}, so two copies report under one identity and the monitoring shows a ghost server or double counts. Remove the duplicate deployment or give each copy its own identity.',
  },
  check: {
    // Within one project (a file with its overrides and includes): names, host ports, agents.
    compose(project, ctx) {
      const names = new Map<string, Seen>();
      const ports = new Map<string, (Seen & { ip: string })[]>();
      const agents = new Map<string, Seen>();
      for (const service of project.services()) {
        const report = reporter(ctx, service);
        const nameNode = service.get('container_name');
        const name = text(nameNode);
        if (name && nameNode) {
          const first = names.get(name);
          if (first) report('containerName', first, keyOrValue(nameNode), `${service.path}.container_name`, { name });
          else names.set(name, { project, service, at: keyOrValue(nameNode) });
        }

        for (const port of service.ports) {
          if (!port.published || port.bind === 'unknown' || port.published.end - port.published.start > MAX_RANGE) continue;
          const ip = port.bind === 'all' ? '*' : port.hostIp!;
          for (let p = port.published.start; p <= port.published.end; p++) {
            const key = `${p}/${port.protocol}`;
            const holders = ports.get(key) ?? [];
            // Every interface clashes with any one address on the same port.
            const first = holders.find((h) => h.ip === '*' || ip === '*' || h.ip === ip);
            if (first) {
              report('hostPort', first, port.at, port.path, { port: key });
              break;
            }
            ports.set(key, [...holders, { project, service, at: port.at, ip }]);
          }
        }

        const identity = agentIdentity(service);
        if (!identity) continue;
        const first = agents.get(identity.key);
        if (first) report('agentIdentity', first, service.at, service.path, { image: identity.image, identity: identity.described });
        else agents.set(identity.key, { project, service, at: service.at });
      }
    },

    // Across projects: only agents that name themselves (AGENT_NAME, NODE_NAME...). Separate stacks usually run on separate hosts,
    // and on one host Docker refuses a name or port clash loudly; a second copy of an agent
    // runs quietly and reports as a ghost.
    project(inputs, ctx) {
      const agents = new Map<string, Seen>();
      for (const project of inputs.compose) {
        for (const service of project.services()) {
          const identity = agentIdentity(service);
          if (!identity?.namesAgent) continue;
          const first = agents.get(identity.key);
          if (!first) agents.set(identity.key, { project, service, at: service.at });
          else if (otherDeployment(first, project, service)) {
            reporter(ctx, service)('agentIdentity', first, service.at, service.path, { image: identity.image, identity: identity.described });
          }
        }
      }
    },
  },
});

type MessageId = 'containerName' | 'hostPort' | 'agentIdentity';

/** Reports a duplicate of `first` found at `service`, pointing back at the first. */
function reporter(ctx: RuleContext<MessageId, object>, service: ComposeService) {
  return (messageId: MessageId, first: Seen, at: Location, path: string, data: Record<string, string>) =>
    ctx.report({
      messageId,
      data: { path: service.path, other: first.service.path, where: `${first.at.file}:${first.at.range.start.line}`, ...data },
      at,
      path,
      related: [{ message: `${first.service.path} is defined here`, location: first.at }],
    });
}

/**
 * Whether a service seen in an earlier project is a separate deployment. Files of one Compose
 * project (same project name: same folder or `name:`) are layers or alternatives of each
 * other, and within one project the compose handler already compared them; a service included
 * into two projects is one definition, not two deployments.
 */
function otherDeployment(first: Seen, project: ComposeProject, service: ComposeService): boolean {
  if (first.project.name === project.name) return false;
  return !sameLocation(first.service.at, service.at);
}

const sameLocation = (a: Location, b: Location) =>
  a.file === b.file && a.range.start.line === b.range.start.line && a.range.start.column === b.range.start.column;

/** Image + command + identifying variables/hostname/labels; undefined when nothing identifies it. */
function agentIdentity(service: ComposeService): { key: string; image: string; described: string; namesAgent: boolean } | undefined {
  const image = service.image;
  if (!image?.ref) return undefined;
  const env = service.environment.filter((e) => IDENTITY_ENV.test(e.name));
  const hostname = text(service.get('hostname'));
  if (!env.length && !hostname) return undefined;
  // An identity we cannot read is not compared.
  if (env.some((e) => e.unresolved) || (service.get('hostname') && hostname === undefined)) return undefined;
  const labels = service.get('labels');
  const labelText = isCMap(labels) ? [...labels.entries].map(([k, v]) => `${k}=${text(v) ?? ''}`).sort() : [];
  const envText = env.map((e) => `${e.name}=${e.value ?? ''}`).sort();
  const key = [
    imageRepository(image.value),
    `command=${service.command() ?? ''}`,
    `entrypoint=${service.command('entrypoint') ?? ''}`,
    `hostname=${hostname ?? ''}`,
    ...envText,
    ...labelText,
    `network=${text(child(service.node, 'network_mode')) ?? ''}`,
  ].join('\n');
  const described = [...(hostname ? [`hostname ${hostname}`] : []), ...envText.map((e) => `\`${e}\``)].join(', ');
  const namesAgent = env.some((e) => AGENT_IDENTITY_ENV.test(e.name) && e.value);
  return { key, image: imageRepository(image.value), described, namesAgent };
}
