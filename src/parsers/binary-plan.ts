// A binary plan (`terraform plan -out tfplan`) is a zip only terraform itself can read.
// We convert it with `terraform show -json` or `tofu show -json` found on PATH; nothing is
// downloaded, and without either tool the user is told how to make plan JSON.
import { spawnSync } from 'node:child_process';
import { dirname, basename } from 'node:path';
import { ParseError } from '../core/errors.js';

const HOW_TO =
  'convert it first: `terraform show -json tfplan > plan.json` (or `tofu show -json`), then run iac-guard on plan.json';

export function convertBinaryPlan(absPath: string, displayPath: string, tools = ['terraform', 'tofu']): string {
  let lastFailure = '';
  for (const tool of tools) {
    // Run where the plan lives: `show` needs that working directory's initialized providers.
    const result = spawnSync(tool, ['show', '-json', '-no-color', basename(absPath)], {
      cwd: dirname(absPath),
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
      env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
    });
    const err = result.error as NodeJS.ErrnoException | undefined;
    if (err?.code === 'ENOENT') continue;
    if (err) {
      lastFailure = `${tool} show failed: ${err.message}`;
      continue;
    }
    if (result.status === 0 && result.stdout.trim().startsWith('{')) return result.stdout;
    const firstLine = (result.stderr || result.stdout).split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim()).find((l) => l && !/^Error:?$/.test(l));
    lastFailure = `\`${tool} show -json\` could not read it (${firstLine ?? `exit ${result.status}`}); run it in the folder where the plan was made, after \`${tool} init\``;
  }
  throw new ParseError(
    displayPath,
    lastFailure
      ? `binary Terraform plan: ${lastFailure}`
      : `binary Terraform plan, and neither terraform nor tofu is on PATH to read it; ${HOW_TO}`,
  );
}
