// Thin command line: parse argv and hand over to a command in src/commands/.
// `iac-guard <paths...>` scans (the default); `diff`, `rules`, `explain` and `init` are subcommands.
// A file literally named like a subcommand is scanned as `./rules`.
// Exit codes: 0 nothing blocking, 1 blocking findings, 2 usage error or any target not understood.
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { realpathSync, renameSync, statSync, writeFileSync, unlinkSync, type Stats } from 'node:fs';
import type { Config } from './engine/config.js';
import type { RunResult } from './core/types.js';
import { ParseError, UsageError } from './core/errors.js';
import { MAX_FILE_BYTES } from './core/read.js';
import { FORMATS, type Format } from './reporters/types.js';
import { REPORTERS } from './reporters/index.js';
import { visible } from './reporters/common.js';
import { TOOL } from './core/version.js';
import { EXIT, exitCodeFor, scan } from './commands/scan.js';
import { createProgress } from './commands/progress.js';
import { rulesCommand } from './commands/rules.js';
import { explainCommand } from './commands/explain.js';
import { initCommand } from './commands/init.js';
import { diff } from './commands/diff.js';

export { EXIT, today } from './commands/scan.js';

interface ScanFlags {
  format: Format;
  output?: string;
  failOn?: Config['failOn'];
  config?: string;
  rule: string[];
  disable: string[];
  quiet?: boolean;
  color: boolean;
  var: string[];
  varFile: string[];
  values: string[];
  target?: 'compose' | 'swarm';
  tfDir?: string;
  changedSince?: string;
  shard?: string;
  terraform?: string;
  verbose?: boolean;
  allowPlugins?: boolean;
  refusePlugins?: boolean;
}

interface DiffFlags extends ReportFlags {
  base?: string;
  staged?: boolean;
}

/** Flags of every command that reports findings. */
type ReportFlags = Omit<ScanFlags, 'values' | 'target' | 'tfDir' | 'changedSince' | 'shard' | 'terraform'>;

type TrustFlags = Pick<ScanFlags, 'allowPlugins' | 'refusePlugins'>;

/** `--allow-plugins` / `--refuse-plugins`, as the commands take them. */
function pluginPolicy(flags: TrustFlags): { plugins?: 'allow' | 'refuse' } {
  if (flags.allowPlugins && flags.refusePlugins) throw new UsageError('--allow-plugins and --refuse-plugins contradict each other; give one');
  return flags.allowPlugins ? { plugins: 'allow' } : flags.refusePlugins ? { plugins: 'refuse' } : {};
}

const collect = (v: string, prev: string[]) => [...prev, v];
const stdout = (text: string) => void process.stdout.write(text);

