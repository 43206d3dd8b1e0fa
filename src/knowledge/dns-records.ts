// Where DNS records send traffic, per resource type: the record type and its targets (addresses,
// host names, alias targets), as the plan JSON holds them.
import { isObject } from '../parsers/plan.js';

export interface RecordTargets {
  /** A, AAAA, CNAME, NS, MX, ALIAS; upper case. */
  recordType: string;
  targets: string[];
  /** The attribute the targets are in, for locating a finding. */
  attribute: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' && v ? [v] : []);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);
const upper = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v.toUpperCase() : fallback);

/** Record types whose target is where users, mail or whole zones go; TXT and the like only describe. */
export const TRAFFIC_RECORD_TYPES = new Set(['A', 'AAAA', 'CNAME', 'ALIAS', 'NS', 'MX']);
/** Of those, the ones an attacker repoints to take traffic whole: addresses, aliases and delegations. */
export const ADDRESS_RECORD_TYPES = new Set(['A', 'AAAA', 'ALIAS', 'NS']);

export const DNS_RECORDS: Record<string, (v: Record<string, unknown>) => RecordTargets> = {
  aws_route53_record: (v) => {
    const alias = list(v.alias).flatMap((a) => strings(a.name));
    return alias.length ? { recordType: 'ALIAS', targets: alias, attribute: 'alias' } : { recordType: upper(v.type, 'A'), targets: strings(v.records), attribute: 'records' };
  },
  google_dns_record_set: (v) => ({ recordType: upper(v.type, 'A'), targets: strings(v.rrdatas), attribute: 'rrdatas' }),
  cloudflare_record: (v) => ({ recordType: upper(v.type, 'A'), targets: [...strings(v.content), ...strings(v.value)], attribute: typeof v.content === 'string' ? 'content' : 'value' }),
  cloudflare_dns_record: (v) => ({ recordType: upper(v.type, 'A'), targets: strings(v.content), attribute: 'content' }),
  digitalocean_record: (v) => ({ recordType: upper(v.type, 'A'), targets: strings(v.value), attribute: 'value' }),
  azurerm_dns_a_record: (v) => ({ recordType: 'A', targets: strings(v.records), attribute: 'records' }),
  azurerm_dns_aaaa_record: (v) => ({ recordType: 'AAAA', targets: strings(v.records), attribute: 'records' }),
  azurerm_dns_cname_record: (v) => ({ recordType: 'CNAME', targets: strings(v.record), attribute: 'record' }),
  azurerm_dns_ns_record: (v) => ({ recordType: 'NS', targets: strings(v.records), attribute: 'records' }),
  azurerm_dns_mx_record: (v) => ({ recordType: 'MX', targets: list(v.record).flatMap((r) => strings(r.exchange)), attribute: 'record' }),
};

/**
 * Resources other than DNS records that decide where requests go: a CDN's origins, a load
 * balancer's redirects and its targets. Kinds: ORIGIN (every request is fetched from there),
 * REDIRECT (clients are sent there), TARGET (the load balancer forwards requests there). `#{host}`-style placeholders mean "the same as the request" and are no target.
 */
const placeholder = (t: string) => t.startsWith('#{');
const redirectHosts = (actions: unknown) =>
  list(actions)
    .flatMap((a) => list(a.redirect))
    .flatMap((r) => strings(r.host))
    .filter((h) => !placeholder(h));

export const TRAFFIC_ROUTERS: Record<string, (v: Record<string, unknown>) => RecordTargets> = {
  aws_cloudfront_distribution: (v) => ({ recordType: 'ORIGIN', targets: list(v.origin).flatMap((o) => strings(o.domain_name)), attribute: 'origin' }),
  aws_lb_listener: (v) => ({ recordType: 'REDIRECT', targets: redirectHosts(v.default_action), attribute: 'default_action' }),
  aws_lb_listener_rule: (v) => ({ recordType: 'REDIRECT', targets: redirectHosts(v.action), attribute: 'action' }),
  aws_alb_listener: (v) => ({ recordType: 'REDIRECT', targets: redirectHosts(v.default_action), attribute: 'default_action' }),
  aws_lb_target_group_attachment: (v) => ({ recordType: 'TARGET', targets: strings(v.target_id), attribute: 'target_id' }),
  aws_alb_target_group_attachment: (v) => ({ recordType: 'TARGET', targets: strings(v.target_id), attribute: 'target_id' }),
  azurerm_lb_backend_address_pool_address: (v) => ({ recordType: 'TARGET', targets: strings(v.ip_address), attribute: 'ip_address' }),
  azurerm_cdn_endpoint: (v) => ({ recordType: 'ORIGIN', targets: list(v.origin).flatMap((o) => strings(o.host_name)), attribute: 'origin' }),
};

/** `dualstack.LB.elb.amazonaws.com.` and `lb.elb.amazonaws.com` are the same target. */
export function normaliseTarget(target: string): string {
  return target.trim().toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '').replace(/^\d+\s+/, '');
}
