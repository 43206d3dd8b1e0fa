import { defineRule } from '../../../src/rule-api/rule.js';
import type { Severity } from '../../../src/core/types.js';
import { ADMIN_SERVICES, DATA_STORES, HOST_AGENTS, nameMatches } from '../../../src/knowledge/helm-workloads.js';
import type { HelmEntry, HelmRelease } from '../../../src/model/helm.js';

export const messages = {
  networkPolicyOff:
    '{{where}} switches off the NetworkPolicy the chart ships, so any pod in the cluster, including a compromised one, can connect to it; remove the override (or set it to true) and allow the clients that need access.',
  networkPolicyOffChartUnseen:
    '{{where}} switches off the chart\'s NetworkPolicy (the chart is not in this scan, so whether this differs from its default is unknown): without it any pod in the cluster, including a compromised one, can connect; remove the override (or set it to true) and allow the clients that need access.',
  publicLoadBalancer:
    '{{where}} puts the {{what}} `{{subject}}` on a LoadBalancer with no `loadBalancerSourceRanges`, so anyone who can reach the load balancer (usually the internet) can reach it; list the networks that need it in `loadBalancerSourceRanges`, make the load balancer internal, or use `ClusterIP` behind an authenticated ingress.',
  nodePort:
    '{{where}} opens the {{what}} `{{subject}}` on a NodePort: a port on every node, which source ranges cannot restrict; use `ClusterIP` (reach it by port-forward or an authenticated ingress).',
  privileged:
    '{{where}} runs a container privileged, with full access to its node: whoever takes over this container owns the node and every pod on it; remove `privileged: true` and add only the capabilities it needs.',
  hostNamespace:
    "{{where}} puts the pod in the node's {{namespace}} namespace, so it can see and reach the node's {{what}} directly; remove it (only node agents need this).",
} as const;
export type MessageId = keyof typeof messages;
export type Options = Record<string, never>;

const INTERNAL_LB_ANNOTATIONS: Record<string, RegExp> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': /^(true|0\.0\.0\.0\/0)$/i,
  'service.beta.kubernetes.io/aws-load-balancer-scheme': /^internal$/i,
  'networking.gke.io/load-balancer-type': /^internal$/i,
  'cloud.google.com/load-balancer-type': /^internal$/i,
  'service.beta.kubernetes.io/azure-load-balancer-internal': /^true$/i,
  'service.beta.kubernetes.io/oci-load-balancer-internal': /^true$/i,
};

