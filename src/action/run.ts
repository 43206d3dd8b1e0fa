// The GitHub Action: scan in-process, then annotations on stdout, SARIF to a file, a markdown
// job summary, and outputs (findings, blocking, sarif-file). Exit codes are the CLI's:
// 0 nothing blocking, 1 blocking findings, 2 bad inputs or anything not understood.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../engine/config.js';
import { ParseError, UsageError } from '../core/errors.js';
import { compareFindings } from '../engine/runner.js';
import type { FileError, Finding, RelatedLocation, RuleMeta, RunResult, Severity } from '../core/types.js';
import { REPORTERS } from '../reporters/index.js';
import { countResult } from '../reporters/common.js';
import { escapeData, escapeProperty } from '../reporters/github.js';
import { markdownText } from '../reporters/markdown-escape.js';
import type { ReportOptions } from '../reporters/types.js';
import { TOOL } from '../core/version.js';
import { packageRoot } from '../commands/docs.js';
import { knownRules } from '../commands/rules.js';
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
  };
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
  if (inputs.summary) appendSummary(env, jobSummary(result, options, inputs.annotations));

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
      plugins: pluginPolicy(inputs),
    });
    results.push(outcome.result);
    failOn = outcome.failOn;
  }
  if (inputs.diffBase) {
    const diff = runDiff(inputs, workspace, env);
    // The JSON contract leaves rule metadata out; SARIF wants it, so take it from the registry.
    const ids = new Set(diff.findings.map((f) => f.ruleId));
    const known = await knownRules(workspace, { ...(inputs.config ? { config: inputs.config } : {}), plugins: pluginPolicy(inputs) });
    diff.rules = known.filter((r) => ids.has(r.id)).map((r) => ({ id: r.id, severity: r.severity, inputs: r.inputs, category: r.category, docs: r.docs }));
    results.push(diff);
  }
  // Only a diff: fail-on still comes from the config when the input does not set it.
  failOn ??= resolveConfig(workspace, inputs.config || undefined).failOn;
  return { result: mergeResults(results), failOn };
}

// ---------- diff-base: through the CLI ----------

/**
 * `iac-guard diff --base <ref>` run as the CLI (its JSON report read back), so the action gets
 * exactly what a developer gets locally.
 */
function runDiff(inputs: ActionInputs, workspace: string, env: NodeJS.ProcessEnv): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'iac-guard-diff-'));
  try {
    const report = join(dir, 'report.json');
    const args = ['diff', '--base', inputs.diffBase, '--format', 'json', '--output', report];
    if (inputs.config) args.push('--config', inputs.config);
    args.push(inputs.allowPlugins ? '--allow-plugins' : '--refuse-plugins');
    const child = spawnSync(process.execPath, [join(packageRoot(), 'dist/iac-guard.cjs'), ...args], { cwd: workspace, env, encoding: 'utf8' });
    let text: string;
    try {
      text = readFileSync(report, 'utf8');
    } catch {
      const why = (child.stderr || child.stdout || '').trim().split('\n')[0] || `exit ${child.status}`;
      throw new UsageError(`iac-guard diff --base ${inputs.diffBase} failed: ${why}`);
    }
    return fromJsonReport(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
}

/** A JSON report (docs/json-format.md, version 1) back into a RunResult for the other formats. */
export function fromJsonReport(text: string): RunResult {
  const report = JSON.parse(text) as { version: number; findings: JsonFinding[]; errors: FileError[] };
  if (report.version !== 1) throw new UsageError(`unsupported JSON report version ${report.version}`);
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
