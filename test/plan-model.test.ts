// The plan model: typed changes, safe display of values, positions, and references resolved
// across modules. Real plans made by terraform 1.11 (test/fixtures/plans/real) and, when present,
// the shared corpus of public plans.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configAddressOf, planAdapter, SENSITIVE, UNKNOWN, type PlanModel } from '../src/model/plan.js';
import { ParseError } from '../src/core/errors.js';

const ROOT = join(import.meta.dirname, '..');
const REAL = join(ROOT, 'test/fixtures/plans/real');
const CORPUS = join(ROOT, '../shared/corpus/tf-plans');

function load(text: string, path = 'plan.json'): PlanModel {
  return planAdapter.load({ kind: 'plan', files: [{ path, absPath: `/x/${path}`, text }] }, {} as never) as PlanModel;
}
const loadFile = (file: string) => load(readFileSync(file, 'utf8'), file.slice(ROOT.length + 1));

const rc = (address: string, actions: string[], change: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
  const local = configAddressOf(address).split('.').slice(-2);
  return {
    address,
    mode: address.startsWith('data.') ? 'data' : 'managed',
    type: local[0],
    name: local[1],
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions, before: null, after: null, after_unknown: {}, before_sensitive: false, after_sensitive: false, ...change },
    ...extra,
  };
};
const plan = (changes: unknown[], rest: Record<string, unknown> = {}) => JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: changes, ...rest });

describe('changes', () => {
  const model = load(
    plan([
      rc('aws_s3_bucket.a', ['delete', 'create']),
      rc('aws_s3_bucket.b', ['create', 'delete']),
      rc('aws_db_instance.c', ['delete']),
      rc('aws_instance.d', ['update']),
      rc('aws_instance.e', ['create', 'forget']),
      rc('aws_instance.f', ['forget']),
      rc('data.aws_ami.g', ['read']),
      rc('aws_instance.h', ['no-op']),
    ]),
  );

  it('derives replace from both orders; create+forget keeps the old object (forget)', () => {
    expect(model.changes().map((c) => `${c.address}:${c.action}`)).toEqual([
      'aws_s3_bucket.a:replace',
      'aws_s3_bucket.b:replace',
      'aws_db_instance.c:delete',
      'aws_instance.d:update',
      'aws_instance.e:forget',
      'aws_instance.f:forget',
      'aws_instance.h:no-op',
    ]);
  });

  it('filters by action and type; data sources only when asked', () => {
    expect(model.changes({ actions: ['delete', 'replace'] }).map((c) => c.address)).toEqual(['aws_s3_bucket.a', 'aws_s3_bucket.b', 'aws_db_instance.c']);
    expect(model.changes({ types: ['aws_instance'], actions: ['update'] }).map((c) => c.address)).toEqual(['aws_instance.d']);
    expect(model.changes({ mode: 'data' }).map((c) => c.address)).toEqual(['data.aws_ami.g']);
  });

  it('knows what destroys the object', () => {
    expect(model.changes().filter((c) => c.destroysObject).map((c) => c.address)).toEqual(['aws_s3_bucket.a', 'aws_s3_bucket.b', 'aws_db_instance.c']);
  });
});

