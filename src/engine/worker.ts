// The worker-thread side of parallel.ts: started from the same CLI entry file as the main
// thread (src/bin.ts dispatches here), it rebuilds the run's rules, checks its groups in order
// and posts one outcome per group. Anything that goes wrong comes back as a file error.
import { toFileErrors, type ActiveRule, type CheckSettings } from './check.js';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { checkGroup, WORKER_ARG, WORKER_MARK, type GroupOutcome, type WorkerJob } from './parallel.js';
import { rulesFor } from './plugins.js';
import { readLimits } from './config.js';
import { startReadBudget } from '../core/read.js';
import { ResourceTypeTable } from '../knowledge/resource-types.js';

export function isIacGuardWorker(): boolean {
  // The cheap test first: every CLI run makes it, and in the bundle node:worker_threads loads
  // only when it is passed (scripts/bundle.mjs).
  if (process.argv[2] !== WORKER_ARG) return false;
  return !isMainThread && typeof workerData === 'object' && workerData !== null && (workerData as Record<string, unknown>)[WORKER_MARK] === true;
}

export async function runWorker(): Promise<void> {
  const job = (workerData as { job: WorkerJob }).job;
  // This thread's own budget for the files its groups refer to, with the run's limits.
  startReadBudget(readLimits(job.config));
  const post = (index: number, outcome: GroupOutcome) => parentPort!.postMessage({ index, outcome });
  // Built-in rules plus the config's plugins, loaded exactly as the main thread loaded them.
  const rules = new Map((await rulesFor(job.config, job.load.cwd, 'checked')).map((r) => [r.id, r]));
  const active: ActiveRule[] = job.active.map((a) => {
    const rule = rules.get(a.id);
    if (!rule) throw new Error(`rule ${a.id} is not available in a worker thread`);
    return { rule, severity: a.severity, options: a.options };
  });
  const settings: CheckSettings = { today: job.today, resourceTypes: new ResourceTypeTable(job.config.resourceTypes), configuredRules: job.config.rules };
  for (const g of job.groups) {
    const outcome = await checkGroup({ kind: 'terraform', files: g.files }, active, job.load, settings);
    try {
      post(g.index, outcome);
    } catch (e) {
      // A finding that cannot cross threads (structured clone) must not vanish.
      post(g.index, { files: outcome.files, inlineSuppressions: [], loadErrors: toFileErrors(e, g.files[0]?.path ?? '?'), byRule: {} });
    }
  }
}
