// Custom rules loaded through `.iac-guard.yml` `plugins:`: the documented example, local paths
// and npm packages resolved from the config file's folder, and every way a plugin can fail,
// each of which must stop the run (exit 2) rather than pass silently.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

interface JsonReport {
  findings: { ruleId: string; line: number; column: number; path?: string; message: string }[];
  errors: { file: string; message: string }[];
}
const report = (stdout: string) => JSON.parse(stdout) as JsonReport;

describe('examples/custom-rule', () => {
  it('its rule is loaded through the config and reports the privileged service (exit 1)', () => {
    const r = cli(['examples/custom-rule/docker-compose.yml', '--allow-plugins', '--rule', 'acme-no-privileged', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const { findings, errors } = report(r.stdout);
    expect(errors).toEqual([]);
    expect(findings.map((f) => [f.ruleId, f.line, f.column, f.path])).toEqual([['acme-no-privileged', 11, 5, 'services.monitoring-agent.privileged']]);
    expect(findings[0]!.message).toMatch(/^services\.monitoring-agent\.privileged runs the container privileged, so anyone who breaks into it owns the host/);
  });

  it("written as documented (`import { defineRule } from 'iac-guard'`), it loads from a folder with no node_modules", () => {
    // As under pre-commit, the Action or a global install: the plugin's folder has no iac-guard of its own.
    const d = tempDir('iac-guard-plugin-');
    mkdirSync(join(d, 'rules'));
    writeFileSync(join(d, 'rules', 'no-privileged.mjs'), readFileSync(join(ROOT, 'examples/custom-rule/rules/no-privileged.mjs'), 'utf8'));
    writeFileSync(join(d, '.iac-guard.yml'), 'plugins: [./rules/no-privileged.mjs]\n');
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  agent:\n    image: example/agent:1.0.0\n    privileged: true\n');
    const r = cli(['docker-compose.yml', '--allow-plugins', '--rule', 'acme-no-privileged', '--format', 'json'], { cwd: d });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(report(r.stdout).findings.map((f) => [f.ruleId, f.line])).toEqual([['acme-no-privileged', 4]]);
  });

  it('passes a file without privileged services (exit 0)', () => {
    const d = tempDir('iac-guard-plugin-');
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27.2\n    privileged: false\n');
    const r = cli([join(d, 'docker-compose.yml'), '--config', 'examples/custom-rule/.iac-guard.yml', '--rule', 'acme-no-privileged', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(report(r.stdout)).toMatchObject({ findings: [], errors: [] });
  });

  it('its findings obey config like a built-in rule: severity override, allow with a reason', () => {
    const d = tempDir('iac-guard-plugin-');
    const plugin = JSON.stringify(join(ROOT, 'examples/custom-rule/rules/no-privileged.mjs'));
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  agent:\n    image: example/agent:1.0.0\n    privileged: true\n');
    const scan = (config: string) => {
      writeFileSync(join(d, '.iac-guard.yml'), `plugins: [${plugin}]\n${config}`);
      return cli([join(d, 'docker-compose.yml'), '--allow-plugins', '--rule', 'acme-no-privileged', '--format', 'json']);
    };

    const warning = scan('rules: { acme-no-privileged: warning }\n');
    expect(warning.code).toBe(0); // a warning does not block under the default fail-on error
    expect(report(warning.stdout).findings).toMatchObject([{ ruleId: 'acme-no-privileged', severity: 'warning', line: 4, column: 5 }]);

    const allowed = scan('allow:\n  - rule: acme-no-privileged\n    resource: "services.agent.*"\n    reason: needs raw sockets; reviewed by security\n');
    expect(allowed.code).toBe(0);
    expect(report(allowed.stdout).findings).toMatchObject([
      { ruleId: 'acme-no-privileged', suppressed: true, suppression: { kind: 'config', reason: 'needs raw sockets; reviewed by security' } },
    ]);
  });
});

/** A project folder with a config naming `plugins`, the given files, and a Compose file to scan. */
function project(plugins: string[], files: Record<string, string>) {
  const d = tempDir('iac-guard-plugin-');
  writeFileSync(join(d, '.iac-guard.yml'), `plugins:\n${plugins.map((p) => `  - ${JSON.stringify(p)}`).join('\n')}\n`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27.2\n');
  return { dir: d, scan: (...args: string[]) => cli([join(d, 'docker-compose.yml'), '--allow-plugins', '--format', 'json', ...args]) };
}

/** A rule as a plain object (what defineRule returns, minus `inputs`, which the loader derives). */
const ruleSource = (id: string, body = "ctx.report({ messageId: 'm', data: { n: project.services().length }, at: project.services()[0].at, path: 'services' });") => `
export default {
  id: ${JSON.stringify(id)},
  severity: 'error',
  category: 'test',
  docs: { summary: 'Test rule.', why: 'Because.', fix: 'Fix.' },
  messages: { m: '{{n}} services' },
  check: { compose(project, ctx) { ${body} } },
};`;

describe('loading plugins', () => {
  it('a local module relative to the config file, and an array of rules', () => {
    const p = project(['./lib/rules.mjs'], {
      'lib/rules.mjs': `import one from './one.mjs';\nimport two from './two.mjs';\nexport default [one, two];\n`,
      'lib/one.mjs': ruleSource('acme-one'),
      'lib/two.mjs': ruleSource('acme-two'),
    });
    const r = p.scan('--rule', 'acme-one', '--rule', 'acme-two');
    expect(r.code).toBe(1);
    expect(report(r.stdout).findings.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual([
      ['acme-one', 2, 3, '1 services'],
      ['acme-two', 2, 3, '1 services'],
    ]);
  });

  it('an npm package resolved from the config file’s folder, ESM-only exports included', () => {
    const p = project(['acme-iac-rules', '@acme/scoped-rules'], {
      'node_modules/acme-iac-rules/package.json': JSON.stringify({ name: 'acme-iac-rules', type: 'module', exports: { '.': { import: './src/index.js' } } }),
      'node_modules/acme-iac-rules/src/index.js': ruleSource('acme-from-package'),
      'node_modules/@acme/scoped-rules/package.json': JSON.stringify({ name: '@acme/scoped-rules', main: 'index.mjs' }),
      'node_modules/@acme/scoped-rules/index.mjs': ruleSource('acme-from-scope'),
    });
    const r = p.scan('--rule', 'acme-from-package', '--rule', 'acme-from-scope');
    expect(r.code).toBe(1);
    expect(report(r.stdout).findings.map((f) => f.ruleId)).toEqual(['acme-from-package', 'acme-from-scope']);
  });
});

describe('a plugin that cannot be used stops the run (exit 2)', () => {
  const fails = (plugins: string[], files: Record<string, string>, expected: RegExp) => {
    const r = project(plugins, files).scan();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one clear line, no stack trace
  };

  it('an id that collides with a built-in rule', () =>
    fails(['./x.mjs'], { 'x.mjs': ruleSource('image-unpinned') }, /^iac-guard: plugin \.\/x\.mjs: rule id "image-unpinned" is already used by the built-in rule image-unpinned; give the plugin rule its own id\n$/));

  it('two plugins with the same id', () =>
    fails(['./a.mjs', './b.mjs'], { 'a.mjs': ruleSource('acme-same'), 'b.mjs': ruleSource('acme-same') }, /plugin \.\/b\.mjs: rule id "acme-same" is already used by rule acme-same of plugin \.\/a\.mjs/));

  it('a missing file', () => fails(['./nope.mjs'], {}, /^iac-guard: plugin \.\/nope\.mjs: not found: .*nope\.mjs \(local paths are relative to the config file\)\n$/));

  it('a missing package', () => fails(['acme-not-installed'], {}, /plugin acme-not-installed: package not found from .*; install it \(npm install --save-dev acme-not-installed\)/));

  it('a syntax error', () => fails(['./x.mjs'], { 'x.mjs': 'export default {\n' }, /^iac-guard: plugin \.\/x\.mjs: failed to load .*x\.mjs: /));

  it('a TypeScript file', () => fails(['./x.ts'], { 'x.ts': 'export default {}' }, /plugin \.\/x\.ts: .*x\.ts is TypeScript; compile it to JavaScript \(\.js\/\.mjs\) first: Node 20 cannot import \.ts files/));

  it('no default export', () => fails(['./x.mjs'], { 'x.mjs': 'export const rule = 1;\n' }, /plugin \.\/x\.mjs: has no default export; write `export default defineRule\(\{\.\.\.\}\)`/));

  it('a rule without docs', () =>
    fails(['./x.mjs'], { 'x.mjs': ruleSource('acme-x').replace("docs: { summary: 'Test rule.', why: 'Because.', fix: 'Fix.' },", '') }, /plugin \.\/x\.mjs: rule "acme-x": `docs\.summary` must be a non-empty string/));

  it('an unknown handler', () =>
    fails(['./x.mjs'], { 'x.mjs': ruleSource('acme-x').replace('check: { compose(', 'check: { kubernetes(') }, /rule "acme-x": unknown handler kubernetes in `check`/));

  it('a bad id', () => fails(['./x.mjs'], { 'x.mjs': ruleSource('Acme_X') }, /rule "Acme_X": `id` must be kebab-case/));

  it('a rule that throws while checking is an error for that rule, not a pass', () => {
    const r = project(['./x.mjs'], { 'x.mjs': ruleSource('acme-throws', "throw new Error('boom');") }).scan();
    expect(r.code).toBe(2);
    expect(report(r.stdout).errors).toEqual([{ file: expect.stringMatching(/docker-compose\.yml$/), message: 'rule acme-throws failed: boom' }]);
  });
});
