// The messages and options of wildcard-allowlist, shared by its per-input checks and rule.ts (so neither imports the other).
export const messages = {
  wildcard: '{{where}} sets the allow list `{{name}}` to `{{value}}`, which lets every address in and switches the protection off; list the addresses or ranges that need access instead.',
} as const;
export type MessageId = keyof typeof messages;
export type Options = Record<string, never>;

// Shared by Compose environments and Terraform attributes; each kind's handler is in its own file.
