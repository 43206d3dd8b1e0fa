// Big plans are read as a stream (src/parsers/plan-stream.ts): the same value, the same checks and
// the same positions as reading the plan as one string, and every broken byte is still an error
// with its line and column. Small plans are sent down the streamed path here, in tiny chunks, so
// every chunk boundary is crossed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ParseError } from '../src/core/errors.js';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { MAX_PLAN_BYTES, readSource, STREAM_PLAN_BYTES } from '../src/core/read.js';
import { looksLikePlan } from '../src/parsers/plan.js';
import { run } from '../src/engine/runner.js';
import type { JsonPath } from '../src/parsers/plan.js';
import { parsePlan, scanJson } from '../src/parsers/plan.js';
import { parseLargePlan } from '../src/parsers/plan-stream.js';
import { BUILTIN_RULES } from '../rules/index.js';
import { ROOT } from './helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-plan-stream-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Writes `content` to a fresh file and returns its path. */
function write(content: string | Buffer, name = `plan-${written++}.json`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const stripBom = (t: string) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
const large = (absPath: string) => ({ path: 'plan.json', absPath, text: '', large: { size: statSync(absPath).size } });

function outcome(read: () => ReturnType<typeof parsePlan>) {
  try {
    return { parsed: read() };
  } catch (e) {
    if (e instanceof ParseError) return { error: `${e.line}:${e.column}: ${e.message}` };
    throw e;
  }
}

/** Every value's path in a JSON text (at most `limit`, spread over the file). */
function pathsOf(text: string, limit = Infinity): JsonPath[] {
  const paths: JsonPath[] = [];
  scanJson(text, (path) => {
    paths.push([...path]);
    return 'descend';
  });
  const step = Math.max(1, Math.ceil(paths.length / limit));
  return paths.filter((_, i) => i % step === 0);
}

/** Reads a file both ways and expects the same value (or error) and the same position of every value. */
function expectSameReading(absPath: string, chunkBytes: number, pathLimit = Infinity, positions = true): void {
  const text = stripBom(readFileSync(absPath, 'utf8'));
  const whole = outcome(() => parsePlan({ path: 'plan.json', absPath, text }));
  const streamed = outcome(() => parseLargePlan(large(absPath), { chunkBytes }));
  expect(streamed.error).toEqual(whole.error);
  if (!whole.parsed || !streamed.parsed) return;
  expect(streamed.parsed.json).toEqual(whole.parsed.json);
  if (!positions) return;
  for (const path of pathsOf(text, pathLimit)) {
    expect(streamed.parsed.positions.range(path, 3), JSON.stringify(path)).toEqual(whole.parsed.positions.range(path, 3));
  }
  // A path that goes on past what the plan has points at its deepest existing value, both ways.
  for (const path of [['resource_changes', 0, 'change', 'nope', 1], ['planned_values', 'nope'], ['nope']]) {
    expect(streamed.parsed.positions.range(path)).toEqual(whole.parsed.positions.range(path));
  }
}

function filesUnder(folder: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(folder)) return [];
  return (readdirSync(folder, { recursive: true }) as string[])
    .map((rel) => join(folder, rel))
    .filter((p) => statSync(p).isFile() && keep(p))
    .sort();
}

const PLAN_FIXTURES = [
  ...filesUnder(join(ROOT, 'rules/plan'), (p) => p.endsWith('.json') && p.includes('/fixtures/')),
  ...filesUnder(join(ROOT, 'examples'), (p) => p.endsWith('plan.json')),
];

