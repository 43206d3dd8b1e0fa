// Thin command line: parse argv and hand over to a command in src/commands/.
// `iac-guard <paths...>` scans (the default); `diff`, `rules`, `explain` and `init` are subcommands.
// A file literally named like a subcommand is scanned as `./rules`.
// Exit codes: 0 nothing blocking, 1 blocking findings, 2 usage error or any target not understood.
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { existsSync, realpathSync, renameSync, statSync, writeFileSync, unlinkSync, type Stats } from 'node:fs';
import type { Config } from './engine/config.js';
import type { RunResult } from './core/types.js';
import { ParseError, UsageError } from './core/errors.js';
import { MAX_FILE_BYTES } from './core/read.js';
import { FORMATS, parseOutputSpec, REPO_RELATIVE_FORMATS, type OutputSpec } from './reporters/types.js';
import { REPORTERS } from './reporters/index.js';
import { countResult, plural, summaryLine, visible } from './reporters/common.js';
import { rebasePath, rebaseResult } from './reporters/paths.js';
import { repositoryAbove } from './core/read.js';
import { suggest } from './core/suggest.js';
import { BUILTIN_RULES } from '../rules/index.js';
import { applyBaseline, baselineText, readBaseline } from './commands/baseline.js';
import { TOOL } from './core/version.js';
import { EXIT, exitCodeFor, scan } from './commands/scan.js';
import { createProgress } from './commands/progress.js';
import { rulesCommand } from './commands/rules.js';
import { explainCommand } from './commands/explain.js';
import { initCommand } from './commands/init.js';
import { diff } from './commands/diff.js';

export { EXIT, today } from './commands/scan.js';

interface ScanFlags {
  format: OutputSpec[];
  output?: string;
  baseDir?: string;
  baseline?: string;
  writeBaseline?: string;
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

/** `--format FORMAT[:FILE]`, repeatable. */
export const parseFormat = (value: string, prev: OutputSpec[] = []): OutputSpec[] => [...prev, parseOutputSpec(value)];

/** Which report goes where: every format named (text by default), with --output for the one without a file. */
export function outputsOf(flags: Pick<ScanFlags, 'format' | 'output'>): OutputSpec[] {
  const specs = flags.format.length ? flags.format : [{ format: 'text' as const }];
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(`only one report can go to ${flags.output ? '--output' : 'stdout'}; give the others a file (--format ${toStdout[1]!.format}:FILE)`);
  }
  return flags.output ? specs.map((s) => (s.file === undefined ? { ...s, file: flags.output } : s)) : specs;
}
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

/** The folder reports name files against for CI tools: --base-dir, else the git work tree, else the current folder. */
function reportRoot(cwd: string, baseDir: string | undefined): string {
  if (baseDir !== undefined) {
    const dir = resolve(cwd, baseDir);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw new UsageError(`--base-dir ${baseDir}: not a folder`);
    return dir;
  }
  return repositoryAbove(cwd) ?? cwd;
}

const documentedRules = new Set(BUILTIN_RULES.map((r) => r.id));

