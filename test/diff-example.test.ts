// examples/keyring-swap-commit: the incident's before/after files committed to a throwaway
// repository, and `iac-guard diff --staged` refusing the staged change with the whole blast radius.
import { describe, expect, it, onTestFinished } from 'vitest';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
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

describe('examples/keyring-swap-module: the incident through a module call from another project', () => {
  /** A repository holding the example with before/main.tf committed and after/main.tf staged. */
  function staged(withMap: boolean): string {
    const repo = mkdtempSync(join(tmpdir(), 'iac-guard-keyring-module-'));
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    const example = join(ROOT, 'examples/keyring-swap-module');
    cpSync(join(example, 'vendor'), join(repo, 'vendor'), { recursive: true });
    if (withMap) copyFileSync(join(example, '.iac-guard.yml'), join(repo, '.iac-guard.yml'));
    copyFileSync(join(example, 'before/main.tf'), join(repo, 'main.tf'));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { env: { ...process.env, ...ENV }, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'secret management module, ring in global');
    copyFileSync(join(example, 'after/main.tf'), join(repo, 'main.tf'));
    git('add', 'main.tf');
    return repo;
  }

  it('with the module mapped to its vendored copy, the change is blocked at the call argument', () => {
    const r = cli(['diff', '--staged', '--format', 'json'], { cwd: staged(true), env: ENV });
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; column: number; resource: string; related: { resource?: string }[] }[] }).findings;
    expect(findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.resource])).toEqual([
      ['diff-forces-replacement', 'main.tf', 12, 3, 'module.gcp-secret-mgmt.google_kms_key_ring.ring'],
    ]);
    expect(findings[0]!.related.map((x) => x.resource)).toEqual([
      'module.gcp-secret-mgmt.google_kms_key_ring.ring',
      'module.gcp-secret-mgmt.google_kms_crypto_key.logs',
      'module.gcp-secret-mgmt.google_kms_crypto_key.secrets',
    ]);
  });

  it('without the map, the unread module is a warning naming the changed input, never a silent pass', () => {
    const repo = staged(false);
    const r = cli(['diff', '--staged', '--format', 'json'], { cwd: repo, env: ENV });
    expect(r.code).toBe(0);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; line: number; message: string }[] }).findings;
    expect(findings.map((f) => [f.ruleId, f.severity, f.line])).toEqual([['tf-module-unread', 'warning', 12]]);
    expect(findings[0]!.message).toContain('Cannot predict what `keyring_location` of module.gcp-secret-mgmt does');
    expect(findings[0]!.message).toContain('`modules:` in .iac-guard.yml');
    expect(cli(['diff', '--staged', '--fail-on', 'warning'], { cwd: repo, env: ENV }).code).toBe(1);
  });
});

it('examples/keyring-swap-module scanned whole: the mapped module is checked once, through its call', () => {
  const repo = mkdtempSync(join(tmpdir(), 'iac-guard-keyring-module-scan-'));
  onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
  const example = join(ROOT, 'examples/keyring-swap-module');
  cpSync(join(example, 'vendor'), join(repo, 'vendor'), { recursive: true });
  copyFileSync(join(example, '.iac-guard.yml'), join(repo, '.iac-guard.yml'));
  copyFileSync(join(example, 'after/main.tf'), join(repo, 'main.tf'));
  execFileSync('git', ['-C', repo, 'init', '-q']);
  const r = cli(['.', '--format', 'json', '--rule', 'tf-key-without-prevent-destroy'], { cwd: repo });
  const findings = (JSON.parse(r.stdout) as { findings: { resource: string }[] }).findings;
  // Not once more as a root of its own (google_kms_key_ring.ring without the module path).
  expect(findings.map((f) => f.resource)).toEqual([
    'module.gcp-secret-mgmt.google_kms_key_ring.ring',
    'module.gcp-secret-mgmt.google_kms_crypto_key.logs',
    'module.gcp-secret-mgmt.google_kms_crypto_key.secrets',
  ]);
});
