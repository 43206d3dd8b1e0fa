// core: reading a file the tool will parse, with the limits that keep a hostile input from taking
// the machine down: a size cap, strict UTF-8, no NUL bytes; big plans handed over for streaming.
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FileError } from './types.js';
import type { SourceFile } from './source.js';

/** A file to read: its display path and where it is. */
export interface FileRef {
  path: string;
  absPath: string;
}

export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
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
/**
 * Most a run reads in all (scanned files held at once, plus files they refer to), so a folder of
 * many large files ends in a clear error, not an out-of-memory abort. Streamed plans are bounded
 * by MAX_PLAN_BYTES instead.
 */
export const MAX_RUN_BYTES = 1024 * 1024 * 1024;

/**
 * What this run may still read. One per thread (a worker thread has its own), set by the runner
 * from the config's limits; a read past it is refused by name.
 */
const budget = { fileBytes: MAX_FILE_BYTES, runBytes: MAX_RUN_BYTES, used: 0 };

/** Starts a run's reading budget: per-file and whole-run limits in bytes. */
export function startReadBudget(limits: { fileBytes?: number; runBytes?: number } = {}): void {
  budget.fileBytes = limits.fileBytes ?? MAX_FILE_BYTES;
  budget.runBytes = limits.runBytes ?? MAX_RUN_BYTES;
  budget.used = 0;
}

/** Takes `bytes` from the run's budget; false (and nothing taken) when they do not fit. */
function charge(bytes: number): boolean {
  if (budget.used + bytes > budget.runBytes) return false;
  budget.used += bytes;
  return true;
}

const overRunLimit = () =>
  `not read: this run has already read ${mib(budget.used)}, and its limit is ${mib(budget.runBytes)} (limits.run-mib in .iac-guard.yml); scan fewer files per run or raise the limit`;
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
  /**
   * Hand a big file whose head passes this test over as its head plus `large` (SourceFile), for the
   * plan adapter to stream. The runner passes the plan parser's sniff; core knows no formats.
   */
  streamPlans?: (head: string) => boolean;
}

export interface ReadOutcome {
  file?: SourceFile;
  error?: FileError;
  /** Raw bytes, for inputs that are not text (binary plans). */
  bytes?: Buffer;
}

/** Reads a discovered file as UTF-8 text (BOM stripped); invalid UTF-8 is an error. */
export function readSource(d: FileRef, stdinText?: string, options: ReadOptions = {}): ReadOutcome {
  if (d.absPath === '-') {
    return { file: { path: d.path, absPath: d.absPath, text: stripBom(stdinText ?? '') } };
  }
  let bytes: Buffer;
  try {
    const st = statSync(d.absPath);
    if (options.streamPlans && st.isFile() && st.size >= streamPlanBytes()) {
      const head = readHead(d.absPath);
      if (options.streamPlans(head)) {
        if (st.size > MAX_PLAN_BYTES) return { error: { file: d.path, message: `file is ${mib(st.size)}, over the ${mib(MAX_PLAN_BYTES)} limit for a Terraform plan` } };
        return { file: { path: d.path, absPath: d.absPath, text: head, large: { size: st.size } } };
      }
    }
    if (st.size > budget.fileBytes) return { error: tooBig(d, mib(st.size), options.streamPlans !== undefined) };
    if (st.isFile() && !charge(st.size)) return { error: { file: d.path, message: overRunLimit() } };
    // A pipe or device (`<(terraform show -json plan)`, /dev/stdin) has no size up front: read up to the limit.
    if (st.isFile()) {
      // The common case reads straight into a string, so a 300 MB plan is not also held as a
      // Buffer while it is parsed. Anything suspicious is re-read as bytes for the exact checks.
      const text = readFileSync(d.absPath, 'utf8');
      if (!text.includes('\uFFFD') && !text.includes('\u0000') && !text.startsWith('PK\u0003\u0004')) {
        return { file: { path: d.path, absPath: d.absPath, text: stripBom(text) } };
      }
    }
    const read = st.isFile() ? readFileSync(d.absPath) : readAtMost(d.absPath, budget.fileBytes);
    if (!read) return { error: tooBig(d, 'a stream') };
    if (!st.isFile() && !charge(read.length)) return { error: { file: d.path, message: overRunLimit() } };
    bytes = read;
  } catch (e) {
    return { error: { file: d.path, message: `cannot read file: ${errCode(e)}` } };
  }
  return decode(d, bytes);
}

