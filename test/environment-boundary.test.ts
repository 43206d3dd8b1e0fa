// tf-environment-mismatch takes a root's environment from folder names inside the repository
// (or the scanned folder) only: a checkout under /tmp/prod/ is not a production root.
import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const FIXTURE = join(__dirname, '..', 'rules', 'terraform', 'tf-environment-mismatch', 'fixtures', 'bad', 'prod-folder', 'environments', 'prod');

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

function envFindings(cwd: string, target: string) {
  const r = cli([target, '--rule', 'tf-environment-mismatch', '--format', 'json'], { cwd });
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

describe('tf-environment-mismatch and folders outside the repository', () => {
  it('folders above the scanned folder do not name its environment', () => {
    const outer = tempDir('iac-guard-env-outer-');
    const checkout = join(outer, 'environments', 'prod', 'checkout');
    mkdirSync(checkout, { recursive: true });
    cpSync(FIXTURE, checkout, { recursive: true });
    const { code, findings } = envFindings(checkout, '.');
    expect(code).toBe(0);
    expect(findings).toEqual([]);
  });

  it('folders above the repository do not count, folders inside it do', () => {
    const outer = tempDir('iac-guard-env-repo-');
    const repo = join(outer, 'staging', 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    cpSync(FIXTURE, join(repo, 'environments', 'prod'), { recursive: true });
    const { findings } = envFindings(repo, '.');
    expect(findings.map((f) => [f.file, f.line])).toEqual([
      ['environments/prod/main.tf', 2],
      ['environments/prod/main.tf', 8],
      ['environments/prod/main.tf', 19],
      ['environments/prod/terraform.tfvars', 1],
    ]);
    expect(findings[0]!.message).toContain('(folder environments/prod)');
    expect(findings.some((f) => /staging, but/.test(f.message) && /folder staging/.test(f.message))).toBe(false);
  });
});
