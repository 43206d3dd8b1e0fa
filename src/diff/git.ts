// Git, read-only and offline: what changed between two revisions, and file contents at a
// revision or in the index. Never through a shell, always with `core.quotepath=off` and
// NUL-separated output so any file name survives.
import { execFile, execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../engine/errors.js';

const GIT_ENV = {
  ...process.env,
  // Never ask for credentials, never take an optional lock (a hook runs while others use the repo).
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  // Offline: a partial clone must not fetch missing objects (a missing blob fails the run instead).
  GIT_NO_LAZY_FETCH: '1',
  GIT_ALLOW_PROTOCOL: 'file',
};
const MAX_BUFFER = 1024 * 1024 * 1024;

/** git refused or failed: like a usage error, one line and exit 2. */
export class GitError extends UsageError {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    /** git's exit code, when it ran. */
    readonly exitCode?: number,
  ) {
    super(`git ${args.join(' ')} failed: ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'GitError';
  }
}

/** One repository (or the folder git should look for one from). */
export class Git {
  constructor(readonly cwd: string) {}

  run(args: string[], input?: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: this.cwd, env: GIT_ENV, encoding: 'buffer', maxBuffer: MAX_BUFFER }, (err, stdout, stderr) => {
        if (err) reject(new GitError(args, stderr.toString('utf8') || err.message, typeof err.code === 'number' ? err.code : undefined));
        else resolve(stdout);
      });
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  async text(args: string[]): Promise<string> {
    return (await this.run(args)).toString('utf8');
  }

  /** For the rare reads a synchronous caller needs (a `file()` path at the base revision). */
  runSync(args: string[]): Buffer {
    try {
      return execFileSync('git', ['-c', 'core.quotepath=off', ...args], { cwd: this.cwd, env: GIT_ENV, maxBuffer: MAX_BUFFER, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new GitError(args, String((e as { stderr?: Buffer }).stderr ?? e));
    }
  }

  /** A `git cat-file --batch` process for many reads; close it when done. */
  objects(): ObjectReader {
    return new ObjectReader(this.cwd);
  }
}

export interface GitObject {
  type: string;
  data: Buffer;
}

/**
 * One `git cat-file --batch` process answering every object read of a run, in order: trees
 * (`<rev>:<folder>`) and blobs, without a process per file.
 */
export class ObjectReader {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: { name: string; resolve: (o: GitObject | undefined) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(cwd: string) {
    this.child = spawn('git', ['-c', 'core.quotepath=off', 'cat-file', '--batch'], { cwd, env: GIT_ENV, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    this.child.on('error', fail);
    this.child.on('close', () => fail(new GitError(['cat-file', '--batch'], 'the process ended early')));
    this.child.stdin.on('error', () => {}); // reported through 'close'
  }

  /** The object `name` (an id, `<rev>:<path>` or `:<path>` for the index); undefined when missing. */
  read(name: string): Promise<GitObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\n\r]/.test(name)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.pending.push({ name, resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    this.child.removeAllListeners('close');
    this.child.stdin.end();
  }

  private drain(): void {
    while (this.pending.length) {
      const eol = this.buffer.indexOf(0x0a);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.pending.shift()!.resolve(undefined);
        continue;
      }
      const [, type, size] = header.split(' ');
      const end = eol + 1 + Number(size);
      if (this.buffer.length < end + 1) return;
      const data = Buffer.from(this.buffer.subarray(eol + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift()!.resolve({ type: type!, data });
    }
  }
}

/** Entries of a tree object: name → mode and object id. */
export function parseTree(data: Buffer, hashBytes: number): Map<string, { mode: string; id: string }> {
  const out = new Map<string, { mode: string; id: string }>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space);
    const mode = data.subarray(at, space).toString('latin1');
    const name = data.subarray(space + 1, nul).toString('utf8');
    out.set(name, { mode, id: data.subarray(nul + 1, nul + 1 + hashBytes).toString('hex') });
    at = nul + 1 + hashBytes;
  }
  return out;
}

/** Splits NUL-separated output, dropping the empty tail. */
export function nulFields(buf: Buffer | string): string[] {
  const parts = buf.toString().split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export interface Repository {
  /** The top folder of the work tree. */
  top: string;
  shallow: boolean;
}

/** The repository around `git.cwd`, or a usage error saying `diff` needs a git work tree. */
export async function repository(git: Git): Promise<Repository> {
  try {
    const [top, shallow] = (await git.text(['rev-parse', '--show-toplevel', '--is-shallow-repository'])).split('\n');
    return { top: top!, shallow: shallow === 'true' };
  } catch (e) {
    const why = e instanceof GitError ? e.stderr.trim().split('\n')[0] : String(e);
    throw new UsageError(`iac-guard diff needs a git repository: ${why}`);
  }
}

export interface BaseRevision {
  /** Commit (or tree, for a repository with no commit yet) to compare against. */
  rev: string;
  /** How to name it to a human: `origin/main (merge base 1a2b3c4)`, `HEAD (1a2b3c4)`. */
  label: string;
}

const FETCH_HINT =
  'fetch more history (`git fetch --deepen=100`, or `git fetch --unshallow`; in GitHub Actions set `fetch-depth: 0` on actions/checkout)';

const short = (sha: string) => sha.slice(0, 7);

/**
 * `--base REF` as given, else the merge base of HEAD with its upstream branch, else HEAD.
 * A base that is not in the clone (a shallow clone) is a usage error naming the fix.
 */
export async function resolveBase(git: Git, ref: string | undefined, shallow: boolean): Promise<BaseRevision> {
  const missing = (what: string) =>
    new UsageError(`the base revision ${what} is not in this clone${shallow ? ' (it is a shallow clone)' : ''}: ${FETCH_HINT}, or name another base with --base`);

  if (ref !== undefined) {
    if (ref.startsWith('-')) throw new UsageError(`--base expects a git revision, got "${ref}"`);
    const sha = await commitOf(git, ref);
    if (!sha) throw missing(`"${ref}"`);
    return { rev: sha, label: `${ref} (${short(sha)})` };
  }

  const [head, upstream] = await Promise.all([
    commitOf(git, 'HEAD'),
    git.text(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']).then((t) => t.trim(), () => ''),
  ]);
  if (!head) {
    // No commit yet: everything is new, so the base is the empty tree.
    const empty = (await git.run(['hash-object', '-t', 'tree', '--stdin'], '')).toString('utf8').trim();
    return { rev: empty, label: 'the empty repository (no commit yet)' };
  }
  if (!upstream) return { rev: head, label: `HEAD (${short(head)})` };
  try {
    const base = (await git.text(['merge-base', 'HEAD', '@{upstream}'])).trim();
    return { rev: base, label: `${upstream} (merge base ${short(base)})` };
  } catch {
    throw missing(`merge-base of HEAD and ${upstream}`);
  }
}

async function commitOf(git: Git, ref: string): Promise<string | undefined> {
  try {
    return (await git.text(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

/** One changed file, paths relative to the repository top. */
export interface FileChange {
  status: ChangeStatus;
  /** Path at the base revision (undefined when added). */
  oldPath?: string;
  /** Path in the working tree / index (undefined when deleted). */
  newPath?: string;
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'type-changed' };

/**
 * Files that differ between `base` and the working tree (or the index with `staged`), with
 * renames detected, limited to `pathspecs` (relative to the repository top).
 */
export async function changedFiles(git: Git, base: string, staged: boolean, pathspecs: string[]): Promise<FileChange[]> {
  const args = ['diff', '--no-ext-diff', '--no-textconv', '--name-status', '-z', '-M', ...(staged ? ['--cached'] : []), base, '--', ...pathspecs];
  const fields = nulFields(await git.run(args));
  const out: FileChange[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++]!;
    const status = STATUS[code[0]!] ?? 'modified';
    if (status === 'renamed' || status === 'copied') {
      out.push({ status, oldPath: fields[i++]!, newPath: fields[i++]! });
    } else {
      const path = fields[i++]!;
      out.push({ status, ...(status === 'added' ? {} : { oldPath: path }), ...(status === 'deleted' ? {} : { newPath: path }) });
    }
  }
  return out;
}
