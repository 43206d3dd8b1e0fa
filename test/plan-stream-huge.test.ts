// A plan over V8's longest string (536,870,888 characters) through the built CLI: read as a stream,
// its destroyed KMS key is still found. Writes ~520 MiB to the temp folder (deleted afterwards).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { constants } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-huge-plan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AWS = 'registry.terraform.io/hashicorp/aws';

/** A no-op change carrying `padding` characters of user data before and after (what makes real plans big). */
function keptObject(i: number, padding: string): string {
  const values = { bucket: `bucket-${i}`, policy: padding, tags: { Name: `bucket-${i}` } };
  return JSON.stringify({
    address: `aws_s3_bucket.b[${i}]`,
    mode: 'managed',
    type: 'aws_s3_bucket',
    name: 'b',
    index: i,
    provider_name: AWS,
    change: { actions: ['no-op'], before: values, after: values, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
  });
}

/**
 * Writes the plan piece by piece (never one string) until it is over `minBytes`; the key's deletion
 * is the last change. Returns the offset where that change starts (all ASCII: bytes = characters).
 */
function writeHugePlan(path: string, minBytes: number): number {
  const fd = openSync(path, 'w');
  try {
    let size = writeSync(fd, '{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[');
    const padding = 'x'.repeat(60_000);
    const batch: string[] = [];
    for (let i = 0; size < minBytes; i++) {
      batch.push(keptObject(i, padding));
      if (batch.length === 64) {
        size += writeSync(fd, `${batch.join(',')},`);
        batch.length = 0;
      }
    }
    if (batch.length) size += writeSync(fd, `${batch.join(',')},`);
    const key = { arn: 'arn:aws:kms:us-east-1:111122223333:key/k-logs', key_id: 'k-logs', deletion_window_in_days: 30, is_enabled: true };
    const deleted = { address: 'aws_kms_key.logs', mode: 'managed', type: 'aws_kms_key', name: 'logs', provider_name: AWS, change: { actions: ['delete'], before: key, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false } };
    writeSync(fd, `${JSON.stringify(deleted)}]}\n`);
    return size;
  } finally {
    closeSync(fd);
  }
}

describe('a plan bigger than the longest JavaScript string', () => {
  it('is read as a stream: the destroyed KMS key is found (exit 1)', () => {
    const plan = join(dir, 'plan.json');
    const keyAt = writeHugePlan(plan, constants.MAX_STRING_LENGTH + 1);
    expect(statSync(plan).size).toBeGreaterThan(constants.MAX_STRING_LENGTH);
    const r = cli(['plan.json', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { errors: unknown[]; findings: { ruleId: string; resource?: string; line: number; column: number }[] };
    expect(out.errors).toEqual([]);
    expect(r.code).toBe(1);
    const finding = out.findings.find((f) => f.ruleId === 'plan-key-destroyed');
    expect(finding?.resource).toBe('aws_kms_key.logs');
    // On line 1, past column 536,870,888 (no string could hold it): at the key's "address" value.
    expect([finding?.line, finding?.column]).toEqual([1, keyAt + '{"address":'.length + 1]);
    expect(keyAt).toBeGreaterThan(constants.MAX_STRING_LENGTH);
  }, 180_000);
});
