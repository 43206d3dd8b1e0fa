// Turns command-line targets into files to read. Fails closed: a target that does not exist,
// cannot be read, or holds nothing we understand is an error, never a silent skip.
import { readdirSync, statSync, realpathSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import type { FileError } from '../core/types.js';
import { displayPath, errCode } from '../core/read.js';
import { COMPOSE_FILE_NAME, isHelmfileName, isValuesName } from '../knowledge/file-names.js';

/** Folders no one wants scanned. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.terraform', '.terragrunt-cache', 'dist', '.venv', '__pycache__']);

/** File names worth opening during a folder walk; others are not even read. */
export function isCandidateName(name: string): boolean {
  return /\.(tf|tf\.json|tfvars|tfvars\.json|ya?ml|json)$/i.test(name) || /^terragrunt\.hcl$/i.test(name) || /\.tfplan$|^tfplan$|\.plan$/i.test(name);
}

/**
 * Names only inputs of ours have (Terraform files, Compose files, a chart's Chart.yaml and values):
 * one that is not text is a broken input to refuse, not someone else's binary to pass over.
 */
export function isInputName(absPath: string): boolean {
  const name = basename(absPath);
  if (/\.(tf|tf\.json|tfvars|tfvars\.json)$/i.test(name) || /^terragrunt\.hcl$/i.test(name) || COMPOSE_FILE_NAME.test(name) || /^Chart\.ya?ml$/.test(name)) return true;
  return isValuesName(absPath) || isHelmfileName(absPath);
}

export interface DiscoveredFile {
  path: string;
  absPath: string;
  explicit: boolean;
  /** For files named on the command line or found in a folder walk, the target they came from. */
  target: string;
  /** Other targets that reached the same file (it is read once, but counts for each). */
  alsoFrom?: string[];
}

export interface Discovery {
  files: DiscoveredFile[];
  errors: FileError[];
  /** Files named explicitly that an `exclude:` glob covers: not scanned, and said so. */
  excluded: { file: string; glob: string }[];
  /** Folder targets as given, so "no supported files in DIR" can be reported after claiming. */
  folders: string[];
}

export interface DiscoverOptions {
  cwd: string;
  include: string[];
  exclude: string[];
  /** Where include/exclude globs are relative to (the config file's folder). */
  globBase: string;
}

export function discover(targets: string[], opts: DiscoverOptions): Discovery {
  const files: DiscoveredFile[] = [];
  const errors: FileError[] = [];
  const folders: string[] = [];
  const seen = new Map<string, DiscoveredFile>();

  const globPath = (abs: string) => relative(opts.globBase, abs).split(sep).join('/');
  const matching = (abs: string, globs: string[]) => globs.find((g) => minimatch(globPath(abs), g, { dot: true, matchBase: !g.includes('/') }));
  const matches = (abs: string, globs: string[]) => matching(abs, globs) !== undefined;
  const excluded = (abs: string) => matches(abs, opts.exclude);
  const excludedNamed: Discovery['excluded'] = [];
  const included = (abs: string) => opts.include.length === 0 || matches(abs, opts.include);

  /** `real`: the file's real path when the caller knows it (a plain file in a folder whose real path is known). */
  const add = (abs: string, explicit: boolean, target: string, real?: string) => {
    let key = real ?? abs;
    if (real === undefined) {
      try {
        key = realpathSync(abs);
      } catch {
        /* reported when read */
      }
    }
    const earlier = seen.get(key);
    if (earlier) {
      // A path given twice, or reached through two links, is scanned once.
      if (earlier.target !== target) (earlier.alsoFrom ??= []).push(target);
      earlier.explicit ||= explicit; // named on the command line: it must be understood
      return;
    }
    const file: DiscoveredFile = { path: displayPath(abs, opts.cwd), absPath: abs, explicit, target };
    seen.set(key, file);
    files.push(file);
  };

  // Only links can make a walk loop or reach a file twice, so only a target and the links met on
  // the way are resolved (realpath); a plain entry's real path is its folder's plus its name.
  /** False when `dir` itself could not be read (already reported). */
  const walk = (dir: string, target: string, visited: Set<string>, knownReal?: string): boolean => {
    let real: string;
    try {
      real = knownReal ?? realpathSync(dir);
    } catch (e) {
      errors.push({ file: displayPath(dir, opts.cwd), message: `cannot read folder: ${errCode(e)}` });
      return false;
    }
    if (visited.has(real)) return true; // symlink loop
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push({ file: displayPath(dir, opts.cwd), message: `cannot read folder: ${errCode(e)}` });
      return false;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const link = entry.isSymbolicLink();
      if (link) {
        try {
          const st = statSync(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // dangling link inside a folder walk: nothing to scan
        }
      }
      const entryReal = link ? undefined : join(real, entry.name);
      if (isDir) {
        if (!SKIP_DIRS.has(entry.name) && !excluded(abs)) walk(abs, target, visited, entryReal);
      } else if (isFile && isCandidateName(entry.name) && !excluded(abs) && included(abs)) {
        add(abs, false, target, entryReal);
      }
    }
    return true;
  };

  for (const target of targets) {
    if (target === '-') {
      files.push({ path: '<stdin>', absPath: '-', explicit: true, target });
      continue;
    }
    const abs = resolve(opts.cwd, target);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      errors.push({ file: target, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${errCode(e)}` });
      continue;
    }
    if (st.isDirectory()) {
      // An unreadable folder is reported once, not also as a folder with nothing of ours in it.
      if (walk(abs, target, new Set())) folders.push(target);
    } else {
      // pre-commit names every staged file: `exclude:` must hold for them too. `include:` does not
      // narrow a file named on purpose.
      const glob = matching(abs, opts.exclude);
      if (glob !== undefined) excludedNamed.push({ file: displayPath(abs, opts.cwd), glob });
      else add(abs, true, target);
    }
  }
  return { files, errors, folders, excluded: excludedNamed };
}
