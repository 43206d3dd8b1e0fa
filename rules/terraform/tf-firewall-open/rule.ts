import { defineRule } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import {
  ALL_PORTS,
  coversAllPorts,
  isWorldSource,
  parsePortSpec,
  sensitivePortsIn,
  adminServiceNamed,
  nonWebRanges,
  type PortRange,
} from '../../../src/knowledge/terraform-ports.js';
import { findingPlace, isUnknown, type Attribute, type Body, type Resource, type Value } from '../../../src/model/terraform.js';

const messages = {
  allPorts:
    '{{address}} lets the whole internet ({{source}}) reach every {{protocol}}port of what it protects, so databases, SSH and admin APIs behind it are all exposed. Limit {{attribute}} to the addresses that need access and open only the ports you serve.',
  sensitivePorts:
    '{{address}} lets the whole internet ({{source}}) reach {{ports}}; exposed admin and database ports are found by scanners within minutes and attacked. Limit {{attribute}} to your VPN or office ranges (or go through a bastion / IAP) instead of {{source}}.',
  portsUnknown:
    '{{address}} lets the whole internet ({{source}}) in on ports or a protocol that cannot be known without running terraform (a variable with no value?), so it may open SSH, RDP or a database to everyone. Give the value with --var or --var-file, or limit {{attribute}} to the addresses that need access.',
  adminService:
    '{{address}} lets the whole internet ({{source}}) reach {{ports}} of {{what}}, going by its name (`{{word}}`); admin and internal consoles are found by scanners and attacked through their logins and known exploits. Limit {{attribute}} to your VPN or office ranges, or put the service behind an identity-aware proxy.',
  disabledDeny:
    '{{address}} is a deny rule switched off with `disabled = true`, so the traffic it was written to block is let in. Remove `disabled = true`, or delete the rule if nothing needs blocking any more.',
} as const;

/** One inbound allow rule, as far as it is known. */
interface Inbound {
  /** World-open sources found (`0.0.0.0/0`, `::/0`, `*`, `Internet`). */
  world: string[];
  /** Where the sources are written (the block when the source is implicit). */
  at: Location;
  /** The attribute holding the sources: a finding goes where its value is decided. */
  source?: Attribute;
  attribute: string;
  /** undefined: cannot be known. */
  ports: PortRange[] | undefined;
  protocol: string;
}