/** Colour only on a TTY; NO_COLOR wins over everything but an explicit FORCE_COLOR. */
export function wantColor(flag: boolean, env: NodeJS.ProcessEnv, isTTY: boolean, toFile: boolean): boolean {
  if (!flag) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && !toFile;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    // The same limit as for a file: an endless pipe must not eat all memory.
    if (total > MAX_FILE_BYTES) throw new UsageError(`standard input is over the ${MAX_FILE_BYTES / 1048576} MiB limit for one file`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A regular file (or a new one) is written beside its destination first and renamed over it, so a
 * failure never leaves half a report; a symbolic link keeps pointing where it did. A device or
 * pipe (`/dev/stdout`, `>(gzip > r.gz)`) is written through: replacing it would break it.
 */
export function writeReport(file: string, text: string): void {
  const fail = (e: unknown) => new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  // This process's own descriptors: reopening them by name fails when they are sockets (ENXIO).
  const fd = /^\/dev\/(?:std(out|err)|fd\/(\d+))$|^\/proc\/self\/fd\/(\d+)$/.exec(file);
  if (fd) {
    try {
      writeFileSync(fd[1] === 'out' ? 1 : fd[1] === 'err' ? 2 : Number(fd[2] ?? fd[3]), text);
    } catch (e) {
      throw fail(e);
    }
    return;
  }
  let existing: Stats | undefined;
  try {
    existing = statSync(file);
  } catch {
    /* a new file */
  }
  if (existing?.isDirectory()) throw new UsageError(`cannot write ${file}: it is a folder`);
  if (existing && !existing.isFile()) {
    try {
      writeFileSync(file, text);
    } catch (e) {
      throw fail(e);
    }
    return;
  }
  const destination = existing ? realpathSync(file) : file;
  const tmp = `${destination}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, destination);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    throw fail(e);
  }
}

async function scanCommand(paths: string[], flags: ScanFlags): Promise<number> {
  const cwd = process.cwd();
  const progress = createProgress({ stream: process.stderr, quiet: Boolean(flags.quiet) });
  let outcome;
  try {
    outcome = await scan({
      targets: paths,
      cwd,
      env: process.env,
      ...(flags.config ? { config: flags.config } : {}),
      ...(flags.failOn ? { failOn: flags.failOn } : {}),
      only: flags.rule,
      disable: flags.disable,
      vars: flags.var,
      varFiles: flags.varFile,
      values: flags.values,
      ...(flags.target ? { target: flags.target } : {}),
      ...(flags.tfDir ? { tfDir: flags.tfDir } : {}),
      ...(flags.changedSince !== undefined ? { changedSince: flags.changedSince } : {}),
      ...(flags.shard !== undefined ? { shard: flags.shard } : {}),
      ...(flags.terraform !== undefined ? { terraform: flags.terraform } : {}),
      ...pluginPolicy(flags),
      readStdin,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.finish();
  }
  return report(outcome, flags);
}

async function diffCommand(paths: string[], flags: DiffFlags): Promise<number> {
  const outcome = await diff({
    cwd: process.cwd(),
    env: process.env,
    staged: Boolean(flags.staged),
    paths,
    ...(flags.base !== undefined ? { base: flags.base } : {}),
    ...(flags.config ? { config: flags.config } : {}),
    ...(flags.failOn ? { failOn: flags.failOn } : {}),
    only: flags.rule,
    disable: flags.disable,
    vars: flags.var,
    varFiles: flags.varFile,
    ...pluginPolicy(flags),
  });
  if (!flags.quiet) process.stderr.write(`iac-guard diff: ${flags.staged ? 'staged changes' : 'working tree'} compared with ${outcome.baseLabel}\n`);
  return report(outcome, flags);
}

/** Writes the report to --output or stdout and returns the exit code. */
function report({ result, failOn }: { result: RunResult; failOn: Config['failOn'] }, flags: ReportFlags): number {
  const cwd = process.cwd();
  const color = wantColor(flags.color, process.env, Boolean(process.stdout.isTTY), Boolean(flags.output));
  const text = REPORTERS[flags.format](result, { color, failOn, tool: TOOL, quiet: Boolean(flags.quiet) });
  if (flags.output) writeReport(resolve(cwd, flags.output), text);
  else process.stdout.write(text);

  if (flags.verbose) {
    for (const c of result.classified ?? []) process.stderr.write(`iac-guard: ${visible(c.file)}: ${visible(c.reason)}\n`);
    for (const x of result.skipped ?? []) process.stderr.write(`iac-guard: ${visible(x.file)}: skipped: ${visible(x.reason)}\n`);
  }
  // Machine formats carry the errors inside; say it on stderr too so a human sees why it failed.
  if (result.errors.length && (flags.format !== 'text' || flags.output)) {
    // File names and messages quote scanned files: escape them so they cannot drive the terminal.
    for (const e of result.errors) process.stderr.write(`iac-guard: ${visible(formatFileError(e))}\n`);
  }
  return exitCodeFor(result, failOn);
}

export function formatFileError(e: { file: string; message: string; line?: number; column?: number }): string {
  return `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`;
}

/** Options of every command that reports findings: the scan and `diff`. */
function reportOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'lowest severity that fails the run').choices(['error', 'warning', 'never']))
    .option('-c, --config <file>', 'config file (default: .iac-guard.yml found upward from the first path)')
    .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
    .option('--disable <id>', 'do not run this rule (repeatable)', collect, [])
    .option('-q, --quiet', 'only blocking findings and errors; no progress')
    .option('-v, --verbose', 'say on stderr how each file was classified (and why), and which YAML files were skipped')
    .option('--no-color', 'never colour the output')
    .option('--var <name=value>', 'Terraform variable value (repeatable)', collect, [])
    .option('--var-file <file>', 'Terraform .tfvars file (repeatable)', collect, []);
}

/** Plugins are code: who may load them. */
function trustOptions(command: Command): Command {
  return command
    .option('--allow-plugins', "load the config's plugins even when the config is inside the scanned tree (only for code you trust)")
    .option('--refuse-plugins', 'never load plugins; a config that lists some is an error (CI on untrusted pull requests)');
}

/** The program; each action stores its exit code through `setExit`. */
export function buildProgram(setExit: (code: number) => void = () => {}): Command {
  const program = new Command();
  // Set before adding subcommands: they inherit both.
  program.exitOverride().showHelpAfterError('(run iac-guard --help for usage)');
  trustOptions(reportOptions(
    program
      .name('iac-guard')
      .description('Blocks infrastructure changes that destroy data or open systems up, before apply.')
      .version(TOOL.version, '-V, --version')
      // Scan options belong before a subcommand name; subcommands have their own after it.
      .enablePositionalOptions()
      .argument('[paths...]', 'plan JSON, binary plans, .tf folders, Compose files, Helm values; - for stdin'),
  ))
    .option('--values <file>', 'Helm values file merged over values.yaml, in order (repeatable)', collect, [])
    .addOption(new Option('--target <kind>', 'how Compose files are deployed').choices(['compose', 'swarm']))
    .option('--tf-dir <dir>', 'Terraform sources of the plan, to point findings at .tf lines')
    .option('--changed-since <ref>', 'only Terraform folders, Compose projects, charts and plans with a file changed since this git revision (or untracked)')
    .option('--shard <i/n>', 'only slice i of n (e.g. 2/3) of the work, split by folder or project, for parallel CI jobs')
    .option('--terraform <command>', 'terraform or tofu to run for binary plans (`show -json`); never run unless named here or in config')
    .action(async (paths: string[], flags: ScanFlags) => setExit(await scanCommand(paths, flags)));

  trustOptions(reportOptions(
    program
      .command('diff')
      .description('what a change to the .tf files would destroy, without terraform: the working tree (or the index) against a base revision')
      .argument('[paths...]', 'only changes under these files or folders')
      .option('--base <ref>', 'git revision to compare with (default: merge base of HEAD with its upstream branch, else HEAD)')
      .option('--staged', 'check the staged changes (what `git commit` records), as the pre-commit hook does'),
  )).action(async (paths: string[], flags: DiffFlags) => setExit(await diffCommand(paths, flags)));

  trustOptions(
    program
      .command('rules')
      .description('list every rule: id, severity, inputs, category, summary')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('-c, --config <file>', 'config whose plugins to include (default: .iac-guard.yml found upward)'),
  ).action(async (flags: { format: 'text' | 'json'; config?: string } & TrustFlags) =>
    setExit(await rulesCommand({ format: flags.format, ...(flags.config ? { config: flags.config } : {}), ...pluginPolicy(flags) }, process.cwd(), stdout)),
  );

  trustOptions(
    program
      .command('explain')
      .description('why a rule matters, a bad and a good example, how to fix it and how to allow it')
      .argument('<rule>', 'rule id (see iac-guard rules)')
      .option('-c, --config <file>', 'config whose plugins to include (default: .iac-guard.yml found upward)'),
  ).action(async (rule: string, flags: { config?: string } & TrustFlags) =>
    setExit(await explainCommand(rule, { ...(flags.config ? { config: flags.config } : {}), ...pluginPolicy(flags) }, process.cwd(), stdout)),
  );

  program
    .command('init')
    .description('write a commented .iac-guard.yml and print pre-commit and GitHub workflow snippets')
    .argument('[dir]', 'project folder', '.')
    .option('--force', 'replace an existing .iac-guard.yml')
    .action((dir: string, flags: { force?: boolean }) => setExit(initCommand(dir, flags, process.cwd(), stdout)));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are not errors; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError || e instanceof ParseError) {
      process.stderr.write(`iac-guard: ${visible(e instanceof ParseError ? e.toString() : e.message)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`iac-guard: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.usage;
  }
}
