// `iac-guard diff [--base REF] [--staged] [paths...]`: the Terraform roots a change touches,
// at the base revision and in the working tree (or the index), checked by the diff rules
// without running terraform. Config, severities, `--fail-on`, allow entries, inline
// `iac-guard-ignore` comments in the head files and every reporter work as for a scan.
import { rulesFor } from '../engine/plugins.js';
import { moduleSources, readLimits } from '../engine/config.js';
import { boundaryRoots, startReadBudget } from '../core/read.js';
import { run } from '../engine/runner.js';
import type { RunResult } from '../core/types.js';
import { loadDiff } from '../engine/diff/load.js';
import { parseVars, pluginTrust, resolveConfig, today, type RuleRunRequest, type ScanOutcome } from './scan.js';

export interface DiffRequest extends RuleRunRequest {
  /** `--base`: default the merge base of HEAD with its upstream branch, else HEAD. */
  base?: string;
  /** `--staged`: compare the index (what the commit will record) instead of the working tree. */
  staged: boolean;
  /** Only changes under these files or folders. */
  paths: string[];
}

export interface DiffOutcome extends ScanOutcome {
  /** What the head was compared with, e.g. `origin/main (merge base 1a2b3c4)`. */
  baseLabel: string;
}

export async function diff(req: DiffRequest): Promise<DiffOutcome> {
  const { cwd } = req;
  const first = req.paths[0];
  const config = resolveConfig(cwd, req.config, first);
  startReadBudget(readLimits(config));
  const roots = boundaryRoots(['.'], cwd);
  const rules = await rulesFor(config, cwd, pluginTrust(req, roots));
  const vars = parseVars(req.vars ?? []);
  const varFiles = req.varFiles ?? [];
  const env = { ...req.env };

  const loaded = await loadDiff({ cwd, staged: req.staged, paths: req.paths, vars, varFiles, env, moduleSources: moduleSources(config, cwd), ...(req.base !== undefined ? { base: req.base } : {}) });
  const result = await run({
    targets: [],
    models: loaded.models,
    cwd,
    config,
    rules,
    only: req.only ?? [],
    disable: req.disable ?? [],
    load: { cwd, vars, varFiles, helmValues: [], env, roots },
    today: today(req.env),
  });
  return { result: withErrors(result, loaded.errors), failOn: req.failOn ?? config.failOn, config, rules, baseLabel: loaded.base.label };
}

/** Roots that could not be read fail the run like unreadable scan targets. */
function withErrors(result: RunResult, errors: RunResult['errors']): RunResult {
  if (!errors.length) return result;
  const all = [...result.errors, ...errors].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { ...result, errors: all };
}
