// The two sides of a comparison as file trees the Terraform loader can read synchronously:
// a git revision or the index (read ahead through one `git cat-file --batch`), or the working
// tree (the disk). Paths are absolute, rooted at the repository top.
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { diskReader, type TerraformReader } from '../../model/terraform.js';
import { terraformFileKind } from '../../parsers/hcl.js';
import { GitError, nulFields, parseTree, type Git, type ObjectReader } from '../../core/git.js';

/** Folder of a repository-relative path (`''` for the top). */
export const dirOf = (path: string) => (posix.dirname(path) === '.' ? '' : posix.dirname(path));

/** `source = "./modules/x"` (or `"source": "../x"` in .tf.json): a local module call, as the Terraform model's grouping reads it. */
export const LOCAL_SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"(\.{1,2}(?:\/[^"]*)?)"/g;
/** Paths under a `.terraform/` folder: what `terraform init` installed, not in git. */
const INSTALLED = /(^|\/)\.terraform(\/|$)/;
/** Any literal module source, local or not. */
const ANY_SOURCE = /(?:\bsource\s*=\s*|"source"\s*:\s*)"([^"]+)"/g;

/** The folder a local module source points at, relative to the repository top. */
export function moduleDir(callerDir: string, source: string): string {
  return posix.normalize(posix.join(callerDir, source)).replace(/\/+$/, '').replace(/^\.$/, '');
}

export interface Side {
  /** `the working tree`, `the index (staged changes)` or the base revision's label. */
  readonly label: string;
  readonly reader: TerraformReader;
  /** Fetches the files of these folders (repository-relative) and of the local modules they call. */
  prepare(dirs: string[]): Promise<void>;
  /** Names of the Terraform files directly in a folder (repository-relative). */
  terraformFiles(dir: string): string[];
  /** Local module calls anywhere in the tree: caller folder → called folders (repository-relative). */
  moduleCalls(): Promise<Map<string, Set<string>>>;
}

const GREP_SOURCE = '"?source"?[[:space:]]*[=:][[:space:]]*"\\.{1,2}(/[^"]*)?"';
// Case-insensitive like terraformFileKind(), so both sides agree on which files a folder has.
const TERRAFORM_PATHSPECS = [':(icase)*.tf', ':(icase)*.tf.json'];
/** Files that call modules: .tf files, and Terragrunt units through terraform.source. */
const CALLER_PATHSPECS = [...TERRAFORM_PATHSPECS, ':(icase)*terragrunt.hcl'];
const TERRAFORM_FILES = [...CALLER_PATHSPECS, ':(icase)*.tfvars', ':(icase)*.tfvars.json'];

/** Parses `git grep -z -o` output (`[rev:]path\0match\n`) into caller → called folders. */
function callsFrom(output: string, revPrefix: string): Map<string, Set<string>> {
  const calls = new Map<string, Set<string>>();
  for (const line of output.split('\n')) {
    const nul = line.indexOf('\0');
    if (nul < 0) continue;
    const path = line.slice(revPrefix.length, nul);
    const source = /"(\.{1,2}(?:\/[^"]*)?)"\s*$/.exec(line.slice(nul + 1))?.[1];
    if (!source) continue;
    const caller = dirOf(path);
    const set = calls.get(caller) ?? new Set<string>();
    set.add(moduleDir(caller, source));
    calls.set(caller, set);
  }
  return calls;
}

/** Local module calls in the working tree (`--untracked`), the index (`--cached`) or at `rev`. */
async function grepCalls(git: Git, where: { option: '--untracked' | '--cached' } | { rev: string }): Promise<Map<string, Set<string>>> {
  const args = 'rev' in where ? ['-E', GREP_SOURCE, where.rev] : [where.option, '-E', GREP_SOURCE];
  try {
    return callsFrom((await git.run(['grep', '-z', '-o', '-I', ...args, '--', ...CALLER_PATHSPECS])).toString('utf8'), 'rev' in where ? `${where.rev}:` : '');
  } catch (e) {
    if (e instanceof GitError && e.exitCode === 1) return new Map(); // nothing matched
    throw e;
  }
}

/** The working tree: the disk as it is, untracked files included. */
export class WorkingTree implements Side {
  readonly label = 'the working tree';
  readonly reader = diskReader;

  constructor(
    private readonly git: Git,
    private readonly top: string,
  ) {}

  async prepare(): Promise<void> {}

  terraformFiles(dir: string): string[] {
    return (this.reader.listFiles(join(this.top, dir)) ?? []).filter((n) => terraformFileKind(n) !== undefined).sort();
  }

  moduleCalls(): Promise<Map<string, Set<string>>> {
    return grepCalls(this.git, { option: '--untracked' });
  }
}

interface Entry {
  id: string;
  symlink: boolean;
}

type Listing = Map<string, Entry>;

/** A git revision, or the index (`rev` undefined), read through one `git cat-file --batch`. */
export class Snapshot implements Side {
  /** Folder (repository-relative) → file name → object. */
  private readonly listings = new Map<string, Listing>();
  private readonly texts = new Map<string, string | undefined>();
  /** The index's Terraform files by folder, listed once. */
  private index: Promise<Map<string, Listing>> | undefined;
  readonly reader: TerraformReader;

