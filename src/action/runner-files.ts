// The GitHub Actions runner's side of the contract: inputs arrive as INPUT_* variables, outputs
// and the job summary go to the files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../core/errors.js';

/**
 * `INPUT_` + the name upper-cased with spaces as `_` (hyphens kept: `INPUT_FAIL-ON`), as the
 * runner sets them for JavaScript actions. A composite action sets them itself; the underscore
 * form (`INPUT_FAIL_ON`) is read too, for shells that drop names with hyphens.
 */
export function getInput(env: NodeJS.ProcessEnv, name: string): string {
  const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  return (env[key] ?? env[key.replace(/-/g, '_')] ?? '').trim();
}

export function getBooleanInput(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = getInput(env, name).toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new UsageError(`input ${name} must be true or false (got "${raw}")`);
}

/** A list input: one item per line, or separated by spaces when it is a single line. */
export function getListInput(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = getInput(env, name);
  if (!raw) return [];
  const lines = raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.length > 1 ? lines : raw.split(/\s+/).filter(Boolean);
}

/** `name=value`, or the heredoc form with a delimiter that cannot occur in the value. */
export function formatOutput(name: string, value: string): string {
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  let delimiter: string;
  do delimiter = `ghadelimiter_${randomBytes(8).toString('hex')}`;
  while (value.includes(delimiter));
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

export function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  appendFileSync(file, Object.entries(outputs).map(([k, v]) => formatOutput(k, v)).join(''));
}

/** GitHub refuses a step summary over 1 MiB; keep well under it and say what was cut. */
export const MAX_SUMMARY_BYTES = 1000 * 1000;

export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  appendFileSync(file, capSummary(markdown));
}

export function capSummary(markdown: string): string {
  if (Buffer.byteLength(markdown) <= MAX_SUMMARY_BYTES) return markdown;
  const note = '\n\n_The summary was cut at GitHub’s size limit; the SARIF report and annotations have every finding._\n';
  let cut = Buffer.from(markdown).subarray(0, MAX_SUMMARY_BYTES - Buffer.byteLength(note)).toString('utf8');
  // Do not leave half a table row or an open code fence / details block behind.
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
  if ((cut.match(/^```/gm) ?? []).length % 2) cut += '\n```';
  if ((cut.match(/<details>/g) ?? []).length > (cut.match(/<\/details>/g) ?? []).length) cut += '\n\n</details>';
  return cut.replace(/\uFFFD$/, '') + note;
}
