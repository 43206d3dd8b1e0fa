#!/usr/bin/env node
// npm's `prepare`: build dist/ when the sources are here (a clone, a git URL install), and do
// nothing in an installed tarball (it ships dist/ and no src/).
//
// `npm i -g github:iac-guard/iac-guard` (or any git URL) prepares the clone with an `npm install` that
// inherits the global flag and prefix, so the build tools (devDependencies) are never installed in
// the clone and `tsc` is "not found". Then they are installed here, locally, before building.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'src'))) process.exit(0);

const require = createRequire(join(root, 'package.json'));
const hasBuildTools = ['typescript/package.json', 'esbuild/package.json'].every((m) => {
  try {
    return require.resolve(m).startsWith(join(root, 'node_modules'));
  } catch {
    return false;
  }
});

const npm = process.env.npm_execpath;
const run = (args, what) => {
  const r = npm ? spawnSync(process.execPath, [npm, ...args], { cwd: root, stdio: 'inherit', env: localEnv() }) : spawnSync('npm', args, { cwd: root, stdio: 'inherit', env: localEnv() });
  if (r.status !== 0) {
    process.stderr.write(`iac-guard prepare: ${what} failed (exit ${r.status ?? r.signal}); build by hand: npm ci && npm run build\n`);
    process.exit(r.status ?? 1);
  }
};

/** The environment without the global install's settings, which would send a local install elsewhere. */
function localEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_(global|prefix|location|allow_scripts)$/i.test(k)) delete env[k];
  return env;
}

if (!hasBuildTools) {
  run(['install', '--global=false', '--location=project', `--prefix=${root}`, '--include=dev', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts'], 'installing the build tools');
}
run(['run', 'build', `--prefix=${root}`], 'the build');
