import type { Config } from '../engine/config.js';
import type { RunResult } from '../core/types.js';

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
