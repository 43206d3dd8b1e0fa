import { describe, expect, it } from 'vitest';
import { applySuppressions, isExpired } from '../src/engine/suppressions.js';
import { parseIgnoreComment } from '../src/core/inline.js';
import type { Finding } from '../src/core/types.js';
import type { InlineSuppression } from '../src/core/source.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: 'plan-stateful-destroyed',
  severity: 'error',
  messageId: 'm',
  message: 'msg',
  location: { file: 'plan.json', range: { start: { line: 5, column: 3 }, end: { line: 5, column: 20 } } },
  resource: 'aws_s3_bucket.scratch_a',
  suppressed: false,
  ...over,
});
const ids = (id: string) => (['plan-stateful-destroyed', 'compose-log-rotation'].includes(id) ? id : id === 'old-id' ? 'plan-stateful-destroyed' : undefined);
const TODAY = '2026-11-22';

describe('config allow entries', () => {
  it('suppress matching findings by rule and resource glob, keeping the reason', () => {
    const { findings, extra } = applySuppressions(
      [finding(), finding({ resource: 'aws_db_instance.main' })],
      [{ rule: 'plan-stateful-destroyed', resource: 'aws_s3_bucket.scratch*', reason: 'rebuilt nightly', expires: '2026-12-31' }],
      [],
      TODAY,
      ids,
      '.iac-guard.yml',
    );
    expect(findings.map((f) => [f.resource, f.suppressed])).toEqual([
      ['aws_s3_bucket.scratch_a', true],
      ['aws_db_instance.main', false],
    ]);
    expect(findings[0]!.suppression).toEqual({ kind: 'config', reason: 'rebuilt nightly', expires: '2026-12-31' });
    expect(extra).toEqual([]);
  });

  it('accept a rule alias', () => {
    const { findings } = applySuppressions([finding()], [{ rule: 'old-id', reason: 'r' }], [], TODAY, ids, undefined);
    expect(findings[0]!.suppressed).toBe(true);
  });

  it('stop allowing after the expiry day and report themselves', () => {
    const { findings, extra } = applySuppressions(
      [finding()],
      [{ rule: 'plan-stateful-destroyed', resource: 'aws_s3_bucket.*', reason: 'temporary', expires: '2026-11-21' }],
      [],
      TODAY,
      ids,
      'infra/.iac-guard.yml',
    );
    expect(findings[0]!.suppressed).toBe(false);
    expect(extra).toHaveLength(1);
    expect(extra[0]!.ruleId).toBe('suppression-expired');
    expect(extra[0]!.location.file).toBe('infra/.iac-guard.yml');
    expect(extra[0]!.message).toContain('expired on 2026-11-21');
  });

  it('treat the expiry day itself as still valid', () => {
    expect(isExpired('2026-11-22', TODAY)).toBe(false);
    expect(isExpired('2026-11-21', TODAY)).toBe(true);
    expect(isExpired(undefined, TODAY)).toBe(false);
  });
});

describe('inline suppressions', () => {
  const covers = { start: { line: 4, column: 1 }, end: { line: 8, column: 1 } };
  const inline = (over: Partial<InlineSuppression>): InlineSuppression => ({
    file: 'plan.json',
    ruleId: 'plan-stateful-destroyed',
    reason: 'ok',
    comment: { start: { line: 3, column: 1 }, end: { line: 3, column: 40 } },
    covers,
    ...over,
  });

  it('cover findings that start inside the entry below the comment, only in that file', () => {
    const { findings } = applySuppressions(
      [finding(), finding({ location: { file: 'other.json', range: covers } }), finding({ location: { file: 'plan.json', range: { start: { line: 9, column: 1 }, end: { line: 9, column: 2 } } } })],
      [],
      [inline({ reason: 'bucket is a cache' })],
      TODAY,
      ids,
      undefined,
    );
    expect(findings.map((f) => f.suppressed)).toEqual([true, false, false]);
    expect(findings[0]!.suppression).toEqual({ kind: 'inline', reason: 'bucket is a cache' });
  });

  it('without a reason suppress nothing and are reported', () => {
    const { findings, extra } = applySuppressions([finding()], [], [inline({ reason: '' })], TODAY, ids, undefined);
    expect(findings[0]!.suppressed).toBe(false);
    expect(extra.map((e) => [e.ruleId, e.messageId, e.location.range.start.line])).toEqual([['suppression-invalid', 'missingReason', 3]]);
  });

  it('naming an unknown rule are reported', () => {
    const { extra } = applySuppressions([], [], [inline({ ruleId: 'no-such-rule' })], TODAY, ids, undefined);
    expect(extra.map((e) => e.messageId)).toEqual(['unknownRule']);
  });

  it('past their until date let the finding come back', () => {
    const { findings, extra } = applySuppressions([finding()], [], [inline({ until: '2026-01-01' })], TODAY, ids, undefined);
    expect(findings[0]!.suppressed).toBe(false);
    expect(extra.map((e) => e.ruleId)).toEqual(['suppression-expired']);
  });
});

describe('parseIgnoreComment', () => {
  it('reads rule, reason and until in every comment style', () => {
    expect(parseIgnoreComment('# iac-guard-ignore image-unpinned: vendor pins by digest upstream')).toEqual({ ruleId: 'image-unpinned', reason: 'vendor pins by digest upstream' });
    expect(parseIgnoreComment('// iac-guard-ignore tf-firewall-open: bastion until 2027-01-31')).toEqual({ ruleId: 'tf-firewall-open', reason: 'bastion', until: '2027-01-31' });
    expect(parseIgnoreComment('/* iac-guard-ignore a-b: why */')).toEqual({ ruleId: 'a-b', reason: 'why' });
  });
  it('returns an empty reason when there is none, and nothing for other comments', () => {
    expect(parseIgnoreComment('# iac-guard-ignore image-unpinned')).toEqual({ ruleId: 'image-unpinned', reason: '' });
    expect(parseIgnoreComment('# just a comment')).toBeUndefined();
  });
});
