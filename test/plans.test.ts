// The labelled set of real plans (test/plans/, made with real terraform by test/plans/generate.mjs,
// plus the older ones in test/fixtures/plans/real/): at default settings every dangerous plan is
// stopped (exit 1) and every routine one passes (exit 0). `node scripts/plan-score.mjs` prints the
// same as a score with the findings.
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
// @ts-expect-error: plain JavaScript module without types
import { LABELLED_PLANS as PLANS } from '../scripts/plan-score.mjs';

const LABELLED_PLANS = PLANS as { file: string; dangerous: boolean }[];

describe('the labelled set of real plans', () => {
  it('holds at least 15 dangerous and 15 routine plans', () => {
    expect(LABELLED_PLANS.filter((p) => p.dangerous).length).toBeGreaterThanOrEqual(15);
    expect(LABELLED_PLANS.filter((p) => !p.dangerous).length).toBeGreaterThanOrEqual(15);
  });

  for (const plan of LABELLED_PLANS) {
    it(`${plan.dangerous ? 'stops' : 'passes'} ${plan.file}`, () => {
      const r = cli([plan.file, '--format', 'json']);
      const report = JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string }[]; errors: unknown[] };
      expect(report.errors).toEqual([]);
      expect(r.code, JSON.stringify(report.findings)).toBe(plan.dangerous ? 1 : 0);
    });
  }
});
