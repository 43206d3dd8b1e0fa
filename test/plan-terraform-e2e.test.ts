// End to end with real terraform: init from the offline provider mirror, plan -out against a
// hand-written state, then iac-guard on the binary plan AND on `terraform show -json` output,
// and the plan-gate Makefile driving real terraform. Skips, visibly, where terraform or the
// mirror is absent. Everything terraform writes stays in a temporary folder.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cli } from './helpers/cli.js';

const MIRROR = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0 && existsSync(join(MIRROR, 'registry.terraform.io/hashicorp/aws'));
if (!hasTerraform) console.log(`note: terraform or the provider mirror at ${MIRROR} is absent; the real-terraform tests are skipped`);

const SCENARIOS = join(ROOT, 'test/fixtures/plans/real/scenarios');
const work = mkdtempSync(join(tmpdir(), 'iac-guard-tf-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cliConfig = join(work, 'cli.tfrc');
writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${MIRROR}"\n  }\n}\ndisable_checkpoint = true\n`);
const env = { TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };

/** Copies a scenario to the temp folder, writes its state, and runs terraform init + plan -out tfplan. */
function planScenario(name: string): string {
  const dir = join(work, name);
  cpSync(join(SCENARIOS, name), dir, { recursive: true });
  const resources = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { type: string; name: string; schema_version?: number; attributes: unknown }[];
  rmSync(join(dir, 'state.json'));
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: '3f6b1a52-9d2e-4c7a-8f0e-5b1c2d3e4f50',
    outputs: {},
    resources: resources.map((r) => ({
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider: `provider["${r.type === 'terraform_data' ? 'terraform.io/builtin/terraform' : 'registry.terraform.io/hashicorp/aws'}"]`,
      instances: [{ schema_version: r.schema_version ?? 0, attributes: r.attributes, sensitive_attributes: [] }],
    })),
  };
  writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
  const tf = (...args: string[]) => execFileSync('terraform', args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' });
  tf('init', '-input=false', '-no-color');
  tf('plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out', 'tfplan');
  return dir;
}

/** "rule resource" for each finding in the text report. */
const findingLines = (stdout: string) =>
  stdout
    .split('\n')
    .map((l) => /^\s+(error|warning|info)\s+(\S+)\s+\S+\s+(\S+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[2]} ${m[3]}`);

describe.skipIf(!hasTerraform)('real terraform 1.x plans', () => {
  it('a replaced KMS key: blocked through the binary plan and through show -json, with the same findings', { timeout: 240_000 }, () => {
    const dir = planScenario('kms-key-replaced');

    const binary = cli([join(dir, 'tfplan'), '--terraform', 'terraform'], { env });
    expect(binary.stderr).toBe('');
    expect(binary.code).toBe(1);
    expect(findingLines(binary.stdout)).toEqual(['plan-key-destroyed aws_kms_key.logs']);
    expect(binary.stdout).toContain('aws_cloudwatch_log_group.app (kms_key_id)');

    writeFileSync(join(dir, 'plan.json'), execFileSync('terraform', ['show', '-json', 'tfplan'], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' }));
    const json = cli([join(dir, 'plan.json')], { env });
    expect(json.code).toBe(1);
    expect(findingLines(json.stdout)).toEqual(findingLines(binary.stdout));
  });

  it('the plan-gate Makefile with real terraform: a routine plan passes the check, a widened one is stopped', { timeout: 240_000 }, () => {
    const make = (name: string) => {
      const dir = planScenario(name);
      copyFileSync(join(ROOT, 'examples/plan-gate/Makefile'), join(dir, 'Makefile'));
      return spawnSync('make', ['check', `IAC_GUARD=${process.execPath} ${BIN}`], { cwd: dir, env: { ...process.env, ...env, NO_COLOR: '1' }, encoding: 'utf8' });
    };
    const routine = make('routine');
    expect(routine.status, routine.stdout + routine.stderr).toBe(0);
    const widened = make('exposure-widened');
    expect(widened.status).not.toBe(0);
    expect(findingLines(widened.stdout)).toContain('plan-exposure-widened aws_security_group.bastion');
  });
});
