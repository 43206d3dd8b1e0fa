// A finding about a value a module receives from its caller points at the caller's argument
// (the line a pull request changes), with the module's attribute as related; a module called by
// several roots yields one finding per caller that sets the bad value, none for the others.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const MODULE = `variable "retention" {
  default = 7
}

variable "protected" {
  type = bool
}

resource "aws_db_instance" "this" {
  identifier              = "db"
  backup_retention_period = var.retention
  deletion_protection     = var.protected
  storage_encrypted       = true
}
`;

const caller = (retention: number, protectedDb: boolean) => `module "db" {
  source    = "../../modules/db"
  retention = ${retention}
  protected = ${protectedDb}
}
`;

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  messageId?: string;
  message: string;
  related?: { file?: string; line?: number; message: string }[];
}

describe('findings on module inputs', () => {
  it('point at the argument of each caller that sets the bad value', () => {
    const root = tempDir('iac-guard-module-place-');
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'modules/db'), { recursive: true });
    writeFileSync(join(root, 'modules/db/main.tf'), MODULE);
    for (const [env, retention, protectedDb] of [['prod', 14, true], ['staging', 7, false], ['dev', 0, true]] as const) {
      mkdirSync(join(root, 'envs', env), { recursive: true });
      writeFileSync(join(root, 'envs', env, 'main.tf'), caller(retention, protectedDb));
    }
    const r = cli(['.', '--format', 'json', '--rule', 'tf-database-unprotected'], { cwd: root });
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => [f.file, f.line])).toEqual([
      ['envs/dev/main.tf', 3],
      ['envs/staging/main.tf', 4],
    ]);
    expect(findings[0]!.related).toEqual([
      expect.objectContaining({ file: 'modules/db/main.tf', line: 11, message: 'passed on to backup_retention_period = var.retention' }),
    ]);
    expect(r.code).toBe(1);
  });
});
