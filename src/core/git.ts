// Git, read-only and offline, for `iac-guard diff` and `--changed-since`. Never through a shell,
// always with `core.quotepath=off` and NUL-separated output so any file name survives.
import { execFile, execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from './errors.js';

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

/** What git printed and how it exited. */
export interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/** One repository (or the folder git should look for one from). */
export class Git {
  constructor(readonly cwd: string) {}

  /** git's output; a GitError when it exits with anything but 0. */
  async run(args: string[], input?: string): Promise<Buffer> {
    const r = await this.result(args, input);
    if (r.exitCode !== 0) throw new GitError(args, r.stderr, r.exitCode);
    return r.stdout;
  }

  /**
   * Output and exit code, for commands whose non-zero exit still answers (rev-parse --verify of a
   * missing revision). Rejects only when git could not run or said too much.
   */
  result(args: string[], input?: string): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd: this.cwd, env: GIT_ENV, encoding: 'buffer', maxBuffer: MAX_BUFFER }, (err, stdout, stderr) => {
        const exitCode = err ? err.code : 0;
        if (typeof exitCode === 'number') resolve({ exitCode, stdout, stderr: stderr.toString('utf8') });
        else reject(new GitError(args, stderr.toString('utf8') || err!.message));
      });
      if (input !== undefined) child.stdin!.end(input);
    });
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
  /** The object id (hex), e.g. the commit a `HEAD^{commit}` read resolved to. */
  id: string;
  type: string;
  data: Buffer;
}

/**
 * One `git cat-file --batch` process answering every object read of a run, in order: trees
 * (`<rev>:<folder>`) and blobs, without a process per file. Started at the first read, so a run
 * that reads nothing starts no process.
 */
export class ObjectReader {
  private child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: { name: string; resolve: (o: GitObject | undefined) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(private readonly cwd: string) {}

  /** The object `name` (an id, `<rev>:<path>` or `:<path>` for the index); undefined when missing. */
  read(name: string): Promise<GitObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\n\r]/.test(name)) return Promise.resolve(undefined);
    const child = (this.child ??= this.start());
    return new Promise((resolve, reject) => {
      this.pending.push({ name, resolve, reject });
      child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    if (!this.child) return;
    this.child.removeAllListeners('close');
    this.child.stdin.end();
  }

  private start(): ChildProcessByStdio<Writable, Readable, null> {
    const child = spawn('git', ['-c', 'core.quotepath=off', 'cat-file', '--batch'], { cwd: this.cwd, env: GIT_ENV, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    child.on('error', fail);
    child.on('close', () => fail(new GitError(['cat-file', '--batch'], 'the process ended early')));
    child.stdin.on('error', () => {}); // reported through 'close'
    return child;
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
      const [id, type, size] = header.split(' ');
      const end = eol + 1 + Number(size);
      if (this.buffer.length < end + 1) return;
      const data = Buffer.from(this.buffer.subarray(eol + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift()!.resolve({ id: id!, type: type!, data });
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

