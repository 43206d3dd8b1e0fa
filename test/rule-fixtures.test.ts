// The one generic rule test: every rules/<area>/<id>/fixtures/bad/* must produce the findings
// listed for it in fixtures/expected.yml (rule, message id, line, column, resource/path), and
// every fixtures/good/* must produce none of that rule. A fixture is a file or a folder
// (a Terraform module, a Compose file with its .env, a Helm chart).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_RULES, RULE_FOLDERS } from '../rules/index.js';
import { run } from '../src/engine/runner.js';
import { DEFAULT_CONFIG, loadConfig } from '../src/engine/config.js';
import { fixtureInputs } from '../src/engine/diff/load.js';

const ROOT = join(import.meta.dirname, '..');
/** Fixed so expiry-based fixtures do not rot; certificate fixtures are generated per run. */
export const FIXTURE_TODAY = '2026-11-22';

interface Expected {
  line: number;
  column: number;
  messageId?: string;
  resource?: string;
  path?: string;
  severity?: string;
  /** The finding's file, when it is not the fixture itself (a module's file, an env_file). */
  file?: string;
}

export async function runFixture(ruleId: string, target: string) {
  const cfgFile = join(target, '.iac-guard.yml');
  // Fixtures sit under rules/**/fixtures/: judge them as deployments, not as example files.
  const config = { ...(existsSync(cfgFile) ? loadConfig(cfgFile) : DEFAULT_CONFIG), devFiles: 'strict' as const };
  // Files outside the repository are not read, as in a real scan of it.
  const load = { cwd: ROOT, vars: {}, varFiles: [], helmValues: [], env: {}, roots: [realpathSync(ROOT)], ...(config.compose.target ? { composeTarget: config.compose.target } : {}) };
  return run({
    // A diff rule's fixture is a base/ + head/ pair of one Terraform root, not a target to scan.
    ...(await fixtureInputs(BUILTIN_RULES.find((r) => r.id === ruleId)!, target, load)),
    cwd: ROOT,
    config,
    rules: BUILTIN_RULES,
    only: [ruleId],
    load,
    today: FIXTURE_TODAY,
  });
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')).sort() : []);

for (const rule of BUILTIN_RULES) {
  const folder = join(ROOT, 'rules', RULE_FOLDERS[rule.id]!);
  const expectations = (existsSync(join(folder, 'fixtures/expected.yml'))
    ? parse(readFileSync(join(folder, 'fixtures/expected.yml'), 'utf8'))
    : {}) as Record<string, Expected[]>;

  describe(`rule ${rule.id}`, () => {
    it('has bad and good fixtures, each bad one with expected positions', () => {
      const bad = list(join(folder, 'fixtures/bad'));
      expect(bad.length, `${folder}/fixtures/bad is empty`).toBeGreaterThan(0);
      expect(list(join(folder, 'fixtures/good')).length, `${folder}/fixtures/good is empty`).toBeGreaterThan(0);
      for (const name of bad) expect(Object.keys(expectations), `fixtures/expected.yml lacks bad/${name}`).toContain(`bad/${name}`);
    });

    for (const name of list(join(folder, 'fixtures/bad'))) {
      it(`finds the problem in bad/${name}`, async () => {
        const target = join('rules', RULE_FOLDERS[rule.id]!, 'fixtures/bad', name);
        const result = await runFixture(rule.id, target);
        expect(result.errors).toEqual([]);
        const got = result.findings.filter((f) => f.ruleId === rule.id);
        expect(got.length).toBeGreaterThan(0);
        const want = expectations[`bad/${name}`] ?? [];
        const shape = (f: (typeof got)[number]) => {
          const e = want.find((w) => w.line === f.location.range.start.line && w.column === f.location.range.start.column);
          return {
            line: f.location.range.start.line,
            column: f.location.range.start.column,
            ...(e?.messageId ? { messageId: f.messageId } : {}),
            ...(e?.resource ? { resource: f.resource } : {}),
            ...(e?.path ? { path: f.path } : {}),
            ...(e?.severity ? { severity: f.severity } : {}),
            ...(e?.file ? { file: f.location.file } : {}),
          };
        };
        const sort = <T extends { line: number; column: number }>(xs: T[]) =>
          [...xs].sort((a, b) => a.line - b.line || a.column - b.column || JSON.stringify(a).localeCompare(JSON.stringify(b)));
        expect(sort(got.map(shape))).toEqual(sort(want.map((w) => ({ ...w }))));
      });
    }

    for (const name of list(join(folder, 'fixtures/good'))) {
      it(`finds nothing in good/${name}`, async () => {
        const target = join('rules', RULE_FOLDERS[rule.id]!, 'fixtures/good', name);
        const result = await runFixture(rule.id, target);
        expect(result.errors).toEqual([]);
        expect(result.findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
      });
    }
  });
}

describe('rule registry', () => {
  it('rules/index.ts matches the rule folders', async () => {
    const { execFileSync } = await import('node:child_process');
    expect(() => execFileSync('node', ['scripts/gen-registry.mjs', '--check'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('every rule id equals its folder name and is unique', () => {
    const ids = new Set<string>();
    for (const rule of BUILTIN_RULES) {
      expect(RULE_FOLDERS[rule.id]!.split('/')[1]).toBe(rule.id);
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(ids.has(rule.id)).toBe(false);
      ids.add(rule.id);
    }
  });
});
