// Names that hold an allow list of network peers or principals (attributes and environment
// variables alike), and the values that let everyone in. CORS origins are not such a list: `*`
// there lets any web page read responses in a browser, but grants no peer access the service
// would otherwise refuse, so `allowed_origins = ["*"]` is not reported.

/** Words that say "these may come in". */
const ALLOW_WORDS = new Set(['allowed', 'allow', 'accepted', 'accept', 'trusted', 'whitelist', 'whitelisted', 'allowlist', 'allowlisted', 'authorized', 'authorised', 'permitted']);
/** Words that say "addresses, hosts or origins". */
const ADDRESS_WORDS = new Set(['ip', 'ips', 'ipv4', 'ipv6', 'cidr', 'cidrs', 'range', 'ranges', 'host', 'hosts', 'network', 'networks', 'address', 'addresses', 'source', 'sources', 'prefix', 'prefixes', 'principals', 'subnets', 'clients', 'proxy', 'proxies']);
/** Words that are an allow list by themselves (`ADMIN_ALLOWLIST`). */
const LIST_WORDS = new Set(['allowlist', 'whitelist']);
/** Allow lists whose names carry no allow word. */
const KNOWN = new Set(['source_ranges', 'load_balancer_source_ranges', 'public_access_cidrs', 'ip_rules', 'ip_range_filter', 'ip_whitelist', 'ip_allowlist']);

/** `accepted_ips`, `ALLOWED_HOSTS`, `TRUSTED_PROXIES`, `public_access_cidrs` → true; `allowed_methods`, `cors_allowed_origins` → false. */
export function isAllowlistName(name: string): boolean {
  let known = CACHE.get(name);
  if (known === undefined) {
    const lower = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const words = lower.split(/[^a-z0-9]+/).filter(Boolean);
    known = KNOWN.has(name.toLowerCase()) || words.some((w) => LIST_WORDS.has(w)) || (words.some((w) => ALLOW_WORDS.has(w)) && words.some((w) => ADDRESS_WORDS.has(w)));
    if (CACHE.size > 10_000) CACHE.clear();
    CACHE.set(name, known);
  }
  return known;
}

/** Argument names repeat across thousands of blocks. */
const CACHE = new Map<string, boolean>();

const WILDCARDS = new Set(['*', '0.0.0.0/0', '::/0']);

/** The wildcard entry in a list or a comma/space separated string, if any. */
export function wildcardIn(value: unknown): string | undefined {
  const entries = Array.isArray(value) ? value : [value];
  for (const e of entries) {
    if (typeof e !== 'string') continue;
    const hit = e
      .split(/[\s,;]+/)
      .map((x) => x.replace(/^["']|["']$/g, ''))
      .find((x) => WILDCARDS.has(x));
    if (hit) return hit;
  }
  return undefined;
}