  /**
   * Where a non-local module source is kept in the repository (a `modules:` mapping of the config),
   * as a folder relative to the top; those folders are read too.
   */
  mappedSource: (source: string) => string | undefined = () => undefined;

  constructor(
    private readonly git: Git,
    private readonly objects: ObjectReader,
    private readonly top: string,
    private readonly rev: string | undefined,
    readonly label: string,
  ) {
    this.reader = {
      readFile: (abs) => this.readFile(abs),
      listFiles: (abs) => {
        const dir = this.relative(abs);
        // Modules `terraform init` installed (.terraform/, never committed) are read from disk.
        if (dir === undefined || INSTALLED.test(dir)) return diskReader.listFiles(abs);
        const listing = this.listings.get(dir);
        return listing?.size ? [...listing.keys()] : undefined;
      },
    };
  }

  /**
   * Reads the folders and, round by round, the local modules their files call, so the loader
   * finds everything in memory. Folders never prepared read as missing.
   */
  async prepare(dirs: string[]): Promise<void> {
    let pending = [...new Set(dirs)].filter((d) => !this.listings.has(d));
    while (pending.length) {
      await Promise.all(pending.map(async (dir) => this.listings.set(dir, await this.list(dir))));
      const wanted: { path: string; id: string }[] = [];
      for (const dir of pending) {
        for (const [name, e] of this.listings.get(dir)!) {
          const path = dir ? `${dir}/${name}` : name;
          if (!e.symlink && terraformFileKind(name) && !this.texts.has(path)) wanted.push({ path, id: e.id });
        }
      }
      const read = await Promise.all(wanted.map((w) => this.objects.read(w.id)));
      const next = new Set<string>();
      wanted.forEach((w, i) => {
        const text = decodeText(read[i]?.data);
        this.texts.set(w.path, text);
        // .tf files and Terragrunt units name the modules they call.
        const kind = terraformFileKind(w.path);
        if (text === undefined || !(kind === 'tf' || kind === 'tf.json' || kind === 'terragrunt')) return;
        for (const m of text.matchAll(LOCAL_SOURCE)) {
          const called = moduleDir(dirOf(w.path), m[1]!);
          if (!called.startsWith('..') && !this.listings.has(called)) next.add(called);
        }
        for (const m of text.matchAll(ANY_SOURCE)) {
          const mapped = m[1]!.startsWith('.') ? undefined : this.mappedSource(m[1]!);
          if (mapped !== undefined && !mapped.startsWith('..') && !this.listings.has(mapped)) next.add(mapped);
        }
      });
      pending = [...next];
    }
  }

  terraformFiles(dir: string): string[] {
    const listing = this.listings.get(dir) ?? new Map<string, Entry>();
    return [...listing.entries()].filter(([name, e]) => !e.symlink && terraformFileKind(name) !== undefined).map(([name]) => name).sort();
  }

  moduleCalls(): Promise<Map<string, Set<string>>> {
    if (this.rev) return grepCalls(this.git, { rev: this.rev });
    // The index's file list is needed as soon as the roots are known: asked alongside.
    this.index ??= this.listIndex();
    this.index.catch(() => {}); // reported by prepare(), the one that needs it
    return grepCalls(this.git, { option: '--cached' });
  }

  private async list(dir: string): Promise<Listing> {
    if (!this.rev) return (await (this.index ??= this.listIndex())).get(dir) ?? new Map();
    const tree = await this.objects.read(`${this.rev}:${dir}`);
    const listing: Listing = new Map();
    if (tree?.type !== 'tree') return listing;
    for (const [name, e] of parseTree(tree.data, this.rev.length / 2)) {
      // Files and symbolic links; not folders (040000) nor submodules (160000).
      if (e.mode.startsWith('10') || e.mode === '120000') listing.set(name, { id: e.id, symlink: e.mode === '120000' });
    }
    return listing;
  }

  /** Every Terraform file in the index (`ls-files -s`: `mode id stage\tpath`), by folder. */
  private async listIndex(): Promise<Map<string, Listing>> {
    const out = new Map<string, Listing>();
    const output = await this.git.run(['ls-files', '-s', '-z', '--', ...TERRAFORM_FILES]);
    for (const record of nulFields(output)) {
      const tab = record.indexOf('\t');
      const [mode, id, stage] = record.slice(0, tab).split(' ');
      if (stage !== '0') continue;
      const path = record.slice(tab + 1);
      const listing = out.get(dirOf(path)) ?? new Map<string, Entry>();
      listing.set(posix.basename(path), { id: id!, symlink: mode === '120000' });
      out.set(dirOf(path), listing);
    }
    return out;
  }

  private relative(abs: string): string | undefined {
    const rel = relative(this.top, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  }

  /** Prepared files from memory; anything else (a `file()` path) straight from git. */
  private readFile(abs: string): string | undefined {
    const path = this.relative(abs);
    if (path === undefined || INSTALLED.test(path)) return diskReader.readFile(abs);
    if (!this.texts.has(path)) {
      let text: string | undefined;
      try {
        text = decodeText(this.git.runSync(['cat-file', 'blob', `${this.rev ?? ''}:${path}`]));
      } catch {
        text = undefined;
      }
      this.texts.set(path, text);
    }
    return this.texts.get(path);
  }
}

function decodeText(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}


/** An absolute path for a repository-relative one. */
export const absolute = (top: string, path: string) => (path ? join(top, ...path.split('/')) : top);
