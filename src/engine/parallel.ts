// Worker threads for big Terraform trees. Terraform groups (a root folder with its local modules)
// do not depend on each other, so a big tree's groups are split by size between worker threads
// (and this thread), and each group is parsed AND checked where it is parsed: sending a parsed
// tree back would cost as much as parsing it. What comes back is small: findings before
// suppressions, rule failures, the model's file list and inline suppressions. The runner puts
// them where the group stands in the group list, so the output never depends on which thread
// finished first. A small run never starts a worker.
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkModel, toFileErrors, type ActiveRule, type CheckSettings, type RuleOutput } from './check.js';
import type { Config } from './config.js';
import { UsageError } from '../core/errors.js';
import type { BaseModel, InlineSuppression, InputGroup, LoadOptions, SourceFile } from '../core/source.js';
import type { FileError, Severity } from '../core/types.js';
import { cliEntry } from '../core/entry.js';
import type { ProjectInputs } from '../model/index.js';
import { helmReleasesOf } from '../model/terraform-helm.js';
import { terraformAdapter } from '../model/terraform.js';
import { BUILTIN_RULES } from '../../rules/index.js';

/** `IAC_GUARD_THREADS=0` never starts a worker; `=N` always uses N (when there is a group to give them). */
export const THREADS_ENV = 'IAC_GUARD_THREADS';
/**
 * Below both there is under ~180 ms of work (about 0.6 ms per typical 3 KB file on one thread):
 * sharing it saves no more than starting a worker costs (it loads the CLI again: ~90 ms of CPU).
 */
export const AUTO_MIN_FILES = 300;
export const AUTO_MIN_BYTES = 1024 * 1024;
/**
 * Cores one scanning thread keeps busy: V8 collects garbage and compiles on background threads
 * beside it (measured: a one-thread scan of 2,001 .tf files used 1.9 s of CPU in 1.2 s). On two
 * cores a second thread only competes with them; measured, it made the scan 1.5 times slower.
 */
const CORES_PER_THREAD = 1.6;
/** A worker's argv and workerData carry these; src/bin.ts then runs the worker loop, not the CLI. */
export const WORKER_ARG = '--iac-guard-worker';
export const WORKER_MARK = 'iacGuardWorker';


/** What checking one group produced. Plain data: it crosses threads by structured clone. */
export interface GroupOutcome {
  /** The model's files as the runner lists them: as they stood right after loading. */
  files: string[];
  inlineSuppressions: InlineSuppression[];
  /** Set when the group could not be loaded; then nothing was checked. */
  loadErrors?: FileError[];
  /** Findings and failures by index in the active rule list; rules with neither are absent. */
  byRule: Record<number, RuleOutput>;
}

/** A Terraform group checked ahead of the others: its results stand in for the model. */
export class CheckedGroup implements BaseModel {
  readonly kind = 'terraform' as const;

  constructor(private readonly outcome: GroupOutcome) {}

  get files(): string[] {
    return this.outcome.files;
  }

  get inlineSuppressions(): InlineSuppression[] {
    return this.outcome.inlineSuppressions;
  }

  output(ruleIndex: number): RuleOutput | undefined {
    return this.outcome.byRule[ruleIndex];
  }
}

/** Everything a worker needs to check groups exactly as this thread would. */
export interface WorkerJob {
  /** For the plugins (loaded as the CLI loads them), resource types and rule settings. */
  config: Config;
  active: { id: string; severity: Severity; options: Record<string, unknown> }[];
  load: LoadOptions;
  today: string;
  groups: { index: number; files: SourceFile[] }[];
}

/** Loads a Terraform group and runs every active rule's `terraform` handler on it. Never throws. */
export async function checkGroup(group: InputGroup, active: ActiveRule[], load: LoadOptions, settings: CheckSettings): Promise<GroupOutcome> {
  try {
    const model = await terraformAdapter.load(group as InputGroup<'terraform'>, load);
    helmReleasesOf(model); // reads the values its helm_release resources deploy: they are its files
    const files = model.files;
    const byRule: Record<number, RuleOutput> = {};
    active.forEach((a, i) => {
      const out: RuleOutput = { findings: [], errors: [] };
      checkModel(a, model, settings, out);
      if (out.findings.length || out.errors.length) byRule[i] = out;
    });
    // Read after the rules: a script a rule read through file() brings its own comments.
    return { files, inlineSuppressions: model.inlineSuppressions, byRule };
  } catch (e) {
    return { files: [], inlineSuppressions: [], loadErrors: toFileErrors(e, group.files[0]?.path ?? '?'), byRule: {} };
  }
}

export interface AheadRequest {
  groups: InputGroup[];
  active: ActiveRule[];
  config: Config;
  load: LoadOptions;
  today: string;
  settings: CheckSettings;
  /** Plans in this run: the Terraform root beside each one (or --tf-dir) stays here, for linking. */
  planFiles: SourceFile[];
  onProgress?: (stage: string, done: number, total: number) => void;
}

/**
 * Starts checking the groups worth sending to worker threads, and this thread's share of them;
 * the promises settle in any order. Undefined when the run stays on this thread.
 */
