// The GitHub Action: scan in-process, then annotations on stdout, SARIF to a file, a markdown
// job summary, and outputs (findings, blocking, sarif-file). Exit codes are the CLI's:
// 0 nothing blocking, 1 blocking findings, 2 bad inputs or anything not understood.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../engine/config.js';
import { ParseError, UsageError } from '../core/errors.js';
import { Git } from '../core/git.js';
import { compareFindings } from '../engine/runner.js';
import type { FileError, Finding, RelatedLocation, RuleMeta, RunResult, Severity } from '../core/types.js';
import { REPORTERS } from '../reporters/index.js';
import { countResult } from '../reporters/common.js';
import { escapeData, escapeProperty } from '../reporters/github.js';
import { markdownText } from '../reporters/markdown-escape.js';
import { FORMATS, parseOutputSpec, type OutputSpec, type ReportOptions } from '../reporters/types.js';
import { TOOL } from '../core/version.js';
import { diff } from '../commands/diff.js';
import { commentTarget, upsertComment } from './pr-comment.js';
import { EXIT, exitCodeFor, resolveConfig, scan, type ExitCode } from '../commands/scan.js';
import { appendSummary, getBooleanInput, getInput, getListInput, setOutputs } from './runner-files.js';

const FAIL_ON = ['error', 'warning', 'never'] as const;
/** GitHub shows at most this many annotations of each level per step; the rest only in logs. */
export const ANNOTATIONS_SHOWN_PER_LEVEL = 10;

export interface ActionInputs {
  targets: string[];
  diffBase: string;
  config: string;
  failOn?: Config['failOn'];
  sarifFile: string;
  annotations: boolean;
  summary: boolean;
  /** Plugins (and a config's terraform command) are code from the checkout: refused unless allowed. */
  allowPlugins: boolean;
  /** terraform or tofu for binary plans; empty: binary plans are refused. */
  terraform: string;
  /** On a pull request without diff-base: diff against the pull request's base commit. */
  diffPullRequest: boolean;
  tfDir: string;
  varFiles: string[];
  vars: string[];
  values: string[];
  only: string[];
  disable: string[];
  changedSince: string;
  /** More reports, as the CLI's `--format FORMAT:FILE` (paths relative to the workspace). */
  reports: Required<OutputSpec>[];
  /** Keep one pull-request comment with the markdown report up to date. */
  comment: boolean;
  githubToken: string;
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const failOn = getInput(env, 'fail-on');
  if (failOn && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new UsageError(`input fail-on must be one of ${FAIL_ON.join(', ')} (got "${failOn}")`);
  }
  const diffBase = getInput(env, 'diff-base');
  const targets = [...getListInput(env, 'paths'), ...getListInput(env, 'plan')];
  return {
    // Nothing named and no diff: scan the whole checkout.
    targets: targets.length || diffBase ? targets : ['.'],
    diffBase,
    config: getInput(env, 'config'),
    ...(failOn ? { failOn: failOn as Config['failOn'] } : {}),
    sarifFile: getInput(env, 'sarif-file'),
    annotations: getBooleanInput(env, 'annotations', true),
    summary: getBooleanInput(env, 'summary', true),
    allowPlugins: getBooleanInput(env, 'allow-plugins', false),
    terraform: getInput(env, 'terraform'),
    diffPullRequest: getBooleanInput(env, 'diff-pull-request', true),
    tfDir: getInput(env, 'tf-dir'),
    varFiles: getListInput(env, 'var-file'),
    vars: getListInput(env, 'var'),
    values: getListInput(env, 'values'),
    only: getListInput(env, 'rule'),
    disable: getListInput(env, 'disable'),
    changedSince: getInput(env, 'changed-since'),
    reports: reportsInput(env),
    comment: getBooleanInput(env, 'comment', false),
    githubToken: getInput(env, 'github-token'),
  };
}

/** `reports`: FORMAT:FILE lines, checked before anything runs. */
function reportsInput(env: NodeJS.ProcessEnv): Required<OutputSpec>[] {
  return getListInput(env, 'reports').map((spec) => {
    const bad = () => new UsageError(`input reports: "${spec}" is not FORMAT:FILE with FORMAT one of ${FORMATS.join(', ')}`);
    let parsed: OutputSpec;
    try {
      parsed = parseOutputSpec(spec);
    } catch {
      throw bad();
    }
    if (parsed.file === undefined) throw bad();
    return { format: parsed.format, file: parsed.file };
  });
}

/**
 * The base commit of the pull request that triggered the run (GITHUB_EVENT_PATH), or undefined
 * for other events. A base missing from a shallow checkout is a usage error saying how to fetch it.
 */
