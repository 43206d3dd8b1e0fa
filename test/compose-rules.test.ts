// What the fixture test does not look at: related locations and the fix each message proposes.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { run } from '../src/engine/runner.js';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { BUILTIN_RULES } from '../rules/index.js';

const ROOT = join(import.meta.dirname, '..');

/** One rule over one fixture, as the fixture test runs it (importing that test would rerun it). */
function runFixture(ruleId: string, target: string) {
  return run({
    targets: [target],
    cwd: ROOT,
    config: { ...DEFAULT_CONFIG },
    rules: BUILTIN_RULES,
    only: [ruleId],
    load: { cwd: ROOT, vars: {}, varFiles: [], helmValues: [], env: {} },
    today: '2026-11-22',
  });
}

const fixture = (rule: string, area: string, name: string) => join('rules', area, rule, 'fixtures', name);

describe('compose-duplicate-deployment', () => {
  it('points the second copy at the first one, across projects', async () => {
    const result = await runFixture('compose-duplicate-deployment', fixture('compose-duplicate-deployment', 'compose', 'bad/compose-ghost-agent'));
    const [finding] = result.findings;
    expect(finding?.location.file).toMatch(/monitoring\/docker-compose\.yml$/);
    expect(finding?.related).toEqual([
      {
        message: 'services.node-agent is defined here',
        location: { file: expect.stringMatching(/app\/docker-compose\.yml$/), range: { start: { line: 4, column: 3 }, end: { line: 4, column: 13 } } },
      },
    ]);
    expect(finding?.message).toContain('identical hostname prod-web-1, `AGENT_NAME=prod-web-1`');
  });
});

describe('compose-port-exposed', () => {
  it('proposes the same mapping bound to localhost, keeping variables', async () => {
    const result = await runFixture('compose-port-exposed', fixture('compose-port-exposed', 'compose', 'bad/compose-db-ports.yml'));
    const fixes = result.findings.map((f) => /Bind it to localhost \(`"([^"]+)"`\)/.exec(f.message)?.[1]);
    expect(fixes).toEqual([
      '127.0.0.1:5432:5432',
      '127.0.0.1:6379:6379',
      '127.0.0.1:27017:27017',
      '127.0.0.1:9200:9200',
      '127.0.0.1:2375:2375',
      '127.0.0.1:13306:3306',
      '127.0.0.1:5433:5432',
      '127.0.0.1:${POOLER_PORT}:5432',
    ]);
  });
});

describe('image-unpinned (compose)', () => {
  it('shows the image as written when a variable chose the tag', async () => {
    const result = await runFixture('image-unpinned', fixture('image-unpinned', 'shared', 'bad/compose-env-tag'));
    expect(result.findings[0]?.message).toMatch(/^`services\.api\.image` \(`example\/api:\$\{API_TAG\}` after variable substitution\) pulls `example\/api:latest`/);
  });

  it('reports an anchored image once, naming every service that uses it', async () => {
    const result = await runFixture('image-unpinned', fixture('image-unpinned', 'shared', 'bad/compose-tags.yml'));
    expect(result.findings.filter((f) => f.location.range.start.line === 2).map((f) => f.message.split(' pulls ')[0])).toEqual([
      '`services.api.image` (also services.worker, through a YAML anchor)',
    ]);
  });
});
