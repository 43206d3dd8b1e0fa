// Helm end to end, the way users run it: the built CLI on examples/expiring-cert (an incident
// reproduction), with `--values`, and on values it cannot read.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'iac-guard-helm-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('examples/expiring-cert: the client certificate nobody renewed', () => {
  it('exits 1 on the expired certificate in values-prod.yaml and warns about the one expiring', () => {
    const r = cli(['examples/expiring-cert', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; file: string; line: number; column: number; message: string }[] };
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.file, f.line, f.column])).toEqual([
      ['certificate-expiry', 'error', 'examples/expiring-cert/values-prod.yaml', 5, 7],
      ['certificate-expiry', 'warning', 'examples/expiring-cert/values-prod.yaml', 19, 7],
    ]);
    expect(report.findings[0]!.message).toContain('CN=partner-api.acme.example');
    expect(report.findings[0]!.message).toContain('expired on 2026-11-01');
  });

  it('finds the same with the override given as --values', () => {
    const r = cli(['--values', 'examples/expiring-cert/values-prod.yaml', 'examples/expiring-cert/values.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/expiring-cert/values-prod.yaml:5:7');
  });

  it('passes once the date is before any expiry window', () => {
    const r = cli(['examples/expiring-cert'], { env: { IAC_GUARD_TODAY: '2026-06-01' } });
    expect(r.stdout).not.toContain('certificate-expiry');
    expect(r.code).toBe(0);
  });
});

describe('helm from the command line: fail closed', () => {
  it('exits 2 naming file:line:column when an override is not valid YAML', () => {
    const dir = join(TMP, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: broken\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\n');
    writeFileSync(join(dir, 'values-prod.yaml'), 'image:\n  tag: "1.2\n');
    const r = cli([dir]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/values-prod\.yaml:\d+:\d+: invalid YAML/);
  });

  it('exits 2 when a --values file does not exist', () => {
    const r = cli(['--values', 'no-such-values.yaml', 'examples/expiring-cert']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('no-such-values.yaml');
  });
});
