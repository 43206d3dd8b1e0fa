// The real pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself: it clones this
// repository at a commit, installs it with npm (language: node) and runs the hooks on `git
// commit`. The hook repository is a one-commit copy of the working tree (tracked and untracked,
// not ignored), so the test checks uncommitted work and CI's clean clone alike.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasPreCommit) console.warn('SKIPPED test/precommit.test.ts: `pre-commit` is not installed (CI installs it: apt-get install pre-commit)');

/** Every throwaway folder (the hook environment holds a whole npm install), removed at the end. */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  PRE_COMMIT_HOME: tempDir('iac-guard-pre-commit-home-'),
  // The hook environment installs this package's dependencies; the npm cache is enough when warm.
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
  IAC_GUARD_TODAY: '2026-11-22',
};

/** Runs pre-commit; on failure the error carries its output and log, so CI shows why. */
function preCommit(cwd: string, ...args: string[]): void {
  const r = spawnSync('pre-commit', args, { cwd, env: ENV, encoding: 'utf8', timeout: 540_000 });
  if (r.status === 0) return;
  const log = join(ENV.PRE_COMMIT_HOME!, 'pre-commit.log');
  const details = existsSync(log) ? readFileSync(log, 'utf8') : '';
  throw new Error(`pre-commit ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}\n${details.slice(-4000)}`);
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** This working tree as a repository with one commit; returns its folder and commit. */
function hookRepository(): { dir: string; rev: string } {
  const dir = tempDir('iac-guard-hook-repo-');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    const from = join(ROOT, file);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted but not yet staged
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'iac-guard under test');
  return { dir, rev: git(dir, 'rev-parse', 'HEAD').trim() };
}

const keyRing = (location: string, rotation = '7776000s') => `resource "google_kms_key_ring" "logs" {
  name     = "log-archive"
  location = ${location}
}

resource "google_kms_crypto_key" "archive" {
  name            = "archive"
  key_ring        = google_kms_key_ring.logs.id
  rotation_period = "${rotation}"

  lifecycle {
    prevent_destroy = true
  }
}
`;

const PROD_VALUES = (tag: string, networkPolicy: string) => `replicaCount: 3\nimage:\n  tag: ${tag}\nnetworkPolicy:\n  enabled: ${networkPolicy}\n`;

const VARIABLES = 'variable "infra_region" {\n  type    = string\n  default = "us-central1"\n}\n';

const FIREWALL = 'resource "google_compute_firewall" "ssh" {\n  name          = "ssh"\n  network       = "default"\n  source_ranges = var.admin_ranges\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n}\n';
const ADMIN_RANGES = (range: string) => `variable "admin_ranges" {\n  type    = list(string)\n  default = ["${range}"]\n}\n`;