const HOST_NAMESPACES: Record<string, { namespace: string; what: string }> = {
  hostNetwork: { namespace: 'network', what: 'network interfaces and every port bound on localhost' },
  hostPID: { namespace: 'process', what: 'processes (and their environment and secrets)' },
  hostIPC: { namespace: 'IPC', what: 'shared memory' },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const last = (e: HelmEntry) => e.path[e.path.length - 1];
const parentKey = (e: HelmEntry) => e.path[e.path.length - 2];
/** The chart's own defaults are a warning (upstream made the choice); an override is an error. */
const severityOf = (e: HelmEntry): Severity => (e.setBy === 'chart' ? 'warning' : 'error');

export default defineRule<MessageId, Options>({
  id: 'helm-exposure',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'Helm values that open a workload up: network policy switched off, databases or consoles on public or node ports, privileged pods and host namespaces.',
    why: 'A database or admin console on a public load balancer is found by scanners within hours; a privileged or host-namespace pod turns one compromised container into a compromised node; switching off a chart\'s NetworkPolicy lets every pod in the cluster talk to it.',
    fix: 'Keep network policies on; serve databases and consoles on `ClusterIP` (or restrict `loadBalancerSourceRanges` / use an internal load balancer); drop `privileged`, `hostNetwork`, `hostPID` and `hostIPC` unless the workload is a node agent that needs them.',
    allow: 'Add `# iac-guard-ignore helm-exposure: <reason>` above the key, or an `allow` entry with the values path (e.g. `resource: "primary.service.type"`) in `.iac-guard.yml`. A chart\'s own default is reported as a warning, an override as an error; a NetworkPolicy that is off by the chart\'s default is not reported, and one switched off in values whose chart is not in the scan is a warning.',
  },
  messages,
  check: {
    helm(release, ctx) {
      for (const e of release.walk()) {
        if (e.kind !== 'scalar' || !release.isEnabled(e.path)) continue;
        const key = last(e);
        const report = (messageId: MessageId, data: Record<string, string> = {}, severity = severityOf(e)) =>
          ctx.report({ messageId, data: { where: release.describe(e), ...data }, at: e.location, path: e.pathText, severity });

        if (key === 'enabled' && e.value === false && isNetworkPolicy(parentKey(e))) {
          // Most charts ship their NetworkPolicy off; only a deliberate override of a policy the
          // chart offers (its values.yaml has the key) is a finding. With the chart out of sight,
          // writing `enabled: false` is taken as switching off what the chart offers.
          // Most charts ship it off, so with the chart unseen this is as likely the default as a change: a warning.
          if (e.setBy === 'override' && !release.chartKnown) report('networkPolicyOffChartUnseen', {}, 'warning');
          else if (e.setBy === 'override' && release.chartDefault(e.path) !== undefined) report('networkPolicyOff');
        } else if (key === 'type' && (e.value === 'LoadBalancer' || e.value === 'NodePort') && isServiceKey(parentKey(e))) {
          checkService(release, e, report);
        } else if (key === 'privileged' && e.value === true && isSecurityContext(parentKey(e))) {
          report('privileged');
        } else if (typeof key === 'string' && key in HOST_NAMESPACES && e.value === true && !isPolicyObject(e)) {
          if (nameMatches(release.chart.name, HOST_AGENTS) || release.namedAs(e.path, HOST_AGENTS)) continue;
          report('hostNamespace', HOST_NAMESPACES[key]!);
        }
      }
    },
  },
});

function checkService(release: HelmRelease, e: HelmEntry, report: (id: MessageId, data: Record<string, string>) => void): void {
  const servicePath = e.path.slice(0, -1);
  const store = release.namedAs(servicePath, DATA_STORES);
  const admin = store ? undefined : release.namedAs(servicePath, ADMIN_SERVICES);
  const subject = store ?? admin;
  if (!subject) return; // web servers, ingress controllers, proxies: public on purpose
  const what = store ? 'data store' : 'admin service';
  if (e.value === 'NodePort') {
    report('nodePort', { what, subject });
    return;
  }
  const service = release.get(servicePath);
  if (!isObject(service)) return;
  const ranges = service.loadBalancerSourceRanges;
  const restricted = Array.isArray(ranges) && ranges.length > 0 && !ranges.some((r) => r === '0.0.0.0/0' || r === '::/0');
  if (restricted || isInternal(service.annotations)) return;
  report('publicLoadBalancer', { what, subject });
}

function isInternal(annotations: unknown): boolean {
  if (!isObject(annotations)) return false;
  return Object.entries(INTERNAL_LB_ANNOTATIONS).some(([k, re]) => re.test(String(annotations[k] ?? '')));
}

const isNetworkPolicy = (k: string | number | undefined) => typeof k === 'string' && /^networkPolic(y|ies)$/i.test(k);
const isServiceKey = (k: string | number | undefined) => typeof k === 'string' && /service/i.test(k) && !/serviceAccount|serviceMonitor/i.test(k);
const isSecurityContext = (k: string | number | undefined) => typeof k === 'string' && /securityContext$/i.test(k);
/** PodSecurityPolicy specs say what pods may do, not what this pod does. */
const isPolicyObject = (e: HelmEntry) => e.path.some((p) => typeof p === 'string' && /securityPolicy|^psp$/i.test(p));
