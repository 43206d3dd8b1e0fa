// Thin command line: parse argv, load config, run the engine, pick a reporter, set the exit code.
// Exit codes: 0 nothing blocking, 1 blocking findings, 2 usage error or any target not understood.
import { Command, CommanderError, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { DEFAULT_CONFIG, findConfigFile, loadConfig, type Config } from './engine/config.js';
import { ParseError, UsageError } from './engine/errors.js';
import { isBlocking, run } from './engine/runner.js';
import type { LoadOptions } from './engine/inputs.js';
import { FORMATS, type Format } from './reporters/types.js';
import { REPORTERS } from './reporters/index.js';
import { BUILTIN_RULES } from '../rules/index.js';
import { TOOL } from './version.js';

export const EXIT = { ok: 0, blocking: 1, usage: 2 } as const;

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
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Colour only on a TTY; NO_COLOR wins over everything but an explicit FORCE_COLOR. */
export function wantColor(flag: boolean, env: NodeJS.ProcessEnv, isTTY: boolean, toFile: boolean): boolean {
  if (!flag) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && !toFile;
}

export function today(env: NodeJS.ProcessEnv = process.env): string {
  // IAC_GUARD_TODAY pins the date for reproducible expiry checks in tests and CI replays.
  const pinned = env.IAC_GUARD_TODAY;
  if (pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned)) return pinned;
  return new Date().toISOString().slice(0, 10);
}

function parseVars(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--var expects NAME=VALUE, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes the report next to its destination first, so a failure never leaves half a file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean */
    }
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

async function scan(paths: string[], flags: ScanFlags): Promise<number> {
  const cwd = process.cwd();
  if (!paths.length) throw new UsageError('nothing to scan: give files or folders (or - for stdin); see --help');
  const configFile = flags.config
    ? resolve(cwd, flags.config)
    : findConfigFile(paths[0] === '-' || !paths[0] ? cwd : dirname(resolve(cwd, paths[0])));
  const config: Config = configFile ? loadConfig(configFile, flags.config ?? configFile) : { ...DEFAULT_CONFIG };
  const failOn = flags.failOn ?? config.failOn;

  const load: LoadOptions = {
    cwd,
    vars: parseVars(flags.var),
    varFiles: flags.varFile,
    helmValues: [...config.helm.values, ...flags.values],
    env: { ...process.env },
    ...(flags.target ?? config.compose.target ? { composeTarget: flags.target ?? config.compose.target } : {}),
    ...(flags.tfDir ? { tfDir: resolve(cwd, flags.tfDir) } : {}),
  };

  const result = await run({
    targets: paths,
    cwd,
    config,
    rules: BUILTIN_RULES,
    only: flags.rule,
    disable: flags.disable,
    load,
    today: today(),
    readStdin,
  });

  const color = wantColor(flags.color, process.env, Boolean(process.stdout.isTTY), Boolean(flags.output));
  const text = REPORTERS[flags.format](result, { color, failOn, tool: TOOL, quiet: Boolean(flags.quiet) });
  if (flags.output) writeAtomically(resolve(cwd, flags.output), text);
  else process.stdout.write(text);

  if (result.errors.length) {
    // Machine formats carry the errors inside; say it on stderr too so a human sees why it failed.
    if (flags.format !== 'text' || flags.output) {
      for (const e of result.errors) process.stderr.write(`iac-guard: ${formatFileError(e)}\n`);
    }
    return EXIT.usage;
  }
  return result.findings.some((f) => isBlocking(f, failOn)) ? EXIT.blocking : EXIT.ok;
}

export function formatFileError(e: { file: string; message: string; line?: number; column?: number }): string {
  return `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('iac-guard')
    .description('Blocks infrastructure changes that destroy data or open systems up, before apply.')
    .version(TOOL.version, '-V, --version')
    .argument('[paths...]', 'plan JSON, binary plans, .tf folders, Compose files, Helm values; - for stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'lowest severity that fails the run').choices(['error', 'warning', 'never']))
    .option('-c, --config <file>', 'config file (default: .iac-guard.yml found upward from the first path)')
    .option('--rule <id>', 'run only this rule (repeatable)', collect, [])
    .option('--disable <id>', 'do not run this rule (repeatable)', collect, [])
    .option('-q, --quiet', 'only blocking findings and errors; no progress')
    .option('--no-color', 'never colour the output')
    .option('--var <name=value>', 'Terraform variable value (repeatable)', collect, [])
    .option('--var-file <file>', 'Terraform .tfvars file (repeatable)', collect, [])
    .option('--values <file>', 'Helm values file merged over values.yaml, in order (repeatable)', collect, [])
    .addOption(new Option('--target <kind>', 'how Compose files are deployed').choices(['compose', 'swarm']))
    .option('--tf-dir <dir>', 'Terraform sources of the plan, to point findings at .tf lines')
    .showHelpAfterError('(run iac-guard --help for usage)')
    .action(async (paths: string[], flags: ScanFlags) => {
      process.exitCode = await scan(paths, flags);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are not errors; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError || e instanceof ParseError) {
      process.stderr.write(`iac-guard: ${e instanceof ParseError ? e.toString() : e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`iac-guard: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.usage;
  }
}
