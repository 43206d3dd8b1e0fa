// Ports that must not face the internet, for cloud firewall rules: remote administration and
// cluster control planes here, databases/caches/queues from the shared table in ports.ts.
import { SENSITIVE_PORTS } from './ports.js';

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
];

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
