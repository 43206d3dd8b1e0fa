// Compose's compact value syntaxes: published ports and volume mounts, short and long form.
// Parts that still hold an unset `${VAR}` are "unknown", never guessed.
import { ParseError } from '../core/errors.js';
import type { Location } from '../core/types.js';
import { child, isCMap, isCScalar, text, type CNode } from './compose-tree.js';

export interface PortRange {
  start: number;
  end: number;
}

export interface ComposePort {
  /** The list item as written (after interpolation), e.g. `127.0.0.1:5432:5432`. */
  raw: string;
  /** `all`: every interface (no host IP, 0.0.0.0 or ::); `specific`: one address; `unknown`: a variable. */
  bind: 'all' | 'specific' | 'unknown';
  hostIp?: string;
  /** Host port(s); undefined when Docker picks a random one or a variable decides. */
  published?: PortRange;
  /** Container port(s); undefined when a variable decides. */
  target?: PortRange;
  protocol: string;
  /** The list item. */
  at: Location;
  /** `services.db.ports[0]` */
  path: string;
}

export interface ComposeVolume {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Volume name or host path; undefined for an anonymous volume. */
  source?: string;
  /** Path inside the container; undefined when a variable decides. */
  target?: string;
  at: Location;
  path: string;
}

/** Stands in for an unset variable while splitting `a:b:c`; any part holding it is unknown. */
const UNKNOWN = '\u0000';

/** Replaces each unresolved `${...}` / `$NAME` left by interpolation with one placeholder. */
function maskVariables(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      out += UNKNOWN;
      i = j;
    } else if (s[i] === '$' && /[A-Za-z_]/.test(s[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1))!;
      out += UNKNOWN;
      i += m[0].length;
    } else out += s[i];
  }
  return out;
}

function parseRange(s: string, what: string, fail: (msg: string) => never): PortRange | undefined {
  if (s.includes(UNKNOWN)) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(s.trim());
  if (!m) fail(`invalid ${what} port "${s}"`);
  const start = Number(m[1]);
  const end = m[2] !== undefined ? Number(m[2]) : start;
  if (start > 65535 || end > 65535 || end < start) fail(`invalid ${what} port range "${s}"`);
  return { start, end };
}

const ALL_INTERFACES = new Set(['', '0.0.0.0', '::', '[::]']);

function bindOf(ip: string | undefined): Pick<ComposePort, 'bind' | 'hostIp'> {
  if (ip === undefined) return { bind: 'all' };
  if (ip.includes(UNKNOWN)) return { bind: 'unknown' };
  const clean = ip.replace(/^\[(.*)\]$/, '$1');
  return ALL_INTERFACES.has(clean) ? { bind: 'all', hostIp: clean } : { bind: 'specific', hostIp: clean };
}

