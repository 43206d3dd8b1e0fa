// The labelled real-world set (test/precision/) and its scorer (scripts/precision.mjs): the labels
// are well formed, the scoring counts what it says, and on the corpus (when present) every
// finding is labelled and the targets hold.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, failures, findingKeys, loadLabels, score, type Label } from '../scripts/precision.mjs';
import { BUILTIN_RULES } from '../rules/index.js';

const root = join(import.meta.dirname, '..');
const corpus = process.env.IAC_GUARD_CORPUS ?? join(root, '..', 'shared', 'corpus');


const finding = (ruleId: string, file: string, line: number, subject: { path?: string; resource?: string } = {}) => ({
  ruleId,
  file,
  line,
  column: 1,
  severity: 'error',
  message: 'm',
  ...subject,
});

describe('the labelled set', () => {
  const { labels, hazards } = loadLabels();
  const ruleIds = new Set(BUILTIN_RULES.map((r) => r.id));

  it('has at least 200 findings, each keep or reject with a reason, no key twice', () => {
    expect(labels.length).toBeGreaterThanOrEqual(200);
    for (const l of labels) {
      expect(['keep', 'reject'], l.key).toContain(l.verdict);
      expect(l.reason.trim().length, l.key).toBeGreaterThan(10);
      expect(ruleIds.has(l.key.split(' ')[0]!), l.key).toBe(true);
    }
    expect(new Set(labels.map((l) => l.key)).size).toBe(labels.length);
  });

  it('has at least 30 hazards, each naming a rule, a file, a line and what it is', () => {
    expect(hazards.length).toBeGreaterThanOrEqual(30);
    for (const h of hazards) {
      expect(ruleIds.has(h.rule), h.rule).toBe(true);
      expect(h.file).toMatch(/^(corpus|repo)\//);
      expect(Number.isInteger(h.line) && h.line > 0).toBe(true);
      expect(h.what.length).toBeGreaterThan(3);
    }
  });

  it('covers Compose, Helm and plan findings', () => {
    const kinds = new Set(labels.map((l) => l.key.split(' ')[1]!.split('/')[1]));
    expect([...kinds]).toEqual(expect.arrayContaining(['compose', 'helm-values', 'tf-plans', 'test']));
  });
});

describe('scoring', () => {
  it('keys repeats of one subject by order, so a moved line keeps its label', () => {
    const fs = [finding('r', 'a.yml', 3, { path: 'x' }), finding('r', 'a.yml', 9, { path: 'x' }), finding('r', 'a.yml', 4, { path: 'y' })];
    expect(findingKeys(fs)).toEqual(['r a.yml x', 'r a.yml x #2', 'r a.yml y']);
  });

  it('counts kept, rejected, unlabelled, fixed false alarms, lost findings and hazards', () => {
    const fs = [
      finding('port', 'c.yml', 5, { path: 'p0' }),
      finding('port', 'c.yml', 6, { path: 'p1' }),
      finding('plan', 'p.json', 1, { resource: 'aws_s3_bucket.a' }),
      finding('plan', 'p.json', 1, { resource: 'aws_s3_bucket.new' }),
    ];
    const labels: Label[] = [
      { key: 'port c.yml p0', verdict: 'keep', reason: 'x' },
      { key: 'port c.yml p1', verdict: 'reject', reason: 'x' },
      { key: 'plan p.json aws_s3_bucket.a', verdict: 'keep', reason: 'x' },
      { key: 'port c.yml gone', verdict: 'reject', reason: 'fixed' },
      { key: 'plan p.json aws_s3_bucket.lost', verdict: 'keep', reason: 'lost' },
    ];
    const hazards = [
      { rule: 'port', file: 'c.yml', line: 5, what: 'db' },
      { rule: 'plan', file: 'p.json', line: 1, resource: 'aws_s3_bucket.a', what: 'public' },
      { rule: 'plan', file: 'p.json', line: 1, resource: 'aws_s3_bucket.other', what: 'not reported' },
    ];
    const result = score(fs, labels, hazards);
    expect(result.total).toEqual({ keep: 2, reject: 1, hazards: 3, found: 2, fixed: 1 });
    expect(result.unlabelled.map((u) => u.key)).toEqual(['plan p.json aws_s3_bucket.new']);
    expect(result.lost.map((l) => l.key)).toEqual(['plan p.json aws_s3_bucket.lost']);
    expect(result.missed.map((h) => h.resource)).toEqual(['aws_s3_bucket.other']);
    expect(result.rows.find((r) => r.rule === 'port')).toMatchObject({ findings: 2, keep: 1, reject: 1, fixed: 1, hazards: 1, found: 1 });
    expect(failures(result)).toEqual([
      'precision 67% < 90%',
      'recall 67% < 80%',
      '1 findings not labelled',
      '1 kept findings no longer reported',
    ]);
  });
});

describe.skipIf(!existsSync(corpus))('on the corpus', () => {
  it('every finding is labelled, no kept finding is lost, and the targets hold', () => {
    const { findings } = collect();
    expect(findings).toBeDefined();
    const { labels, hazards } = loadLabels();
    const result = score(findings!, labels, hazards);
    expect(failures(result)).toEqual([]);
    // The benchmark page shows the same figures the labels give today.
    const docs = readFileSync(join(root, 'docs/benchmarks.md'), 'utf8');
    const t = result.total;
    expect(docs).toContain(`| **all** | ${t.keep + t.reject} | ${t.keep} | ${t.reject} |`);
  }, 120_000);
});

if (!existsSync(corpus)) {
  describe('on the corpus', () => {
    it.skip(`skipped: ${corpus} is absent (set IAC_GUARD_CORPUS to point at the corpus)`, () => {});
  });
}
