// Turns command-line targets into files to read. Fails closed: a target that does not exist,
// cannot be read, or holds nothing we understand is an error, never a silent skip.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { minimatch } from 'minimatch';
import type { FileError } from './types.js';
import type { SourceFile } from './inputs.js';
import { looksLikePlan } from '../parsers/plan.js';

/** Folders no one wants scanned. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.terraform', '.terragrunt-cache', 'dist', '.venv', '__pycache__']);

/** File names worth opening during a folder walk; others are not even read. */
export function isCandidateName(name: string): boolean {
  return /\.(tf|tf\.json|tfvars|tfvars\.json|ya?ml|json)$/i.test(name) || /\.tfplan$|^tfplan$|\.plan$/i.test(name);
}

/**
 * Names only inputs of ours have (Terraform files, Compose files, a chart's Chart.yaml and values):
 * one that is not text is a broken input to refuse, not someone else's binary to pass over.
 */
export function isInputName(absPath: string): boolean {
  const name = basename(absPath);
  if (/\.(tf|tf\.json|tfvars|tfvars\.json)$/i.test(name) || /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i.test(name) || /^Chart\.ya?ml$/.test(name)) return true;
  return /^values.*\.ya?ml$/i.test(name) && existsSync(join(dirname(absPath), 'Chart.yaml'));
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

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

export function discover(targets: string[], opts: DiscoverOptions): Discovery {
  const files: DiscoveredFile[] = [];
  const errors: FileError[] = [];
  const folders: string[] = [];
  const seen = new Map<string, DiscoveredFile>();

  const globPath = (abs: string) => relative(opts.globBase, abs).split(sep).join('/');
  const matches = (abs: string, globs: string[]) => globs.some((g) => minimatch(globPath(abs), g, { dot: true, matchBase: !g.includes('/') }));
  const excluded = (abs: string) => matches(abs, opts.exclude);
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
      add(abs, true, target); // a file named explicitly is scanned even if a glob would skip it
    }
  }
  return { files, errors, folders };
}

export function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a folder';
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'ELOOP') return 'too many symbolic links (loop?)';
  return err?.code ?? (err?.message || String(e));
}

/** Largest file read as a whole; bigger ones are refused by name, never skipped silently. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Largest Terraform plan JSON read at all: streamed, never one string, but what it holds stays in memory. */
export const MAX_PLAN_BYTES = 8 * 1024 ** 3;
/**
 * From this size on, a file that starts like a plan is streamed by the plan adapter instead of read
 * as one string: JSON.parse of a whole 300 MB text alone costs seconds. Tests lower it with
 * IAC_GUARD_TEST_STREAM_PLAN_BYTES to send small plans down the same path.
 */
export const STREAM_PLAN_BYTES = 32 * 1024 * 1024;
/** Enough of a plan to claim it: terraform writes "format_version" and "terraform_version" first. */
const PLAN_HEAD_BYTES = 64 * 1024;

export interface ReadOptions {
  /** Hand big plans over as their head plus `large` (SourceFile), for the plan adapter to stream. */
  streamPlans?: boolean;
}

export interface ReadOutcome {
  file?: SourceFile;
  error?: FileError;
  /** Raw bytes, for inputs that are not text (binary plans). */
  bytes?: Buffer;
}

/** Reads a discovered file as UTF-8 text (BOM stripped); invalid UTF-8 is an error. */
export function readSource(d: DiscoveredFile, stdinText?: string, options: ReadOptions = {}): ReadOutcome {
  if (d.absPath === '-') {
    return { file: { path: d.path, absPath: d.absPath, text: stripBom(stdinText ?? '') } };
  }
  let bytes: Buffer;
  try {
    const st = statSync(d.absPath);
    if (options.streamPlans && st.isFile() && st.size >= streamPlanBytes()) {
      const head = readHead(d.absPath);
      if (looksLikePlan(head)) {
        if (st.size > MAX_PLAN_BYTES) return { error: { file: d.path, message: `file is ${mib(st.size)}, over the ${mib(MAX_PLAN_BYTES)} limit for a Terraform plan` } };
        return { file: { path: d.path, absPath: d.absPath, text: head, large: { size: st.size } } };
      }
    }
    if (st.size > MAX_FILE_BYTES) return { error: tooBig(d, mib(st.size), options.streamPlans) };
    // A pipe or device (`<(terraform show -json plan)`, /dev/stdin) has no size up front: read up to the limit.
    if (st.isFile()) {
      // The common case reads straight into a string, so a 300 MB plan is not also held as a
      // Buffer while it is parsed. Anything suspicious is re-read as bytes for the exact checks.
      const text = readFileSync(d.absPath, 'utf8');
      if (!text.includes('\uFFFD') && !text.includes('\u0000') && !text.startsWith('PK\u0003\u0004')) {
        return { file: { path: d.path, absPath: d.absPath, text: stripBom(text) } };
      }
    }
    const read = st.isFile() ? readFileSync(d.absPath) : readAtMost(d.absPath, MAX_FILE_BYTES);
    if (!read) return { error: tooBig(d, 'a stream') };
    bytes = read;
  } catch (e) {
    return { error: { file: d.path, message: `cannot read file: ${errCode(e)}` } };
  }
  return decode(d, bytes);
}

const tooBig = (d: DiscoveredFile, size: string, planHint = false): FileError => ({
  file: d.path,
  message: `file is ${size}, over the ${mib(MAX_FILE_BYTES)} limit for one file${planHint ? ` (only a Terraform plan JSON may be bigger, up to ${mib(MAX_PLAN_BYTES)}, and this file does not start like one)` : ''}`,
});

const mib = (bytes: number) => `${Math.ceil(bytes / 1048576)} MiB`;

function streamPlanBytes(): number {
  const forced = process.env.IAC_GUARD_TEST_STREAM_PLAN_BYTES;
  return forced ? Number(forced) : STREAM_PLAN_BYTES;
}

/** The first bytes of a file as text, to see what it is. */
function readHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.allocUnsafe(PLAN_HEAD_BYTES);
    return stripBom(head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

/** The whole content of a stream-like file, or undefined when it goes on past `limit` bytes. */
function readAtMost(path: string, limit: number): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(chunks, total);
      total += n;
      if (total > limit) return undefined;
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

export function decode(d: { path: string; absPath: string }, bytes: Buffer): ReadOutcome {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { error: { file: d.path, message: 'file is UTF-16; save it as UTF-8' } };
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return { bytes }; // a zip: a binary Terraform plan is one
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: { file: d.path, message: 'file is not valid UTF-8 text (binary file?)' } };
  }
  if (text.includes('\u0000')) return { error: { file: d.path, message: 'file contains NUL bytes (binary file?)' } };
  return { file: { path: d.path, absPath: d.absPath, text: stripBom(text) } };
}

const stripBom = (t: string) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