describe('the streamed reading equals reading the plan as one string', () => {
  it('has plan fixtures to compare', () => {
    expect(PLAN_FIXTURES.length).toBeGreaterThan(20);
  });

  it.each(PLAN_FIXTURES.map((p) => [relative(ROOT, p), p]))('%s: value, errors and every position, in 7-byte and 4 KiB chunks', (_name, path) => {
    expectSameReading(path, 7);
    expectSameReading(path, 4096);
  });

  it.each(PLAN_FIXTURES.map((p) => [relative(ROOT, p), p]))('%s: the same findings and errors from a whole run', async (_name, path) => {
    const scan = () =>
      run({
        targets: [path],
        cwd: dirname(path),
        config: { ...DEFAULT_CONFIG },
        rules: BUILTIN_RULES,
        load: { cwd: dirname(path), vars: {}, varFiles: [], helmValues: [], env: {} },
        today: '2026-11-22',
      });
    const whole = await scan();
    process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES = '0';
    try {
      const streamed = await scan();
      expect(streamed).toEqual(whole);
    } finally {
      delete process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES;
    }
  });

  const CHANGE = (address: string, extra = '') =>
    `{"address":"${address}","mode":"managed","type":"aws_s3_bucket","name":"b","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["delete"],"before":{"bucket":"b"${extra}},"after":null}}`;

  it.each([
    ['non-ASCII text before and inside the values (columns count UTF-16 units)', `{"format_version":"1.2","variables":{"x":{"value":"héllo 😀"}},"resource_changes":[${CHANGE('aws_s3_bucket.a', ',"tags":{"é":"😀😀"}')},${CHANGE('aws_s3_bucket.b["ü"]')}]}`],
    ['pretty-printed with CRLF line ends and a byte order mark', `\uFEFF${JSON.stringify(JSON.parse(`{"format_version":"1.2","resource_changes":[${CHANGE('aws_s3_bucket.a')},${CHANGE('aws_s3_bucket.b')}]}`), null, 2).replace(/\n/g, '\r\n')}\r\n`],
    ['the element separator inside an element', `{"format_version":"1.2","resource_changes":[${CHANGE('aws_s3_bucket.a', ',"rules":[{"address":"x"},{"address":"y"}]')},${CHANGE('aws_s3_bucket.b')}]}`],
    ['escaped quotes and backslashes before the separator', `{"format_version":"1.2","resource_changes":[${CHANGE('aws_s3_bucket.a', ',"s":"\\\\\\"},{\\"address\\":\\""')},${CHANGE('aws_s3_bucket.b')}]}`],
    ['a "__proto__" key', `{"format_version":"1.2","__proto__":{"polluted":true},"planned_values":{"root_module":{"resources":[],"child_modules":[{"address":"module.m","resources":[{"address":"module.m.aws_s3_bucket.c","mode":"managed","type":"aws_s3_bucket","name":"c","values":{}}]}]}},"resource_changes":[]}`],
    ['prior state with nested child modules', `{"format_version":"1.2","resource_changes":[${CHANGE('module.a.module.b.aws_s3_bucket.b')}],"prior_state":{"values":{"root_module":{"child_modules":[{"address":"module.a","child_modules":[{"address":"module.a.module.b","resources":[{"address":"module.a.module.b.aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":"b"}}]}]}]}}}}`],
    ['lists that are not lists (refused alike)', '{"format_version":"1.2","resource_changes":{"address":"x"}}'],
    ['a shape error deep in an element', `{"format_version":"1.2","resource_changes":[${CHANGE('aws_s3_bucket.a')},${CHANGE('aws_s3_bucket.b').replace('"managed"', '"weird"')}]}`],
  ])('%s', (_name, text) => {
    const path = write(text);
    for (const chunk of [1, 5, 64, 1 << 20]) expectSameReading(path, chunk);
  });

  it('a duplicate key is refused at its second value, both ways', () => {
    const path = write(`{"format_version":"1.2","resource_changes":[],"resource_changes":[${CHANGE('aws_s3_bucket.a')}]}`);
    for (const chunk of [1, 64]) expectSameReading(path, chunk, Infinity, false);
    expect(outcome(() => parseLargePlan(large(path))).error).toMatch(/^1:66: duplicate key `resource_changes` in the plan/);
  });

  const corpus = filesUnder('/work/shared/corpus/tf-plans', (p) => p.endsWith('.json'));
  it.skipIf(!corpus.length)(`the shared corpus of real plans (${corpus.length} files; skipped when ../shared/corpus is absent)`, () => {
    for (const path of corpus) expectSameReading(path, 64 * 1024, 300);
  });
});

describe('a broken big plan is an error with its line and column', () => {
  const GOOD = `{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.a","mode":"managed","type":"aws_s3_bucket","name":"a","change":{"actions":["no-op"],"before":{},"after":{}}}]}`;

  const streamedError = (content: string | Buffer, chunkBytes = 16) => outcome(() => parseLargePlan(large(write(content)), { chunkBytes })).error;

  // Where the one-string reading reports a mistake, the streamed one does too; the words may differ.
  it.each([
    ['truncated inside an element', GOOD.slice(0, 80), '1:81: invalid JSON: Unexpected end of JSON input'],
    ['truncated between elements', `${GOOD.slice(0, -2)},\n\n`, '1:180: invalid JSON: Unexpected end of JSON input'],
    ['truncated after the last element', GOOD.slice(0, -1), '1:180: invalid JSON: Unexpected end of JSON input'],
    ['a broken element', GOOD.replace('"no-op"]', '"no-op"'), "1:162: invalid JSON: Expected ',' or ']' after array element"],
    ['trailing garbage', `${GOOD}\n{}`, '2:1: invalid JSON: Unexpected non-whitespace character after JSON'],
    ['a missing comma between top-level keys', GOOD.replace(',"resource_changes"', ' "resource_changes"'), "1:25: invalid JSON: Expected ',' or '}' after property value"],
    ['a missing colon', GOOD.replace('"resource_changes":', '"resource_changes" '), "1:44: invalid JSON: Expected ':' after property name"],
    ['a comma before the end of a list', GOOD.replace('}}}]', '}}},]'), "1:180: invalid JSON: Unexpected token ']'"],
    ['a top level that is not an object', '["format_version"]', '1:1: not a Terraform plan: expected a JSON object from `terraform show -json tfplan`'],
  ])('%s', (_name, text, expected) => {
    expect(streamedError(text)).toBe(expected);
    expect(streamedError(text, 1 << 20)).toBe(expected);
    const whole = outcome(() => parsePlan({ path: 'plan.json', absPath: '-', text })).error;
    expect(streamedError(text)?.split(':').slice(0, 2)).toEqual(whole?.split(':').slice(0, 2));
  });

  it('an empty file', () => {
    expect(streamedError('  \n')).toBe('1:1: file is empty; expected the output of `terraform show -json tfplan`');
  });

  it('refuses invalid UTF-8 inside an element', () => {
    const bytes = Buffer.from(GOOD.replace('"a","change"', '"\u00ff","change"'), 'latin1');
    expect(streamedError(bytes)).toBe('1:45: file is not valid UTF-8 text (binary file?)');
  });

  it('a wrong line end count never shifts later positions: an error on line 3 of a pretty-printed plan', () => {
    const text = JSON.stringify(JSON.parse(GOOD), null, 1).replace('"no-op"', '"no-op" x');
    expect(streamedError(text)).toBe(outcome(() => parsePlan({ path: 'plan.json', absPath: '-', text })).error);
  });
});

