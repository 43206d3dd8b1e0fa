// certificate-expiry end to end with certificates generated now, relative to a chosen "today":
// expired yesterday, expiring soon, valid for long. Keys are made in a temp folder and deleted.
// Needs the openssl command (to make certificates, not to check them); skipped visibly without it.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/engine/runner.js';
import { DEFAULT_CONFIG, parseConfig } from '../src/engine/config.js';
import { BUILTIN_RULES } from '../rules/index.js';

const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
const TMP = mkdtempSync(join(tmpdir(), 'iac-guard-cert-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const TODAY = '2031-03-15';
const day = (offset: number) => new Date(Date.parse(`${TODAY}T12:00:00Z`) + offset * 86_400_000);
/** openssl ca date: YYYYMMDDHHMMSSZ */
const asn1 = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

/** A self-signed certificate for `cn`, valid between two days relative to TODAY. */
function certificate(cn: string, fromDays: number, toDays: number): string {
  const dir = mkdtempSync(join(TMP, 'ca-'));
  try {
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      '[ca]\ndefault_ca = t\n[t]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n',
    );
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k.pem', '-subj', `/CN=${cn}`, '-out', 'r.csr']);
    run(['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'k.pem', '-in', 'r.csr', '-startdate', asn1(day(fromDays)), '-enddate', asn1(day(toDays)), '-notext', '-out', 'c.pem']);
    return readFileSync(join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the private key goes with it
  }
}

const indent = (pem: string, by: string) => pem.trim().split('\n').map((l) => by + l).join('\n');

async function scan(dir: string, configText?: string) {
  const config = configText ? parseConfig(configText, '.iac-guard.yml') : { ...DEFAULT_CONFIG };
  const result = await run({
    targets: [dir],
    cwd: TMP,
    config,
    rules: BUILTIN_RULES,
    only: ['certificate-expiry'],
    load: { cwd: TMP, vars: {}, varFiles: [], helmValues: [], env: {} },
    today: TODAY,
  });
  expect(result.errors).toEqual([]);
  return result.findings.map((f) => ({ line: f.location.range.start.line, messageId: f.messageId, severity: f.severity, message: f.message }));
}

const suite = HAS_OPENSSL ? describe : describe.skip;
suite(`certificate-expiry with certificates made for the day${HAS_OPENSSL ? '' : ' (SKIPPED: no openssl command to make them)'}`, () => {
  let dir = '';
  const setup = () => {
    if (dir) return dir;
    dir = join(TMP, 'chart');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: edge\nversion: 1.0.0\n');
    writeFileSync(
      join(dir, 'values.yaml'),
      [
        'expired:',
        '  crt: |',
        indent(certificate('yesterday.test', -400, -1), '    '),
        'soon:',
        '  crt: |',
        indent(certificate('in-ten-days.test', -30, 10), '    '),
        'fine:',
        '  crt: |',
        indent(certificate('next-year.test', -30, 200), '    '),
        '',
      ].join('\n'),
    );
    return dir;
  };

  it('expired is an error, expiring within 30 days a warning, later is fine; messages name subject and date', async () => {
    const findings = await scan(setup());
    // Each finding points at the BEGIN line of its certificate (generated lengths vary by a line).
    const lines = readFileSync(join(setup(), 'values.yaml'), 'utf8').split('\n');
    const beginLines = lines.flatMap((l, i) => (l.includes('BEGIN CERTIFICATE') ? [i + 1] : []));
    expect(findings.map(({ line, messageId, severity }) => ({ line, messageId, severity }))).toEqual([
      { line: beginLines[0], messageId: 'expired', severity: 'error' },
      { line: beginLines[1], messageId: 'expiring', severity: 'warning' },
    ]);
    expect(beginLines[0]).toBe(3);
    expect(findings[0]!.message).toContain('CN=yesterday.test');
    expect(findings[0]!.message).toContain('expired on 2031-03-14');
    expect(findings[1]!.message).toContain('expires on 2031-03-25 (in 10 days)');
  });

  it('warnDays moves the warning horizon', async () => {
    const narrow = await scan(setup(), 'rules:\n  certificate-expiry:\n    options:\n      warnDays: 5\n');
    expect(narrow.map((f) => f.messageId)).toEqual(['expired']);
    const wide = await scan(setup(), 'rules:\n  certificate-expiry:\n    options:\n      warnDays: 365\n');
    expect(wide.map((f) => f.messageId)).toEqual(['expired', 'expiring', 'expiring']);
  });
});
