// The commands for people: `rules`, `explain`, `init`, progress on stderr, and the default
// scan still working beside the subcommands.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BUILTIN_RULES } from '../rules/index.js';
import { parseConfig } from '../src/engine/config.js';
import { configTemplate, INSTALLED_SCHEMA, installSnippet, preCommitSnippet, schemaReference, workflowSnippet } from '../src/commands/init.js';
import { suggest } from '../src/core/suggest.js';
import { createProgress, PROGRESS_AFTER_FILES } from '../src/commands/progress.js';
import { cli, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const tmp = () => tempDir('iac-guard-cmd-');

describe('iac-guard rules', () => {
  it('lists every rule with severity, inputs, category and summary', () => {
    const r = cli(['rules']);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^RULE +SEVERITY +INPUTS +CATEGORY +SUMMARY$/);
    for (const rule of BUILTIN_RULES) {
      const row = out.find((l) => l.startsWith(`${rule.id} `));
      expect(row, rule.id).toBeDefined();
      expect(row!.split(/ {2,}/)).toEqual([rule.id, rule.severity, rule.inputs.join(',') || 'engine', rule.category, rule.docs.summary]);
    }
    expect(r.stdout).toContain(`${BUILTIN_RULES.length} rules.`);
  });

  it('--format json', () => {
    const r = cli(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const { version, rules } = JSON.parse(r.stdout) as { version: number; rules: { id: string; severity: string; inputs: string[]; category: string; summary: string; source: string }[] };
    expect(version).toBe(1);
    expect(rules.map((x) => x.id)).toEqual(BUILTIN_RULES.map((x) => x.id));
    const first = BUILTIN_RULES[0]!;
    expect(rules[0]).toEqual({ id: first.id, severity: first.severity, inputs: first.inputs, category: first.category, summary: first.docs.summary, source: 'built-in' });
  });

  it('includes the plugins of the config found from the working folder', () => {
    const r = cli(['rules', '--allow-plugins', '--format', 'json'], { cwd: join(ROOT, 'examples/custom-rule') });
    expect(r.code).toBe(0);
    const rules = (JSON.parse(r.stdout) as { rules: { id: string; source: string }[] }).rules;
    expect(rules.at(-1)).toMatchObject({ id: 'acme-no-privileged', source: 'plugin' });
    expect(cli(['rules', '--allow-plugins'], { cwd: join(ROOT, 'examples/custom-rule') }).stdout).toMatch(/^acme-no-privileged \(plugin\) +error +compose +exposure +A Compose service runs/m);
  });

  it('rejects an unknown format', () => {
    const r = cli(['rules', '--format', 'sarif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'sarif' is invalid");
  });
});

describe('iac-guard explain', () => {
  it('prints the rule page: why, bad and good examples, fix, allow', () => {
    const rule = BUILTIN_RULES.find((x) => x.id === 'image-unpinned')!;
    const r = cli(['explain', 'image-unpinned']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'docs/rules/image-unpinned.md'), 'utf8'));
    const sections = [...r.stdout.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Why it is dangerous', 'Bad example', 'Good example', 'How to fix', 'How to allow it', 'Options']);
    expect(r.stdout).toContain(rule.docs.why);
    expect(r.stdout).toContain(rule.docs.fix);
    expect(r.stdout).toMatch(/From `rules\/shared\/image-unpinned\/fixtures\/bad\/[^`]+`/);
    expect(r.stdout).toContain('reason: "<why this is safe>"');
  });

  it('explains a plugin rule from its metadata', () => {
    const r = cli(['explain', 'acme-no-privileged', '--allow-plugins'], { cwd: join(ROOT, 'examples/custom-rule') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# acme-no-privileged\n\nA Compose service runs with `privileged: true`\.\n/);
    expect(r.stdout).toContain('## Why it is dangerous\n\nA privileged container has every kernel capability');
    expect(r.stdout).toContain('No bad example in the fixtures.');
  });

  it('an unknown id exits 2 with suggestions', () => {
    const r = cli(['explain', 'image-unpined']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('iac-guard: unknown rule "image-unpined"; did you mean image-unpinned? (see `iac-guard rules`)\n');
    const none = cli(['explain', 'zzzz']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('iac-guard: unknown rule "zzzz" (see `iac-guard rules`)\n');
  });

  it('a missing id is a usage error', () => {
    const r = cli(['explain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'rule'");
  });

  it('suggests close spellings and ids sharing a word', () => {
    const ids = ['image-unpinned', 'wildcard-allowlist', 'compose-log-rotation', 'compose-port-exposed'];
    expect(suggest('imge-unpinned', ids)).toEqual(['image-unpinned']);
    expect(suggest('log-rotation', ids)).toEqual(['compose-log-rotation']);
    expect(suggest('allowlist-wildcard', ids)).toEqual(['wildcard-allowlist']);
    expect(suggest('nothing-like-it', ids)).toEqual([]);
  });
});

describe('iac-guard init', () => {
  it('writes a commented config that is valid, and prints the pre-commit and workflow snippets', () => {
    const d = tmp();
    const r = cli(['init'], { cwd: d });
    expect(r.code).toBe(0);
    const text = readFileSync(join(d, '.iac-guard.yml'), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${INSTALLED_SCHEMA}`);
    expect(() => parseConfig(text, '.iac-guard.yml')).not.toThrow();
    expect(r.stdout).toContain('Wrote .iac-guard.yml.');
    expect(r.stdout).toContain(preCommitSnippet());
    expect(r.stdout).toContain(installSnippet());
    expect(r.stdout).toContain(workflowSnippet());
  });

  it('never overwrites an existing config without --force', () => {
    const d = tmp();
    writeFileSync(join(d, '.iac-guard.yml'), 'fail-on: never\n');
    const r = cli(['init'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('iac-guard: .iac-guard.yml already exists; not overwriting it (use --force to replace it)\n');
    expect(readFileSync(join(d, '.iac-guard.yml'), 'utf8')).toBe('fail-on: never\n');

    const forced = cli(['init', '--force'], { cwd: d });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(d, '.iac-guard.yml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
  });

  it('an existing .iac-guard.yaml counts too, and a folder can be named', () => {
    const d = tmp();
    mkdirSync(join(d, 'infra'));
    writeFileSync(join(d, 'infra/.iac-guard.yaml'), 'fail-on: never\n');
    const r = cli(['init', 'infra'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('infra/.iac-guard.yaml already exists');
    expect(existsSync(join(d, 'infra/.iac-guard.yml'))).toBe(false);
    expect(cli(['init', 'nowhere'], { cwd: d }).code).toBe(2);
  });

  it('points the schema at this installation when it lives inside the project', () => {
    expect(schemaReference(ROOT, ROOT)).toBe('./docs/config.schema.json');
    expect(schemaReference(join(ROOT, 'examples'), ROOT)).toBe(INSTALLED_SCHEMA);
    // A folder unrelated to this checkout (not tmpdir() itself: CI may clone under it).
    expect(schemaReference(tempDir('iac-guard-init-'), ROOT)).toBe(INSTALLED_SCHEMA);
  });

  it('the template names only real rule ids, and its commented examples are valid config', () => {
    const template = configTemplate(INSTALLED_SCHEMA);
    const ids = new Set(BUILTIN_RULES.map((r) => r.id));
    const named = [...template.matchAll(/^# {2}([a-z0-9]+(?:-[a-z0-9]+)+):|- rule: (\S+)/gm)].map((m) => m[1] ?? m[2]!);
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(ids.has(id), id).toBe(true);
    // Uncomment every example (`#  ...` lines) and the config must still be valid.
    const uncommented = template
      .replace(/^# {2}image-unpinned: warning\n/m, '') // an alternative to the example below it
      .replace(/^#( {2}.*)$/gm, '$1')
      .replace(/^([a-z-]+): (?:\{\}|\[\])\n(?= {2})/gm, '$1:\n');
    const config = parseConfig(uncommented, '.iac-guard.yml');
    expect(config.rules['image-unpinned']).toEqual({ options: { minimumPin: 'version' } });
    expect(config.allow[0]).toMatchObject({ rule: 'image-unpinned', resource: 'services.legacy.image', expires: '2027-01-31' });
    expect(config.resourceTypes).toEqual({ database: ['mycorp_database'] });
    expect(config.compose.target).toBe('swarm');
    expect(config.exclude).toEqual(['**/testdata/**']);
    expect(config.plugins).toEqual(['./iac-guard-rules/team-tag.mjs']);
  });

  it('the printed snippets are valid YAML', () => {
    const hooks = parseYaml(preCommitSnippet('1.2.3')) as { repos: { repo: string; rev: string; hooks: { id: string }[] }[] };
    expect(hooks.repos[0]).toEqual({ repo: 'https://github.com/iac-guard/iac-guard', rev: 'v1.2.3', hooks: [{ id: 'iac-guard' }, { id: 'iac-guard-diff' }] });
    // The hook ids printed are the ones this repository publishes.
    const published = parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[];
    expect(published.map((h) => h.id)).toEqual(hooks.repos[0]!.hooks.map((h) => h.id));
    const workflow = parseYaml(workflowSnippet('1.2.3')) as { jobs: { 'iac-guard': { steps: { uses?: string }[] } } };
    expect(workflow.jobs['iac-guard'].steps.map((s) => s.uses)).toContain('iac-guard/iac-guard@v1.2.3');
  });
});

describe('the default command still scans beside the subcommands', () => {
  it('iac-guard <file> scans it', () => {
    const r = cli(['examples/custom-rule/docker-compose.yml', '--allow-plugins', '--rule', 'acme-no-privileged', '--format', 'json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toEqual(['acme-no-privileged']);
  });

  it('a folder literally named `rules` is scanned as ./rules; bare `rules` is the subcommand', () => {
    const d = tmp();
    mkdirSync(join(d, 'rules'));
    writeFileSync(join(d, 'rules/docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27.2\n    logging:\n      driver: local\n');
    const scanned = cli(['./rules', '--format', 'json'], { cwd: d });
    expect(scanned.code).toBe(0);
    expect(JSON.parse(scanned.stdout)).toMatchObject({ findings: [], errors: [], summary: { files: 1 } });
    expect(cli(['rules'], { cwd: d }).stdout).toMatch(/^RULE +SEVERITY/);
  });

  it('--help lists the subcommands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['rules', 'explain', 'init']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
});

describe('progress on stderr', () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { isTTY, writes, write: (t: string) => writes.push(t) };
  };

  it('stays silent for a short run, when piped, and with --quiet', () => {
    const short = stream(true);
    let now = 0;
    const p = createProgress({ stream: short, quiet: false, now: () => now });
    for (let i = 0; i < 10; i++, now += 50) p.onProgress('read', i, 10); // 10 files in 0.5 s
    p.finish();
    expect(short.writes).toEqual([]);
    // Piped or quiet: silent even when long.
    for (const [tty, quiet] of [[false, false], [true, true]] as const) {
      const s = stream(tty);
      const q = createProgress({ stream: s, quiet, now: () => 5000 });
      q.onProgress('read', 0, 1000);
      q.finish();
      expect(s.writes).toEqual([]);
    }
  });

  it('shows on a terminal after a second, or at once for many files, then clears its line', () => {
    const s = stream(true);
    let now = 0;
    const p = createProgress({ stream: s, quiet: false, now: () => now });
    p.onProgress('read', 0, 3);
    expect(s.writes).toEqual([]);
    now = 1500;
    p.onProgress('parse', 1, 3);
    expect(s.writes).toEqual(['\r\x1b[Kiac-guard: parsing 2/3']);
    p.finish();
    expect(s.writes.at(-1)).toBe('\r\x1b[K');

    const many = stream(true);
    const q = createProgress({ stream: many, quiet: false, now: () => 0 });
    q.onProgress('read', 0, PROGRESS_AFTER_FILES + 1);
    expect(many.writes).toEqual([`\r\x1b[Kiac-guard: reading files 1/${PROGRESS_AFTER_FILES + 1}`]);
  });
});
