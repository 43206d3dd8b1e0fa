// Builds the DiffModels for `iac-guard diff`: which Terraform roots a change touches (a folder
// with changed .tf/.tfvars files, or the roots that call a changed local module), and each root
// loaded at the base revision and in the working tree or index. Also loads the base/ + head/
// folder pairs the diff rules use as fixtures.
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve, relative, sep, isAbsolute } from 'node:path';
import { displayPath } from '../../core/read.js';
import { ParseError, UsageError } from '../../core/errors.js';
import type { SourceFile } from '../../core/source.js';
import type { AnyRule } from '../../rule-api/rule.js';
import type { FileError } from '../../core/types.js';
import { boundaryRoots } from '../../core/read.js';
import { diskReader, loadModuleFromFiles, mappedSourceDir, type TerraformLoadOptions, type TerraformModule, type TerraformReader } from '../../model/terraform.js';
import { terraformFileKind } from '../../parsers/hcl.js';
import { Git } from '../../core/git.js';
import { changedFiles, locate, type BaseRevision, type FileChange } from './revisions.js';
import { DiffModel } from '../../model/diff.js';
import { absolute, dirOf, Snapshot, WorkingTree, type Side } from './sides.js';

export interface DiffRequest {
  cwd: string;
  /** `--base`: a git revision; default the merge base with the upstream branch, else HEAD. */
  base?: string;
  /** Compare the index (what `git commit` would record) instead of the working tree. */
  staged: boolean;
  /** Only changes under these files or folders (relative to cwd). */
  paths: string[];
  vars: Record<string, string>;
  varFiles: string[];
  env: Record<string, string | undefined>;
  /** `modules:` of the config (absolute folders). */
  moduleSources?: readonly { prefix: string; dir: string }[];
}

export interface LoadedDiff {
  base: BaseRevision;
  /** One per Terraform root the change touches. */
  models: DiffModel[];
  /** Roots that could not be read or parsed at one of the two revisions. */
  errors: FileError[];
}

/** Files that make a folder a root: .tf, .tf.json, or a Terragrunt unit's terragrunt.hcl. */
const isConfig = (name: string) => {
  const kind = terraformFileKind(name);
  return kind === 'tf' || kind === 'tf.json' || kind === 'terragrunt';
};

export async function loadDiff(request: DiffRequest): Promise<LoadedDiff> {
  // git names files by their real path; a cwd reached through a symbolic link must agree with it.
  const req = { ...request, cwd: realpathSync(request.cwd) };
  const here = new Git(req.cwd);
  // One `git cat-file --batch` answers every object read of the run, the base commit first.
  const objects = here.objects();
  try {
    const { top, base } = await locate(here, objects, req.base);
    const git = new Git(top);
    const pathspecs = req.paths.map((p) => repoPath(top, resolve(req.cwd, p), p));
    const baseSide = new Snapshot(git, objects, top, base.rev, base.label);
    const headSide: Side = req.staged ? new Snapshot(git, objects, top, undefined, 'the index (staged changes)') : new WorkingTree(git, top);
    // Module sources mapped into the repository by the config are read from each side too.
    const mapped = mappedFolder(req.moduleSources ?? [], top);
    baseSide.mappedSource = mapped;
    if (headSide instanceof Snapshot) headSide.mappedSource = mapped;
    // The local module calls on both sides are asked together with the changed files, not after:
    // the pre-commit hook runs only when Terraform files are staged, so they are almost always needed.
    const changed = changedFiles(git, base.rev, req.staged, pathspecs);
    const calls = Promise.all([baseSide.moduleCalls(), headSide.moduleCalls()]);
    calls.catch(() => {}); // awaited below
    const changes = (await changed).filter(
      (c) => [c.oldPath, c.newPath].some((p) => p !== undefined && terraformFileKind(p) !== undefined),
    );
    if (!changes.length) {
      await calls.catch(() => undefined); // unused, but no git process outlives the run
      return { base, models: [], errors: [] };
    }
    // Every changed folder is a root or a module a root calls: read on both sides while the
    // module calls are still being searched.
    const changedDirs = [...new Set(changes.flatMap((c) => [c.oldPath, c.newPath].filter((p): p is string => p !== undefined).map(dirOf)))];
    const reading = Promise.all([baseSide.prepare(changedDirs), headSide.prepare(changedDirs)]);
    reading.catch(() => {}); // awaited below
    const [, moduleCalls] = await Promise.all([reading, calls]);
    return { base, ...(await loadRoots(req, top, base, baseSide, headSide, changedDirs, moduleCalls, changes)) };
  } finally {
    objects.close();
  }
}

