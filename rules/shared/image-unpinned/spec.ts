// The messages and options of image-unpinned, shared by its per-input checks and rule.ts (so neither imports the other).
export const messages = {
  noTag: '{{where}} pulls image `{{image}}` with no tag, so each pull can bring a different version and there is no known-good one to roll back to; pin a version tag or a digest (`{{image}}:<version>` or `@sha256:…`).',
  latest: '{{where}} pulls `{{image}}`, and `latest` moves with every release, so a restart can silently upgrade and there is no version to roll back to; pin a version tag or a digest.',
  mutable: '{{where}} pulls `{{image}}`, whose tag `{{tag}}` is moved by its publisher, so a restart can bring a different build; pin a full version (e.g. `1.2.3`) or a digest.',
} as const;
export type MessageId = keyof typeof messages;
export interface Options {
  /** Tags treated as moving (warning) in addition to major-only tags like `15`. */
  mutableTags: string[];
}

// One rule for every input kind, so "mutable tag" is configured once; each kind's handler
// lives in its own file beside this one.
