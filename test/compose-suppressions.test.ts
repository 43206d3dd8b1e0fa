// Inline `# iac-guard-ignore` comments in Compose files (and env files): a valid one suppresses
// the finding it stands above or trails, and records why; an expired one lets it come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/engine/runner.js';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { BUILTIN_RULES } from '../rules/index.js';

const TODAY = '2026-11-22';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-compose-supp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(name: string, files: Record<string, string>, rules: string[]) {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  const result = await run({
    targets: [folder],
    cwd: dir,
    config: { ...DEFAULT_CONFIG },
    rules: BUILTIN_RULES,
    only: rules,
    load: { cwd: dir, vars: {}, varFiles: [], helmValues: [], env: {} },
    today: TODAY,
  });
  expect(result.errors).toEqual([]);
  return result.findings.map((f) => ({
    rule: f.ruleId,
    line: f.location.range.start.line,
    column: f.location.range.start.column,
    suppressed: f.suppressed,
    ...(f.suppression ? { suppression: f.suppression } : {}),
  }));
}

describe('inline suppressions in Compose files', () => {
  it('a comment above a service suppresses its finding, with kind inline and the reason', async () => {
    const findings = await scan(
      'above',
      {
        'docker-compose.yml': [
          'services:',
          '  # iac-guard-ignore compose-log-rotation: daemon.json rotates logs on this host',
          '  web:',
          '    image: nginx:1.27.2',
          '  api:',
          '    image: example/api:3.0.1',
          '',
        ].join('\n'),
      },
      ['compose-log-rotation'],
    );
    expect(findings).toEqual([
      { rule: 'compose-log-rotation', line: 3, column: 3, suppressed: true, suppression: { kind: 'inline', reason: 'daemon.json rotates logs on this host' } },
      { rule: 'compose-log-rotation', line: 5, column: 3, suppressed: false },
    ]);
  });

  it('a trailing comment suppresses the entry on its own line only', async () => {
    const findings = await scan(
      'trailing',
      {
        'docker-compose.yml': [
          'services:',
          '  db:',
          '    image: postgres:16.4',
          '    ports:',
          '      - "5432:5432" # iac-guard-ignore compose-port-exposed: VPN-only host, see NET-42',
          '      - "5433:5432"',
          '',
        ].join('\n'),
      },
      ['compose-port-exposed'],
    );
    expect(findings).toEqual([
      { rule: 'compose-port-exposed', line: 5, column: 9, suppressed: true, suppression: { kind: 'inline', reason: 'VPN-only host, see NET-42' } },
      { rule: 'compose-port-exposed', line: 6, column: 9, suppressed: false },
    ]);
  });

  it('an expired comment stops suppressing and is reported itself', async () => {
    const findings = await scan(
      'expired',
      {
        'docker-compose.yml': [
          'services:',
          '  db:',
          '    image: postgres:16.4',
          '    ports:',
          '      # iac-guard-ignore compose-port-exposed: migration weekend until 2026-01-01',
          '      - "5432:5432"',
          '',
        ].join('\n'),
      },
      ['compose-port-exposed', 'suppression-expired'],
    );
    expect(findings).toEqual([
      { rule: 'suppression-expired', line: 5, column: 7, suppressed: false },
      { rule: 'compose-port-exposed', line: 6, column: 9, suppressed: false },
    ]);
  });

  it('an unexpired date still suppresses and is kept on the suppression', async () => {
    const findings = await scan(
      'until',
      {
        'docker-compose.yml': 'services:\n  db:\n    image: postgres:16.4\n    ports:\n      # iac-guard-ignore compose-port-exposed: migration until 2027-01-01\n      - "5432:5432"\n',
      },
      ['compose-port-exposed'],
    );
    expect(findings).toEqual([
      { rule: 'compose-port-exposed', line: 6, column: 9, suppressed: true, suppression: { kind: 'inline', reason: 'migration', expires: '2027-01-01' } },
    ]);
  });

  it('works in env files too', async () => {
    const findings = await scan(
      'envfile',
      {
        'docker-compose.yml': 'services:\n  agent:\n    image: example/agent:1.0.0\n    env_file: agent.env\n',
        'agent.env': '# iac-guard-ignore wildcard-allowlist: lab network, isolated by the VPN\nACCEPTED_IPS=*\nTRUSTED_HOSTS=*\n',
      },
      ['wildcard-allowlist'],
    );
    expect(findings).toEqual([
      { rule: 'wildcard-allowlist', line: 2, column: 1, suppressed: true, suppression: { kind: 'inline', reason: 'lab network, isolated by the VPN' } },
      { rule: 'wildcard-allowlist', line: 3, column: 1, suppressed: false },
    ]);
  });
});
