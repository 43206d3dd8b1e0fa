// Terraform files that are not HCL2 fail closed and say what they are; every broken file of a
// folder is listed; a variables file that is encrypted (git-crypt) or a template is a warning,
// its values unknown, and the rest of the folder is still checked.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

interface Report {
  findings: { ruleId: string; file: string; line: number; severity: string; message: string }[];
  errors: { file: string; line?: number; message: string }[];
}

function scan(files: Record<string, string | Buffer>) {
  const root = tempDir('iac-guard-unreadable-');
  mkdirSync(join(root, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const r = cli(['.', '--format', 'json'], { cwd: root });
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const DB = `variable "retention" {
  default = 0
}

resource "aws_db_instance" "main" {
  identifier              = "main"
  backup_retention_period = var.retention
  deletion_protection     = true
  storage_encrypted       = true
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = "sg-1"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
`;

describe('Terraform files iac-guard cannot read', () => {
  it('a Terragrunt 0.x terraform.tfvars is named as such (exit 2)', () => {
    const { code, report } = scan({
      'main.tf': 'variable "region" {}\n',
      'terraform.tfvars': 'region = "eu-west-1"\nterragrunt = {\n  terraform {\n    source = "git::https://example.com/mod.git"\n  }\n}\n',
    });
    expect(code).toBe(2);
    expect(report.errors).toEqual([
      expect.objectContaining({ file: 'terraform.tfvars', line: 3, message: expect.stringMatching(/^Terragrunt 0\.x configuration .*iac-guard reads HCL2; move it to terragrunt\.hcl/) }),
    ]);
  });

  it('a Terraform 0.11 file is named as HCL1', () => {
    const { code, report } = scan({ 'main.tf': 'terraform {\n  required_version = "~> 0.11.14"\n}\nresource "aws_instance" "a" {\n  tags {\n    Name = "a"\n  }\n  count = "${var.n\n}\n' });
    expect(code).toBe(2);
    expect(report.errors[0]!.message).toMatch(/^Terraform 0\.11 \/ HCL1 syntax .*terraform 0\.12upgrade/);
  });

  it('every broken file of a folder is listed, not only the first', () => {
    const { code, report } = scan({ 'a.tf': 'resource "a" "b" {\n  x =\n}\n', 'b.tf': 'resource "c" "d" {\n  y = [\n}\n', 'c.tf': 'locals {}\n' });
    expect(code).toBe(2);
    expect(report.errors.map((e) => [e.file, e.line])).toEqual([
      ['a.tf', 2],
      ['b.tf', 3],
    ]);
  });

  it('a templated terraform.tfvars is a warning, its values unknown, and the folder is still checked', () => {
    const { code, report } = scan({ 'main.tf': DB, 'terraform.tfvars': 'retention = {{ retention_days }}\n{% if prod %}\nextra = 1\n{% endif %}\n' });
    expect(report.errors).toEqual([]);
    const shape = report.findings.map((f) => [f.ruleId, f.file, f.line, f.severity]);
    expect(shape.sort()).toEqual([
      ['file-not-read', 'terraform.tfvars', 1, 'warning'],
      ['tf-firewall-open', 'main.tf', 18, 'error'],
    ]);
    expect(report.findings.find((f) => f.ruleId === 'file-not-read')!.message).toContain('is a template');
    // Without the template, the default 0 would have been judged: no backups.
    expect(report.findings.some((f) => f.ruleId === 'tf-database-unprotected' && f.severity === 'error')).toBe(false);
    expect(code).toBe(1);
  });

  it('a git-crypt encrypted terraform.tfvars is a warning; an encrypted .tf is not understood', () => {
    const encrypted = Buffer.concat([Buffer.from('\u0000GITCRYPT\u0000', 'latin1'), Buffer.from([0x8a, 0x01, 0xff, 0x00, 0x13])]);
    const vars = scan({ 'main.tf': DB, 'terraform.tfvars': encrypted });
    expect(vars.report.errors).toEqual([]);
    const warning = vars.report.findings.find((f) => f.ruleId === 'file-not-read');
    expect(warning).toMatchObject({ file: 'terraform.tfvars', line: 1, severity: 'warning' });
    expect(warning!.message).toContain('git-crypt unlock');
    const tf = scan({ 'main.tf': encrypted });
    expect(tf.code).toBe(2);
    expect(tf.report.errors).toContainEqual({ file: 'main.tf', message: 'encrypted with git-crypt: its contents cannot be checked; scan after `git-crypt unlock`' });
  });
});
