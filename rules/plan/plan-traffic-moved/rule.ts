// A DNS record changed in place to point at an address or host that nothing in the plan or its
// prior state owns: how traffic is hijacked or mis-sent. A record repointed at a managed resource
// (a load balancer, an IP this configuration holds) is the ordinary case and stays quiet.
import { defineRule } from '../../../src/rule-api/rule.js';
import { ADDRESS_RECORD_TYPES, DNS_RECORDS, normaliseTarget, TRAFFIC_RECORD_TYPES, TRAFFIC_ROUTERS } from '../../../src/knowledge/dns-records.js';
import { isObject } from '../../../src/parsers/plan.js';
import type { PlanModel } from '../../../src/model/plan.js';

const messages = {
  moved:
    '{{address}} ({{recordType}} {{name}}) now sends traffic to {{targets}}, which no resource in this plan or its state holds (it pointed at {{before}}): a typo, a stale copy or a hijack sends users, mail or a whole zone to someone else. Point it at a resource this configuration manages, or allow this change with the reason the address is trusted.',
  routed:
    '{{address}} now {{how}} {{targets}}, which no resource in this plan or its state holds (before: {{before}}): a typo, a stale copy or a hijack sends every request it handles to someone else. Point it at a resource this configuration manages, or allow this change with the reason the host is trusted.',
} as const;

const HOW: Record<string, string> = { ORIGIN: 'fetches what it serves from', REDIRECT: 'redirects clients to', TARGET: 'forwards the load balancer\'s requests to' };

/** Every string value of every resource in the plan and its prior state, except the DNS records themselves. */
function ownedValues(model: PlanModel): Set<string> {
  const owned = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v === 'string') owned.add(normaliseTarget(v));
    else if (Array.isArray(v)) v.forEach(add);
    else if (isObject(v)) Object.values(v).forEach(add);
  };
  for (const values of [model.priorValues(), model.plannedValues()]) {
    for (const r of values.values()) if (!(r.type in DNS_RECORDS) && !(r.type in TRAFFIC_ROUTERS)) add(r.values);
  }
  for (const c of model.changes()) if (!(c.type in DNS_RECORDS) && !(c.type in TRAFFIC_ROUTERS)) add([c.before, c.after]);
  return owned;
}

export default defineRule({
  id: 'plan-traffic-moved',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'A DNS record, CDN origin, load balancer redirect or load balancer target moved to an address or host name that no resource in the plan or its prior state holds.',
    why: 'Repointing an A, AAAA, alias or NS record is how traffic is taken over: one changed line in a pull request sends every user, or a whole delegated zone, to a machine someone else controls. Records that follow the infrastructure point at resources the configuration manages (a load balancer, an elastic IP); a literal that appears nowhere else is worth a second look. The same holds for a CDN origin (every request is fetched from there), a load balancer redirect (every client is sent there) and a load balancer target (every request is forwarded there).',
    fix: 'Point the record at the resource (e.g. `records = [aws_eip.web.public_ip]` or an alias to the load balancer), so the plan shows where it goes; if the address is an outside service on purpose, allow it with the reason.',
    allow: 'Add an `allow` entry for `plan-traffic-moved` with the record address and a reason (who owns the target) in `.iac-guard.yml`. CNAME and MX moves are warnings; address, alias and NS moves, CDN origins, load balancer redirects and targets are errors.',
  },
  messages,
  check: {
    plan(model, ctx) {
      let owned: Set<string> | undefined;
      // A target attachment cannot change in place: a new target is a replacement.
      for (const change of model.changes({ actions: ['update', 'replace'] })) {
        const record = DNS_RECORDS[change.type];
        const read = record ?? TRAFFIC_ROUTERS[change.type];
        if (change.action === 'replace' && record) continue;
        if (!read || !isObject(change.before) || !isObject(change.after)) continue;
        const before = read(change.before);
        const after = read(change.after);
        if (record && !TRAFFIC_RECORD_TYPES.has(after.recordType)) continue;
        const old = new Set(before.targets.map(normaliseTarget));
        const added = after.targets.filter((t) => !old.has(normaliseTarget(t)));
        if (!added.length) continue;
        owned ??= ownedValues(model);
        const strangers = added.filter((t) => !owned!.has(normaliseTarget(t)));
        if (!strangers.length) continue;
        const targets = strangers.map((t) => JSON.stringify(t)).join(', ');
        const was = before.targets.map((t) => JSON.stringify(t)).join(', ');
        const at = model.atAttribute(change, [after.attribute]);
        if (record) {
          const name = typeof change.after.name === 'string' ? change.after.name : change.address;
          ctx.report({
            messageId: 'moved',
            data: { address: change.address, recordType: after.recordType, name, targets, before: was || 'nothing' },
            at,
            resource: change.address,
            severity: ADDRESS_RECORD_TYPES.has(after.recordType) ? 'error' : 'warning',
          });
        } else {
          ctx.report({ messageId: 'routed', data: { address: change.address, how: HOW[after.recordType] ?? 'sends traffic to', targets, before: was || 'no other host' }, at, resource: change.address });
        }
      }
    },
  },
});
