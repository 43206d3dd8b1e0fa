#!/usr/bin/env node
// Builds the command users run:
//   dist/iac-guard.cjs             the launcher (src/launcher.cjs), package.json's "bin"
//   dist/iac-guard-bundle.cjs      the whole CLI in one file
//   dist/iac-guard-bundle.cjs.cache  V8's compiled code for it, from warm-up runs on the examples
// Node spends most of a cold start resolving and compiling modules (~250 of them across src/,
// rules/, yaml, minimatch, commander): one file cut ~120 ms of CPU, the code cache ~80 ms more.
// HashiCorp's parser stays external: a large Go/wasm package loaded only to word .tf syntax errors.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'iac-guard-bundle.cjs');
const cache = `${bundle}.cache`;
const launcher = join(dist, 'iac-guard.cjs');

await build({
  entryPoints: [join(root, 'src/bin.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  // CommonJS, because only a classic script can be compiled from a code cache (vm.Script).
  format: 'cjs',
  target: 'node20',
  external: ['@cdktf/hcl2json'],
  // The sources use import.meta.url to find package.json; in the bundle it is the bundle's URL.
  define: { 'import.meta.url': '__iacGuardModuleUrl' },
  banner: { js: "var __iacGuardModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lazyBuiltins(['child_process', 'crypto', 'worker_threads'])],
});
/**
 * Built-ins that only some runs use, loaded on first use: every import of them in the bundle gets
 * a stand-in whose exports are getters. `node:child_process` (net and stream behind it, ~8 ms) is
 * pulled in up front by commander and the git wrapper, though only `diff` and binary plans spawn
 * anything; `node:crypto` (~7 ms) serves only certificates and SARIF; `node:worker_threads`
 * (~8 ms) only big Terraform trees. The sources import them as usual.
 */
function lazyBuiltins(names) {
  const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
  const exportsOf = createRequire(import.meta.url);
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter }, (args) => {
        const name = args.path.replace(/^node:/, '');
        return args.namespace === 'lazy-builtin' ? { path: `node:${name}`, external: true } : { path: name, namespace: 'lazy-builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        // Getters, not a Proxy: esbuild's ESM interop copies a module's own keys as getters.
        contents: `let real;
for (const key of ${JSON.stringify(Object.keys(exportsOf(`node:${args.path}`)))}) {
  Object.defineProperty(exports, key, { enumerable: true, get: () => (real ??= require('node:${args.path}'))[key] });
}`,
        loader: 'js',
      }));
    },
  };
}

copyFileSync(join(root, 'src/launcher.cjs'), launcher);
rmSync(join(dist, 'iac-guard.mjs'), { force: true }); // the bundle's name before the launcher
chmodSync(launcher, 0o755);

// Warm-up: each run starts from the cache the previous one wrote and adds what it compiled, so
// the cache ends up holding the functions a scan of every input kind and report format uses.
rmSync(cache, { force: true });
const warmUps = [
  ['examples/keyring-swap/plan.json', 'examples/keyring-swap/after', 'examples/minitwit/docker-compose.yml', 'examples/expiring-cert'],
  ['examples/harmless-plan/plan.json', 'examples/minitwit/fixed', '--format', 'json'],
];
const repo = stagedChangeRepo();
if (repo) warmUps.push({ args: ['diff', '--staged'], cwd: repo });
try {
  for (const w of warmUps) warmUp(Array.isArray(w) ? { args: w, cwd: root } : w);
} finally {
  if (repo) rmSync(repo, { recursive: true, force: true });
}

function warmUp({ args, cwd }) {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    cwd,
    env: { ...process.env, IAC_GUARD_WRITE_CODE_CACHE: cache, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  // Exit 1 is the examples' findings, but also what Node exits with on an uncaught exception:
  // a report on stdout and no stack trace on stderr tell the two apart.
  if ((r.status !== 0 && r.status !== 1) || !r.stdout || /\n\s+at /.test(r.stderr)) {
    throw new Error(`warm-up run \`iac-guard ${args.join(' ')}\` exited ${r.status}:\n${r.stderr}`);
  }
}

/** A throwaway git repository with a staged .tf change, for the `diff --staged` warm-up (none without git). */
function stagedChangeRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'iac-guard-warm-up-'));
  const git = (...args) => spawnSync('git', ['-c', 'user.name=iac-guard', '-c', 'user.email=build@iac-guard.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' }).status === 0;
  const ring = (location) => `resource "google_kms_key_ring" "logs" {\n  name     = "logs"\n  location = "${location}"\n}\n`;
  writeFileSync(join(dir, 'main.tf'), ring('global'));
  const ok = git('init', '-q') && git('add', '.') && git('commit', '-q', '-m', 'base');
  writeFileSync(join(dir, 'main.tf'), ring('us-central1'));
  if (ok && git('add', '.')) return dir;
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}
