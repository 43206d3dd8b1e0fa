#!/usr/bin/env node
// Times `iac-guard diff --staged` on a generated monorepo: 12 Terraform roots, 4 local modules,
// 20 staged .tf changes (one of them the key ring incident). Needs `npm run build` first.
// Prints the in-process time of the diff (config, git, parse both revisions, rules) and the
// wall time of the whole CLI next to `iac-guard --version` (node start-up plus imports).
// `--keep` leaves the generated repository in place and prints its path (to profile in it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist/iac-guard.cjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const KEEP = process.argv.includes('--keep');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });

function put(dir, path, text) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const bucket = (i, tag) => `resource "google_storage_bucket" "b${i}" {
  name     = "acme-bucket-${i}"
  location = var.region
  labels   = { team = "${tag}" }

  versioning {
    enabled = true
  }
}
`;

function generate() {
  const dir = mkdtempSync(join(tmpdir(), 'iac-guard-bench-diff-'));
  git(dir, 'init', '-q', '-b', 'main');
  for (let m = 0; m < 4; m++) {
    put(dir, `modules/m${m}/main.tf`, `variable "region" {}\n\n${[0, 1, 2].map((i) => bucket(i, 'platform')).join('\n')}`);
  }
  for (let r = 0; r < 12; r++) {
    put(dir, `live/r${r}/variables.tf`, 'variable "region" {\n  default = "europe-west1"\n}\n');
    put(dir, `live/r${r}/modules.tf`, `module "m" {\n  source = "../../modules/m${r % 4}"\n  region = var.region\n}\n`);
    for (let f = 0; f < 3; f++) put(dir, `live/r${r}/f${f}.tf`, [0, 1, 2, 3].map((i) => bucket(f * 10 + i, 'data')).join('\n'));
  }
  put(dir, 'live/r0/kms.tf', 'resource "google_kms_key_ring" "logs" {\n  name     = "logs"\n  location = "global"\n}\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');

  // 20 staged changes: labels edited in 19 files across 7 roots and 2 modules, plus the key ring moving.
  let changed = 0;
  for (let r = 0; r < 7 && changed < 19; r++) {
    for (let f = 0; f < 3 && changed < 17; f++, changed++) put(dir, `live/r${r}/f${f}.tf`, [0, 1, 2, 3].map((i) => bucket(f * 10 + i, 'changed')).join('\n'));
  }
  for (let m = 0; m < 2; m++, changed++) put(dir, `modules/m${m}/main.tf`, `variable "region" {}\n\n${[0, 1, 2].map((i) => bucket(i, 'changed')).join('\n')}`);
  put(dir, 'live/r0/kms.tf', 'resource "google_kms_key_ring" "logs" {\n  name     = "logs"\n  location = var.region\n}\n');
  changed++;
  git(dir, 'add', '-A');
  return { dir, changed };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(0)} ms`;

function wall(args, cwd) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, code: r.status, out: r.stdout };
}

const { dir, changed } = generate();
try {
  const { diff } = await import(join(root, 'dist/src/commands/diff.js'));
  const inProcess = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const outcome = await diff({ cwd: dir, env, staged: true, paths: [] });
    inProcess.push(performance.now() - t);
    findings = outcome.result.findings.length;
    if (outcome.result.errors.length) throw new Error(JSON.stringify(outcome.result.errors));
  }
  const cli = [];
  const version = [];
  let code;
  for (let i = 0; i < RUNS; i++) {
    const r = wall(['diff', '--staged', '-q'], dir);
    cli.push(r.ms);
    code = r.code;
    version.push(wall(['--version'], dir).ms);
  }
  console.log(`staged .tf files changed: ${changed} (12 roots, 4 local modules); findings: ${findings}; CLI exit ${code}`);
  console.log(`in-process diff: first ${ms(inProcess[0])}, median ${ms(median(inProcess.slice(1)))} (${RUNS - 1} warm runs)`);
  console.log(`CLI \`diff --staged\` wall: median ${ms(median(cli))}; \`--version\` wall (start-up alone): median ${ms(median(version))}`);
  console.log(`CLI diff cost over start-up: ${ms(median(cli) - median(version))}`);
} finally {
  if (KEEP) console.log(`kept the generated repository: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
