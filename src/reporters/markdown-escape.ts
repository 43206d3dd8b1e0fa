// Escaping for values from scanned files inside GitHub-flavoured markdown tables and Mermaid.

import { visible } from './common.js';

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '|': '&#124;' };

/**
 * Text safe in a table cell: control characters (line breaks included) shown as `\n`-style text,
 * `& < >` as entities (no HTML), `|` as an entity (the table parser does not split on it), every
 * other markdown punctuation backslash-escaped (no links, images, emphasis, code spans or math),
 * and `@` followed by a zero-width space so a name cannot mention a user or team.
 */
export function markdownText(text: string): string {
  return visible(text)
    .replace(/[&<>|\\`*_[\]()!#~{}$+=^-]/g, (ch) => HTML_ENTITIES[ch] ?? `\\${ch}`)
    .replace(/@/g, '@\u200b');
}

/** A value shown as code in a cell; the content is escaped like any text, so it cannot break out. */
export const markdownCode = (text: string) => `<code>${markdownText(text)}</code>`;

/**
 * A rule message: `code` spans become <code> elements (their content escaped like any text, so
 * a hostile backtick can at most change what looks like code); everything else is plain text.
 */
export const markdownProse = (text: string) =>
  text
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 ? markdownCode(part) : markdownText(part)))
    .join('');

// Mermaid entity codes: `#quot;`, `#35;` ... are decoded by Mermaid inside labels.
const MERMAID_ENTITIES: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '[': '#91;',
  ']': '#93;',
  '(': '#40;',
  ')': '#41;',
  '{': '#123;',
  '}': '#125;',
  '|': '#124;',
  '`': '#96;',
  ';': '#59;',
};

/**
 * A Mermaid label for use inside double quotes: quotes, brackets, pipes and `#` as entity codes,
 * backticks too (a run of three would close the code fence), control characters as visible text.
 */
export const mermaidLabel = (text: string) => visible(text).replace(/["#&<>[\](){}|`;]/g, (ch) => MERMAID_ENTITIES[ch]!);
