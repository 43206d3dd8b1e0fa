// Code from a scanned repository never runs by default: a `.iac-guard.yml` inside the scanned tree
// (it may have come with the pull request being checked) may not load plugins or name a terraform
// command unless the user says so (--allow-plugins, or --config naming it); a config outside the
// tree is the user's own. Each case plants a plugin that writes a canary file when imported.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { runAction } from '../src/action/run.js';

const CLEAN_COMPOSE = 'services:\n  web:\n    image: nginx:1.27.2\n    logging: { driver: local }\n';

/** A folder with a Compose file and a config whose plugin leaves `ran` behind when it is imported. */
function repo(config = 'plugins: [./rules/canary.mjs]\n', { git = false } = {}) {
  const dir = tempDir('iac-guard-trust-');
  if (git) mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules/canary.mjs'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(dir, 'ran'))}, 'plugin code ran');\n` +
      `export default { id: 'acme-canary', severity: 'warning', category: 'test', docs: { summary: 'Canary.', why: 'Test.', fix: 'None.' }, messages: { m: 'seen' }, check: { compose() {} } };\n`,
  );
  writeFileSync(join(dir, '.iac-guard.yml'), config);
  writeFileSync(join(dir, 'docker-compose.yml'), CLEAN_COMPOSE);
  return { dir, ran: () => existsSync(join(dir, 'ran')) };
}

const REFUSED = /\.iac-guard\.yml names plugins \(\.\/rules\/canary\.mjs\), which run as code, and this config is inside the scanned tree/;

describe('a config inside the scanned tree does not run code', () => {
  it('a scan refuses its plugins (exit 2) without importing them, and says how to trust it', () => {
    const { dir, ran } = repo();
    const r = cli([join(dir, 'docker-compose.yml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(REFUSED);
    expect(r.stderr).toContain('pass --allow-plugins');
    expect(r.stderr).not.toContain('    at ');
    expect(ran()).toBe(false);
  });

  it('so do `rules`, `explain` and `diff` run in that repository', () => {
    const { dir, ran } = repo(undefined, { git: true });
    for (const args of [['rules'], ['explain', 'image-unpinned'], ['diff', '--base', 'HEAD']]) {
      const r = cli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(REFUSED);
    }
    expect(ran()).toBe(false);
  });

  it('a terraform command named in it is refused too, before any plan is read', () => {
    const { dir } = repo('terraform: { command: ./bin/terraform }\n');
    const r = cli([join(dir, 'docker-compose.yml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('names a terraform command (./bin/terraform), which run as code');
  });

  it('--allow-plugins loads them', () => {
    const { dir, ran } = repo();
    const r = cli([join(dir, 'docker-compose.yml'), '--allow-plugins']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ran()).toBe(true);
  });

  it('naming the config with --config trusts it', () => {
    const { dir, ran } = repo();
    const r = cli([join(dir, 'docker-compose.yml'), '--config', join(dir, '.iac-guard.yml')]);
    expect(r.code).toBe(0);
    expect(ran()).toBe(true);
  });

  it('--refuse-plugins refuses even a config named with --config (CI on untrusted changes)', () => {
    const { dir, ran } = repo();
    const r = cli([join(dir, 'docker-compose.yml'), '--config', join(dir, '.iac-guard.yml'), '--refuse-plugins']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('this run refuses to run code from a config (--refuse-plugins)');
    expect(ran()).toBe(false);
    expect(cli([join(dir, 'docker-compose.yml'), '--allow-plugins', '--refuse-plugins']).stderr).toContain('contradict each other');
  });

  it('a config with no plugins is not affected by --refuse-plugins', () => {
    const { dir } = repo('fail-on: warning\n');
    expect(cli([join(dir, 'docker-compose.yml'), '--refuse-plugins']).code).toBe(0);
  });
});

describe('a config outside the scanned tree is the user’s own', () => {
  it('one found above the repository loads its plugins', () => {
    const { dir, ran } = repo();
    const checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, '.git'), { recursive: true });
    writeFileSync(join(checkout, 'docker-compose.yml'), CLEAN_COMPOSE);
    const r = cli([join(checkout, 'docker-compose.yml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ran()).toBe(true);
  });
});

describe('the GitHub Action never runs code from the checkout unless allow-plugins is set', () => {
  const actionEnv = (workspace: string, inputs: Record<string, string>) => {
    const runner = tempDir('iac-guard-trust-runner-');
    return {
      PATH: process.env.PATH,
      IAC_GUARD_TODAY: '2026-11-22',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
      GITHUB_OUTPUT: join(runner, 'output.txt'),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
  };

  it('refused by default, even with the config input naming the file', async () => {
    const { dir, ran } = repo();
    let out = '';
    const code = await runAction(actionEnv(dir, { paths: 'docker-compose.yml', config: '.iac-guard.yml' }), (t) => (out += t));
    expect(code).toBe(2);
    expect(out).toContain('this run refuses to run code from a config');
    expect(ran()).toBe(false);
  });

  it('loaded with allow-plugins: true', async () => {
    const { dir, ran } = repo();
    const code = await runAction(actionEnv(dir, { paths: 'docker-compose.yml', 'allow-plugins': 'true' }), () => {});
    expect(code).toBe(0);
    expect(ran()).toBe(true);
  });
});