/** Writes each report (stdout, --output or FORMAT:FILE) and returns the exit code. */
function report({ result: scanned, failOn, config }: { result: RunResult; failOn: Config['failOn']; config: Config }, flags: ReportFlags): number {
  const cwd = process.cwd();
  const outputs = outputsOf(flags);
  const root = reportRoot(cwd, flags.baseDir);
  const rootRelative = (r: RunResult) => rebaseResult(r, cwd, root);

  let result = scanned;
  const baselineFile = flags.baseline !== undefined ? resolve(cwd, flags.baseline) : config.baseline;
  if (baselineFile && flags.writeBaseline === undefined) {
    const display = flags.baseline ?? rebasePath(baselineFile, cwd, root);
    const applied = applyBaseline(result, rootRelative(result), readBaseline(baselineFile, display), display);
    result = applied.result;
    if (!flags.quiet) {
      process.stderr.write(
        `iac-guard: baseline ${visible(display)}: ${plural(applied.matched, 'finding')} matched and suppressed` +
          (applied.stale ? `; ${plural(applied.stale, 'entry', 'entries')} stale (fixed or moved: rewrite it with --write-baseline)` : '') +
          '\n',
      );
    }
  }

  const options = { failOn, tool: TOOL, quiet: Boolean(flags.quiet), documentedRules };
  for (const out of outputs) {
    const color = out.format === 'text' && wantColor(flags.color, process.env, Boolean(process.stdout.isTTY), out.file !== undefined);
    const text = REPORTERS[out.format](REPO_RELATIVE_FORMATS.has(out.format) ? rootRelative(result) : result, { ...options, color });
    if (out.file !== undefined) writeReport(resolve(cwd, out.file), text);
    else process.stdout.write(text);
  }
  // Every report went to a file: the log still says what happened.
  if (!flags.quiet && outputs.every((o) => o.file !== undefined)) {
    process.stderr.write(`iac-guard: ${summaryLine(countResult(result, failOn))}\n`);
  }

  if (flags.writeBaseline !== undefined) {
    writeReport(resolve(cwd, flags.writeBaseline), baselineText(rootRelative(result), TOOL));
    const recorded = result.findings.filter((f) => !f.suppressed).length;
    process.stderr.write(`iac-guard: wrote ${plural(recorded, 'finding')} to the baseline ${visible(flags.writeBaseline)}; run with --baseline ${visible(flags.writeBaseline)} to report only new ones\n`);
  }

  if (flags.verbose) {
    for (const c of result.classified ?? []) process.stderr.write(`iac-guard: ${visible(c.file)}: ${visible(c.reason)}\n`);
    for (const x of result.skipped ?? []) process.stderr.write(`iac-guard: ${visible(x.file)}: skipped: ${visible(x.reason)}\n`);
  }
  // Machine formats carry the errors inside; say it on stderr too so a human sees why it failed.
  if (result.errors.length && !outputs.some((o) => o.format === 'text' && o.file === undefined)) {
    // File names and messages quote scanned files: escape them so they cannot drive the terminal.
    for (const e of result.errors) process.stderr.write(`iac-guard: ${visible(formatFileError(e))}\n`);
  }
  // Writing a baseline records the findings: it fails only when a file could not be read.
  if (flags.writeBaseline !== undefined) return result.errors.length ? EXIT.usage : EXIT.ok;
  return exitCodeFor(result, failOn);
}

export function formatFileError(e: { file: string; message: string; line?: number; column?: number }): string {
  return `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`;
}

/** Options of every command that reports findings: the scan and `diff`. */
function reportOptions(command: Command): Command {
  return command
    .option('-f, --format <format[:file]>', `output format: ${FORMATS.join(', ')} (default text); repeatable, each to its own file: --format sarif:out.sarif --format text`, parseFormat, [])
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--base-dir <dir>', 'folder that SARIF, GitHub, JUnit and GitLab reports name files against (default: the git work tree, else the current folder)')
    .option('--baseline <file>', 'findings recorded in this baseline are suppressed; only new ones block (config: baseline)')
    .option('--write-baseline <file>', "record this run's findings as the baseline (exit 0 unless a file could not be read)")
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
    .action(async (paths: string[], flags: ScanFlags) => {
      const first = paths[0];
      // A first word that is not on disk but reads like a command: `help rules`, `lint .`.
      if (first !== undefined && first !== '-' && !existsSync(resolve(first))) {
        if (first === 'help') {
          const sub = program.commands.find((c) => c.name() === paths[1]);
          (sub ?? program).outputHelp();
          return setExit(EXIT.ok);
        }
        const close = suggest(first, [...program.commands.map((c) => c.name()), 'help']);
        if (close.length && !/[./\\]/.test(first)) {
          throw new UsageError(`'${first}' is neither a command nor a file or folder; did you mean iac-guard ${close.join(', iac-guard ')}? (commands: ${program.commands.map((c) => c.name()).join(', ')})`);
        }
      }
      setExit(await scanCommand(paths, flags));
    });

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
