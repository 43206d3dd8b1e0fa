// The built CLI run by a user that file permissions apply to. Root reads a chmod 000 file
// anyway, and CI runs as root: there the CLI runs as `nobody` instead.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BIN, cli, type CliResult } from './cli.js';
import { tempDir } from './temp.js';

const NOBODY = { uid: 65534, gid: 65534 };

export type Runner = (args: string[], cwd: string) => CliResult;

/**
 * A runner for the CLI that cannot read what its user cannot read, with `fixtures` (a folder
 * made by the test) opened to it; or why there is none on this machine (to skip visibly).
 */
export function unprivilegedCli(fixtures: string): { run: Runner } | { skip: string } {
  if (process.getuid?.() !== 0) return { run: (args, cwd) => cli(args, { cwd }) };

  const nobodyCan = (script: string) => spawnSync(process.execPath, ['-e', script], { ...NOBODY, stdio: 'ignore', timeout: 30_000 }).status === 0;
  if (!nobodyCan('')) return { skip: `nobody (uid ${NOBODY.uid}) cannot run ${process.execPath}` };
  chmodSync(fixtures, 0o755); // mkdtemp makes folders only their owner can enter
  if (!nobodyCan(`require('node:fs').readdirSync(${JSON.stringify(fixtures)})`)) return { skip: `nobody cannot reach ${fixtures} (is the temp folder private?)` };

  // The checkout may sit where nobody cannot go (/root/...): then run a copy of the built CLI.
  let bin = BIN;
  if (!nobodyCan(`require('node:fs').accessSync(${JSON.stringify(BIN)}, 4)`)) {
    const copy = tempDir('iac-guard-cli-copy-');
    chmodSync(copy, 0o755);
    for (const entry of readdirSync(dirname(BIN), { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      copyFileSync(join(dirname(BIN), entry.name), join(copy, entry.name));
      chmodSync(join(copy, entry.name), 0o644);
    }
    bin = join(copy, basename(BIN));
  }

  return {
    run: (args, cwd) => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', IAC_GUARD_TODAY: '2026-11-22' };
      delete env.FORCE_COLOR;
      const r = spawnSync(process.execPath, [bin, ...args], { ...NOBODY, cwd, env, input: '', encoding: 'utf8', timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