/** A `modules:` mapping as a folder relative to the repository top, for a source (see installedSource). */
function mappedFolder(mappings: readonly { prefix: string; dir: string }[], top: string): (source: string) => string | undefined {
  return (source) => {
    const abs = mappedSourceDir(mappings, source);
    return abs === undefined ? undefined : relative(top, abs).split(sep).join('/');
  };
}

async function loadRoots(
  req: DiffRequest,
  top: string,
  base: BaseRevision,
  baseSide: Side,
  headSide: Side,
  changedDirs: string[],
  calls: Map<string, Set<string>>[],
  changes: FileChange[],
): Promise<Omit<LoadedDiff, 'base'>> {
  const roots = rootsOf(changedDirs, calls);
  const renamedDirs = folderRenames(changes);
  await Promise.all([baseSide.prepare([...roots, ...renamedDirs.keys()]), headSide.prepare([...roots])]);

  // file() and local modules are read only inside the repository, on both sides.
  const options = { cwd: req.cwd, vars: req.vars, varFiles: req.varFiles, env: req.env, roots: boundaryRoots(['.'], req.cwd), ...(req.moduleSources ? { moduleSources: req.moduleSources } : {}) };
  const pairs = pairRoots([...roots].sort(), renamedDirs, baseSide, headSide);
  // Every base first, then every head: the parse cache keeps one text per path, so a changed
  // module that several roots call is parsed once per side instead of once per root and side.
  const before = await loadEach(pairs.map((p) => p.baseDir), baseSide, top, options, (e) => atRevision(e, base.label));
  const after = await loadEach(pairs.map((p) => p.headDir), headSide, top, options, (e) => e);
  const models: DiffModel[] = [];
  const errors: FileError[] = [];
  pairs.forEach((_, i) => {
    const error = before[i]!.error ?? after[i]!.error;
    if (error) errors.push({ file: error.file, message: error.message, ...(error.line ? { line: error.line } : {}), ...(error.column ? { column: error.column } : {}) });
    else models.push(new DiffModel(before[i]!.model, after[i]!.model, base.label));
  });
  return { models, errors };
}

type Loaded = { model: TerraformModule | undefined; error?: undefined } | { model?: undefined; error: ParseError };

/** Loads roots one after another; a root that cannot be read or parsed becomes its error. */
async function loadEach(dirs: (string | undefined)[], side: Side, top: string, options: LoadOptions, explain: (e: ParseError) => ParseError): Promise<Loaded[]> {
  const out: Loaded[] = [];
  for (const dir of dirs) {
    try {
      out.push({ model: dir === undefined ? undefined : await loadRoot(side, top, dir, options) });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      out.push({ error: explain(e) });
    }
  }
  return out;
}

/** A literal pathspec for a path inside the repository, or a usage error. */
function repoPath(top: string, abs: string, given: string): string {
  const rel = relative(top, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`${given} is outside the git repository ${top}`);
  return `:(top,literal)${rel ? rel.split(sep).join('/') : '.'}`;
}

/**
 * The Terraform roots to evaluate: each changed folder, or, when other folders call it as a
 * local module (at either revision), the folders at the top of those call chains.
 */
export function rootsOf(changed: Iterable<string>, callMaps: Map<string, Set<string>>[]): Set<string> {
  const callers = new Map<string, Set<string>>();
  for (const calls of callMaps) {
    for (const [caller, called] of calls) {
      for (const dir of called) {
        if (dir === caller) continue;
        callers.set(dir, (callers.get(dir) ?? new Set()).add(caller));
      }
    }
  }
  const roots = new Set<string>();
  const seen = new Set<string>();
  const stack = [...changed];
  while (stack.length) {
    const dir = stack.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const up = callers.get(dir);
    if (up?.size) stack.push(...up);
    else roots.add(dir);
  }
  return roots;
}

