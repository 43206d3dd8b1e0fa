// The scan itself, shared by the command line and the GitHub Action: find the config, load
// plugins, run the engine. Formatting and exit codes stay with the caller.
import { dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG, configSearchStart, findConfigFile, loadConfig, moduleSources, type Config } from '../engine/config.js';
import { UsageError } from '../core/errors.js';
import { boundaryRoots } from '../core/read.js';
import type { LoadOptions } from '../core/source.js';
import type { AnyRule } from '../rule-api/rule.js';
import { isBlocking, run } from '../engine/runner.js';
import { createSelection, parseShard } from '../engine/select.js';
import type { RunResult } from '../core/types.js';
import { rulesFor, type PluginTrust } from '../engine/plugins.js';

export const EXIT = { ok: 0, blocking: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What every command that runs rules takes from the command line. */
export interface RuleRunRequest {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `--config`, relative to cwd; otherwise `.iac-guard.yml` is looked up from the first path. */
  config?: string;
  failOn?: Config['failOn'];
  only?: string[];
  disable?: string[];
  vars?: string[];
  varFiles?: string[];
  /** `--allow-plugins` / `--refuse-plugins`; by default plugins load only from a config the user chose. */
  plugins?: PluginTrust['policy'];
}

export interface ScanRequest extends RuleRunRequest {
  targets: string[];
  values?: string[];
  target?: 'compose' | 'swarm';
  tfDir?: string;
  /** `--changed-since REF`: only units with files changed since this git revision. */
  changedSince?: string;
  /** `--shard i/n`: only this slice of the units, for parallel CI jobs. */
  shard?: string;
  /** `--terraform CMD`: what reads binary plans; without it (or the config's) they are refused. */
  terraform?: string;
  readStdin?: () => Promise<string>;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface ScanOutcome {
  result: RunResult;
  failOn: Config['failOn'];
  config: Config;
  /** Built-in rules plus the config's plugins. */
  rules: AnyRule[];
}

export function today(env: NodeJS.ProcessEnv = process.env): string {
  // IAC_GUARD_TODAY pins the date for reproducible expiry checks in tests and CI replays.
  const pinned = env.IAC_GUARD_TODAY;
  if (pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned)) return pinned;
  return new Date().toISOString().slice(0, 10);
}

/** `--var NAME=VALUE` pairs. */
export function parseVars(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--var expects NAME=VALUE, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/**
 * The config named with --config, or the one found upward from the first scanned path (the path
 * itself when it is a folder; cwd for stdin or no path), or the defaults.
 */
export function resolveConfig(cwd: string, explicit: string | undefined, firstPath?: string): Config {
  const start = !firstPath || firstPath === '-' ? cwd : configSearchStart(resolve(cwd, firstPath));
  const file = explicit ? resolve(cwd, explicit) : findConfigFile(start);
  return file ? loadConfig(file, explicit ?? file) : { ...DEFAULT_CONFIG };
}

/** `--terraform`, else the config's `terraform.command` (a path in it is relative to the config file). */
function terraformCommand(flag: string | undefined, config: Config, cwd: string): { terraform?: string } {
  const command = flag ?? config.terraform.command;
  if (command === undefined) return {};
  if (!command.trim()) throw new UsageError('--terraform needs a command: terraform, tofu or a path to one');
  const base = flag !== undefined ? cwd : config.source ? dirname(config.source) : cwd;
  // A bare name is looked up on PATH, as a shell would; anything with a slash is a path.
  return { terraform: command.includes('/') ? resolve(base, command) : command };
}

/** How far this run trusts the config's plugins (see PluginTrust). */
export function pluginTrust(req: Pick<RuleRunRequest, 'cwd' | 'config' | 'plugins'>, roots: readonly string[]): PluginTrust {
  return { policy: req.plugins ?? 'by-origin', explicitConfig: req.config !== undefined, roots, cwd: req.cwd };
}

export async function scan(req: ScanRequest): Promise<ScanOutcome> {
  const { cwd } = req;
  // `--values FILE` alone: those files are the values to check (merged in order, no chart).
  const targets = req.targets.length ? req.targets : [...(req.values ?? [])];
  if (!targets.length) throw new UsageError('nothing to scan: give files or folders (or - for stdin); see --help');
  const first = targets[0]!;
  const select = createSelection({ cwd, ...(req.changedSince !== undefined ? { changedSince: req.changedSince } : {}), ...(req.shard ? { shard: parseShard(req.shard) } : {}) });
  const config = resolveConfig(cwd, req.config, first);
  // Files that scanned files point at are read only inside the scanned repositories.
  const roots = boundaryRoots([...targets, ...(req.tfDir ? [req.tfDir] : [])], cwd);
  const rules = await rulesFor(config, cwd, pluginTrust(req, roots));
  const composeTarget = req.target ?? config.compose.target;

  const load: LoadOptions = {
    cwd,
    vars: parseVars(req.vars ?? []),
    varFiles: req.varFiles ?? [],
    // Values files named in config are relative to the config file; on the command line, to cwd.
    helmValues: [...config.helm.values.map((v) => resolve(config.source ? dirname(config.source) : cwd, v)), ...(req.values ?? [])],
    env: { ...req.env },
    ...(composeTarget ? { composeTarget } : {}),
    ...(req.tfDir ? { tfDir: resolve(cwd, req.tfDir) } : {}),
    roots,
    wholeModules: true,
    moduleSources: moduleSources(config, cwd),
    ...(config.helm.valuesFiles.length ? { helmValuesFiles: { base: config.source ? dirname(config.source) : cwd, globs: config.helm.valuesFiles } } : {}),
    ...terraformCommand(req.terraform, config, cwd),
  };

  const result = await run({
    targets,
    cwd,
    config,
    rules,
    only: req.only ?? [],
    disable: req.disable ?? [],
    load,
    today: today(req.env),
    ...(select ? { select } : {}),
    ...(req.readStdin ? { readStdin: req.readStdin } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  });
  return { result, failOn: req.failOn ?? config.failOn, config, rules };
}

/** 2 when anything was not understood, else 1 when a finding blocks, else 0. */
export function exitCodeFor(result: RunResult, failOn: Config['failOn']): ExitCode {
  if (result.errors.length) return EXIT.usage;
  return result.findings.some((f) => isBlocking(f, failOn)) ? EXIT.blocking : EXIT.ok;
}
