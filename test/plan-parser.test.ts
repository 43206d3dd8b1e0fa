// Plan JSON reading: every way a file can fail to be a plan is a ParseError with a position,
// and every supported format version loads.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError } from '../src/core/errors.js';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { run } from '../src/engine/runner.js';
import { firstSyntaxErrorOffset, looksLikePlan, offsetOfPath, parsePlan } from '../src/parsers/plan.js';
import { BUILTIN_RULES } from '../rules/index.js';
import { tempDir } from './helpers/temp.js';

const file = (text: string) => ({ path: 'plan.json', absPath: '/x/plan.json', text });

function parseError(text: string): ParseError {
  try {
    parsePlan(file(text));
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}

const where = (e: ParseError) => `${e.line}:${e.column}: ${e.message}`;

const change = (address: string, actions: string[]) => ({
  address,
  mode: 'managed',
  type: address.split('.')[0],
  name: address.split('.')[1],
  provider_name: 'registry.terraform.io/hashicorp/aws',
  change: { actions, before: actions[0] === 'create' ? null : {}, after: actions.includes('create') || actions[0] === 'update' ? {} : null, after_unknown: {} },
});

describe('invalid JSON is reported at the line and column of the mistake', () => {
  it('an unexpected token (V8 gives no position: found by our own scan)', () => {
    const text = '{\n  "format_version": "1.2",\n  "resource_changes": [\n    {"address": }\n  ]\n}';
    expect(where(parseError(text))).toBe("4:17: invalid JSON: Unexpected token '}'");
  });

  it('a missing comma (V8 position)', () => {
    expect(where(parseError('{"format_version": "1.2" "resource_changes": []}'))).toBe("1:26: invalid JSON: Expected ',' or '}' after property value");
  });

  it('truncated JSON points after the last character that arrived', () => {
    const text = '{\n  "format_version": "1.2",\n  "resource_changes": [\n\n';
    expect(where(parseError(text))).toBe('3:24: invalid JSON: Unexpected end of JSON input');
  });

  it('truncated inside a string points at the end', () => {
    expect(where(parseError('{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bu'))).toBe('1:66: invalid JSON: Unterminated string');
  });

  it('never echoes the input (it may hold secrets)', () => {
    const e = parseError('{"format_version":"1.2","password":"hunter2-secret" x}');
    expect(e.message).not.toContain('hunter2');
  });

  it('finds the first grammar error itself', () => {
    expect(firstSyntaxErrorOffset('{"a": [1, 2,, 3]}')).toBe(12);
    expect(firstSyntaxErrorOffset('{"a": tru}')).toBe(6);
    expect(firstSyntaxErrorOffset('{"a": 1}}')).toBe(8);
    expect(firstSyntaxErrorOffset('[{"a": {"b": [true, null, -1.5e3, "x\\"y"]}}, ]')).toBe(45);
    expect(firstSyntaxErrorOffset('{"a" 1}')).toBe(5);
  });
});

describe('what is not a plan is refused, with the reason', () => {
  it('an empty file', () => {
    expect(parseError('  \n').message).toBe('file is empty; expected the output of `terraform show -json tfplan`');
  });

  it('JSON that is not an object', () => {
    expect(where(parseError('[{"format_version": "1.2"}]'))).toBe('1:1: not a Terraform plan: expected a JSON object from `terraform show -json tfplan`');
  });

  it('an unsupported major format_version names the supported ones', () => {
    expect(where(parseError('{\n  "format_version": "2.0",\n  "resource_changes": []\n}'))).toBe(
      '2:21: unsupported plan format_version "2.0": iac-guard reads plan formats 0.x and 1.x (Terraform 0.12 to 1.x, OpenTofu); upgrade iac-guard',
    );
  });

  it('a format_version that is not a version', () => {
    expect(where(parseError('{"format_version": 1, "resource_changes": []}'))).toBe('1:20: not a Terraform plan: "format_version" must be a version string like "1.2"');
  });

  it('state JSON (terraform show -json without a plan)', () => {
    expect(parseError('{"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{}}}').message).toMatch(/^this is Terraform state JSON/);
  });

  it('resource_changes that is not a list', () => {
    expect(where(parseError('{"format_version":"1.2","resource_changes":{"a":1}}'))).toBe('1:44: "resource_changes" must be a list of resource changes');
  });

  it('a change without actions', () => {
    const text = JSON.stringify({ format_version: '1.2', resource_changes: [{ ...change('aws_s3_bucket.a', ['create']), change: { before: null } }] });
    expect(parseError(text).message).toBe('resource_changes[0] (aws_s3_bucket.a).change.actions must be a list of strings');
  });

  it('an action this build does not know: it cannot tell whether it destroys anything', () => {
    const text = JSON.stringify({ format_version: '1.2', resource_changes: [change('aws_s3_bucket.a', ['obliterate'])] });
    const e = parseError(text);
    expect(e.message).toMatch(/^resource_changes\[0\] \(aws_s3_bucket\.a\) has actions \["obliterate"\], which this iac-guard does not know/);
    expect(e.column).toBe(text.indexOf('["obliterate"]') + 1);
  });

  it('a plan that errored is incomplete', () => {
    expect(parseError('{"format_version":"1.2","resource_changes":[],"errored":true}').message).toMatch(/^the plan errored/);
  });

  it('planned_values modules must be objects', () => {
    expect(parseError('{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[3]}}}').message).toBe(
      '"planned_values.root_module.child_modules[0]" must be an object',
    );
  });
});

describe('every plan format version loads', () => {
  for (const version of ['0.1', '0.2', '1.0', '1.1', '1.2', '1.3']) {
    it(`format_version ${version}`, () => {
      const text = JSON.stringify({ format_version: version, terraform_version: '1.9.8', resource_changes: [change('aws_s3_bucket.a', ['delete', 'create'])] });
      expect(parsePlan(file(text)).json.resource_changes).toHaveLength(1);
    });
  }

  it('Terraform 1.0.0 drift entries without an address get one rebuilt', () => {
    const drift = { ...change('aws_s3_bucket.a', ['update']), address: undefined, module_address: 'module.m', index: 'k' };
    const text = JSON.stringify({ format_version: '0.2', resource_changes: [], resource_drift: [drift] });
    expect(parsePlan(file(text)).json.resource_drift?.[0]?.address).toBe('module.m.aws_s3_bucket.a["k"]');
  });
});

describe('claiming plans by content', () => {
  it('claims terraform show -json output, pretty or not, after leading whitespace', () => {
    expect(looksLikePlan('{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{}}')).toBe(true);
    expect(looksLikePlan('\n  {\n  "format_version": "0.1",\n  "resource_changes": []\n}')).toBe(true);
  });

  it('leaves other JSON alone', () => {
    expect(looksLikePlan('{"resource": {"aws_s3_bucket": {"a": {}}}}')).toBe(false); // .tf.json
    expect(looksLikePlan('{"format_version":"1.0","provider_schemas":{}}')).toBe(false); // providers schema -json
    expect(looksLikePlan('["format_version", "resource_changes"]')).toBe(false);
    expect(looksLikePlan('')).toBe(false);
  });
});

describe('offsets by path', () => {
  it('finds values inside arrays and objects, and escaped keys', () => {
    const text = '{"a": [1, {"b\\"c": {"d": "x"}}], "e": true}';
    expect(offsetOfPath(text, ['a', 1, 'b"c', 'd'])).toBe(text.indexOf('"x"'));
    expect(offsetOfPath(text, ['e'])).toBe(text.indexOf('true'));
    expect(offsetOfPath(text, ['a', 7])).toBe(text.indexOf('['));
  });
});

describe('through the runner (exit 2 territory)', () => {
  const dir = tempDir('iac-guard-plan-parser-');
  const scan = async (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return run({
      targets: [join(dir, name)],
      cwd: dir,
      config: { ...DEFAULT_CONFIG },
      rules: BUILTIN_RULES,
      load: { cwd: dir, vars: {}, varFiles: [], helmValues: [], env: {} },
      today: '2026-11-22',
    });
  };

  it('a truncated plan is an error with its position, not a pass', async () => {
    const r = await scan('truncated.json', '{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.main","mode":"managed"');
    expect(r.errors).toEqual([{ file: 'truncated.json', line: 1, column: 95, message: 'invalid JSON: Expected \',\' or \'}\' after property value' }]);
  });

  it('an empty plan file named explicitly', async () => {
    const r = await scan('empty.json', '');
    expect(r.errors.map((e) => e.message)).toEqual(['file is empty']);
  });

  it('a JSON object that is not a plan, named explicitly', async () => {
    const r = await scan('other.json', '{"hello": "world"}');
    expect(r.errors.map((e) => e.message)[0]).toMatch(/^not a Terraform plan/);
  });
});