export async function pullRequestBase(env: NodeJS.ProcessEnv, workspace: string): Promise<string | undefined> {
  if (!/^pull_request(_target)?$/.test(env.GITHUB_EVENT_NAME ?? '') || !env.GITHUB_EVENT_PATH) return undefined;
  let event: { pull_request?: { base?: { sha?: unknown } } };
  try {
    event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof event;
  } catch (e) {
    throw new UsageError(`cannot read the pull request event ${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`);
  }
  const sha = event.pull_request?.base?.sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  // Through the same git wrapper (and environment) as the diff that follows.
  const present = await new Git(workspace).result(['cat-file', '-e', `${sha}^{commit}`]).catch(() => undefined);
  if (present?.exitCode !== 0) {
    throw new UsageError(
      `the pull request's base commit ${sha.slice(0, 12)} is not in the checkout, so the change cannot be compared with it; give actions/checkout \`fetch-depth: 0\` (or set diff-pull-request: false)`,
    );
  }
  return sha;
}

/** Posts or edits the sticky comment; returns why it could not, or undefined. */
async function commentOnPullRequest(env: NodeJS.ProcessEnv, inputs: ActionInputs, markdown: string): Promise<string | undefined> {
  if (!inputs.githubToken) return 'input comment is true but github-token is empty';
  let event: { pull_request?: { number?: unknown } } | undefined;
  try {
    event = env.GITHUB_EVENT_PATH ? (JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof event) : undefined;
  } catch {
    event = undefined;
  }
  const target = commentTarget(env, event, inputs.githubToken);
  if (!target) return 'not a pull request event: nothing to comment on';
  try {
    await upsertComment(target, markdown);
    return undefined;
  } catch (e) {
    return `commenting failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function runAction(env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<ExitCode> {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  let inputs: ActionInputs;
  let result: RunResult;
  let failOn: Config['failOn'];
  try {
    inputs = readInputs(env);
    ({ result, failOn } = await collect(inputs, workspace, env));
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof ParseError)) throw e;
    return failToRun(env, out, e instanceof ParseError ? e.toString() : e.message);
  }

  const options: ReportOptions = { color: false, failOn, tool: TOOL };
  if (inputs.annotations) out(REPORTERS.github(result, options));
  else out(withoutWorkflowCommands(REPORTERS.text(result, options)));

  let sarifFile = '';
  if (inputs.sarifFile) {
    try {
      writeFileSync(resolve(workspace, inputs.sarifFile), REPORTERS.sarif(result, options));
      sarifFile = inputs.sarifFile;
    } catch (e) {
      return failToRun(env, out, `cannot write sarif-file ${inputs.sarifFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  for (const { format, file } of inputs.reports) {
    try {
      writeFileSync(resolve(workspace, file), REPORTERS[format](result, options));
    } catch (e) {
      return failToRun(env, out, `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  if (inputs.summary) appendSummary(env, jobSummary(result, options, inputs.annotations));
  if (inputs.comment) {
    const problem = await commentOnPullRequest(env, inputs, REPORTERS.markdown(result, options));
    // The report is in the log and the summary already: a comment that fails is a warning, not a lost run.
    if (problem) out(`::warning title=${escapeProperty('iac-guard: no pull request comment')}::${escapeData(problem)}\n`);
  }

  const counts = countResult(result, failOn);
  setOutputs(env, {
    findings: String(counts.findings - counts.suppressed),
    blocking: String(counts.blocking),
    'sarif-file': sarifFile,
  });
  return exitCodeFor(result, failOn);
}

/** The markdown report, plus a note when GitHub will not show every annotation. */
export function jobSummary(result: RunResult, options: ReportOptions, annotations: boolean): string {
  const parts = [REPORTERS.markdown(result, options)];
  const shown = result.findings.filter((f) => !f.suppressed);
  const hidden = (['error', 'warning', 'info'] as Severity[])
    .map((s) => shown.filter((f) => f.severity === s).length - ANNOTATIONS_SHOWN_PER_LEVEL)
    .reduce((sum, n) => sum + Math.max(0, n), 0);
  if (annotations && hidden > 0) {
    parts.push(`\n<sub>GitHub shows ${ANNOTATIONS_SHOWN_PER_LEVEL} annotations per severity in a step; ${hidden} more are in the log and the SARIF report.</sub>\n`);
  }
  return parts.join('');
}

/**
 * Plain text in the log: a line of it that starts with `::` (a file named `::error::x`) must not
 * be taken for a workflow command, so the runner is told to stop reading them around it.
 */
export function withoutWorkflowCommands(text: string): string {
  let token: string;
  do token = `iac-guard-${randomBytes(8).toString('hex')}`;
  while (text.includes(token));
  return `::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`;
}

/** Bad inputs or config: one annotation, a summary that says so, exit 2. */
function failToRun(env: NodeJS.ProcessEnv, out: (text: string) => void, message: string): ExitCode {
  out(`::error title=${escapeProperty('iac-guard could not run')}::${escapeData(message)}\n`);
  appendSummary(env, `## ⚠️ iac-guard: could not run\n\n${markdownText(message)}\n\nNothing was checked, so the step fails (exit 2).\n`);
  setOutputs(env, { findings: '', blocking: '', 'sarif-file': '' });
  return EXIT.usage;
}

/**
 * The checkout is the code under review (on `pull_request`, the contributor's): its config may not
 * make the runner execute code unless the workflow says so, even when named with the config input.
 */
const pluginPolicy = (inputs: ActionInputs) => (inputs.allowPlugins ? 'allow' : 'refuse') as 'allow' | 'refuse';

async function collect(inputs: ActionInputs, workspace: string, env: NodeJS.ProcessEnv): Promise<{ result: RunResult; failOn: Config['failOn'] }> {
  const results: RunResult[] = [];
  let failOn: Config['failOn'] | undefined = inputs.failOn;
  if (inputs.targets.length) {
    const outcome = await scan({
      targets: inputs.targets,
      cwd: workspace,
      env,
      ...(inputs.config ? { config: inputs.config } : {}),
      ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
      ...(inputs.terraform ? { terraform: inputs.terraform } : {}),
      ...(inputs.tfDir ? { tfDir: inputs.tfDir } : {}),
      ...(inputs.changedSince ? { changedSince: inputs.changedSince } : {}),
      vars: inputs.vars,
      varFiles: inputs.varFiles,
      values: inputs.values,
      only: inputs.only,
      disable: inputs.disable,
      plugins: pluginPolicy(inputs),
    });
    results.push(outcome.result);
    failOn = outcome.failOn;
  }
  const base = inputs.diffBase || (inputs.diffPullRequest ? await pullRequestBase(env, workspace) : undefined);
  if (base) {
    const outcome = await diff({
      cwd: workspace,
      env,
      staged: false,
      paths: [],
      base,
      ...(inputs.config ? { config: inputs.config } : {}),
      ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
      vars: inputs.vars,
      varFiles: inputs.varFiles,
      only: inputs.only,
      disable: inputs.disable,
      plugins: pluginPolicy(inputs),
    });
    results.push(outcome.result);
    failOn ??= outcome.failOn;
  }
  // Only a diff: fail-on still comes from the config when the input does not set it.
  failOn ??= resolveConfig(workspace, inputs.config || undefined).failOn;
  return { result: mergeResults(results), failOn };
}

interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  resource?: string;
  path?: string;
  related?: { message: string; file?: string; line?: number; column?: number; resource?: string }[];
  suppressed: boolean;
  suppression?: Finding['suppression'];
  relaxed?: Finding['relaxed'];
}

/** A JSON report (docs/json-format.md, version 1 or 2) back into a RunResult for the other formats. */
export function fromJsonReport(text: string): RunResult {
  const report = JSON.parse(text) as { version: number; findings: JsonFinding[]; errors: FileError[] };
  // Version 2 only added the `dev-file` suppression kind and a summary count: both read the same way.
  if (report.version !== 1 && report.version !== 2) throw new UsageError(`unsupported JSON report version ${report.version}`);
  const at = (file: string, line: number, column: number, endLine = line, endColumn = column) => ({
    file,
    range: { start: { line, column }, end: { line: endLine, column: endColumn } },
  });
  const findings = report.findings.map((f): Finding => ({
    ruleId: f.ruleId,
    severity: f.severity,
    messageId: '',
    message: f.message,
    location: at(f.file, f.line, f.column, f.endLine, f.endColumn),
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.related
      ? {
          related: f.related.map((r): RelatedLocation => ({
            message: r.message,
            ...(r.file !== undefined ? { location: at(r.file, r.line ?? 1, r.column ?? 1) } : {}),
            ...(r.resource !== undefined ? { resource: r.resource } : {}),
          })),
        }
      : {}),
    suppressed: f.suppressed,
    ...(f.suppression ? { suppression: f.suppression } : {}),
    ...(f.relaxed ? { relaxed: f.relaxed } : {}),
  }));
  const files = [...new Set(findings.map((f) => f.location.file))];
  return { files, findings, errors: report.errors, rules: [] };
}

export function mergeResults(results: RunResult[]): RunResult {
  const rules = new Map<string, RuleMeta>();
  for (const r of results) for (const m of r.rules) if (!rules.has(m.id)) rules.set(m.id, m);
  return {
    files: [...new Set(results.flatMap((r) => r.files))],
    findings: results.flatMap((r) => r.findings).sort(compareFindings),
    errors: results.flatMap((r) => r.errors),
    rules: [...rules.values()],
  };
}
