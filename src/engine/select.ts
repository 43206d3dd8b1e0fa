// Which part of the discovered work one run checks, for big repositories and parallel CI:
//   --changed-since REF  only units with a file git reports changed since REF (or untracked)
//   --shard i/n          a deterministic slice: unit i of n, by a stable hash of the unit's path
// Both work on whole units, never on single files: a Terraform root with the local modules it
// calls, a Compose file with its overrides, a Helm chart folder, a plan. A unit is never split
// across shards, and a change to any file of a unit checks all of it.
import { Git } from '../core/git.js';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { InputGroup } from '../core/source.js';
import type { FileError } from '../core/types.js';

/** What the runner asks after discovery: does this run own that group, that unreadable file? */
export interface Selection {
  group(group: InputGroup): boolean;
  /** Errors about single files found before grouping (unreadable, not understood). */
  error(error: FileError): boolean;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface SelectionRequest {
  cwd: string;
  changedSince?: string;
  shard?: Shard;
}

export function createSelection(req: SelectionRequest): Selection | undefined {
  const tests: Selection[] = [];
  if (req.changedSince !== undefined) tests.push(changedSince(changedPaths(req.changedSince, req.cwd), req.cwd));
  if (req.shard) tests.push(shardSelection(req.shard, req.cwd));
  if (!tests.length) return undefined;
  return {
    group: (g) => tests.every((t) => t.group(g)),
    error: (e) => tests.every((t) => t.error(e)),
  };
}

/** `--shard 2/3` → { index: 2, count: 3 }. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count && count <= 1000)) {
    throw new UsageError(`--shard expects i/n with 1 ≤ i ≤ n ≤ 1000 (e.g. 2/3), got "${text}"`);
  }
  return { index, count };
}

// ---- sharding ----

/** The path that names a group's unit, relative to cwd with `/`: the same in every CI job. */
export function unitKey(group: InputGroup, cwd: string): string {
  const main = group.files[0]?.absPath ?? '';
  // Terraform roots and Helm charts are folders; a chart's overlays are several groups of one unit.
  const unit = group.kind === 'terraform' || group.kind === 'helm' ? dirname(main) : main;
  return displayKey(unit, cwd);
}

const displayKey = (abs: string, cwd: string) => (relative(cwd, abs) || '.').split(sep).join('/');

/** FNV-1a, 32 bits: stable across Node versions and machines, unlike anything seeded. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard (1-based) a unit key falls in. */
export const shardOf = (key: string, count: number): number => (stableHash(key) % count) + 1;

function shardSelection(shard: Shard, cwd: string): Selection {
  return {
    group: (g) => shardOf(unitKey(g, cwd), shard.count) === shard.index,
    error: (e) => shardOf(e.file, shard.count) === shard.index,
  };
}

// ---- changed since a revision ----

/**
 * Absolute paths git reports as changed since `ref` in the working tree (staged or not; deleted
 * ones too, since deleting a .tf file changes its module) plus untracked files.
 */
export function changedPaths(ref: string, cwd: string): Set<string> {
  // A revision that starts with `-` would reach git as an option.
  if (!ref || ref.startsWith('-')) throw new UsageError(`--changed-since expects a git revision, got "${ref}"`);
  const root = git(['rev-parse', '--show-toplevel'], cwd, () => `--changed-since needs a git repository; ${cwd} is not in one`).trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, () => `--changed-since: unknown git revision "${ref}"`);
  // --no-renames: a moved file counts at both its old folder and its new one.
  const diffed = git(['diff', '--name-only', '--no-renames', '-z', ref, '--'], root, () => `--changed-since: git diff against "${ref}" failed`);
  const untracked = git(['ls-files', '--others', '--exclude-standard', '--full-name', '-z'], root, () => '--changed-since: git ls-files failed');
  const paths = new Set<string>();
  for (const p of `${diffed}\0${untracked}`.split('\0')) if (p) paths.add(join(root, p));
  return paths;
}

/** git through the one wrapper the diff command uses too, with a message for each use. */
function git(args: string[], cwd: string, failure: () => string): string {
  try {
    return new Git(cwd).runSync(args).toString('utf8');
  } catch {
    throw new UsageError(failure());
  }
}

function changedSince(changed: Set<string>, cwd: string): Selection {
  const changedFolders = new Set([...changed].map((p) => dirname(p)));
  const unitChanged = (g: InputGroup) =>
    g.files.some((f) => {
      if (changed.has(f.absPath)) return true;
      const folder = dirname(f.absPath);
      // A Terraform module and a Helm chart are folders: any file in them changes them.
      if (g.kind === 'terraform' || g.kind === 'helm') return changedFolders.has(folder);
      // `${VAR}` in a Compose file takes values from the .env beside it.
      return g.kind === 'compose' && changed.has(join(folder, '.env'));
    });
  return {
    group: unitChanged,
    error: (e) => {
      const abs = resolve(cwd, e.file);
      // Targets that are missing, folders, stdin: not a file that could be unchanged.
      if (!isRegularFile(abs)) return true;
      return changed.has(abs) || changedFolders.has(dirname(abs));
    },
  };
}

function isRegularFile(abs: string): boolean {
  try {
    return existsSync(abs) && statSync(abs).isFile();
  } catch {
    return false;
  }
}
