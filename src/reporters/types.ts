import type { Config } from '../engine/config.js';
import type { RunResult } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';

export interface ReportOptions {
  /** ANSI colour (text format only). */
  color: boolean;
  failOn: Config['failOn'];
  /** `informationUri` is the tool's home page for SARIF; a default is used when absent. */
  tool: { name: string; version: string; informationUri?: string; rulesDocsUri?: string };
  /** Ids of the rules documented at `tool.rulesDocsUri` (the built-in ones; plugins have their own docs). */
  documentedRules?: ReadonlySet<string>;
  /** `--quiet`: only blocking findings and errors (text, github and markdown; json and sarif are always complete). */
  quiet?: boolean;
  /** Text format: list suppressed findings with their reason instead of only counting them. */
  showSuppressed?: boolean;
}

/** A reporter is a pure function from a run's result to text. */
export type Reporter = (result: RunResult, options: ReportOptions) => string;

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'junit', 'gitlab'] as const;

/** Formats whose file names CI tools resolve against the repository root. */
export const REPO_RELATIVE_FORMATS: ReadonlySet<Format> = new Set(['sarif', 'github', 'junit', 'gitlab']);
export type Format = (typeof FORMATS)[number];

/** One report: a format, and the file it goes to (stdout, or --output, when none). */
export interface OutputSpec {
  format: Format;
  file?: string;
}

/** `FORMAT` or `FORMAT:FILE`, as `--format` and the Action's `reports` input take it. */
export function parseOutputSpec(value: string): OutputSpec {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  const file = colon < 0 ? undefined : value.slice(colon + 1);
  if (!(FORMATS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown format '${name}' (choose from ${FORMATS.join(', ')})${didYouMean(name, [...FORMATS])}`);
  }
  if (file === '') throw new UsageError(`--format ${name}: give a file after the colon, or no colon to write to stdout`);
  return { format: name as Format, ...(file !== undefined ? { file } : {}) };
}
