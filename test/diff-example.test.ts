// examples/keyring-swap-commit: the incident's before/after files committed to a throwaway
// repository, and `iac-guard diff --staged` refusing the staged change with the whole blast radius.
import { expect, it, onTestFinished } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, ROOT } from './helpers/cli.js';

const ENV = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

it('examples/keyring-swap-commit: the staged key ring swap is refused with every key and what they encrypt', () => {
  const repo = mkdtempSync(join(tmpdir(), 'iac-guard-keyring-commit-'));
  onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { env: { ...process.env, ...ENV }, stdio: 'pipe' });
  copyFileSync(join(ROOT, 'examples/keyring-swap/before/main.tf'), join(repo, 'main.tf'));
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'key ring in global');
  copyFileSync(join(ROOT, 'examples/keyring-swap/after/main.tf'), join(repo, 'main.tf'));
  git('add', 'main.tf');

  const r = cli(['diff', '--staged'], { cwd: repo, env: ENV });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('error    diff-forces-replacement  main.tf:26:3  google_kms_key_ring.logs');
  expect(r.stdout).toContain(
    'google_kms_key_ring.logs will be replaced (location "global" → var.infra_region = "us-central1"): terraform destroys this key container and creates a new, empty one; crypto keys google_kms_crypto_key.backups, google_kms_crypto_key.log_archive, google_kms_crypto_key.log_bucket under it will be destroyed, and everything encrypted with them becomes unreadable (google_storage_bucket.log_archive, google_logging_project_bucket_config.audit, google_compute_disk.pg_backups).',
  );
});
