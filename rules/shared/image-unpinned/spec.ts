// The messages and options of image-unpinned, shared by its per-input checks and rule.ts (so neither imports the other).
import { classifyTag, meetsPinLevel, type ImageRef, type PinLevel } from '../../../src/knowledge/images.js';

export const messages = {
  noTag: '{{where}} pulls image `{{image}}` with no tag, so each pull can bring a different version and there is no known-good one to roll back to; pin a version tag or a digest (`{{image}}:<version>` or `@sha256:…`).',
  latest: '{{where}} pulls `{{image}}`, whose tag `{{tag}}` follows the newest release, so a restart can silently upgrade and there is no version to roll back to; pin a version tag or a digest.',
  mutable: '{{where}} pulls `{{image}}`, whose tag `{{tag}}` is moved by its publisher to new releases or builds, so a restart can bring a different version; pin a version (at least a major version such as `16`) or a digest.',
  channel: '{{where}} pulls `{{image}}`, whose tag `{{tag}}` follows a release line and moves to each new build of it; this config asks for exact versions (`minimumPin: {{level}}`): pin a full version or a digest.',
  notDigest: '{{where}} pulls `{{image}}` by tag, and a tag can be pushed again with other contents; this config asks for digests (`minimumPin: digest`): add `@sha256:…`.',
} as const;
export type MessageId = keyof typeof messages;
export interface Options {
  /** Tags reported as moving, besides the built-in table in src/knowledge/images.ts. */
  mutableTags: string[];
  /** The firmest pin accepted without a finding: channel (default), version or digest. */
  minimumPin: PinLevel;
}

/** What to report for an image reference, or undefined when it is pinned firmly enough. */
export function judgeImage(ref: ImageRef, options: Options): { messageId: MessageId; severity?: 'warning' } | undefined {
  const pinning = classifyTag(ref, options.mutableTags);
  if (meetsPinLevel(pinning, options.minimumPin)) return undefined;
  if (pinning === 'none') return { messageId: 'noTag' };
  if (pinning === 'latest') return { messageId: 'latest' };
  if (pinning === 'moving') return { messageId: 'mutable' };
  // Stricter than the default level: reported, but a team's own policy, so not blocking by default.
  return { messageId: options.minimumPin === 'digest' ? 'notDigest' : 'channel', severity: 'warning' };
}

// One rule for every input kind, so "mutable tag" is configured once; each kind's handler
// lives in its own file beside this one.
