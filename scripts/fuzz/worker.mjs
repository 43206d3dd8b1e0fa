// A fuzz worker thread: takes batches from the main thread, generates their cases, runs each in a
// reused temp folder and reports every start and end, so the main thread can spot a hang.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { caseArbitraries, sampleBatch } from './cases.mjs';
import { failureKey, loadEngine, runCase, writeCase } from './engine.mjs';
import { collectSeeds } from './seeds.mjs';

const { dist, root, corpusDir, seed, cwd, outDir } = workerData;
const engine = await loadEngine(dist);
const { seeds } = collectSeeds(root, corpusDir);
const arbitraries = caseArbitraries(seeds);

/** Keeps the first input of each distinct failure, for reproduction. */
function save(key, c, outcome) {
  const dir = join(outDir, key);
  if (existsSync(dir)) return dir;
  mkdirSync(dir, { recursive: true });
  cpSync(join(cwd, 'case'), join(dir, 'case'), { recursive: true });
  writeFileSync(join(dir, 'README.txt'), `${outcome.outcome}: ${outcome.message}\nat: ${outcome.stackTop ?? '-'}\ncase: ${c.label}\nreproduce: cd ${dir} && node ${join(root, 'dist/iac-guard.cjs')} ${c.config ? `--config ${c.config} ` : ''}${c.target}\n`);
  return dir;
}

parentPort.on('message', async ({ batch, from, count }) => {
  const cases = sampleBatch(arbitraries, seed, batch, count);
  for (let i = from; i < cases.length; i++) {
    const c = cases[i];
    parentPort.postMessage({ type: 'start', batch, index: i });
    writeCase(cwd, c);
    const start = performance.now();
    const outcome = await runCase(engine, cwd, c);
    const ms = performance.now() - start;
    let savedTo;
    if (outcome.outcome !== 'ok') savedTo = save(failureKey(outcome), c, outcome);
    parentPort.postMessage({ type: 'done', batch, index: i, ms, kind: c.kind, label: c.label, ...outcome, ...(savedTo ? { savedTo } : {}) });
  }
  parentPort.postMessage({ type: 'batch-done', batch });
});
parentPort.postMessage({ type: 'ready' });