const tooBig = (d: FileRef, size: string, planHint = false): FileError => ({
  file: d.path,
  message: `file is ${size}, over the ${mib(budget.fileBytes)} limit for one file (limits.file-mib)${planHint ? `; only a Terraform plan JSON may be bigger, up to ${mib(MAX_PLAN_BYTES)}, and this file does not start like one` : ''}`,
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

const GIT_CRYPT_HEADER = Buffer.from('\u0000GITCRYPT\u0000', 'latin1');

export function decode(d: { path: string; absPath: string }, bytes: Buffer): ReadOutcome {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { error: { file: d.path, message: 'file is UTF-16; save it as UTF-8' } };
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return { bytes }; // a zip: a binary Terraform plan is one
  }
  // git-crypt's header: the file is in the repository, its contents only with the key.
  if (bytes.length >= 10 && bytes.subarray(0, 10).equals(GIT_CRYPT_HEADER)) {
    return { file: { path: d.path, absPath: d.absPath, text: '', opaque: 'encrypted with git-crypt' } };
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

// ---------------------------------------------------------------- files a scanned file points at

/**
 * Largest file read because a scanned file names it (`file()`, `templatefile()`, `env_file`,
 * secrets, `extends`, var-files, the config): far above any real script or env file, far below
 * what would take memory.
 */
export const MAX_REFERENCED_BYTES = 16 * 1024 * 1024;

export type ReferencedRead = { text: string; error?: undefined } | { text?: undefined; error: string; refused?: Refusal['refused'] };
/** A file deliberately not read, and why. */
export interface Refusal {
  error: string;
  refused: 'outside' | 'not-regular' | 'too-big';
}

/**
 * Reads a file some input points at, or says why not: only regular files (a named pipe would
 * block, a device never ends), at most MAX_REFERENCED_BYTES, UTF-8 text, and, when `roots` are
 * given, only inside them (after symbolic links), so a scanned repository cannot make the tool
 * print /etc/passwd or /proc/self/environ into a report.
 */
export function readReferencedFile(absPath: string, roots?: readonly string[]): ReferencedRead {
  if (roots && !pathInsideRoots(absPath, roots)) return OUTSIDE;
  let real: string;
  try {
    real = realpathSync(absPath);
  } catch (e) {
    return { error: errCode(e) === 'no such file' ? 'not found' : errCode(e) };
  }
  if (roots && !insideRoots(real, roots)) return OUTSIDE;
  let fd: number | undefined;
  try {
    // Opened without blocking (a named pipe would wait for a writer) and checked through the
    // descriptor, so the file cannot be swapped for a pipe between the check and the read.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: 'is a folder' };
    const refusal = refusalFor(st);
    if (refusal) return refusal;
    if (!charge(st.size)) return { error: overRunLimit(), refused: 'too-big' };
    const bytes = Buffer.allocUnsafe(st.size + 1);
    let total = 0;
    for (let n; (n = readSync(fd, bytes, total, bytes.length - total, null)) > 0; ) {
      total += n;
      if (total > st.size) return TOO_BIG; // grew while read
    }
    // The same text checks as a scanned file: UTF-16, strict UTF-8, NUL bytes, BOM.
    const decoded = decode({ path: real, absPath: real }, bytes.subarray(0, total));
    if (decoded.file) return { text: decoded.file.text };
    return { error: decoded.error?.message ?? 'file is a zip archive, not text' };
  } catch (e) {
    return { error: errCode(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Why a file some input points at is not read (outside `roots`, not a regular file, over the
 * limit), without reading it; undefined when it would be read, or does not exist.
 */
export function whyNotRead(absPath: string, roots?: readonly string[]): Refusal | undefined {
  if (roots && !pathInsideRoots(absPath, roots)) return OUTSIDE;
  try {
    const st = statSync(absPath);
    return st.isDirectory() ? undefined : refusalFor(st);
  } catch {
    return undefined;
  }
}

// The root is not named: messages must read the same on every machine (docs, baselines).
const OUTSIDE: Refusal = {
  error: 'it is outside the scanned tree (the repository, or the scanned folder when there is no repository), and iac-guard reads no files outside it',
  refused: 'outside',
};
const TOO_BIG: Refusal = { error: `larger than ${mib(MAX_REFERENCED_BYTES)} (limit), so it is not read`, refused: 'too-big' };
const NOT_REGULAR: Refusal = { error: 'not a regular file (a named pipe, device or socket), so it is not read', refused: 'not-regular' };

/** The checks made before a referenced file is read, shared by the reader and whyNotRead. */
function refusalFor(st: Stats): Refusal | undefined {
  if (!st.isFile()) return NOT_REGULAR;
  if (st.size > MAX_REFERENCED_BYTES) return TOO_BIG;
  return undefined;
}

/** Whether a real (symlink-free) path is one of `roots` or below one. */
export function insideRoots(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
}

/** Whether a path, resolved through symbolic links as far as it exists, is inside `roots`. */
export function pathInsideRoots(absPath: string, roots: readonly string[]): boolean {
  let probe = absPath;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(probe);
      return insideRoots(rest.length ? join(real, ...rest.reverse()) : real, roots);
    } catch {
      const parent = dirname(probe);
      if (parent === probe) return false;
      rest.push(basename(probe));
      probe = parent;
    }
  }
}

/**
 * The folders files may be read from, for these scan targets: each target's git repository
 * (the nearest folder above it with `.git`); without one, the current folder when the target is
 * inside it, else the target itself (a file's folder). Real paths, so links cannot point out.
 */
export function boundaryRoots(targets: readonly string[], cwd: string): string[] {
  const realCwd = safeRealpath(cwd) ?? cwd;
  const roots = new Set<string>();
  for (const t of targets) {
    if (t === '-') {
      roots.add(realCwd);
      continue;
    }
    const real = safeRealpath(isAbsolute(t) ? t : join(cwd, t));
    if (!real) continue;
    let dir = real;
    try {
      if (!statSync(real).isDirectory()) dir = dirname(real);
    } catch {
      dir = dirname(real);
    }
    const repo = repositoryAbove(dir);
    roots.add(repo ?? (insideRoots(dir, [realCwd]) ? realCwd : dir));
  }
  return [...roots];
}

/**
 * The working tree that holds `dir`: the nearest folder upward with a `.git` (a folder, or the
 * file a worktree or submodule has). Found without running git: reports need it on every run.
 */
export function repositoryAbove(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
