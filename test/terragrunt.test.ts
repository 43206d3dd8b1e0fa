// Terragrunt units (a folder with terragrunt.hcl): the module terraform.source names is checked as
// the root with the unit's inputs, by scan and by diff; a source iac-guard cannot read is a warning.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const MODULE = `variable "env" {}

variable "retention" {
  default = 7
}

variable "encrypted" {
  default = true
}

resource "aws_db_instance" "this" {
  identifier              = "db-\${var.env}"
  backup_retention_period = var.retention
  deletion_protection     = true
  storage_encrypted       = var.encrypted
}
`;

const UNIT = (inputs: string) => `include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "../../../modules//db"
}

inputs = {
${inputs}
}
`;

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  severity: string;
  message: string;
}

function live(files: Record<string, string>): string {
  const root = tempDir('iac-guard-terragrunt-');
  for (const [name, text] of Object.entries({
    'modules/db/main.tf': MODULE,
    'live/terragrunt.hcl': 'remote_state {\n  backend = "s3"\n}\n',
    ...files,
  })) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: root });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'live');
  return root;
}

const findings = (stdout: string) => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;

describe('Terragrunt units', () => {
  it('a scan checks the module with each unit\'s inputs, at the input that decides the value', () => {
    const root = live({
      'live/prod/db/terragrunt.hcl': UNIT('  env       = "prod"\n  retention = 0'),
      'live/dev/db/terragrunt.hcl': UNIT('  env = "dev"'),
    });
    const r = cli(['.', '--format', 'json'], { cwd: root });
    const shape = findings(r.stdout).map((f) => [f.ruleId, f.file, f.line, f.severity]);
    expect(shape).toEqual([['tf-database-unprotected', 'live/prod/db/terragrunt.hcl', 11, 'error']]);
    expect(r.code).toBe(1);
  });

  it('a unit whose source is remote and not mapped is a warning naming it', () => {
    const root = live({ 'live/prod/vpc/terragrunt.hcl': 'terraform {\n  source = "git::https://github.com/acme/modules.git//vpc?ref=v1.2.0"\n}\n' });
    const r = cli(['.', '--format', 'json'], { cwd: root });
    const [unread] = findings(r.stdout);
    expect(unread).toMatchObject({ ruleId: 'tf-module-unread', file: 'live/prod/vpc/terragrunt.hcl', line: 2, severity: 'warning' });
    expect(unread!.message).toContain('The Terragrunt unit `live/prod/vpc/terragrunt.hcl` is not checked: its terraform.source `git::https://github.com/acme/modules.git//vpc?ref=v1.2.0`');
    expect(r.code).toBe(0);
  });

  it('mapped by modules: in .iac-guard.yml, a remote source is read from the vendored copy', () => {
    const root = live({
      '.iac-guard.yml': 'modules:\n  "git::https://github.com/acme/modules.git//": modules/\n',
      'live/prod/db/terragrunt.hcl': 'terraform {\n  source = "git::https://github.com/acme/modules.git//db?ref=v2.0.0"\n}\n\ninputs = {\n  env       = "prod"\n  retention = 0\n}\n',
    });
    const r = cli(['.', '--format', 'json'], { cwd: root });
    expect(findings(r.stdout).map((f) => [f.ruleId, f.file, f.line])).toEqual([['tf-database-unprotected', 'live/prod/db/terragrunt.hcl', 7]]);
  });

  it('diff --staged blocks an input change that replaces the database', () => {
    const root = live({ 'live/prod/db/terragrunt.hcl': UNIT('  env = "prod"') });
    writeFileSync(join(root, 'live/prod/db/terragrunt.hcl'), UNIT('  env       = "prod"\n  encrypted = false'));
    execFileSync('git', ['add', '-A'], { cwd: root });
    const r = cli(['diff', '--staged', '--format', 'json'], { cwd: root });
    // At the input that changed, in the unit (the module's line is related).
    expect(findings(r.stdout).map((f) => [f.ruleId, f.file, f.line])).toEqual([['diff-forces-replacement', 'live/prod/db/terragrunt.hcl', 11]]);
    expect(r.code).toBe(1);
  });
});
