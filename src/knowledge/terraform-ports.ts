// Ports that must not face the internet, for cloud firewall rules: remote administration and
// cluster control planes here, databases/caches/queues from the shared table in ports.ts.
import { SENSITIVE_PORTS } from './ports.js';
import { nameWords } from './compose-lifetimes.js';

export interface AdminPort {
  port: number;
  what: string;
}

const REMOTE_ADMIN: readonly AdminPort[] = [
  { port: 22, what: 'SSH' },
  { port: 23, what: 'Telnet' },
  { port: 3389, what: 'RDP' },
  { port: 5900, what: 'VNC' },
  { port: 5985, what: 'WinRM' },
  { port: 5986, what: 'WinRM' },
  { port: 135, what: 'Windows RPC' },
  { port: 139, what: 'NetBIOS' },
  { port: 445, what: 'SMB' },
  { port: 111, what: 'rpcbind' },
  { port: 2049, what: 'NFS' },
  { port: 4243, what: 'the Docker API' },
  { port: 2380, what: 'etcd peer' },
  { port: 6443, what: 'the Kubernetes API' },
  { port: 10250, what: 'the kubelet API' },
  { port: 10255, what: 'the kubelet read-only API' },
  { port: 8500, what: 'Consul' },
  { port: 8200, what: 'Vault' },
  { port: 4646, what: 'the Nomad API' },
  { port: 8834, what: 'the Nessus console' },
  { port: 8089, what: 'the Splunk management API' },
];

/**
 * Words in a firewall's names and description that say it guards an admin or internal
 * service. Such a service has no business on the internet on any port but the web ports.
 */
const ADMIN_SERVICE_WORDS: Readonly<Record<string, string>> = {
  jenkins: 'a CI server (Jenkins)',
  teamcity: 'a CI server (TeamCity)',
  nessus: 'a vulnerability scanner console',
  tenable: 'a vulnerability scanner console',
  vault: 'a secrets API (Vault)',
  consul: 'a service registry (Consul)',
  nomad: 'a scheduler API (Nomad)',
  grafana: 'a monitoring console (Grafana)',
  kibana: 'a log console (Kibana)',
  prometheus: 'a metrics server (Prometheus)',
  argocd: 'a deployment console (Argo CD)',
  rancher: 'a cluster console (Rancher)',
  portainer: 'a container console (Portainer)',
  sonarqube: 'a code-analysis console (SonarQube)',
  nexus: 'an artifact repository (Nexus)',
  artifactory: 'an artifact repository (Artifactory)',
  admin: 'an admin service',
  internal: 'an internal service',
  mgmt: 'a management service',
  management: 'a management service',
};

/** Ports a public web front answers on: never reported on name alone. */
export const WEB_PORTS: readonly number[] = [80, 443];

/** The admin or internal service the names describe, with the word that says so. */
export function adminServiceNamed(names: readonly string[]): { word: string; what: string } | undefined {
  for (const name of names) {
    for (const word of nameWords(name)) {
      const what = ADMIN_SERVICE_WORDS[word];
      if (what) return { word, what };
    }
  }
  return undefined;
}

/** The ranges with the web ports taken out: what is open besides a web front. */
export function nonWebRanges(ranges: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [a, b] of ranges) {
    let start = a;
    for (const w of WEB_PORTS) {
      if (w < start || w > b) continue;
      if (w > start) out.push([start, w - 1]);
      start = w + 1;
    }
    if (start <= b) out.push([start, b]);
  }
  return out;
}

/** Every port a world-open ingress rule must not include, with what listens there. */
export const FIREWALL_SENSITIVE_PORTS: readonly AdminPort[] = [...REMOTE_ADMIN, ...SENSITIVE_PORTS.map((p) => ({ port: p.port, what: p.what }))].sort((a, b) => a.port - b.port);

/** Sources that mean "anyone on the internet". */
const WORLD = new Set(['0.0.0.0/0', '::/0', '*', 'internet', 'any']);
export const isWorldSource = (s: string) => WORLD.has(s.trim().toLowerCase());

export type PortRange = [number, number];
export const ALL_PORTS: PortRange = [0, 65535];

/** `"22"`, `"8000-8080"`, `"*"`, `"all"`, `22` → a range; undefined when unreadable. */
export function parsePortSpec(spec: string | number): PortRange | undefined {
  if (typeof spec === 'number') return Number.isInteger(spec) ? [spec, spec] : undefined;
  const s = spec.trim().toLowerCase();
  if (s === '*' || s === 'all' || s === '0-65535' || s === '1-65535') return ALL_PORTS;
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(s);
  return m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
}

export const coversAllPorts = (ranges: PortRange[]) => ranges.some(([a, b]) => a <= 1 && b >= 65535);

/** Sensitive ports inside the ranges, in port order. */
export function sensitivePortsIn(ranges: PortRange[]): AdminPort[] {
  return FIREWALL_SENSITIVE_PORTS.filter((p) => ranges.some(([a, b]) => p.port >= a && p.port <= b));
}
