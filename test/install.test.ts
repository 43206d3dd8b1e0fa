// Installs as a user outside the clone would: the packed tarball into a global prefix, and a git
// URL as a project devDependency (npm's git preparation runs scripts/prepare.mjs). Each runs the
// installed bin, not the build in this checkout. Dependencies come from npm's cache when it has
// them (after `npm ci`), else from the registry.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const npmEnv = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // Settings of the npm that runs these tests (npm test sets npm_config_*) must not leak into the installs.
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  return env;
})();

function npm(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, env: npmEnv, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

const KEYRING_PLAN = join(ROOT, 'examples/keyring-swap/plan.json');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function runsLikeAUser(bin: string): void {
  expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env: npmEnv }).trim()).toBe(version);
  const scan = spawnSync(bin, [KEYRING_PLAN, '--format', 'json'], { encoding: 'utf8', env: npmEnv });
  expect(scan.status).toBe(1);
  const rules = new Set((JSON.parse(scan.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId));
  expect(rules.has('plan-key-container-replaced')).toBe(true);
}

describe('installing outside the clone', () => {
  it('npm pack, then npm install -g of the tarball into a temporary prefix', () => {
    expect(existsSync(join(ROOT, 'dist/iac-guard.cjs')), 'run npm run build first').toBe(true);
    const work = tempDir('iac-guard-pack-');
    const packed = npm(['pack', '--ignore-scripts', '--pack-destination', work, ROOT], work);
    expect(packed.code, packed.out).toBe(0);
    const tarball = join(work, `iac-guard-${version}.tgz`);
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const f of ['package/dist/iac-guard.cjs', 'package/dist/iac-guard-bundle.cjs', 'package/LICENSE', 'package/CHANGELOG.md', 'package/docs/config.schema.json']) {
      expect(files).toContain(f);
    }
    // Sources, tests and the machine's corpus stay out of the package.
    expect(files.filter((f) => /^package\/(src|test|rules|scripts)\//.test(f))).toEqual([]);
    const prefix = join(work, 'prefix');
    const installed = npm(['install', '-g', '--prefix', prefix, tarball], work);
    expect(installed.code, installed.out).toBe(0);
    runsLikeAUser(join(prefix, 'bin', 'iac-guard'));
    // A documented plugin (`import { defineRule } from 'iac-guard'`) loads under the global install.
    const plugin = join(work, 'repo');
    execFileSync('mkdir', ['-p', join(plugin, 'rules')]);
    writeFileSync(join(plugin, 'rules', 'no-privileged.mjs'), readFileSync(join(ROOT, 'examples/custom-rule/rules/no-privileged.mjs'), 'utf8'));
    writeFileSync(join(plugin, '.iac-guard.yml'), 'plugins: [./rules/no-privileged.mjs]\n');
    writeFileSync(join(plugin, 'docker-compose.yml'), 'services:\n  agent:\n    image: example/agent:1.0.0\n    privileged: true\n');
    const scan = spawnSync(join(prefix, 'bin', 'iac-guard'), ['docker-compose.yml', '--allow-plugins', '--rule', 'acme-no-privileged'], { cwd: plugin, encoding: 'utf8', env: npmEnv });
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(1);
    expect(scan.stdout).toContain('acme-no-privileged');
  }, 300_000);

  it('a git URL of a clone, as a project devDependency: prepare builds it', () => {
    const work = tempDir('iac-guard-git-');
    const clone = join(work, 'clone');
    // A clone of what is committed: the git URL a user would give.
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    const project = join(work, 'project');
    execFileSync('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, allowScripts: { 'iac-guard': true } }));
    const installed = npm(['install', '--save-dev', `git+file://${clone}`], project);
    expect(installed.code, installed.out).toBe(0);
    runsLikeAUser(join(project, 'node_modules', '.bin', 'iac-guard'));
  }, 600_000);

  it('a git URL installed globally with --install-links (without it npm links to a deleted clone)', () => {
    const work = tempDir('iac-guard-git-global-');
    const clone = join(work, 'clone');
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    const prefix = join(work, 'prefix');
    const installed = npm(['install', '-g', '--install-links', '--prefix', prefix, `git+file://${clone}`], work);
    expect(installed.code, installed.out).toBe(0);
    runsLikeAUser(join(prefix, 'bin', 'iac-guard'));
  }, 600_000);

  it('npm publish --dry-run is clean', () => {
    const r = npm(['publish', '--dry-run', '--ignore-scripts'], ROOT);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`iac-guard@${version}`);
  }, 120_000);
});
