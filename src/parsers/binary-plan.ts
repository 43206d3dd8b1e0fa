// A binary plan (`terraform plan -out tfplan`) is a zip only terraform itself can read.
// We convert it with `<command> show -json`, but only with the command the user named
// (`--terraform`, or `terraform.command` in a trusted config): a terraform found on PATH during a
// folder walk may be one the scanned repository put there. Nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { dirname, basename } from 'node:path';
import { ParseError } from '../core/errors.js';

const CONVERT = 'convert it first (`terraform show -json tfplan > plan.json`, or `tofu show -json`) and scan plan.json';

export function convertBinaryPlan(absPath: string, displayPath: string, command: string | undefined): string {
  if (command === undefined) {
    throw new ParseError(displayPath, `binary Terraform plan, and iac-guard runs terraform only when told which one; ${CONVERT}, or name the command that may read it: --terraform terraform`);
  }
  // Run where the plan lives: `show` needs that working directory's initialized providers.
  const result = spawnSync(command, ['show', '-json', '-no-color', basename(absPath)], {
    cwd: dirname(absPath),
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  const err = result.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ENOENT') throw new ParseError(displayPath, `binary Terraform plan: ${command} (from --terraform or terraform.command) was not found; ${CONVERT}`);
  if (err) throw new ParseError(displayPath, `binary Terraform plan: ${command} show failed: ${err.message}`);
  if (result.status === 0 && result.stdout.trim().startsWith('{')) return result.stdout;
  const firstLine = (result.stderr || result.stdout)
    .split('\n')
    .map((l) => l.replace(/^[│╷╵\s]+/, '').trim())
    .find((l) => l && !/^Error:?$/.test(l));
  throw new ParseError(
    displayPath,
    `binary Terraform plan: \`${command} show -json\` could not read it (${firstLine ?? `exit ${result.status}`}); run it in the folder where the plan was made, after \`${command} init\``,
  );
}