export function checkTerraformAhead(req: AheadRequest): Map<number, Promise<GroupOutcome>> | undefined {
  const entry = cliEntry();
  if (!entry || !workersCanRun(req.active, req.config)) return undefined;
  const keepHere = new Set(req.planFiles.filter((f) => f.absPath !== '-').map((f) => dirname(resolve(req.load.cwd, f.absPath))));
  if (req.load.tfDir) keepHere.add(req.load.tfDir);
  const movable = req.groups
    .map((group, index) => ({ index, group, bytes: group.files.reduce((n, f) => n + f.text.length, 0) }))
    .filter((g) => !keepHere.has(dirname(g.group.files[0]!.absPath)));
  const workers = workerCount(
    process.env[THREADS_ENV],
    movable.reduce((n, g) => n + g.group.files.length, 0),
    movable.reduce((n, g) => n + g.bytes, 0),
    movable.length,
  );
  if (!workers) return undefined;

  const total = req.groups.length;
  let done = 0;
  const progress = () => req.onProgress?.('parse', done++, total);
  const shares = partition(movable, workers + 1);
  const outcomes = new Map<number, Promise<GroupOutcome>>();
  const job = {
    config: req.config,
    active: req.active.map((a) => ({ id: a.rule.id, severity: a.severity, options: a.options })),
    load: req.load,
    today: req.today,
  };
  for (const share of shares.slice(1)) {
    const groups = share.map((i) => ({ index: i, files: req.groups[i]!.files }));
    for (const [i, p] of startWorker(entry, { ...job, groups }, progress)) outcomes.set(i, p);
  }
  // This thread's share runs while the workers start and work; it is taken in order so the
  // runner, which waits for groups in order, is rarely kept waiting on this thread's own work.
  let mine = Promise.resolve();
  for (const i of shares[0]!) {
    const result = mine.then(() => checkGroup(req.groups[i]!, req.active, req.load, req.settings));
    mine = result.then(progress);
    outcomes.set(i, result);
  }
  return outcomes;
}

/**
 * Workers load the built-in rules and the config's plugins themselves. A rule from anywhere else
 * cannot run there; nor can a plugin's cross-file (`project`) handler be trusted to ignore the
 * Terraform models that would be missing from this thread.
 */
function workersCanRun(active: ActiveRule[], config: Config): boolean {
  const builtin = new Set(BUILTIN_RULES);
  return active.every((a) => builtin.has(a.rule) || (config.plugins.length > 0 && !a.rule.check.project));
}

/**
 * Worker threads beside the main thread (which takes a share too, so at most one per group
 * beyond the first): the setting when given, else what the cores allow when the tree is big.
 */
export function workerCount(setting: string | undefined, files: number, bytes: number, groups: number, cores = availableParallelism()): number {
  if (setting !== undefined && setting !== '') {
    if (!/^\d+$/.test(setting)) throw new UsageError(`${THREADS_ENV} must be 0 (no worker threads) or a number of threads, got "${setting}"`);
    return Math.max(0, Math.min(Number(setting), groups - 1));
  }
  if (files < AUTO_MIN_FILES && bytes < AUTO_MIN_BYTES) return 0;
  return Math.max(0, Math.min(Math.floor(cores / CORES_PER_THREAD) - 1, groups - 1));
}

/**
 * Splits groups into `parts` lists of indexes with about equal bytes: biggest group first, each to
 * the lightest list (the first on a tie). Depends only on the input, never on timing. Each list
 * is in group order.
 */
export function partition(groups: { index: number; bytes: number }[], parts: number): number[][] {
  const lists: number[][] = Array.from({ length: parts }, () => []);
  const load = new Array<number>(parts).fill(0);
  const bySize = [...groups].sort((a, b) => b.bytes - a.bytes || a.index - b.index);
  for (const g of bySize) {
    let lightest = 0;
    for (let p = 1; p < parts; p++) if (load[p]! < load[lightest]!) lightest = p;
    lists[lightest]!.push(g.index);
    load[lightest]! += g.bytes;
  }
  return lists.map((l) => l.sort((a, b) => a - b));
}

/** One worker for a list of groups: a promise per group, settled with an error if the worker dies first. */
function startWorker(entry: string, job: WorkerJob, onDone: () => void): Map<number, Promise<GroupOutcome>> {
  const settle = new Map<number, (o: GroupOutcome) => void>();
  const outcomes = new Map<number, Promise<GroupOutcome>>();
  for (const g of job.groups) outcomes.set(g.index, new Promise((resolve) => settle.set(g.index, resolve)));
  const failAll = (why: string) => {
    for (const g of job.groups) {
      const file = g.files[0]?.path ?? '?';
      settle.get(g.index)?.({ files: [], inlineSuppressions: [], loadErrors: [{ file, message: `internal error while checking this folder: worker thread ${why}` }], byRule: {} });
    }
    settle.clear();
  };
  let worker: Worker;
  try {
    // No resourceLimits: a bigger young generation (32-128 MB) measured no faster and used more memory.
    worker = new Worker(entry, { argv: [WORKER_ARG], workerData: { [WORKER_MARK]: true, job } });
  } catch (e) {
    failAll(`could not start: ${e instanceof Error ? e.message : String(e)}`);
    return outcomes;
  }
  let failure: string | undefined;
  worker.on('message', (m: { index: number; outcome: GroupOutcome }) => {
    settle.get(m.index)?.(m.outcome);
    settle.delete(m.index);
    onDone();
    // Its work is done: the process need not wait for the thread to wind down.
    if (!settle.size) worker.unref();
  });
  worker.on('error', (e) => {
    failure = `failed: ${e.message}`;
  });
  worker.on('exit', (code) => failAll(failure ?? `stopped (exit code ${code}) before it was done`));
  return outcomes;
}

/** When some Terraform modules were checked in workers, a cross-file handler reading them fails loudly. */
export function withoutTerraform(project: ProjectInputs): ProjectInputs {
  return Object.defineProperty(project, 'terraform', {
    get() {
      throw new Error(`reads every Terraform module, but this run checked some in worker threads; run it with ${THREADS_ENV}=0`);
    },
  });
}
