// Plan findings point at the .tf block when the sources are known, so inline suppressions in
// the .tf files work for plans too.
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

interface Report {
  findings: { ruleId: string; file: string; line: number; column: number; resource?: string; suppressed: boolean; suppression?: { kind: string; reason: string } }[];
  errors: unknown[];
}
const scan = (args: string[], cwd = ROOT) => {
  const r = cli([...args, '--format', 'json'], { cwd });
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
};

describe('plan findings and Terraform sources', () => {
  it('point into the plan when no sources are beside it', () => {
    const { code, report } = scan(['examples/keyring-swap/plan.json']);
    expect(code).toBe(1);
    expect(new Set(report.findings.map((f) => f.file))).toEqual(new Set(['examples/keyring-swap/plan.json']));
  });

  it('point at the .tf block with --tf-dir', () => {
    const { code, report } = scan(['examples/keyring-swap/plan.json', '--tf-dir', 'examples/keyring-swap/after']);
    expect(code).toBe(1);
    const disk = report.findings.find((f) => f.resource === 'google_compute_disk.pg_backups')!;
    expect([disk.ruleId, disk.file, disk.line, disk.column]).toEqual(['plan-stateful-destroyed', 'examples/keyring-swap/after/main.tf', 73, 1]);
    const ring = report.findings.find((f) => f.resource === 'google_kms_key_ring.logs')!;
    expect([ring.ruleId, ring.file, ring.line]).toEqual(['plan-key-container-replaced', 'examples/keyring-swap/after/main.tf', 24]);
  });

  it('are found beside the plan, and an iac-guard-ignore comment in the .tf suppresses them', () => {
    const dir = tempDir('iac-guard-plan-src-');
    cpSync(join(ROOT, 'examples/keyring-swap/plan.json'), join(dir, 'plan.json'));
    const tf = readFileSync(join(ROOT, 'examples/keyring-swap/after/main.tf'), 'utf8').split('\n');
    tf.splice(72, 0, '# iac-guard-ignore plan-stateful-destroyed: scratch disk, refilled from the nightly dump');
    writeFileSync(join(dir, 'main.tf'), tf.join('\n'));
    const { report } = scan(['plan.json'], dir);
    const disk = report.findings.find((f) => f.resource === 'google_compute_disk.pg_backups' && f.ruleId === 'plan-stateful-destroyed')!;
    expect([disk.file, disk.line, disk.suppressed, disk.suppression]).toEqual([
      'main.tf',
      74,
      true,
      { kind: 'inline', reason: 'scratch disk, refilled from the nightly dump' },
    ]);
    expect(report.findings.filter((f) => !f.suppressed).length).toBeGreaterThan(0);
  });

  it('an explicit --tf-dir that is not Terraform is an error (exit 2)', () => {
    const { code, report } = scan(['examples/keyring-swap/plan.json', '--tf-dir', 'examples/minitwit']);
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: 'examples/minitwit', message: '--tf-dir: no .tf files here' }]);
  });
});
