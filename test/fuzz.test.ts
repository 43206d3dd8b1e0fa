// A fixed-seed slice of `npm run fuzz` (scripts/fuzz.mjs): 1,500 generated and mutated inputs of
// every kind through the built engine. Any crash, hang or silently accepted file fails the suite;
// the failing inputs are saved in the folder the summary names.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';

const CORPUS = process.env.IAC_GUARD_CORPUS ?? join(ROOT, '..', 'shared', 'corpus');

interface Failure {
  count: number;
  message: string;
  stackTop?: string;
  label: string;
  savedTo?: string;
}
interface Summary {
  cases: number;
  corpus: 'used' | 'absent';
  byKind: Record<string, { cases: number }>;
  crashes: Failure[];
  hangs: Failure[];
  silent: Failure[];
}

function fuzz(args: string[]): Summary {
  const out = mkdtempSync(join(tmpdir(), 'iac-guard-fuzz-test-'));
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/fuzz.mjs'), '--json', '--workers', '2', '--out', out, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  if (!r.stdout) throw new Error(`fuzz printed nothing (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const summary = JSON.parse(r.stdout) as Summary;
  const failures = [...summary.crashes, ...summary.hangs, ...summary.silent];
  // Keep the inputs of a failure for the person who has to fix it.
  if (!failures.length) rmSync(out, { recursive: true, force: true });
  expect(r.status, failures.map((f) => `${f.count}× ${f.message} at ${f.stackTop ?? '-'} (${f.label}; saved in ${f.savedTo})`).join('\n')).toBe(0);
  return summary;
}

describe('fuzzing (fixed seed)', () => {
  it('1,000 cases from the repo fixtures and generators: no crash, hang or silent acceptance', () => {
    const s = fuzz(['--cases', '1000', '--seed', '1', '--no-corpus']);
    expect(s.cases).toBe(1000);
    expect(s.corpus).toBe('absent');
    expect(Object.keys(s.byKind).sort()).toEqual(['compose', 'config', 'helm', 'pem', 'plan', 'tf', 'tfjson']);
    expect([...s.crashes, ...s.hangs, ...s.silent]).toEqual([]);
  }, 600_000);

  it.skipIf(!existsSync(CORPUS))('500 cases mutating the shared corpus too (skipped when ../shared/corpus is absent)', () => {
    const s = fuzz(['--cases', '500', '--seed', '2']);
    expect(s.cases).toBe(500);
    expect(s.corpus).toBe('used');
    expect([...s.crashes, ...s.hangs, ...s.silent]).toEqual([]);
  }, 600_000);
});