/** Known strings of a string or list value; unknown elements are skipped. */
function strings(v: Value | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

const lower = (v: Value | undefined) => (typeof v === 'string' ? v.toLowerCase() : undefined);

/** Protocols that have no ports (ICMP, ESP, ...): they cannot reach a service. */
const PORTLESS = new Set(['icmp', 'icmpv6', 'ipv6-icmp', '1', '58', 'esp', 'ah', '50', '51', 'gre', '47']);
const ALL_PROTOCOLS = new Set(['-1', 'all', '*', 'any']);

function worldIn(attr: Attribute | undefined): string[] {
  return attr ? strings(attr.value()).filter(isWorldSource) : [];
}

/** AWS-style from_port/to_port with a protocol. */
function awsPorts(body: Body, protocolAttr: string): { ports: PortRange[] | undefined; protocol: string } {
  const protocol = lower(body.attr(protocolAttr)?.value());
  if (protocol === undefined) return { ports: undefined, protocol: '' };
  if (ALL_PROTOCOLS.has(protocol)) return { ports: [ALL_PORTS], protocol: '' };
  if (PORTLESS.has(protocol)) return { ports: [], protocol };
  const from = body.attr('from_port')?.value();
  const to = body.attr('to_port')?.value() ?? from;
  if (typeof from !== 'number' || typeof to !== 'number') return { ports: undefined, protocol };
  return { ports: [from <= 0 && to <= 0 ? ALL_PORTS : [Math.max(from, 0), to]], protocol };
}

/** `"22"`, `["22", "8000-8080"]`, absent (= all) → ranges; undefined when not known. */
function portSpecs(attrs: (Attribute | undefined)[], absentMeansAll: boolean): PortRange[] | undefined {
  const present = attrs.filter((a): a is Attribute => a !== undefined);
  if (!present.length) return absentMeansAll ? [ALL_PORTS] : undefined;
  const out: PortRange[] = [];
  for (const a of present) {
    const v = a.value();
    if (isUnknown(v)) return undefined;
    const specs = Array.isArray(v) ? v : [v];
    for (const s of specs) {
      if (typeof s !== 'string' && typeof s !== 'number') continue;
      const r = parsePortSpec(s);
      if (r) out.push(r);
    }
  }
  return out;
}

function googleFirewall(r: Resource): Inbound[] {
  if (lower(r.attr('direction')?.value()) === 'egress') return [];
  const ranges = r.attr('source_ranges');
  let world: string[];
  let at: Location;
  let source: Attribute | undefined;
  if (ranges) {
    world = worldIn(ranges);
    if (!world.length) return []; // before the location: most firewalls are not open to the world
    at = ranges.location;
    source = ranges;
  } else if (!r.has('source_tags') && !r.has('source_service_accounts')) {
    world = ['no source given, so 0.0.0.0/0'];
    at = r.location;
  } else {
    return [];
  }
  const ports: PortRange[] = [];
  for (const allow of r.blocks('allow')) {
    const protocol = lower(allow.attr('protocol')?.value());
    // Not known without running terraform: the dangerous case, reported as unknown ports.
    if (protocol === undefined) return [{ world, at, attribute: 'source_ranges', ports: undefined, protocol: '' }];
    if (PORTLESS.has(protocol)) continue;
    const p = ALL_PROTOCOLS.has(protocol) ? [ALL_PORTS] : portSpecs([allow.attr('ports')], true);
    if (!p) return [{ world, at, attribute: 'source_ranges', ports: undefined, protocol: '' }];
    ports.push(...p);
  }
  return [{ world, at, ...(source ? { source } : {}), attribute: 'source_ranges', ports, protocol: '' }];
}

function awsInline(block: Body): Inbound[] {
  const v4 = block.attr('cidr_blocks');
  const v6 = block.attr('ipv6_cidr_blocks');
  const world = [...worldIn(v4), ...worldIn(v6)];
  if (!world.length) return [];
  const src = worldIn(v4).length ? v4! : v6!;
  const { ports, protocol } = awsPorts(block, 'protocol');
  return [{ world, at: src.location, source: src, attribute: src.name, ports, protocol }];
}

function awsIngressRule(r: Resource): Inbound[] {
  const v4 = r.attr('cidr_ipv4');
  const v6 = r.attr('cidr_ipv6');
  const src = worldIn(v4).length ? v4 : worldIn(v6).length ? v6 : undefined;
  if (!src) return [];
  const { ports, protocol } = awsPorts(r, 'ip_protocol');
  return [{ world: worldIn(src), at: src.location, source: src, attribute: src.name, ports, protocol }];
}

function azureRule(body: Body): Inbound[] {
  if (lower(body.attr('direction')?.value()) !== 'inbound' || lower(body.attr('access')?.value()) !== 'allow') return [];
  const single = body.attr('source_address_prefix');
  const many = body.attr('source_address_prefixes');
  const src = worldIn(single).length ? single : worldIn(many).length ? many : undefined;
  if (!src) return [];
  const protocol = lower(body.attr('protocol')?.value()) ?? '';
  if (PORTLESS.has(protocol)) return [];
  const ports = portSpecs([body.attr('destination_port_range'), body.attr('destination_port_ranges')], false);
  return [{ world: worldIn(src), at: src.location, source: src, attribute: src.name, ports, protocol: ALL_PROTOCOLS.has(protocol) ? '' : protocol }];
}

// A direction or type that is missing or not known until apply (`type = var.kind`) is read as
// inbound: only a rule that says it is outbound is passed over.
function inboundRules(r: Resource): Inbound[] {
  switch (r.resourceType) {
    case 'google_compute_firewall':
      return googleFirewall(r);
    case 'aws_security_group':
      return r.blocks('ingress').flatMap(awsInline);
    case 'aws_security_group_rule':
      return lower(r.attr('type')?.value()) === 'egress' ? [] : awsInline(r);
    case 'aws_vpc_security_group_ingress_rule':
      return awsIngressRule(r);
    case 'azurerm_network_security_rule':
      return azureRule(r);
    case 'azurerm_network_security_group':
      return r.blocks('security_rule').flatMap(azureRule);
    case 'digitalocean_firewall':
      return r.blocks('inbound_rule').flatMap((b) => {
        const src = b.attr('source_addresses');
        const world = worldIn(src);
        const protocol = lower(b.attr('protocol')?.value()) ?? '';
        if (!world.length || PORTLESS.has(protocol)) return [];
        return [{ world, at: src!.location, source: src!, attribute: 'source_addresses', ports: portSpecs([b.attr('port_range')], true), protocol }];
      });
    case 'hcloud_firewall':
      return r.blocks('rule').flatMap((b) => {
        if (lower(b.attr('direction')?.value()) === 'out') return [];
        const src = b.attr('source_ips');
        const world = worldIn(src);
        const protocol = lower(b.attr('protocol')?.value()) ?? '';
        if (!world.length || PORTLESS.has(protocol)) return [];
        const port = lower(b.attr('port')?.value());
        const ports = port === 'any' ? [ALL_PORTS] : portSpecs([b.attr('port')], true);
        return [{ world, at: src!.location, source: src!, attribute: 'source_ips', ports, protocol }];
      });
    case 'openstack_networking_secgroup_rule_v2': {
      if (lower(r.attr('direction')?.value()) === 'egress') return [];
      const src = r.attr('remote_ip_prefix');
      const world = worldIn(src);
      if (!world.length) return [];
      const protocol = lower(r.attr('protocol')?.value()) ?? 'all';
      if (PORTLESS.has(protocol)) return [];
      const min = r.attr('port_range_min')?.value();
      const max = r.attr('port_range_max')?.value() ?? min;
      const noPorts = !r.has('port_range_min') && !r.has('port_range_max');
      const ports: PortRange[] | undefined = noPorts ? [ALL_PORTS] : typeof min === 'number' && typeof max === 'number' ? [[min, max]] : undefined;
      return [{ world, at: src!.location, source: src!, attribute: 'remote_ip_prefix', ports, protocol }];
    }
    default:
      return [];
  }
}

const TYPES = [
  'google_compute_firewall',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'azurerm_network_security_rule',
  'azurerm_network_security_group',
  'digitalocean_firewall',
  'hcloud_firewall',
  'openstack_networking_secgroup_rule_v2',
];

const MAX_LISTED = 4;

/** What a firewall (or the group a rule belongs to) is called: labels, names, description, Name tag. */
function namesOf(r: Resource): string[] {
  const names = r.namesGiven(['name', 'name_prefix', 'description']);
  // A separate rule names its group by reference: `aws_security_group.jenkins.id`.
  for (const key of ['security_group_id', 'network_security_group_name', 'firewall_id']) {
    const a = r.attr(key);
    if (a) names.push(a.source.replace(/\.(id|name)$/, '').split('.').pop() ?? '');
  }
  return names;
}

const portsText = (ranges: PortRange[]) =>
  ranges.length === 1 && ranges[0]![0] === ranges[0]![1]
    ? `port ${ranges[0]![0]}`
    : `ports ${ranges.slice(0, MAX_LISTED).map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ')}${ranges.length > MAX_LISTED ? ', …' : ''}`;

export default defineRule({
  id: 'tf-firewall-open',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'Cloud firewall rules that let the whole internet reach every port, or SSH, RDP, database and admin ports; deny rules switched off.',
    why: 'Addresses in every cloud are scanned continuously: an SSH, RDP, Docker API or database port open to 0.0.0.0/0 is found within minutes and attacked with password guessing and known exploits. A disabled deny rule silently lets through what it was meant to stop.',
    fix: 'Limit the source to the ranges that need access (office, VPN, load balancer), reach admin ports through a bastion or identity-aware proxy, and open to the world only the ports the public service answers on (80, 443).',
    allow: 'For a service that is public on purpose, add `# iac-guard-ignore tf-firewall-open: <reason>` above the rule, or an `allow` entry with its address in `.iac-guard.yml`.',
  },
  messages,
  check: {
    terraform(model, ctx) {
      for (const r of model.resources(TYPES)) {
        if (r.resourceType === 'google_compute_firewall' && r.attr('disabled')?.value() === true && r.blocks('deny').length) {
          ctx.report({ messageId: 'disabledDeny', data: { address: r.address }, at: r.attr('disabled')!.location, resource: r.address });
          continue;
        }
        if (r.resourceType === 'google_compute_firewall' && r.attr('disabled')?.value() === true) continue;
        for (const rule of inboundRules(r)) {
          const source = [...new Set(rule.world)].join(', ');
          const base = { address: r.address, source, attribute: rule.attribute };
          // Where the sources are decided (a variable's default, the caller's argument), else where written.
          const place = rule.source ? findingPlace(rule.source) : { at: rule.at };
          // Fail closed: open to the world on ports we cannot read is reported, not passed over.
          if (rule.ports === undefined) {
            ctx.report({ messageId: 'portsUnknown', data: base, ...place, resource: r.address });
            continue;
          }
          if (!rule.ports.length) continue;
          if (coversAllPorts(rule.ports)) {
            ctx.report({ messageId: 'allPorts', data: { ...base, protocol: rule.protocol ? `${rule.protocol.toUpperCase()} ` : '' }, ...place, resource: r.address });
            continue;
          }
          const exposed = sensitivePortsIn(rule.ports);
          if (!exposed.length) {
            // A port with no fixed meaning is still an admin console when the firewall says it guards one.
            const other = nonWebRanges(rule.ports);
            const named = other.length ? adminServiceNamed(namesOf(r)) : undefined;
            if (named) ctx.report({ messageId: 'adminService', data: { ...base, ...named, ports: portsText(other) }, ...place, resource: r.address });
            continue;
          }
          const named = exposed.slice(0, MAX_LISTED).map((p) => `port ${p.port} (${p.what})`);
          const more = exposed.length > MAX_LISTED ? ` and ${exposed.length - MAX_LISTED} more sensitive ports` : '';
          ctx.report({ messageId: 'sensitivePorts', data: { ...base, ports: `${named.join(', ')}${more}` }, ...place, resource: r.address });
        }
      }
    },
  },
});
