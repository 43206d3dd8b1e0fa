import { defineRule } from '../../../src/rule-api/rule.js';
import {
  deletionOpens,
  EXPOSURE_SWITCHES,
  exposureRank,
  exposureWhat,
  INBOUND_RULES,
  isWorld,
  POLICY_ATTRIBUTES,
  PUBLIC_MEMBERS,
  publicStatements,
  type InboundRule,
} from '../../../src/knowledge/plan-exposure.js';
import { isObject } from '../../../src/parsers/plan.js';
import { valueAt, type ResourceChange } from '../../../src/model/plan.js';

const messages = {
  openToWorld:
    '{{address}} opens {{ports}} to the whole internet ({{sources}}), which it did not allow before: anyone can now reach that service and try to break in. Limit the source to the addresses that need it (a VPN, office or load balancer range).',
  barrierRemoved: '{{address}} will be deleted, and {{effect}}: traffic or access it kept out gets through. Keep it, or replace it with an equivalent rule in the same change.',
  denyDisabled: '{{address}} disables a deny rule (disabled: {{change}}): the traffic it blocked gets through. Keep it enabled, or replace it with an equivalent rule in the same change.',
  madePublic: '{{address}} becomes {{what}} ({{attribute}}: {{change}}). Keep {{attribute}} at {{before}}, and grant access to specific identities instead.',
  createdPublic: '{{address}} is created {{what}} ({{attribute}} = {{after}}). Make it private, and grant access to specific identities instead.',
  madePublicSeveral: '{{address}} becomes {{what}} ({{changes}}). Keep {{attributes}} at their earlier values, and grant access to specific identities instead.',
  createdPublicSeveral: '{{address}} is created {{what}} ({{changes}}). Make it private, and grant access to specific identities instead.',
  publicMember: '{{address}} grants {{members}} access: that means anyone on the internet (or any Google account). Grant the role to specific users, groups or service accounts instead.',
  publicPolicy:
    '{{address}} sets a policy ({{attribute}}) that allows anyone (`"Principal": "*"` with no condition) to {{actions}}. Name the accounts or roles that need access, or add a condition (source VPC, organization) that narrows it.',
  databaseOpen: '{{address}} lets the whole internet ({{sources}}) connect to the database through authorized_networks. Authorize only the addresses that need it, or use private IP or the Cloud SQL proxy.',
} as const;

interface Options {
  /** TCP ports that may be open to the internet without a finding (public web servers). */
  webPorts: number[];
}

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '-1': 'all protocols', '*': 'all protocols', all: 'all protocols' };

function describePorts(rule: InboundRule): string {
  const protocol = PROTOCOLS[rule.protocol.toLowerCase()] ?? rule.protocol.toLowerCase();
  const ranges = rule.ports.map(([a, b]) => (a === 0 && b === 65535 ? 'all ports' : a === b ? `port ${a}` : `ports ${a}-${b}`));
  if (protocol === 'all protocols' && ranges.join() === 'all ports') return 'all traffic';
  return `${protocol} ${ranges.join(', ')}`.trim();
}

const ICMP = new Set(['icmp', '1', 'icmpv6', '58', 'ipv6-icmp']);

const unitKey = (rule: InboundRule) => `${rule.protocol.toLowerCase()}|${JSON.stringify(rule.ports)}`;

/** Inbound rules open to the world after the change that were not open to the world before. */
function newlyWorldOpen(change: ResourceChange, webPorts: number[]): InboundRule[] {
  const extract = INBOUND_RULES[change.type];
  if (!extract || !isObject(change.after)) return [];
  const before = isObject(change.before) ? extract(change.before) : [];
  const wasOpen = new Set(before.filter((r) => r.sources.some(isWorld)).map(unitKey));
  const onlyWeb = (r: InboundRule) =>
    ['tcp', '6'].includes(r.protocol.toLowerCase()) && r.ports.every(([a, b]) => a === b && webPorts.includes(a));
  // Ping and other ICMP messages reach no service.
  const icmp = (r: InboundRule) => ICMP.has(r.protocol.toLowerCase());
  return extract(change.after).filter((r) => r.sources.some(isWorld) && !wasOpen.has(unitKey(r)) && !onlyWeb(r) && !icmp(r));
}

function members(values: unknown): string[] {
  if (!isObject(values)) return [];
  const out: string[] = [];
  for (const key of ['member', 'entity']) if (typeof values[key] === 'string') out.push(values[key] as string);
  if (Array.isArray(values.members)) out.push(...values.members.filter((m): m is string => typeof m === 'string'));
  if (typeof values.policy_data === 'string') {
    try {
      const doc = JSON.parse(values.policy_data) as unknown;
      const bindings = isObject(doc) && Array.isArray(doc.bindings) ? doc.bindings : [];
      for (const b of bindings) if (isObject(b) && Array.isArray(b.members)) out.push(...b.members.filter((m): m is string => typeof m === 'string'));
    } catch {
      /* not JSON: nothing to read */
    }
  }
  return out.filter((m) => PUBLIC_MEMBERS.has(m));
}

function statementActions(key: string): string {
  const { Action } = JSON.parse(key) as { Action?: unknown };
  const list = Array.isArray(Action) ? Action : [Action ?? '*'];
  return list.map(String).slice(0, 4).join(', ') + (list.length > 4 ? ', …' : '');
}

const SQL_NETWORKS = ['settings', 0, 'ip_configuration', 0, 'authorized_networks'];

