import type { Config } from '../engine/config.js';
import type { RunResult } from '../engine/types.js';

export interface ReportOptions {
  /** ANSI colour (text format only). */
  color: boolean;
  failOn: Config['failOn'];
  tool: { name: string; version: string };
  /** `--quiet`: only blocking findings and errors. */
  quiet?: boolean;
}

/** A reporter is a pure function from a run's result to text. */
export type Reporter = (result: RunResult, options: ReportOptions) => string;

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];
