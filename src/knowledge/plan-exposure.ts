// What opens a system to the internet, per resource type: inbound rules and their sources,
// public-access switches, and principals that mean "anyone".
import { isObject } from '../parsers/plan.js';

/** Source ranges that mean "the whole internet". */
export const WORLD_SOURCES = new Set(['0.0.0.0/0', '::/0', '*', 'internet', 'any']);
export const isWorld = (source: unknown) => typeof source === 'string' && WORLD_SOURCES.has(source.trim().toLowerCase());

/** An inbound allow rule: what it lets in (protocol + ports) and from where. */
export interface InboundRule {
  protocol: string;
  /** Port ranges as [from, to]; [[0, 65535]] for "all ports". */
  ports: [number, number][];
  sources: string[];
}

const ALL_PORTS: [number, number][] = [[0, 65535]];

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' && v ? [v] : []);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** "22", "8000-8080", "*", "all", "" → port ranges. */
function parsePorts(specs: string[]): [number, number][] {
  if (!specs.length) return ALL_PORTS;
  const out: [number, number][] = [];
  for (const spec of specs) {
    const s = spec.trim().toLowerCase();
    if (s === '*' || s === 'all' || s === '') return ALL_PORTS;
    const m = /^(\d+)(?:-(\d+))?$/.exec(s);
    if (!m) return ALL_PORTS; // unreadable: assume the widest
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

/** AWS style from_port/to_port; protocol "-1" (or port -1) means every port. */
function awsPorts(from: unknown, to: unknown, protocol: unknown): [number, number][] {
  if (protocol === '-1' || protocol === 'all' || typeof from !== 'number' || typeof to !== 'number' || from < 0) return ALL_PORTS;
  return [[from, to]];
}

type Extractor = (values: Record<string, unknown>) => InboundRule[];

const awsRule = (r: Record<string, unknown>, ...sourceKeys: string[]): InboundRule => ({
  protocol: String(r.protocol ?? r.ip_protocol ?? ''),
  ports: awsPorts(r.from_port, r.to_port, r.protocol ?? r.ip_protocol),
  sources: sourceKeys.flatMap((k) => strings(r[k])),
});

const azureRule = (r: Record<string, unknown>): InboundRule[] => {
  if (String(r.direction ?? '').toLowerCase() !== 'inbound' || String(r.access ?? '').toLowerCase() !== 'allow') return [];
  return [
    {
      protocol: String(r.protocol ?? '*'),
      ports: parsePorts([...strings(r.destination_port_range), ...strings(r.destination_port_ranges)]),
      sources: [...strings(r.source_address_prefix), ...strings(r.source_address_prefixes)],
    },
  ];
};

/** Inbound allow rules of each firewall-like resource type, read from its values. */
export const INBOUND_RULES: Record<string, Extractor> = {
  aws_security_group: (v) => list(v.ingress).map((r) => awsRule(r, 'cidr_blocks', 'ipv6_cidr_blocks')),
  // Only a rule that says `egress` is passed over: a missing, null or unknown `type` is read as the
  // dangerous case (inbound), never skipped.
  aws_security_group_rule: (v) => (v.type === 'egress' ? [] : [awsRule(v, 'cidr_blocks', 'ipv6_cidr_blocks')]),
  aws_vpc_security_group_ingress_rule: (v) => [awsRule(v, 'cidr_ipv4', 'cidr_ipv6')],
  google_compute_firewall: (v) => {
    if (v.disabled === true || (v.direction !== undefined && v.direction !== null && v.direction !== 'INGRESS')) return [];
    const sources = strings(v.source_ranges);
    return list(v.allow).map((a) => ({ protocol: String(a.protocol ?? 'all'), ports: parsePorts(strings(a.ports)), sources }));
  },
  azurerm_network_security_rule: azureRule,
  azurerm_network_security_group: (v) => list(v.security_rule).flatMap(azureRule),
  digitalocean_firewall: (v) =>
    list(v.inbound_rule).map((r) => ({ protocol: String(r.protocol ?? ''), ports: parsePorts(strings(r.port_range)), sources: strings(r.source_addresses) })),
  // A managed database's own allow-list: whatever it lets in reaches the database port.
  digitalocean_database_firewall: (v) => [{ protocol: 'tcp', ports: ALL_PORTS, sources: list(v.rule).filter((r) => r.type === 'ip_addr').flatMap((r) => strings(r.value)) }],
  alicloud_security_group_rule: (v) =>
    v.type === 'egress' ? [] : [{ protocol: String(v.ip_protocol ?? 'all'), ports: slashPorts(v.port_range), sources: [...strings(v.cidr_ip), ...strings(v.ipv6_cidr_ip)] }],
  hcloud_firewall: (v) =>
    list(v.rule)
      .filter((r) => r.direction !== 'out')
      .map((r) => ({ protocol: String(r.protocol ?? ''), ports: parsePorts(strings(r.port)), sources: strings(r.source_ips) })),
  linode_firewall: (v) =>
    list(v.inbound)
      .filter((r) => String(r.action ?? 'ACCEPT').toUpperCase() !== 'DROP')
      .map((r) => ({ protocol: String(r.protocol ?? ''), ports: parsePorts(strings(r.ports).flatMap((p) => p.split(','))), sources: [...strings(r.ipv4), ...strings(r.ipv6)] })),
  vultr_firewall_rule: (v) => [
    {
      protocol: String(v.protocol ?? ''),
      ports: parsePorts(strings(v.port).map((p) => p.replace(':', '-'))),
      sources: v.subnet_size === 0 || v.subnet_size === '0' ? [v.ip_type === 'v6' ? '::/0' : '0.0.0.0/0'] : [],
    },
  ],
  openstack_networking_secgroup_rule_v2: (v) =>
    v.direction === 'egress'
      ? []
      : [{ protocol: String(v.protocol ?? 'all'), ports: minMaxPorts(v.port_range_min, v.port_range_max), sources: strings(v.remote_ip_prefix ?? '0.0.0.0/0') }],
  oci_core_security_list: (v) =>
    list(v.ingress_security_rules).map((r) => ({ protocol: ociProtocol(r.protocol), ports: ociPorts(r), sources: strings(r.source) })),
  oci_core_network_security_group_security_rule: (v) =>
    String(v.direction ?? 'INGRESS').toUpperCase() === 'EGRESS' ? [] : [{ protocol: ociProtocol(v.protocol), ports: ociPorts(v), sources: strings(v.source) }],
  // 0.0.0.0–255.255.255.255 lets every address in (0.0.0.0–0.0.0.0 means "Azure services" only).
  azurerm_mssql_firewall_rule: azureIpRange,
  azurerm_postgresql_firewall_rule: azureIpRange,
  azurerm_postgresql_flexible_server_firewall_rule: azureIpRange,
  azurerm_mysql_firewall_rule: azureIpRange,
  azurerm_mysql_flexible_server_firewall_rule: azureIpRange,
  azurerm_sql_firewall_rule: azureIpRange,
};

function azureIpRange(v: Record<string, unknown>): InboundRule[] {
  const whole = v.start_ip_address === '0.0.0.0' && v.end_ip_address === '255.255.255.255';
  return [{ protocol: 'tcp', ports: ALL_PORTS, sources: whole ? ['0.0.0.0/0'] : [] }];
}

/** Alibaba Cloud `port_range = "22/22"` (`-1/-1`: every port). */
function slashPorts(v: unknown): [number, number][] {
  const m = typeof v === 'string' ? /^(-?\d+)\/(-?\d+)$/.exec(v.trim()) : null;
  if (!m || Number(m[1]) < 0) return ALL_PORTS;
  return [[Number(m[1]), Number(m[2])]];
}

/** min/max port attributes; absent or unreadable: every port. */
function minMaxPorts(min: unknown, max: unknown): [number, number][] {
  if (typeof min !== 'number' || min <= 0) return ALL_PORTS;
  return [[min, typeof max === 'number' ? max : min]];
}

/** OCI protocols are IANA numbers as strings: "6" TCP, "17" UDP, "1" ICMP, "all". */
const ociProtocol = (p: unknown) => ({ '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' })[String(p)] ?? String(p ?? 'all');

/** OCI `tcp_options`/`udp_options` { min, max } (or its destination_port_range); none: every port. */
function ociPorts(r: Record<string, unknown>): [number, number][] {
  const opts = [...list(r.tcp_options), ...list(r.udp_options)];
  if (!opts.length) return ALL_PORTS;
  return opts.flatMap((o) => {
    const range = list(o.destination_port_range)[0] ?? o;
    return minMaxPorts(range.min, range.max);
  });
}

/** Deleting one of these removes a barrier (a deny rule, or the only firewall in front of something). */
export function deletionOpens(type: string, before: Record<string, unknown>): string | undefined {
  if (type === 'google_compute_firewall' && list(before.deny).length) return 'this deny rule stops blocking traffic';
  if (type === 'azurerm_network_security_rule' && String(before.access ?? '').toLowerCase() === 'deny') return 'this deny rule stops blocking traffic';
  if (type === 'azurerm_subnet_network_security_group_association' || type === 'azurerm_network_interface_security_group_association') {
    return 'the subnet or network interface is left without any network security group';
  }
  if (type === 'digitalocean_firewall') return 'the droplets behind it are left without a firewall';
  if (type === 'aws_s3_bucket_public_access_block' || type === 'aws_s3_account_public_access_block') {
    return 'the block on public ACLs and public bucket policies is lifted';
  }
  return undefined;
}

/**
 * A setting that exposes the resource: either one value (or a set of equally exposing values) with
 * one description, or `levels`, exposed values ranked from least to most exposing, each with its
 * own words, so a change up the ranks (`public-read` → `public-read-write`) widens exposure even
 * though both are public.
 */
export type ExposureSwitch = {
  types: string[];
  attribute: string;
  /** Also a finding when a new resource is created exposed (not only when an existing one changes). */
  onCreate?: boolean;
} & ({ exposed: boolean | string[]; what: string } | { levels: { value: string; what: string }[] });

/** How exposing a value is: -1 when it does not expose, else its rank (0 for an unranked switch). */
export function exposureRank(s: ExposureSwitch, v: unknown): number {
  if ('levels' in s) return s.levels.findIndex((l) => l.value === v);
  const exposed = Array.isArray(s.exposed) ? typeof v === 'string' && s.exposed.includes(v) : v === s.exposed;
  return exposed ? 0 : -1;
}

/** The words for an exposed value. */
export const exposureWhat = (s: ExposureSwitch, v: unknown): string => ('levels' in s ? (s.levels.find((l) => l.value === v)?.what ?? '') : s.what);

export const EXPOSURE_SWITCHES: ExposureSwitch[] = [
  { types: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_redshift_cluster', 'aws_dms_replication_instance'], attribute: 'publicly_accessible', exposed: true, what: 'given a public address (reachable from the internet wherever its security groups allow)', onCreate: true },
  { types: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'], attribute: 'block_public_acls', exposed: false, what: 'open to public ACLs' },
  { types: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'], attribute: 'ignore_public_acls', exposed: false, what: 'subject to public ACLs again' },
  { types: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'], attribute: 'block_public_policy', exposed: false, what: 'open to public bucket policies' },
  { types: ['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block'], attribute: 'restrict_public_buckets', exposed: false, what: 'reachable through public bucket policies' },
  {
    types: ['aws_s3_bucket', 'aws_s3_bucket_acl'],
    attribute: 'acl',
    onCreate: true,
    levels: [
      { value: 'authenticated-read', what: 'readable by anyone with an AWS account' },
      { value: 'public-read', what: 'readable by anyone' },
      { value: 'public-read-write', what: 'writable by anyone, so anyone can add, overwrite and delete its objects' },
    ],
  },
  { types: ['google_storage_bucket'], attribute: 'public_access_prevention', exposed: ['inherited', 'unspecified'], what: 'allowed to be made public' },
  { types: ['azurerm_storage_account'], attribute: 'allow_nested_items_to_be_public', exposed: true, what: 'allowed to serve public blobs' },
  { types: ['azurerm_storage_account'], attribute: 'allow_blob_public_access', exposed: true, what: 'allowed to serve public blobs' },
  {
    types: ['azurerm_storage_container'],
    attribute: 'container_access_type',
    onCreate: true,
    levels: [
      { value: 'blob', what: 'readable by anyone who has a blob URL' },
      { value: 'container', what: 'readable and listable by anyone' },
    ],
  },
];

/** IAM members that mean "anyone" in Google Cloud. */
export const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);

/** Attributes holding an AWS-style JSON policy document. */
export const POLICY_ATTRIBUTES = ['policy', 'access_policy', 'access_policies', 'assume_role_policy'];

/** Statements of a JSON policy that allow anyone (`Principal: "*"`) with no condition narrowing it. */
export function publicStatements(policy: unknown): string[] {
  if (typeof policy !== 'string' || !policy.includes('*')) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    return [];
  }
  // `Statement` may be a list or one object; a document with no `Statement` but a `Principal` of its
  // own is read as one bare statement. A statement counts as allowing unless it says `Deny`, and an
  // empty `Condition` narrows nothing: what cannot be classified is the dangerous case.
  const statements = isObject(doc) ? (doc.Statement ?? ('Principal' in doc ? doc : undefined)) : undefined;
  const all = Array.isArray(statements) ? statements : isObject(statements) ? [statements] : [];
  return all
    .filter(isObject)
    .filter((s) => s.Effect !== 'Deny' && !narrows(s.Condition) && isEveryone(s.Principal))
    .map((s) => JSON.stringify({ Action: s.Action ?? s.NotAction, Resource: s.Resource ?? s.NotResource }));
}

const narrows = (condition: unknown) => condition !== undefined && condition !== null && !(isObject(condition) && Object.keys(condition).length === 0);

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isObject(principal)) return false;
  return Object.values(principal).some((v) => v === '*' || (Array.isArray(v) && v.includes('*')));
}