describe('reading: which files are streamed', () => {
  const HEAD = '{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[]}';
  const read = (absPath: string) => readSource({ path: 'plan.json', absPath }, undefined, { streamPlans: looksLikePlan });

  it('streams a plan from the threshold on, and only when asked', () => {
    const path = write(HEAD);
    process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES = String(HEAD.length);
    try {
      expect(read(path).file).toEqual({ path: 'plan.json', absPath: path, text: HEAD, large: { size: HEAD.length } });
      expect(readSource({ path: 'plan.json', absPath: path }).file?.large).toBeUndefined();
      process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES = String(HEAD.length + 1);
      expect(read(path).file?.large).toBeUndefined();
    } finally {
      delete process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES;
    }
    expect(STREAM_PLAN_BYTES).toBe(32 * 1024 * 1024);
  });

  it('reads a big file that does not start like a plan as text, as before', () => {
    const text = `{"resource":{"aws_s3_bucket":{"a":{}}}}`;
    const path = write(text);
    process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES = '0';
    try {
      expect(read(path).file).toEqual({ path: 'plan.json', absPath: path, text });
    } finally {
      delete process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES;
    }
  });

  it(`refuses a plan over ${MAX_PLAN_BYTES / 1024 ** 3} GiB by that limit (sparse file: no disk used)`, () => {
    const path = write(HEAD);
    const fd = openSync(path, 'r+');
    ftruncateSync(fd, MAX_PLAN_BYTES + 1);
    closeSync(fd);
    expect(read(path).error).toEqual({ file: 'plan.json', message: 'file is 8193 MiB, over the 8192 MiB limit for a Terraform plan' });
  });

  it('refuses a big file that is not a plan by the one-file limit, saying a plan could be bigger', () => {
    const path = write('');
    const fd = openSync(path, 'r+');
    writeSync(fd, '{"data":[');
    ftruncateSync(fd, 600 * 1024 * 1024);
    closeSync(fd);
    expect(read(path).error?.message).toBe(
      'file is 600 MiB, over the 512 MiB limit for one file (limits.file-mib); only a Terraform plan JSON may be bigger, up to 8192 MiB, and this file does not start like one',
    );
  });
});

describe('a key written twice is refused, read whole or streamed', () => {
  const plan = (change: string, extra = '') =>
    `{"format_version":"1.2","terraform_version":"1.9.0",${extra}\n"resource_changes":[\n{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main","provider_name":"registry.terraform.io/hashicorp/aws",\n"change":${change}}]}\n`;
  const hiddenDelete = '{"actions":["delete"],"actions":["no-op"],"before":{},"after":null}';

  it.each([
    ['inside a resource change', plan(hiddenDelete), 4, /^duplicate key `actions` in resource_changes\[0\]\.change: terraform never writes a key twice/],
    ['in the outline', plan('{"actions":["no-op"],"before":{},"after":{}}', '"resource_drift":[],"resource_drift":[],'), 1, /^duplicate key `resource_drift` in the plan:/],
    [
      'in a change deep inside modules',
      plan(hiddenDelete).replace('"address":"aws_db_instance.main"', `"address":"${Array.from({ length: 40 }, (_, i) => `module.m${i}[0]`).join('.')}.aws_db_instance.main","module_address":"module.m0"`),
      4,
      /^duplicate key `actions` in resource_changes\[0\]\.change/,
    ],
  ])('%s', (_name, content, line, message) => {
    const path = write(content);
    const whole = outcome(() => parsePlan({ path: 'plan.json', absPath: path, text: content }));
    expect(whole.error).toMatch(new RegExp(`^${line}:\\d+: `));
    expect(whole.error!.replace(/^\d+:\d+: /, '')).toMatch(message);
    for (const chunkBytes of [7, 4096]) {
      const streamed = outcome(() => parseLargePlan(large(path), { chunkBytes }));
      expect(streamed.error).toMatch(new RegExp(`^${line}:\\d+: `));
      expect(streamed.error!.replace(/^\d+:\d+: /, '')).toMatch(message);
    }
  });

  it('a plan with no key twice reads as before', () => {
    const content = plan('{"actions":["delete"],"before":{},"after":null}');
    expect(outcome(() => parsePlan({ path: 'plan.json', absPath: write(content), text: content })).error).toBeUndefined();
  });
});