/** Folders whose files were all renamed into another folder: `old → new`. */
function folderRenames(changes: FileChange[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of changes) {
    if (c.status !== 'renamed' || !c.oldPath || !c.newPath) continue;
    const from = dirOf(c.oldPath);
    const to = dirOf(c.newPath);
    if (from !== to && !out.has(from)) out.set(from, to);
  }
  return out;
}

interface RootPair {
  /** Undefined for a new root: nothing of it can be destroyed. */
  baseDir?: string;
  headDir: string;
}

/**
 * Which base folder each head root is compared with: itself, or the folder its files were
 * renamed from (a root moved as a whole keeps its state, so its resources are not destroyed).
 * A root deleted as a whole is left out: no one applies it any more, so nothing is destroyed
 * (its resources stay, unmanaged).
 */
function pairRoots(roots: string[], renamed: Map<string, string>, baseSide: Side, headSide: Side): RootPair[] {
  const hasConfig = (side: Side, dir: string) => side.terraformFiles(dir).some(isConfig);
  const pairs: RootPair[] = [];
  for (const dir of roots) {
    if (!hasConfig(headSide, dir)) continue;
    const from = hasConfig(baseSide, dir) ? dir : [...renamed].find(([old, to]) => to === dir && hasConfig(baseSide, old) && !hasConfig(headSide, old))?.[0];
    pairs.push({ headDir: dir, ...(from !== undefined ? { baseDir: from } : {}) });
  }
  return pairs;
}

type LoadOptions = Omit<TerraformLoadOptions, 'reader'>;

async function loadRoot(side: Side, top: string, dir: string, options: LoadOptions): Promise<TerraformModule | undefined> {
  const abs = absolute(top, dir);
  return loadFolder(abs, side.terraformFiles(dir), side.reader, options, side.label);
}

async function loadFolder(abs: string, names: string[], reader: TerraformReader, options: LoadOptions, label: string): Promise<TerraformModule | undefined> {
  if (!names.some(isConfig)) return undefined;
  const files: SourceFile[] = names.map((name) => {
    const absPath = join(abs, name);
    const path = displayPath(absPath, options.cwd);
    const text = reader.readFile(absPath);
    if (text === undefined) throw new ParseError(path, `cannot read this file in ${label} (not UTF-8 text?)`);
    return { path, absPath, text };
  });
  return loadModuleFromFiles(files, { ...options, reader });
}

/** Says which revision a parse error is about, since the base text is not what the editor shows. */
function atRevision(e: ParseError, label: string): ParseError {
  return new ParseError(e.file, `${e.message} (in ${label}: the base revision could not be read, so nothing can be compared)`, e.line, e.column);
}

/**
 * What to run a rule fixture as: the folder or file as a scan target, or, for a diff rule, the
 * DiffModel of its base/ + head/ pair (the generic fixture test and the docs use this).
 */
export async function fixtureInputs(rule: AnyRule, target: string, options: LoadOptions): Promise<{ targets: string[]; models?: DiffModel[] }> {
  // A rule with a diff handler may have scan fixtures too: a base/ + head/ pair is the diff kind.
  const pair = ['base', 'head'].every((side) => existsSync(resolve(options.cwd, target, side)));
  if (!rule.inputs.includes('diff') || (!pair && rule.inputs.length > 1)) return { targets: [target] };
  return { targets: [], models: [await loadDiffFixture(target, options)] };
}

/**
 * A rule fixture: `<folder>/base` and `<folder>/head` are the same Terraform root before and
 * after a change, read from disk.
 */
export async function loadDiffFixture(folder: string, options: LoadOptions): Promise<DiffModel> {
  const side = async (name: string) => {
    const abs = resolve(options.cwd, folder, name);
    const names = (diskReader.listFiles(abs) ?? []).filter((n) => terraformFileKind(n) !== undefined).sort();
    return loadFolder(abs, names, diskReader, options, `${name}/`);
  };
  const [before, after] = await Promise.all([side('base'), side('head')]);
  if (!before && !after) throw new ParseError(folder, 'a diff fixture needs base/ and head/ folders with .tf files');
  return new DiffModel(before, after, `${displayPath(resolve(options.cwd, folder, 'base'), options.cwd)}/`);
}
