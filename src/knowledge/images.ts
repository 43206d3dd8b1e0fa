// Container image references: what is pinned and what can move under you.
// Shared by Compose, Helm and Terraform so "mutable tag" means the same everywhere.

export interface ImageRef {
  /** As written, e.g. `ghcr.io/org/app:1.2@sha256:…`. */
  raw: string;
  /** Everything before the tag/digest: registry and repository. */
  name: string;
  tag?: string;
  digest?: string;
}

export type Pinning = 'digest' | 'version' | 'mutable' | 'latest' | 'none';

/** Tags that are moved on purpose by their publishers. */
export const DEFAULT_MUTABLE_TAGS = [
  'stable',
  'lts',
  'edge',
  'main',
  'master',
  'develop',
  'dev',
  'nightly',
  'current',
  'alpine',
  'slim',
  'bookworm',
  'bullseye',
  'jammy',
  'noble',
  'focal',
  'mainline',
  'rolling',
  'release',
];

export function parseImage(raw: string): ImageRef {
  const s = raw.trim();
  const at = s.indexOf('@');
  const digest = at >= 0 ? s.slice(at + 1) : undefined;
  const beforeDigest = at >= 0 ? s.slice(0, at) : s;
  // A ':' after the last '/' is a tag; one before it is a registry port (localhost:5000/app).
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    raw,
    name: hasTag ? beforeDigest.slice(0, colon) : beforeDigest,
    ...(hasTag ? { tag: beforeDigest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/**
 * How firmly a reference is pinned. Major-only (`postgres:15`), distro-only (`alpine`) and
 * variant-only tags move with every patch release, so they are `mutable`.
 */
export function classifyTag(ref: ImageRef, mutableTags: readonly string[] = DEFAULT_MUTABLE_TAGS): Pinning {
  if (ref.digest && /^sha256:[0-9a-f]{64}$/i.test(ref.digest)) return 'digest';
  const tag = ref.tag;
  if (tag === undefined || tag === '') return 'none';
  const t = tag.toLowerCase();
  if (t === 'latest') return 'latest';
  if (mutableTags.includes(t)) return 'mutable';
  // 15, v15, 15-alpine, 3-slim: a bare major version, optionally with a variant.
  if (/^v?\d+(-[a-z][a-z0-9.]*)*$/.test(t)) return 'mutable';
  // latest-alpine, stable-slim, alpine3.19 variants of a moving tag.
  const head = t.split('-')[0]!;
  if (head === 'latest' || mutableTags.includes(head)) return 'mutable';
  return 'version';
}

/** `${TAG}`-style references we cannot resolve are not guessed at. */
export const hasUnresolvedVariable = (s: string) => /\$\{|\{\{/.test(s);