export default defineRule<keyof typeof messages, Options>({
  id: 'plan-exposure-widened',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'A plan opens something to the internet: inbound rules from 0.0.0.0/0, public databases and buckets, deleted deny rules, policies for anyone.',
    why: 'Exposure changes look small in a diff (one CIDR, one flag) and are found by scanners within minutes of apply. Only the direction that widens access is reported: reordering rules or narrowing them is not.',
    fix: 'Allow only the sources that need access (VPN, office, load balancer ranges), keep databases private, keep public access blocks on, and grant policies to named principals.',
    allow: 'For a service that must be public, add an `allow` entry for `plan-exposure-widened` with its address and a reason in `.iac-guard.yml`. Ports 80 and 443 open to the world are not reported; change the list with the `webPorts` option.',
  },
  messages,
  options: { webPorts: [80, 443] },
  optionSpecs: { webPorts: { type: 'string[]', description: 'TCP ports that may be open to the internet without a finding (default 80 and 443).' } },
  check: {
    plan(model, ctx) {
      const webPorts = ctx.options.webPorts.map(Number);
      for (const change of model.changes({ actions: ['create', 'update', 'replace', 'delete'] })) {
        // Where a finding points is looked up only for a finding: most changes make none.
        const base = () => ({ at: model.at(change), resource: change.address });
        const address = change.address;

        if (change.isDelete) {
          const effect = isObject(change.before) ? deletionOpens(change.type, change.before) : undefined;
          if (effect) ctx.report({ ...base(), messageId: 'barrierRemoved', data: { address, effect } });
          continue;
        }

        for (const rule of newlyWorldOpen(change, webPorts)) {
          ctx.report({ ...base(), messageId: 'openToWorld', data: { address, ports: describePorts(rule), sources: rule.sources.filter(isWorld).join(', ') } });
        }

        if (change.type === 'google_compute_firewall' && isObject(change.before) && Array.isArray(change.before.deny) && change.before.deny.length) {
          if (change.valueBefore(['disabled']) !== true && change.valueAfter(['disabled']) === true) {
            ctx.report({ ...base(), messageId: 'denyDisabled', data: { address, change: change.displayChange(['disabled']) } });
          }
        }

        // Several switches of one resource widened together (a public access block turned off
        // entirely) are one change to review: one finding that lists them.
        const widenedSwitches: { what: string; attribute: string; change: string; before: string; after: string }[] = [];
        for (const s of EXPOSURE_SWITCHES) {
          if (!s.types.includes(change.type)) continue;
          const path = [s.attribute];
          const before = change.valueBefore(path);
          const after = change.valueAfter(path);
          const rank = exposureRank(s, after);
          if (rank < 0 || change.isSensitive(path, 'after')) continue;
          // Widened: from a safe value to an exposed one, or up the ranks within exposed values.
          const widened = change.action === 'create' ? s.onCreate === true : before !== null && before !== undefined && exposureRank(s, before) < rank;
          if (!widened) continue;
          widenedSwitches.push({
            what: exposureWhat(s, after),
            attribute: s.attribute,
            change: change.action === 'create' ? '' : change.displayChange(path),
            before: change.action === 'create' ? '' : change.display(path, 'before'),
            after: change.display(path, 'after'),
          });
        }
        if (widenedSwitches.length === 1) {
          const w = widenedSwitches[0]!;
          if (change.action === 'create') {
            ctx.report({ ...base(), messageId: 'createdPublic', data: { address, what: w.what, attribute: w.attribute, after: w.after } });
          } else {
            ctx.report({ ...base(), messageId: 'madePublic', data: { address, what: w.what, attribute: w.attribute, change: w.change, before: w.before } });
          }
        } else if (widenedSwitches.length > 1) {
          const what = listed(widenedSwitches.map((w) => w.what));
          const attributes = listed(widenedSwitches.map((w) => w.attribute));
          const changes = widenedSwitches.map((w) => (change.action === 'create' ? `${w.attribute} = ${w.after}` : `${w.attribute}: ${w.change}`)).join('; ');
          ctx.report({ ...base(), messageId: change.action === 'create' ? 'createdPublicSeveral' : 'madePublicSeveral', data: { address, what, attributes, changes } });
        }

        if (/^google_.+_(iam_member|iam_binding|iam_policy|access_control)$/.test(change.type)) {
          const had = new Set(members(change.before));
          const added = [...new Set(members(change.after))].filter((m) => !had.has(m));
          if (added.length) ctx.report({ ...base(), messageId: 'publicMember', data: { address, members: added.join(' and ') } });
        }

        for (const attribute of POLICY_ATTRIBUTES) {
          const path = [attribute];
          if (change.isSensitive(path, 'after') || change.isUnknownAfter(path)) continue;
          const had = new Set(publicStatements(change.valueBefore(path)));
          const added = publicStatements(change.valueAfter(path)).filter((k) => !had.has(k));
          if (added.length) ctx.report({ ...base(), messageId: 'publicPolicy', data: { address, attribute, actions: added.map(statementActions).join('; ') } });
        }

        if (change.type === 'google_sql_database_instance') {
          const networks = (v: unknown) => (Array.isArray(v) ? v.filter(isObject).map((n) => n.value).filter(isWorld) : []) as string[];
          const had = new Set(networks(valueAt(change.before, SQL_NETWORKS)));
          const added = networks(valueAt(change.after, SQL_NETWORKS)).filter((n) => !had.has(n));
          if (added.length) ctx.report({ ...base(), messageId: 'databaseOpen', data: { address, sources: added.join(', ') } });
        }
      }
    },
  },
});

/** "a, b and c" */
function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
