#!/usr/bin/env node
// Fuzzes the engine: mutated fixtures and corpus files plus generated documents of every input
// kind (plan JSON, .tf, .tf.json, Compose, Helm values, PEM in values, .iac-guard.yml), run in
// process through run() of the built dist/, in worker threads watched for hangs.
// Every case must end in findings or errors[] with a message: an exception, an `internal error`,
// a hang (> 10 s) or a file reported as checked that no parser could read is a failure. The first
// input of each distinct failure is saved for reproduction.
//   npm run fuzz -- [--cases 100000] [--seed 1] [--workers N] [--out DIR] [--json]
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setInterval, clearInterval } from 'node:timers';
import { Worker } from 'node:worker_threads';
import { BATCH } from './fuzz/cases.mjs';
import { failureKey } from './fuzz/engine.mjs';
import { collectSeeds } from './fuzz/seeds.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const CASES = Number(flag('cases', 100_000));
const SEED = Number(flag('seed', 1));
const WORKERS = Math.max(1, Number(flag('workers', availableParallelism())));
const HANG_MS = Number(flag('hang-ms', 10_000));
/** Where failing inputs are saved: --out as given (never emptied), else a fresh temp folder. */
const OUT = flag('out', undefined) ?? mkdtempSync(join(tmpdir(), 'iac-guard-fuzz-failures-'));
const DIST = flag('dist', join(root, 'dist'));
const JSON_OUT = process.argv.includes('--json');
const corpusDir = process.argv.includes('--no-corpus') ? undefined : (process.env.IAC_GUARD_CORPUS ?? join(root, '..', 'shared', 'corpus'));

