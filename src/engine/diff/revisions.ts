// What `iac-guard diff` asks git about revisions: the repository around the current folder, the
// revision to compare with, and which files differ from it.
import { UsageError } from '../../core/errors.js';
import { GitError, nulFields, type Git, type GitResult, type ObjectReader } from '../../core/git.js';

export interface BaseRevision {
  /** Commit (or tree, for a repository with no commit yet) to compare against. */
  rev: string;
  /** How to name it to a human: `origin/main (merge base 1a2b3c4)`, `HEAD (1a2b3c4)`. */
  label: string;
}

export interface Located {
  /** The top folder of the work tree. */
  top: string;
  base: BaseRevision;
}

const FETCH_HINT =
  'fetch more history (`git fetch --deepen=100`, or `git fetch --unshallow`; in GitHub Actions set `fetch-depth: 0` on actions/checkout)';

const short = (sha: string) => sha.slice(0, 7);

/**
 * The repository around `git.cwd` (else a usage error saying `diff` needs one) and the base:
 * `--base REF` as given, else the merge base of HEAD with its upstream branch, else HEAD. A base
 * that is not in the clone (a shallow clone) is a usage error naming the fix.
 *
 * Two git processes at once, since every process costs more than the question: one `rev-parse`
 * for the top folder, whether the clone is shallow and the upstream branch, and the run's
 * `cat-file` (`objects`) for the commit of REF or HEAD. A third, `merge-base`, only with an upstream.
 */
export async function locate(git: Git, objects: ObjectReader, ref: string | undefined): Promise<Located> {
  // A revision that starts with `-` would reach git as an option: not asked, refused below.
  const commit = ref?.startsWith('-') ? Promise.resolve(undefined) : objects.read(`${ref ?? 'HEAD'}^{commit}`);
  commit.catch(() => {}); // awaited once the repository is known to exist
  const upstreamArgs = ref === undefined ? ['--abbrev-ref', '--symbolic-full-name', '@{upstream}'] : [];
  const here = await attempt(git, ['rev-parse', '--show-toplevel', '--is-shallow-repository', ...upstreamArgs]);
  // rev-parse answers in order: without an upstream it fails after printing the first two.
  const [top, shallow, upstream] = here.stdout.toString('utf8').split('\n');
  if (!top || (shallow !== 'true' && shallow !== 'false') || (!upstreamArgs.length && here.exitCode !== 0)) {
    throw new UsageError(`iac-guard diff needs a git repository: ${here.stderr.trim().split('\n')[0] ?? ''}`);
  }
  const found = (rev: string, label: string): Located => ({ top, base: { rev, label } });
  const missing = (what: string) =>
    new UsageError(`the base revision ${what} is not in this clone${shallow === 'true' ? ' (it is a shallow clone)' : ''}: ${FETCH_HINT}, or name another base with --base`);

  if (ref !== undefined) {
    if (ref.startsWith('-')) throw new UsageError(`--base expects a git revision, got "${ref}"`);
    const sha = (await commit)?.id;
    if (!sha) throw missing(`"${ref}"`);
    return found(sha, `${ref} (${short(sha)})`);
  }
  const head = (await commit)?.id;
  if (!head) {
    // No commit yet: everything is new, so the base is the empty tree.
    const empty = (await git.run(['hash-object', '-t', 'tree', '--stdin'], '')).toString('utf8').trim();
    return found(empty, 'the empty repository (no commit yet)');
  }
  const upstreamName = here.exitCode === 0 ? (upstream ?? '').trim() : '';
  if (!upstreamName) return found(head, `HEAD (${short(head)})`);
  const mergeBase = await attempt(git, ['merge-base', 'HEAD', '@{upstream}']);
  const base = mergeBase.exitCode === 0 ? mergeBase.stdout.toString('utf8').trim() : '';
  if (!base) throw missing(`merge-base of HEAD and ${upstreamName}`);
  return found(base, `${upstreamName} (merge base ${short(base)})`);
}

/** git's answer, or for git that could not run at all, that failure as an answer. */
function attempt(git: Git, args: string[]): Promise<GitResult> {
  return git.result(args).catch((e: unknown) => ({ exitCode: -1, stdout: Buffer.alloc(0), stderr: e instanceof GitError ? e.stderr : String(e) }));
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
