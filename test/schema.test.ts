// docs/config.schema.json: generated from the same shape that validates config at run time,
// fresh, and in agreement with the runtime validation (ajv here, in tests only, never at run time).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { BUILTIN_RULES } from '../rules/index.js';
import { parseConfig } from '../src/engine/config.js';
import { renderSchema } from '../src/commands/docs.js';
import { configTemplate } from '../src/commands/init.js';
import { ROOT } from './helpers/cli.js';

const schemaText = readFileSync(join(ROOT, 'docs/config.schema.json'), 'utf8');
const schema = JSON.parse(schemaText) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const SAMPLE = `
fail-on: warning
rules:
  image-unpinned:
    severity: warning
    options:
      mutableTags: [stable, lts]
  compose-log-rotation: off
  acme-team-tag: error        # a plugin rule: allowed, the schema cannot know it
include: ["infra/**"]
exclude: ["**/testdata/**"]
allow:
  - rule: plan-stateful-destroyed
    resource: "aws_s3_bucket.scratch_*"
    reason: scratch bucket, rebuilt nightly
    expires: "2027-01-31"
resource-types:
  database: [mycorp_database]
plugins: [./rules/team-tag.mjs, "@acme/iac-guard-rules"]
compose: { target: swarm }
helm: { values: [values-prod.yaml] }
`;

const BAD: [string, string][] = [
  ['unknown top-level key', 'fail_on: error\n'],
  ['bad fail-on', 'fail-on: sometimes\n'],
  ['bad severity', 'rules:\n  image-unpinned: loud\n'],
  ['allow without reason', 'allow:\n  - rule: image-unpinned\n'],
  ['empty reason', 'allow:\n  - rule: image-unpinned\n    reason: "  "\n'],
  ['bad expiry date', 'allow:\n  - rule: image-unpinned\n    reason: x\n    expires: next week\n'],
  ['plugins not a list', 'plugins: ./x.mjs\n'],
  ['unknown compose key', 'compose:\n  targets: swarm\n'],
];

describe('docs/config.schema.json', () => {
  it('is generated from the rules and the config shape (run `npm run docs` when stale)', () => {
    expect(schemaText).toBe(renderSchema(BUILTIN_RULES));
  });

  it('describes every rule, with its options', () => {
    const rules = (schema.properties as Record<string, { properties: Record<string, { description: string; oneOf: unknown[] }> }>).rules!;
    expect(Object.keys(rules.properties)).toEqual(expect.arrayContaining(BUILTIN_RULES.map((r) => r.id)));
    const image = BUILTIN_RULES.find((r) => r.id === 'image-unpinned')!;
    expect(rules.properties['image-unpinned']!.description).toBe(`${image.docs.summary} Default severity: ${image.severity}.`);
  });

  it('accepts a full sample config, as the runtime does', () => {
    const ok = validate(parse(SAMPLE));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(() => parseConfig(SAMPLE, 'sample.yml')).not.toThrow();
  });

  it('accepts the config `iac-guard init` writes', () => {
    expect(validate(parse(configTemplate('./x.json')))).toBe(true);
  });

  for (const [what, text] of BAD) {
    it(`rejects ${what}, as the runtime does`, () => {
      expect(validate(parse(text))).toBe(false);
      expect(() => parseConfig(text, 'bad.yml')).toThrow(/invalid config/);
    });
  }

  it('checks rule options by name, type and allowed value, as the run does', () => {
    expect(validate(parse('rules:\n  image-unpinned:\n    options:\n      mutableTags: stable\n'))).toBe(false);
    expect(validate(parse('rules:\n  image-unpinned:\n    options:\n      mutableTag: [stable]\n'))).toBe(false);
    expect(validate(parse('rules:\n  image-unpinned:\n    options:\n      minimumPin: exact\n'))).toBe(false);
    expect(validate(parse('rules:\n  image-unpinned:\n    options:\n      minimumPin: digest\n'))).toBe(true);
  });
});
