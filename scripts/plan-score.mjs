#!/usr/bin/env node
// Scores the plan gate on the labelled set of real plans: how many dangerous plans it stops
// (exit 1) and how many routine ones it lets through (exit 0), at default settings.
//   node scripts/plan-score.mjs        (after npm run build)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const list = (dir) => readdirSync(join(root, dir)).filter((n) => n.endsWith('.json')).sort().map((n) => `${dir}/${n}`);
const OLDER_DANGEROUS = ['kms-key-replaced', 'kms-key-deleted', 'kms-key-disabled', 'protection-lowered', 'stateful-destroyed', 'exposure-widened'];

/** Plans with their label, paths relative to the repository. */
export const LABELLED_PLANS = [
  ...list('test/plans/dangerous').map((file) => ({ file, dangerous: true })),
  ...OLDER_DANGEROUS.map((n) => ({ file: `test/fixtures/plans/real/${n}.json`, dangerous: true })),
  ...list('test/plans/routine').map((file) => ({ file, dangerous: false })),
  { file: 'test/fixtures/plans/real/routine.json', dangerous: false },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let right = 0;
  for (const plan of LABELLED_PLANS) {
    const r = spawnSync(process.execPath, [join(root, 'dist/iac-guard.cjs'), plan.file, '--format', 'json'], { cwd: root, encoding: 'utf8' });
    const findings = r.status === 2 ? [] : JSON.parse(r.stdout).findings.filter((f) => !f.suppressed);
    const ok = plan.dangerous ? r.status === 1 : r.status === 0;
    if (ok) right++;
    const rules = [...new Set(findings.map((f) => `${f.ruleId}:${f.severity}`))].join(', ') || '-';
    console.log(`${ok ? 'ok  ' : 'MISS'} ${plan.dangerous ? 'dangerous' : 'routine  '} exit ${r.status}  ${plan.file}  ${rules}`);
  }
  const dangerous = LABELLED_PLANS.filter((p) => p.dangerous).length;
  console.log(`\n${right} of ${LABELLED_PLANS.length} right (${dangerous} dangerous, ${LABELLED_PLANS.length - dangerous} routine)`);
  process.exitCode = right === LABELLED_PLANS.length ? 0 : 1;
}