describe('display never leaks a sensitive value', () => {
  const model = load(
    plan([
      rc('aws_db_instance.main', ['update'], {
        before: { password: 'old-secret', username: 'app', settings: [{ token: 'tok-1', size: 1 }], tags: { env: 'prod' } },
        after: { password: 'new-secret', username: 'app', settings: [{ token: 'tok-2', size: 2 }], tags: { env: 'prod' } },
        after_unknown: { endpoint: true, settings: [{ id: true }] },
        before_sensitive: { password: true, settings: [{ token: true }] },
        after_sensitive: { password: true, settings: [{ token: true }], tags: true },
      }),
    ]),
  );
  const c = model.changes()[0]!;

  it('marks sensitive values, also through a sensitive parent', () => {
    expect(c.display(['password'], 'before')).toBe(SENSITIVE);
    expect(c.display(['password'], 'after')).toBe(SENSITIVE);
    expect(c.display(['tags', 'env'], 'after')).toBe(SENSITIVE);
    expect(c.display(['tags', 'env'], 'before')).toBe('"prod"');
    expect(c.isSensitive(['settings', 0, 'token'], 'after')).toBe(true);
    expect(c.isSensitive(['settings', 0, 'size'], 'after')).toBe(false);
  });

  it('redacts sensitive and unknown leaves inside objects', () => {
    expect(c.display(['settings'], 'before')).toBe('[{"token":"(sensitive)","size":1}]');
    expect(c.display(['settings'], 'after')).toBe('[{"token":"(sensitive)","size":2}]');
    expect(c.displayChange(['username'])).toBe('"app" → "app"');
  });

  it('hides a value whose sensitivity mask has another shape, rather than guess', () => {
    const odd = load(plan([rc('aws_x.y', ['update'], { before: { list: ['a', 'b'] }, after: { list: ['c'] }, before_sensitive: { list: { 0: true } } })]));
    expect(odd.changes()[0]!.display(['list'], 'before')).toBe(SENSITIVE);
    expect(odd.changes()[0]!.display(['list'], 'after')).toBe('["c"]');
  });

  it('says "(known after apply)" for unknown values', () => {
    expect(c.isUnknownAfter(['endpoint'])).toBe(true);
    expect(c.display(['endpoint'], 'after')).toBe(UNKNOWN);
    expect(c.display(['missing'], 'before')).toBe('(not set)');
  });

  it('no message in the real plans carries a password from the state', () => {
    const text = readFileSync(join(REAL, 'kms-key-disabled.json'), 'utf8');
    expect(text).toContain('not-a-real-password'); // the plan has it, marked sensitive
    const m = loadFile(join(REAL, 'kms-key-disabled.json'));
    const db = m.change('aws_db_instance.main')!;
    expect(db.display(['password'], 'before')).toBe(SENSITIVE);
    expect(db.display([], 'before')).not.toContain('not-a-real-password');
  });
});

describe('positions', () => {
  it('points at the "address" value of the change, on one long line', () => {
    const m = loadFile(join(REAL, 'kms-key-replaced.json'));
    const text = readFileSync(join(REAL, 'kms-key-replaced.json'), 'utf8');
    const key = m.change('aws_kms_key.logs')!;
    const loc = m.locate(key);
    const expected = text.indexOf('"address":"aws_kms_key.logs"', text.indexOf('"resource_changes"')) + '"address":'.length;
    expect(loc.range.start).toEqual({ line: 1, column: expected + 1 });
    expect(loc.range.end).toEqual({ line: 1, column: expected + 1 + '"aws_kms_key.logs"'.length });
    expect(m.at(key)).toEqual(loc);
  });

  it('in a pretty-printed plan, and tells a deposed object from the current one', () => {
    const text = JSON.stringify(
      JSON.parse(plan([rc('aws_s3_bucket.a', ['create']), rc('aws_s3_bucket.a', ['delete'], {}, { deposed: '00000001' })])),
      null,
      2,
    );
    const m = load(text);
    const [current, deposed] = m.changes();
    expect(m.locate(current!).range.start).toEqual({ line: 6, column: 18 });
    expect(m.locate(deposed!).range.start).toEqual({ line: 23, column: 18 });
    expect(m.locate('aws_s3_bucket.a')).toEqual(m.locate(current!));
  });

  it('locates any value by path', () => {
    const m = load(JSON.stringify({ format_version: '1.2', variables: { env: { value: 'production' } }, resource_changes: [] }, null, 2));
    expect(m.locatePath(['variables', 'env', 'value']).range.start).toEqual({ line: 5, column: 16 });
  });

  it('uses the source locator when the .tf files are known', () => {
    const m = loadFile(join(REAL, 'kms-key-replaced.json'));
    const tf = { file: 'main.tf', range: { start: { line: 19, column: 1 }, end: { line: 19, column: 30 } } };
    m.setSourceLocator((address) => (address === 'aws_kms_key.logs' ? tf : undefined));
    expect(m.at(m.change('aws_kms_key.logs')!)).toEqual(tf);
    expect(m.at(m.change('aws_kms_alias.logs')!).file).toBe('test/fixtures/plans/real/kms-key-replaced.json');
  });
});

