// The output formats. Each is a pure function RunResult → text; the CLI picks one.
import { githubReporter } from './github.js';
import { gitlabReporter } from './gitlab.js';
import { junitReporter } from './junit.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { Format, Reporter } from './types.js';

export const REPORTERS: Record<Format, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  markdown: markdownReporter,
  junit: junitReporter,
  gitlab: gitlabReporter,
};

export { blastRadiusMermaid } from './mermaid.js';
export type { Format, Reporter, ReportOptions } from './types.js';