/** One item of `ports:`, short (`[ip:][published:]target[/proto]`) or long (`{target, published, host_ip}`). */
export function parsePort(item: CNode, path: string): ComposePort {
  const fail = (msg: string): never => {
    throw new ParseError(item.at.file, `${path}: ${msg}`, item.at.range.start.line, item.at.range.start.column);
  };
  if (isCMap(item)) {
    const field = (k: string) => {
      const n = child(item, k);
      if (n === undefined || (isCScalar(n) && n.value === null)) return undefined;
      if (!isCScalar(n)) return fail(`\`${k}\` must be a number or text`);
      return n.unresolved ? maskVariables(String(n.value)) : String(n.value);
    };
    const targetText = field('target') ?? fail('a port mapping needs `target`');
    const publishedText = field('published');
    const hostIp = field('host_ip');
    const target = parseRange(targetText, 'container', fail);
    const published = publishedText === undefined ? undefined : parseRange(publishedText, 'published', fail);
    return {
      raw: `${hostIp ? `${hostIp}:` : ''}${publishedText ?? ''}${publishedText !== undefined ? ':' : ''}${targetText}`.replaceAll(UNKNOWN, '${…}'),
      ...bindOf(hostIp),
      ...(published ? { published } : {}),
      ...(target ? { target } : {}),
      protocol: (field('protocol') ?? 'tcp').toLowerCase(),
      at: item.at,
      path,
    };
  }
  if (!isCScalar(item) || item.value === null || typeof item.value === 'boolean') return fail('a port must be text like "8080:80" or a mapping with `target`');
  const rawValue = String(item.value);
  const s = item.unresolved ? maskVariables(rawValue) : rawValue;
  const slash = s.lastIndexOf('/');
  const spec = slash >= 0 ? s.slice(0, slash) : s;
  const protocol = (slash >= 0 ? s.slice(slash + 1) : 'tcp').toLowerCase();
  // As Docker splits it: the last part is the container port, the one before the host port,
  // everything before that the host IP (IPv6 addresses contain colons).
  const parts = spec.split(':');
  const n = parts.length;
  const targetText = parts[n - 1]!;
  const publishedText = n >= 2 ? parts[n - 2]! : undefined;
  const ip = n >= 3 ? parts.slice(0, n - 2).join(':') : undefined;
  const target = parseRange(targetText, 'container', fail);
  const published = publishedText === undefined || publishedText === '' ? undefined : parseRange(publishedText, 'published', fail);
  return {
    raw: rawValue,
    ...bindOf(ip),
    ...(published ? { published } : {}),
    ...(target ? { target } : {}),
    protocol,
    at: item.at,
    path,
  };
}

/** One item of a service's `volumes:`, short (`src:/target:ro`, `/target`) or long form. */
export function parseVolume(item: CNode, path: string): ComposeVolume {
  const fail = (msg: string): never => {
    throw new ParseError(item.at.file, `${path}: ${msg}`, item.at.range.start.line, item.at.range.start.column);
  };
  if (isCMap(item)) {
    const type = (text(child(item, 'type')) ?? 'volume') as ComposeVolume['type'];
    const source = text(child(item, 'source'));
    const target = text(child(item, 'target'));
    if (!child(item, 'target')) fail('a volume mount needs `target`');
    return { type, ...(source ? { source } : {}), ...(target ? { target } : {}), at: item.at, path };
  }
  if (!isCScalar(item) || typeof item.value !== 'string') return fail('a volume must be text like "data:/var/lib/data" or a mapping with `target`');
  const value = item.value as string;
  const s = item.unresolved ? maskVariables(value) : value;
  // `C:\data:/data` on Windows: a drive letter is part of the source.
  const parts = s.match(/^[A-Za-z]:[\\/]/) ? [s.slice(0, 2) + s.slice(2).split(':')[0], ...s.slice(2).split(':').slice(1)] : s.split(':');
  const known = (p: string | undefined) => (p === undefined || p.includes(UNKNOWN) ? undefined : p);
  if (parts.length === 1) {
    const target = known(parts[0]);
    return { type: 'volume', ...(target ? { target } : {}), at: item.at, path };
  }
  const sourceText = parts[0]!;
  const source = known(sourceText);
  const target = known(parts[1]);
  const isPath = /^[./~]|^[A-Za-z]:[\\/]/.test(sourceText) || (sourceText.includes(UNKNOWN) && sourceText.includes('/'));
  return { type: isPath ? 'bind' : 'volume', ...(source ? { source } : {}), ...(target ? { target } : {}), at: item.at, path };
}

/** Identity of a port item for merging override files: {ip, published, target, protocol}. */
export function portIdentity(item: CNode): string | undefined {
  try {
    const p = parsePort(item, '');
    return `${p.hostIp ?? ''}|${p.published?.start ?? ''}-${p.published?.end ?? ''}|${p.target?.start ?? ''}-${p.target?.end ?? ''}|${p.protocol}`;
  } catch {
    return undefined;
  }
}

/** Identity of a volume item for merging: its target path. */
export function volumeIdentity(item: CNode): string | undefined {
  try {
    return parseVolume(item, '').target;
  } catch {
    return undefined;
  }
}