function commit(dir: string, message: string): { code: number; output: string } {
  const r = spawnSync('git', ['commit', '-m', message], { cwd: dir, env: ENV, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('pre-commit hooks from .pre-commit-hooks.yaml', () => {
  it.skipIf(!hasPreCommit)(
    'pass harmless commits, refuse the key ring swap, a values file kept apart from its chart and a variable default that opens a firewall, with the findings',
    () => {
      const hooks = hookRepository();
      const project = tempDir('iac-guard-pre-commit-project-');
      git(project, 'init', '-q', '-b', 'main');
      write(project, {
        '.pre-commit-config.yaml': `repos:\n  - repo: ${hooks.dir}\n    rev: ${hooks.rev}\n    hooks:\n      - id: iac-guard\n      - id: iac-guard-diff\n`,
        'infra/main.tf': keyRing('"global"'),
        'infra/variables.tf': VARIABLES,
        // Never staged again below, so the scan hook, which only gets staged files, never reads it.
        'legacy/docker-compose.yml': 'services: [this is not a compose file\n',
        // A chart in one folder, the values that deploy it in another (the common layout).
        'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
        'charts/app/values.yaml': 'image:\n  repository: ghcr.io/acme/app\n  tag: 1.4.0\nnetworkPolicy:\n  enabled: true\n',
        'deploy/prod/values.yaml': PROD_VALUES('1.4.2', 'true'),
        // A firewall whose ranges come from a variable default in another file of the module.
        'net/main.tf': FIREWALL,
        'net/variables.tf': ADMIN_RANGES('10.8.0.0/16'),
      });
      git(project, 'add', '-A');
      git(project, 'commit', '-q', '--no-verify', '-m', 'before the hooks');
      preCommit(project, 'install');
      // The hook environment: clone, npm install, build, npm pack, npm install -g. Done once, here.
      preCommit(project, 'install-hooks');

      write(project, { 'infra/main.tf': keyRing('"global"', '2592000s') });
      git(project, 'add', 'infra/main.tf');
      const harmless = commit(project, 'rotate keys monthly');
      expect(harmless.output).toMatch(/^iac-guard\.+Passed$/m);
      expect(harmless.output).toMatch(/^iac-guard diff\.+Passed$/m);
      expect(harmless.code).toBe(0);
      const before = git(project, 'rev-parse', 'HEAD');

      write(project, { 'infra/main.tf': keyRing('var.infra_region', '2592000s') });
      git(project, 'add', 'infra/main.tf');
      const swap = commit(project, 'move the key ring to the infra region');
      expect(swap.code).not.toBe(0);
      expect(swap.output).toMatch(/^iac-guard diff\.+Failed$/m);
      expect(swap.output).toContain('error    diff-forces-replacement  infra/main.tf:3:3  google_kms_key_ring.logs');
      expect(swap.output).toContain(
        'google_kms_key_ring.logs will be replaced (location "global" → var.infra_region = "us-central1"): terraform destroys this key container and creates a new, empty one; crypto key google_kms_crypto_key.archive under it will be destroyed',
      );
      expect(git(project, 'rev-parse', 'HEAD')).toBe(before);
      git(project, 'reset', '-q');
      git(project, 'checkout', '--', 'infra/main.tf');

      // Helm values kept apart from their chart: the staged file alone is checked as values.
      write(project, { 'deploy/prod/values.yaml': PROD_VALUES('1.4.3', 'true') });
      git(project, 'add', 'deploy/prod/values.yaml');
      const bump = commit(project, 'app 1.4.3');
      expect(bump.output).toMatch(/^iac-guard\.+Passed$/m);
      expect(bump.code).toBe(0);
      const afterBump = git(project, 'rev-parse', 'HEAD');

      write(project, { 'deploy/prod/values.yaml': PROD_VALUES('latest', 'false') });
      git(project, 'add', 'deploy/prod/values.yaml');
      const loose = commit(project, 'follow latest, drop the network policy');
      expect(loose.code).not.toBe(0);
      expect(loose.output).toMatch(/^iac-guard\.+Failed$/m);
      expect(loose.output).toContain('error    image-unpinned  deploy/prod/values.yaml:3:3  image.tag');
      expect(loose.output).toContain('warning  helm-exposure  deploy/prod/values.yaml:5:3  networkPolicy.enabled');
      expect(loose.output).toContain('0 files not understood');
      expect(loose.output).not.toContain('Files not understood');
      expect(git(project, 'rev-parse', 'HEAD')).toBe(afterBump);
      git(project, 'reset', '-q');
      git(project, 'checkout', '--', 'deploy/prod/values.yaml');

      // Only variables.tf is staged; the hook checks its whole module, and the finding is on the default.
      write(project, { 'net/variables.tf': ADMIN_RANGES('0.0.0.0/0') });
      git(project, 'add', 'net/variables.tf');
      const opened = commit(project, 'let admins in from anywhere');
      expect(opened.code).not.toBe(0);
      expect(opened.output).toMatch(/^iac-guard\.+Failed$/m);
      expect(opened.output).toContain('error    tf-firewall-open  net/variables.tf:3:3  google_compute_firewall.ssh');
      expect(git(project, 'rev-parse', 'HEAD')).toBe(afterBump);
    },
    600_000,
  );
});
