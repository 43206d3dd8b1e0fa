// STUB until the reporters land: json only, text prints the same.
import type { Format, Reporter } from './types.js';

const json: Reporter = (result, o) => JSON.stringify({ version: 1, tool: o.tool, ...result }, null, 2) + '\n';

export const REPORTERS: Record<Format, Reporter> = { text: json, json, sarif: json, github: json, markdown: json };