describe('addresses and references', () => {
  it('drops instance keys, even quoted ones holding brackets and dots', () => {
    expect(configAddressOf('module.a["x.y[0]"].module.b[2].aws_s3_bucket.c["k"]')).toBe('module.a.module.b.aws_s3_bucket.c');
    expect(configAddressOf('aws_s3_bucket.c')).toBe('aws_s3_bucket.c');
  });

  const configuration = {
    root_module: {
      resources: [
        { address: 'aws_kms_key.k', mode: 'managed', type: 'aws_kms_key', name: 'k', expressions: {} },
        {
          address: 'aws_cloudwatch_log_group.g',
          mode: 'managed',
          type: 'aws_cloudwatch_log_group',
          name: 'g',
          expressions: { kms_key_id: { references: ['module.keys.key_arn', 'module.keys'] } },
        },
      ],
      module_calls: {
        store: {
          source: './store',
          expressions: { key_arn: { references: ['aws_kms_key.k.arn', 'aws_kms_key.k'] } },
          module: {
            resources: [
              {
                address: 'aws_s3_bucket_server_side_encryption_configuration.sse',
                mode: 'managed',
                type: 'aws_s3_bucket_server_side_encryption_configuration',
                name: 'sse',
                expressions: { rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: { references: ['var.key_arn'] } }] }] },
              },
            ],
            variables: { key_arn: {} },
          },
        },
        keys: {
          source: './keys',
          module: {
            resources: [{ address: 'aws_kms_key.inner', mode: 'managed', type: 'aws_kms_key', name: 'inner', expressions: {} }],
            outputs: { key_arn: { expression: { references: ['aws_kms_key.inner.arn', 'aws_kms_key.inner'] } } },
          },
        },
      },
    },
  };
  const m = load(plan([], { configuration }));

  it('follows a key into a module through its variable', () => {
    expect(m.referencesTo('aws_kms_key.k')).toEqual([
      {
        from: 'module.store.aws_s3_bucket_server_side_encryption_configuration.sse',
        attribute: 'rule.apply_server_side_encryption_by_default.kms_master_key_id',
        to: 'aws_kms_key.k',
      },
    ]);
  });

  it('follows a module output back to the resource inside', () => {
    expect(m.referencesTo('module.keys.aws_kms_key.inner')).toEqual([{ from: 'aws_cloudwatch_log_group.g', attribute: 'kms_key_id', to: 'module.keys.aws_kms_key.inner' }]);
    expect(m.referencesFrom('aws_cloudwatch_log_group.g').map((r) => r.to)).toEqual(['module.keys.aws_kms_key.inner']);
  });

  it('lists module calls with their sources', () => {
    expect(m.moduleCalls().map((c) => `${c.address} ${c.source}`)).toEqual(['module.store ./store', 'module.keys ./keys']);
  });

  it('lists configuration resources with module prefixes', () => {
    expect(m.configResources().map((r) => r.address)).toEqual([
      'aws_kms_key.k',
      'aws_cloudwatch_log_group.g',
      'module.store.aws_s3_bucket_server_side_encryption_configuration.sse',
      'module.keys.aws_kms_key.inner',
    ]);
  });
});

describe('real plans', () => {
  it('reads planned values and prior state of a terraform 1.11 plan', () => {
    const m = loadFile(join(REAL, 'kms-key-replaced.json'));
    expect(m.formatVersion).toBe('1.2');
    expect(m.terraformVersion).toBe('1.11.4');
    expect(m.priorValues().get('aws_kms_key.logs')?.values.key_usage).toBe('ENCRYPT_DECRYPT');
    expect(m.plannedValues().get('aws_kms_key.logs')?.values.key_usage).toBe('SIGN_VERIFY');
    const key = m.change('aws_kms_key.logs')!;
    expect(key.actions).toEqual(['delete', 'create']);
    expect(key.replacePaths).toEqual([['key_usage'], ['customer_master_key_spec']]);
    expect(key.actionReason).toBe('replace_because_cannot_update');
  });

  const hasCorpus = existsSync(CORPUS);
  if (!hasCorpus) console.log(`note: ${CORPUS} is absent; the corpus check is skipped`);
  it.skipIf(!hasCorpus)('loads every public plan in the shared corpus', () => {
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : files.push(join(d, n))));
    walk(CORPUS);
    const refused: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(planAdapter.claims({ path: f, absPath: f, text }), f).toBe(true);
      let m: PlanModel;
      try {
        m = load(text, f);
      } catch (e) {
        // terraform-validator's hand-written test plans repeat a key; terraform never does, so they are refused.
        expect(e instanceof ParseError && /^duplicate key /.test(e.message) && f.includes('/terraform-validator/test/'), `${f}: ${String(e)}`).toBe(true);
        refused.push(f);
        continue;
      }
      for (const c of m.changes()) expect(text.startsWith(JSON.stringify(c.address), offsetOf(m, c)), `${f} ${c.address}`).toBe(true);
    }
    expect(files.length).toBeGreaterThan(300);
    expect(refused.length).toBeLessThan(5);
  });
});

/** Back from line:column to an offset, to check that locate points at the address itself. */
function offsetOf(m: PlanModel, c: ReturnType<PlanModel['changes']>[number]): number {
  const { line, column } = m.locate(c).range.start;
  const text = m.file.text;
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}
