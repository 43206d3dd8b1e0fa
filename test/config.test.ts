import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema, findConfigFile, parseConfig } from '../src/engine/config.js';
import { UsageError } from '../src/core/errors.js';
import { tempDir } from './helpers/temp.js';

const bad = (text: string) => {
  try {
    parseConfig(text, '.iac-guard.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('config', () => {
  it('reads every documented key', () => {
    const c = parseConfig(
      [
        'fail-on: warning',
        'rules:',
        '  image-unpinned: warning',
        '  wildcard-allowlist: off',
        '  compose-log-rotation: { severity: info, options: { daemonRotatesLogs: true } }',
        'include: ["infra/**"]',
        'exclude: ["**/test/**"]',
        'allow:',
        '  - rule: plan-stateful-destroyed',
        '    resource: "aws_s3_bucket.scratch*"',
        '    reason: scratch bucket, rebuilt nightly',
        '    expires: 2027-01-31',
        'resource-types:',
        '  database: [custom_db]',
        'compose: { target: swarm }',
        'helm: { values: [values-prod.yaml] }',
      ].join('\n'),
      '.iac-guard.yml',
    );
    expect(c.failOn).toBe('warning');
    expect(c.rules['wildcard-allowlist']).toBe('off');
    expect(c.rules['compose-log-rotation']).toEqual({ severity: 'info', options: { daemonRotatesLogs: true } });
    expect(c.allow).toEqual([
      { rule: 'plan-stateful-destroyed', resource: 'aws_s3_bucket.scratch*', reason: 'scratch bucket, rebuilt nightly', expires: '2027-01-31' },
    ]);
    expect(c.resourceTypes).toEqual({ database: ['custom_db'] });
    expect(c.compose).toEqual({ target: 'swarm' });
    expect(c.helm.values).toEqual(['values-prod.yaml']);
  });

  it('an empty file is the default config', () => {
    expect(parseConfig('', 'x').failOn).toBe('error');
  });

  it('names the unknown key with its position', () => {
    expect(bad('rules: {}\nfail_on: error\n')).toBe(
      '.iac-guard.yml:2:1: invalid config: unknown key "fail_on" (expected one of: fail-on, dev-files, rules, include, exclude, allow, resource-types, plugins, compose, helm, modules, limits, terraform, baseline)',
    );
  });

  it('requires a reason on every allow entry', () => {
    expect(bad('allow:\n  - rule: x\n    resource: y\n')).toBe('.iac-guard.yml:2:5: invalid config: allow[0] is missing required key "reason"');
    expect(bad('allow:\n  - rule: x\n    reason: "  "\n')).toMatch(/allow\[0\]\.reason must not be empty/);
  });

  it('rejects a malformed expiry date and a bad severity at their lines', () => {
    expect(bad('allow:\n  - rule: x\n    reason: y\n    expires: next week\n')).toBe(
      '.iac-guard.yml:4:14: invalid config: allow[0].expires must be a date YYYY-MM-DD (got "next week")',
    );
    expect(bad('rules:\n  image-unpinned: fatal\n')).toMatch(/^\.iac-guard\.yml:2:19: invalid config: rules\.image-unpinned must be one of off, error, warning, info/);
  });

  it('reports invalid YAML with line and column', () => {
    expect(bad('rules:\n  a: [1, 2\n')).toMatch(/^\.iac-guard\.yml:\d+:\d+: invalid YAML in config/);
  });

  it('is found upward from the scanned path', () => {
    const root = tempDir('iac-guard-cfg-');
    mkdirSync(join(root, 'a/b'), { recursive: true });
    writeFileSync(join(root, '.iac-guard.yml'), 'fail-on: never\n');
    expect(findConfigFile(join(root, 'a/b'))).toBe(join(root, '.iac-guard.yml'));
  });

  it('generates a JSON schema from the same definition', () => {
    const schema = configJsonSchema(['image-unpinned']) as { properties: Record<string, { propertyNames?: unknown; items?: { required?: string[] } }> };
    expect(Object.keys(schema.properties)).toEqual(['fail-on', 'dev-files', 'rules', 'include', 'exclude', 'allow', 'resource-types', 'plugins', 'compose', 'helm', 'modules', 'limits', 'terraform', 'baseline']);
    expect(schema.properties.rules!.propertyNames).toEqual({ enum: ['image-unpinned'] });
    expect(schema.properties.allow!.items!.required).toEqual(['rule', 'reason']);
  });
});
