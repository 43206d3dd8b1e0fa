// The Minitwit example, through the built CLI as users run it: the stack with the classic
// Compose mistakes is blocked (exit 1) with each finding at its line; the fixed one passes.
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

interface JsonFinding {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
  path?: string;
}

/** The rules this example is about; other rules may add their own opinions elsewhere. */
const EXAMPLE_RULES = new Set(['compose-log-rotation', 'compose-swarm-ignored', 'compose-port-exposed', 'image-unpinned', 'wildcard-allowlist']);

describe('examples/minitwit', () => {
  it('blocks the original stack with every finding at its line', () => {
    const r = cli(['examples/minitwit/docker-compose.yml', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings
      .filter((f) => EXAMPLE_RULES.has(f.ruleId))
      .map((f) => [f.ruleId, f.severity, f.line, f.column, f.path]);
    expect(findings).toEqual([
      ['compose-log-rotation', 'error', 5, 3, 'services.web'],
      ['compose-swarm-ignored', 'warning', 6, 5, 'services.web.build'],
      ['compose-swarm-ignored', 'warning', 8, 5, 'services.web.container_name'],
      ['compose-swarm-ignored', 'warning', 9, 5, 'services.web.depends_on'],
      ['compose-log-rotation', 'error', 18, 3, 'services.db'],
      ['compose-port-exposed', 'error', 21, 9, 'services.db.ports[0]'],
      ['compose-log-rotation', 'error', 28, 3, 'services.agent'],
      ['image-unpinned', 'error', 29, 5, 'services.agent.image'],
      ['wildcard-allowlist', 'error', 32, 9, 'services.agent.environment.ACCEPTED_IPS'],
    ]);
  });

  it('passes the fixed stack with no finding at all', () => {
    const r = cli(['examples/minitwit/fixed/docker-compose.yml', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings).toEqual([]);
  });

  it('says where and why in the text report', () => {
    const r = cli(['examples/minitwit/docker-compose.yml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/minitwit/docker-compose.yml:21:9');
    expect(r.stdout).toMatch(/bypass ufw/);
    expect(r.stdout).toContain('"127.0.0.1:5432:5432"');
  });
});