if (!Number.isInteger(CASES) || CASES < 1 || !Number.isInteger(SEED)) {
  console.error('usage: node scripts/fuzz.mjs [--cases N] [--seed INT] [--workers N] [--out DIR] [--dist DIR] [--json] [--no-corpus]');
  process.exit(2);
}
if (!existsSync(join(DIST, 'src/engine/runner.js'))) {
  console.error(`fuzz: ${DIST} has no build; run npm run build first`);
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const { seeds, corpus } = collectSeeds(root, corpusDir);
log(`fuzz: ${CASES.toLocaleString('en')} cases, seed ${SEED}, ${WORKERS} worker(s), hang after ${HANG_MS / 1000} s`);
log(`seeds: ${Object.entries(seeds).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);
log(corpus === 'used' ? `corpus: ${corpusDir} (mutated along with the repo's fixtures)` : `corpus: SKIPPED, ${corpusDir ?? '--no-corpus'} is absent; mutating the repo's fixtures and examples only`);

mkdirSync(OUT, { recursive: true });

const queue = [];
for (let b = 0, left = CASES; left > 0; b++, left -= BATCH) queue.push({ batch: b, from: 0, count: Math.min(BATCH, left) });

const started = performance.now();
const failures = new Map();
const byKind = {};
const slowest = [];
let done = 0;
let nextReport = 0.1;

function record(o) {
  const key = failureKey(o);
  const f = failures.get(key) ?? { key, outcome: o.outcome, message: o.message, stackTop: o.stackTop, label: o.label, savedTo: o.savedTo, count: 0 };
  f.count++;
  failures.set(key, f);
}

function noteDone(m) {
  done++;
  const k = (byKind[m.kind] ??= { cases: 0, withFindings: 0, withErrors: 0 });
  k.cases++;
  if (m.findings) k.withFindings++;
  if (m.errors) k.withErrors++;
  if (m.outcome !== 'ok') record(m);
  if (slowest.length < 10 || m.ms > slowest[slowest.length - 1].ms) {
    slowest.push({ ms: m.ms, kind: m.kind, label: m.label, case: `${m.batch}:${m.index}` });
    slowest.sort((a, b) => b.ms - a.ms);
    slowest.length = Math.min(slowest.length, 10);
  }
  if (!JSON_OUT && done / CASES >= nextReport) {
    log(`  ${Math.round((done / CASES) * 100)}%  ${done.toLocaleString('en')} cases, ${failures.size} distinct failure(s), ${((performance.now() - started) / 1000).toFixed(0)} s`);
    nextReport += 0.1;
  }
}

const tempDirs = [];
const cleanUp = () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
};
// Interrupted (Ctrl-C, a CI timeout): leave no temp folders behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
const finished = new Promise((resolveAll) => {
  const slots = [];
  const tryFinish = () => {
    if (!queue.length && slots.every((s) => !s.job)) {
      clearInterval(watchdog);
      for (const s of slots) void s.worker.terminate();
      resolveAll();
    }
  };
  const dispatch = (slot) => {
    slot.job = queue.shift();
    slot.current = undefined;
    if (slot.job) slot.worker.postMessage(slot.job);
    else tryFinish();
  };
  /** Replaces a worker that hung or died, and goes on after the case it was on. */
  const replace = (slot, outcome, message) => {
    const { batch, index } = slot.current ?? { batch: slot.job?.batch, index: (slot.job?.from ?? 0) - 1 };
    slot.dead = true;
    void slot.worker.terminate();
    const savedTo = join(OUT, `${outcome}-${batch}-${index}`);
    if (existsSync(join(slot.cwd, 'case'))) cpSync(join(slot.cwd, 'case'), join(savedTo, 'case'), { recursive: true });
    record({ outcome, message, label: `batch ${batch} case ${index}`, savedTo });
    done++;
    const rest = slot.job && index + 1 < slot.job.count ? { batch, from: index + 1, count: slot.job.count } : undefined;
    if (rest) queue.unshift(rest);
    const i = slots.indexOf(slot);
    slots[i] = spawn(slot.cwd);
  };
  const spawn = (cwd) => {
    const worker = new Worker(new URL('./fuzz/worker.mjs', import.meta.url), {
      workerData: { dist: DIST, root, corpusDir, seed: SEED, cwd, outDir: OUT },
      // The CLI's main thread has Node's default ~1 MB stack; give workers the same so deep
      // recursion fails here as it would for a user. Memory is capped to turn a blow-up into an error.
      resourceLimits: { stackSizeMb: 1, maxOldGenerationSizeMb: 2048 },
    });
    const slot = { worker, cwd, job: undefined, current: undefined, dead: false };
    worker.on('message', (m) => {
      if (slot.dead) return;
      if (m.type === 'ready') dispatch(slot);
      else if (m.type === 'start') slot.current = { batch: m.batch, index: m.index, at: performance.now() };
      else if (m.type === 'done') {
        slot.current = undefined;
        noteDone(m);
      } else if (m.type === 'batch-done') dispatch(slot);
    });
    worker.on('error', (e) => {
      if (!slot.dead) replace(slot, 'crash', `worker died: ${e?.code ?? ''} ${e?.message ?? e}`.trim());
    });
    return slot;
  };
  const watchdog = setInterval(() => {
    for (const slot of slots) {
      if (!slot.dead && slot.current && performance.now() - slot.current.at > HANG_MS) replace(slot, 'hang', `no result after ${HANG_MS / 1000} s`);
    }
  }, 250);
  for (let w = 0; w < Math.min(WORKERS, queue.length); w++) {
    tempDirs.push(mkdtempSync(join(tmpdir(), 'iac-guard-fuzz-')));
    slots.push(spawn(tempDirs[w]));
  }
});

await finished;
cleanUp();
if (!flag('out', undefined) && !failures.size) rmSync(OUT, { recursive: true, force: true });
const seconds = (performance.now() - started) / 1000;
const list = [...failures.values()].sort((a, b) => b.count - a.count);
const summary = {
  cases: done,
  seed: SEED,
  seconds: Math.round(seconds),
  corpus,
  byKind,
  crashes: list.filter((f) => f.outcome === 'crash'),
  hangs: list.filter((f) => f.outcome === 'hang'),
  silent: list.filter((f) => f.outcome === 'silent'),
  slowest: slowest.map((s) => ({ ...s, ms: Math.round(s.ms) })),
  failuresSavedIn: failures.size ? OUT : undefined,
};

if (JSON_OUT) {
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
} else {
  console.log(`\nfuzz: ${done.toLocaleString('en')} cases in ${seconds.toFixed(0)} s (seed ${SEED}, corpus ${corpus})`);
  for (const [kind, k] of Object.entries(byKind)) console.log(`  ${kind.padEnd(8)} ${String(k.cases).padStart(7)} cases, ${String(k.withFindings).padStart(6)} with findings, ${String(k.withErrors).padStart(6)} refused (exit 2)`);
  for (const [name, items] of [['crashes', summary.crashes], ['hangs', summary.hangs], ['silently accepted', summary.silent]]) {
    console.log(`${name}: ${items.length} distinct (${items.reduce((n, f) => n + f.count, 0)} cases)`);
    for (const f of items) console.log(`  ${f.count}× ${f.message}${f.stackTop ? `\n      at ${f.stackTop}` : ''}\n      first: ${f.label}\n      saved: ${f.savedTo ?? '-'}`);
  }
  console.log('slowest cases:');
  for (const s of summary.slowest) console.log(`  ${String(s.ms).padStart(6)} ms  ${s.kind.padEnd(8)} ${s.case.padEnd(9)} ${s.label.slice(0, 110)}`);
}
process.exit(list.length ? 1 : 0);
