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

/**
 * How firmly a reference is pinned, from firmest: a digest; a version (`16.4`, `1.27.2`,
 * `2024-05-01`); a release-line channel (`16`, `7-alpine`, `stable`, `lts`, `debian:bookworm`),
 * which moves only to patch builds of one line; a moving tag (`edge`, `main`, `nightly`,
 * `alpine`), which follows every new release; `latest`; no tag at all.
 */
export type Pinning = 'digest' | 'version' | 'channel' | 'moving' | 'latest' | 'none';

/**
 * How firm a pin a rule accepts without comment. `channel` is the default: major and `stable`
 * tags of official and vendor images are how most deployments pin, and they do not jump releases.
 */
export type PinLevel = 'channel' | 'version' | 'digest';
export const PIN_LEVELS: readonly PinLevel[] = ['channel', 'version', 'digest'];

/** Tags (or the first word of a tag: `edge-alpine`) that publishers move to each new release or build. */
export const MOVING_TAGS = [
  'edge',
  'main',
  'master',
  'develop',
  'development',
  'dev',
  'nightly',
  'unstable',
  'current',
  'mainline',
  'rolling',
  'release',
  'canary',
  'next',
  'beta',
  'alpha',
  'rc',
  'snapshot',
  'preview',
  'insiders',
  'head',
  'trunk',
  'testing',
  'experimental',
  // A variant or distribution alone is the newest release built on it (`nginx:alpine`, `python:slim`).
  'alpine',
  'slim',
  'musl',
  'distroless',
  'bookworm',
  'bullseye',
  'buster',
  'trixie',
  'jammy',
  'noble',
  'focal',
];

/** Tags (or a tag's first word: `stable-alpine`) that follow one release line. */
export const CHANNEL_TAGS = ['stable', 'lts'];

/** Release names that, on the distribution's own image, name one release line (`debian:bookworm` is Debian 12). */
export const DISTRIBUTION_RELEASES: Record<string, readonly string[]> = {
  debian: ['bookworm', 'bullseye', 'buster', 'trixie', 'stable', 'oldstable'],
  ubuntu: ['jammy', 'noble', 'focal', 'bionic', 'oracular', 'plucky'],
};

/**
 * Keys that hold an image digest beside `repository`/`tag` in Helm values, as popular charts
 * spell them: `digest` (Bitnami, ingress-nginx, Grafana), `sha` (older charts), `sha256`,
 * `checksum`, `imageDigest`.
 */
export const DIGEST_KEYS = ['digest', 'sha', 'sha256', 'checksum', 'imageDigest'];

/** A digest as written in a digest key: `sha256:<64 hex>`, or the bare 64 hex digits. */
export function normaliseDigest(value: string): string | undefined {
  const v = value.trim();
  if (/^sha256:[0-9a-f]{64}$/i.test(v)) return v;
  if (/^[0-9a-f]{64}$/i.test(v)) return `sha256:${v}`;
  return undefined;
}

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

/** How firmly a reference is pinned; `extraMovingTags` are reported as moving too (config). */
export function classifyTag(ref: ImageRef, extraMovingTags: readonly string[] = []): Pinning {
  if (ref.digest && /^sha256:[0-9a-f]{64}$/i.test(ref.digest)) return 'digest';
  const tag = ref.tag;
  if (tag === undefined || tag === '') return 'none';
  const t = tag.toLowerCase();
  const words = t.split(/[-_]/);
  const head = words[0]!;
  // latest, latest-alpine, postgresql-latest, 16-latest
  if (words.includes('latest')) return 'latest';
  if (extraMovingTags.some((m) => m.toLowerCase() === t || m.toLowerCase() === head)) return 'moving';
  const repo = ref.name.split('/').pop()!.toLowerCase();
  if (DISTRIBUTION_RELEASES[repo]?.includes(head)) return 'channel';
  // A moving word followed by a build number or commit (`main-2f3a1b9`, `nightly-20240501`) names one build.
  const buildSuffix = words.slice(1).some((w) => /\d/.test(w));
  if (MOVING_TAGS.includes(t) || (MOVING_TAGS.includes(head) && !buildSuffix)) return 'moving';
  if (CHANNEL_TAGS.includes(head)) return 'channel';
  // 16, v16, 7-alpine, 3-slim-bookworm: a major version line.
  if (/^v?\d+$/.test(head)) return 'channel';
  return 'version';
}

/** Whether `pinning` is at least as firm as `level` asks. */
export function meetsPinLevel(pinning: Pinning, level: PinLevel): boolean {
  if (pinning === 'digest') return true;
  if (pinning === 'version') return level !== 'digest';
  if (pinning === 'channel') return level === 'channel';
  return false;
}

/** `${TAG}`-style references we cannot resolve are not guessed at. */
export const hasUnresolvedVariable = (s: string) => /\$\{|\{\{/.test(s);
