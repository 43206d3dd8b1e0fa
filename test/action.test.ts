// The GitHub Action, run the way the runner runs it: INPUT_* variables, a workspace, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files; in-process through runAction() and once as the
// built dist/src/action/main.js.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COMMENT_MARKER } from '../src/action/pr-comment.js';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  ANNOTATIONS_SHOWN_PER_LEVEL,
  fromJsonReport,
  jobSummary,
  runAction,
  withoutWorkflowCommands,
} from '../src/action/run.js';
import { capSummary, formatOutput, getInput, getListInput, MAX_SUMMARY_BYTES } from '../src/action/runner-files.js';
import { REPORTERS } from '../src/reporters/index.js';
import type { Finding, RunResult } from '../src/core/types.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const FIXTURES = join(ROOT, 'test/fixtures/action');
const TOOL = { name: 'iac-guard', version: '0.0.0' };

interface Run {
  code: number;
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
  workspace: string;
}

/** Reads GITHUB_OUTPUT as the runner does: `name=value` lines and `name<<DELIM` heredocs. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      expect(end, `unterminated heredoc for ${heredoc[1]}`).toBeGreaterThan(i);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else {
      const eq = line.indexOf('=');
      expect(eq, `not an output line: ${line}`).toBeGreaterThan(0);
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/** A temporary workspace and runner files; `files` are copied in (name in workspace → fixture). */
function setup(files: Record<string, string>, inputs: Record<string, string>) {
  const workspace = tempDir('iac-guard-action-');
  const runnerDir = tempDir('iac-guard-runner-');
  for (const [name, fixture] of Object.entries(files)) copyFileSync(join(FIXTURES, fixture), join(workspace, name));
  const event = join(runnerDir, 'event.json');
  writeFileSync(event, JSON.stringify({ action: 'opened', number: 7, pull_request: { number: 7, base: { ref: 'main' }, head: { ref: 'feature' } } }));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    IAC_GUARD_TODAY: '2026-11-22',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: join(runnerDir, 'summary.md'),
    GITHUB_OUTPUT: join(runnerDir, 'output.txt'),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const collect = (code: number, stdout: string): Run => ({
    code,
    stdout,
    summary: read(env.GITHUB_STEP_SUMMARY!),
    outputs: parseOutputs(read(env.GITHUB_OUTPUT!)),
    workspace,
  });
  return { env, collect };
}

async function runInProcess(files: Record<string, string>, inputs: Record<string, string>): Promise<Run> {
  const { env, collect } = setup(files, inputs);
  let stdout = '';
  const code = await runAction(env, (t) => (stdout += t));
  return collect(code, stdout);
}

const ANNOTATION = /^::(error|warning|notice) [^\n]*::[^\n]*$/;
const lines = (s: string) => s.split('\n').filter(Boolean);
/** The summary without markdown escapes, to look for values. */
const plain = (md: string) => md.replace(/\\(.)/g, '$1');

describe('GitHub Action: a plan that deletes a database', () => {
  it('annotates, writes SARIF, a job summary and outputs, and exits 1', async () => {
    const r = await runInProcess({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', 'sarif-file': 'iac-guard.sarif' });
    expect(r.code).toBe(1);

    const out = lines(r.stdout);
    expect(out.at(-1)).toMatch(/^iac-guard: 1 blocking finding \(1 error\) in 1 of 1 file/);
    const annotations = out.slice(0, -1);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(ANNOTATION);
    expect(annotations[0]).toMatch(/^::error file=plan\.json,line=6,col=18,endLine=\d+,endColumn=\d+,title=plan-stateful-destroyed aws_db_instance\.orders::aws_db_instance\.orders /);

    expect(r.outputs).toEqual({ findings: '1', blocking: '1', 'sarif-file': 'iac-guard.sarif' });

    const sarif = JSON.parse(readFileSync(join(r.workspace, 'iac-guard.sarif'), 'utf8'));
    const result = sarif.runs[0].results[0];
    expect(result.ruleId).toBe('plan-stateful-destroyed');
    expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'plan.json', uriBaseId: '%SRCROOT%' });
    expect(result.locations[0].physicalLocation.region.startLine).toBe(6);

    expect(r.summary).toMatch(/^## ❌ iac-guard: blocked/);
    expect(plain(r.summary)).toContain('plan-stateful-destroyed');
    expect(plain(r.summary)).toContain('aws_db_instance.orders');
  });

  it('the committed bundle action/index.cjs behaves the same, run as the runner runs it', () => {
    const { env, collect } = setup({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', 'fail-on': 'error', annotations: 'true', summary: 'true' });
    const child = spawnSync(process.execPath, [join(ROOT, 'action/index.cjs')], { cwd: env.GITHUB_WORKSPACE!, env, encoding: 'utf8' });
    const r = collect(child.status ?? -1, child.stdout);
    expect(child.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(lines(r.stdout)[0]).toMatch(/^::error file=plan\.json,line=6,col=18,.*title=plan-stateful-destroyed aws_db_instance\.orders::/);
    expect(r.outputs).toEqual({ findings: '1', blocking: '1', 'sarif-file': '' });
    expect(r.summary).toMatch(/^## ❌ iac-guard: blocked/);
  });

  it('fail-on never reports the finding but passes', async () => {
    const r = await runInProcess({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', 'fail-on': 'never' });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ findings: '1', blocking: '0', 'sarif-file': '' });
  });

  it('annotations: false logs plain text with workflow commands switched off around it', async () => {
    const r = await runInProcess({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', annotations: 'false', summary: 'false' });
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    const token = /^::stop-commands::(iac-guard-[0-9a-f]{16})$/.exec(out[0]!)?.[1];
    expect(token).toBeDefined();
    expect(out.at(-1)).toBe(`::${token}::`);
    expect(out.slice(1, -1).join('\n')).toContain('plan-stateful-destroyed');
    expect(r.summary).toBe('');
  });
});

describe('GitHub Action: a plan that destroys an encryption key', () => {
  it('the job summary draws the blast radius: the key and what was encrypted with it', async () => {
    const r = await runInProcess({ 'plan.json': 'key-destroyed-plan.json' }, { plan: 'plan.json' });
    expect(r.code).toBe(1);
    expect(lines(r.stdout)[0]).toMatch(/^::error file=plan\.json,line=6,col=18,.*title=plan-key-destroyed google_kms_crypto_key\.archive::/);
    const graph = /### Blast radius\n\n```mermaid\n([\s\S]*?)\n```/.exec(r.summary)?.[1];
    expect(graph).toBeDefined();
    expect(graph).toContain('["google_kms_crypto_key.archive"]:::flagged');
    expect(graph).toMatch(/n1 -->\|"encrypted with google_kms_crypto_key\.archive"\| n2/);
    expect(graph).toContain('n2["google_storage_bucket.log_archive"]');
  });
});

describe('GitHub Action: a harmless plan', () => {
  it('passes with no annotations, zero outputs and a passing summary', async () => {
    const r = await runInProcess({ 'plan.json': 'clean-plan.json' }, { plan: 'plan.json', 'sarif-file': 'out.sarif' });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(['iac-guard: No blocking findings in 1 file']);
    expect(r.outputs).toEqual({ findings: '0', blocking: '0', 'sarif-file': 'out.sarif' });
    expect(JSON.parse(readFileSync(join(r.workspace, 'out.sarif'), 'utf8')).runs[0].results).toEqual([]);
    expect(r.summary).toMatch(/^## ✅ iac-guard: passed/);
  });
});

describe('GitHub Action: hostile names stay inside their fields', () => {
  const hostileAddress = 'aws_db_instance.orders["x\n::error::pwned <script>alert(1)</script> | %0A ](javascript:x)"]';

  it('a hostile file name and resource address cannot add commands, outputs, table cells or HTML', async () => {
    const plan = readFileSync(join(FIXTURES, 'blocking-plan.json'), 'utf8')
      .replace('"address": "aws_db_instance.orders"', `"address": ${JSON.stringify(hostileAddress)}, "index": ${JSON.stringify('x\n::error::pwned <script>alert(1)</script> | %0A ](javascript:x)')}`);
    const { env, collect } = setup({}, {});
    // A newline in a file name: found by walking the workspace (list inputs split on newlines).
    writeFileSync(join(env.GITHUB_WORKSPACE!, 'plan %25 ::warning::x\n::error::evil <img src=x onerror=alert(1)> | ,.json'), plan);
    env['INPUT_PATHS'] = '.';
    env['INPUT_SARIF-FILE'] = 'report\n::error::output.sarif';
    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);

    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(ANNOTATION);
    expect(out[0]).toContain('::error file=plan %2525 %3A%3Awarning%3A%3Ax%0A%3A%3Aerror%3A%3Aevil <img src=x onerror=alert(1)> | %2C.json,line=6,');
    // The address's newline is escaped in the title property and in the message.
    expect(out[0]).toContain('title=plan-stateful-destroyed aws_db_instance.orders["x%0A%3A%3Aerror%3A%3Apwned <script>');
    expect(out[0]).toContain('::aws_db_instance.orders["x%0A::error::pwned <script>');
    expect(out.at(-1)).toMatch(/^iac-guard: /);

    // Outputs: exactly the three, the hostile SARIF path kept whole in a heredoc.
    expect(Object.keys(r.outputs).sort()).toEqual(['blocking', 'findings', 'sarif-file']);
    expect(r.outputs['sarif-file']).toBe('report\n::error::output.sarif');

    // Summary: no HTML or link from the names; every table row keeps its five cells.
    expect(r.summary).not.toMatch(/<script|<img|\]\(javascript/);
    const rows = r.summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Severity'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(' | ')).toHaveLength(5);
  });
});

describe('GitHub Action: bad inputs fail the step clearly (exit 2)', () => {
  it('an unknown fail-on', async () => {
    const r = await runInProcess({ 'plan.json': 'clean-plan.json' }, { plan: 'plan.json', 'fail-on': 'sometimes' });
    expect(r.code).toBe(2);
    expect(lines(r.stdout)).toEqual(['::error title=iac-guard could not run::input fail-on must be one of error, warning, never (got "sometimes")']);
    expect(r.summary).toContain('## ⚠️ iac-guard: could not run');
    expect(r.outputs).toEqual({ findings: '', blocking: '', 'sarif-file': '' });
  });

  it('a plan that is not there', async () => {
    const r = await runInProcess({}, { plan: 'missing.json', 'sarif-file': 'x.sarif' });
    expect(r.code).toBe(2);
    expect(lines(r.stdout)[0]).toBe('::error file=missing.json,title=iac-guard%3A file not understood::no such file or folder');
    expect(r.summary).toContain('Files not understood');
  });

  it('annotations that is not a boolean', async () => {
    const r = await runInProcess({ 'plan.json': 'clean-plan.json' }, { plan: 'plan.json', annotations: 'yes' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('input annotations must be true or false (got \\"yes\\")'.replace(/\\"/g, '"'));
  });
});

describe('GitHub Action: diff-base', () => {
  it('runs `iac-guard diff --base` in the workspace and annotates the key ring swap at its line', async () => {
    const { env, collect } = setup({}, { 'diff-base': 'HEAD~1' });
    const workspace = env.GITHUB_WORKSPACE!;
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: workspace, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    const ring = (location: string) => `resource "google_kms_key_ring" "logs" {\n  name     = "logs"\n  location = ${location}\n}\n`;
    git('init', '-q', '-b', 'main');
    writeFileSync(join(workspace, 'main.tf'), ring('"global"'));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(workspace, 'main.tf'), `variable "infra_region" {\n  default = "us-central1"\n}\n\n${ring('var.infra_region')}`);
    git('commit', '-q', '-am', 'move the ring');

    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);
    expect(r.code).toBe(1);
    const annotations = lines(r.stdout).filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=main\.tf,line=7,col=3,[^:]*title=diff-forces-replacement google_kms_key_ring\.logs::/);
    expect(r.outputs.blocking).toBe('1');
  });
});

describe('GitHub Action: on a pull request it compares the change with the base commit', () => {
  const git = (workspace: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: workspace, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  const ring = (location: string) => `resource "google_kms_key_ring" "logs" {\n  name     = "logs"\n  location = ${location}\n}\n`;

  /** A workspace whose HEAD moves the ring, and a pull_request event naming the commit before as base. */
  function pullRequest(inputs: Record<string, string> = {}) {
    const { env, collect } = setup({}, inputs);
    const workspace = env.GITHUB_WORKSPACE!;
    git(workspace, 'init', '-q', '-b', 'main');
    writeFileSync(join(workspace, 'main.tf'), ring('"global"'));
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'base');
    const base = git(workspace, 'rev-parse', 'HEAD');
    writeFileSync(join(workspace, 'main.tf'), `variable "infra_region" {\n  default = "us-central1"\n}\n\n${ring('var.infra_region')}`);
    git(workspace, 'commit', '-q', '-am', 'move the ring');
    writeFileSync(env.GITHUB_EVENT_PATH!, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, base: { ref: 'main', sha: base }, head: { ref: 'feature' } } }));
    return { env, collect, workspace, base };
  }

  it('the committed bundle, with no diff-base input, blocks the key ring swap at the changed line', () => {
    const { env, collect } = pullRequest({ 'sarif-file': 'iac-guard.sarif' });
    const child = spawnSync(process.execPath, [join(ROOT, 'action/index.cjs')], { cwd: env.GITHUB_WORKSPACE!, env, encoding: 'utf8' });
    const r = collect(child.status ?? -1, child.stdout);
    expect(child.stderr).toBe('');
    expect(r.code).toBe(1);
    const annotations = lines(r.stdout).filter((l) => l.startsWith('::'));
    expect(annotations.some((a) => /^::error file=main\.tf,line=7,col=3,[^:]*title=diff-forces-replacement google_kms_key_ring\.logs::/.test(a))).toBe(true);
    expect(r.outputs['sarif-file']).toBe('iac-guard.sarif');
    const sarif = JSON.parse(readFileSync(join(r.workspace, 'iac-guard.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain('diff-forces-replacement');
    expect(r.summary).toMatch(/^## ❌ iac-guard: blocked/);
  });

  it('diff-pull-request: false scans only', async () => {
    const { env, collect } = pullRequest({ 'diff-pull-request': 'false' });
    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);
    expect(lines(r.stdout).filter((l) => l.includes('diff-forces-replacement'))).toEqual([]);
  });

  it('a base commit missing from a shallow checkout fails the step and says to fetch it', async () => {
    const { env, collect } = pullRequest();
    writeFileSync(env.GITHUB_EVENT_PATH!, JSON.stringify({ pull_request: { base: { sha: 'f'.repeat(40) } } }));
    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("the pull request's base commit ffffffffffff is not in the checkout");
    expect(r.stdout).toContain('fetch-depth: 0');
  });

  it('reports: FORMAT:FILE writes more reports, and rule/disable reach the scan', async () => {
    const { env, collect } = setup({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', reports: 'junit:junit.xml\ngitlab:gl.json', disable: 'plan-stateful-destroyed' });
    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);
    expect(r.outputs.blocking).toBe('0');
    expect(readFileSync(join(r.workspace, 'junit.xml'), 'utf8')).toMatch(/^<\?xml /);
    expect(JSON.parse(readFileSync(join(r.workspace, 'gl.json'), 'utf8'))).toEqual([]);
    const bad = setup({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', reports: 'sarf:x' });
    let out2 = '';
    expect(await runAction(bad.env, (t) => (out2 += t))).toBe(2);
    expect(out2).toContain('input reports: "sarf:x" is not FORMAT:FILE');
    expect(out2).not.toContain('plan-stateful-destroyed'); // refused before anything ran
  });
});

describe('GitHub Action: the sticky pull-request comment', () => {
  /** A stand-in for GitHub's REST API on loopback, recording each request. */
  async function fakeApi(existing: { id: number; body: string }[]) {
    const requests: { method: string; url: string; body: string; auth: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, body, auth: String(req.headers.authorization) });
        res.setHeader('content-type', 'application/json');
        res.end(req.method === 'GET' ? JSON.stringify(existing) : JSON.stringify({ id: 99 }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(done)) };
  }

  const commentRun = async (existing: { id: number; body: string }[]) => {
    const api = await fakeApi(existing);
    const { env, collect } = setup({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', comment: 'true', 'github-token': 'tkn' });
    env.GITHUB_API_URL = api.url;
    env.GITHUB_REPOSITORY = 'acme/infra';
    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);
    await api.close();
    return { r, requests: api.requests };
  };

  it('creates one comment with the markdown report and a marker', async () => {
    const { r, requests } = await commentRun([{ id: 5, body: 'someone else' }]);
    expect(r.code).toBe(1);
    expect(requests.map((q) => `${q.method} ${q.url.replace(/\?.*/, '')}`)).toEqual(['GET /repos/acme/infra/issues/7/comments', 'POST /repos/acme/infra/issues/7/comments']);
    expect(requests[1]!.auth).toBe('Bearer tkn');
    const body = (JSON.parse(requests[1]!.body) as { body: string }).body;
    expect(body.startsWith(`${COMMENT_MARKER}\n## ❌ iac-guard: blocked`)).toBe(true);
  });

  it('edits the comment it left before instead of adding another', async () => {
    const { requests } = await commentRun([{ id: 5, body: 'someone else' }, { id: 42, body: `${COMMENT_MARKER}\nold report` }]);
    expect(requests.map((q) => `${q.method} ${q.url.replace(/\?.*/, '')}`)).toEqual(['GET /repos/acme/infra/issues/7/comments', 'PATCH /repos/acme/infra/issues/comments/42']);
  });

  it('a comment that cannot be posted is a warning; the gate result stands', async () => {
    const { env, collect } = setup({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', comment: 'true', 'github-token': '' });
    let stdout = '';
    const r = collect(await runAction(env, (t) => (stdout += t)), stdout);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::warning title=iac-guard%3A no pull request comment::input comment is true but github-token is empty');
  });
});

/** The files of this repository the runner has for `uses: iac-guard/iac-guard@v…`, without node_modules or dist/. */
function actionCheckout(): string {
  const dir = tempDir('iac-guard-uses-');
  spawnSync('mkdir', [join(dir, 'action')]);
  for (const f of ['action.yml', 'package.json', 'action/index.cjs']) copyFileSync(join(ROOT, f), join(dir, f));
  return dir;
}

describe('GitHub Action: the committed bundle', () => {
  it('runs from a checkout with no node_modules and no dist/ (nothing installed)', () => {
    const { env, collect } = setup({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json' });
    const child = spawnSync(process.execPath, [join(actionCheckout(), 'action/index.cjs')], { cwd: env.GITHUB_WORKSPACE!, env, encoding: 'utf8' });
    const r = collect(child.status ?? -1, child.stdout);
    expect(child.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({ findings: '1', blocking: '1', 'sarif-file': '' });
  });

  it("loads a documented plugin (`import { defineRule } from 'iac-guard'`) when allow-plugins is true", () => {
    const { env, collect } = setup({}, { paths: 'docker-compose.yml', 'allow-plugins': 'true', rule: 'acme-no-privileged' });
    const workspace = env.GITHUB_WORKSPACE!;
    spawnSync('mkdir', [join(workspace, 'rules')]);
    writeFileSync(join(workspace, 'rules', 'no-privileged.mjs'), readFileSync(join(ROOT, 'examples/custom-rule/rules/no-privileged.mjs'), 'utf8'));
    writeFileSync(join(workspace, '.iac-guard.yml'), 'plugins: [./rules/no-privileged.mjs]\n');
    writeFileSync(join(workspace, 'docker-compose.yml'), 'services:\n  agent:\n    image: example/agent:1.0.0\n    privileged: true\n');
    // What the runner checks out for `uses:`: the repository without node_modules or dist/.
    const checkout = actionCheckout();
    const child = spawnSync(process.execPath, [join(checkout, 'action/index.cjs')], { cwd: workspace, env, encoding: 'utf8' });
    const r = collect(child.status ?? -1, child.stdout);
    expect(child.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(lines(r.stdout)[0]).toMatch(/^::error file=docker-compose\.yml,line=4,col=5,.*title=acme-no-privileged /);
  });

  it('action/index.cjs is what scripts/bundle-action.mjs builds from the sources (run npm run build:action when this fails)', () => {
    const fresh = join(tempDir('iac-guard-bundle-'), 'index.cjs');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle-action.mjs'), fresh], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(ROOT, 'action/index.cjs'), 'utf8') === readFileSync(fresh, 'utf8'), 'action/index.cjs is stale: npm run build:action').toBe(true);
  });
});

describe('GitHub Action: large results stay readable', () => {
  const finding = (i: number): Finding => ({
    ruleId: 'plan-stateful-destroyed',
    severity: 'error',
    messageId: 'deleted',
    message: `aws_db_instance.db_${i} will be deleted`,
    location: { file: 'plan.json', range: { start: { line: i + 1, column: 3 }, end: { line: i + 1, column: 9 } } },
    resource: `aws_db_instance.db_${i}`,
    suppressed: false,
  });
  const result: RunResult = { files: ['plan.json'], findings: Array.from({ length: 300 }, (_, i) => finding(i)), errors: [], rules: [] };

  it('the summary says how many findings and annotations were left out', () => {
    const md = jobSummary(result, { color: false, failOn: 'error', tool: TOOL }, true);
    expect(md).toContain('250 more blocking findings not shown');
    expect(md).toContain(`GitHub shows ${ANNOTATIONS_SHOWN_PER_LEVEL} annotations per severity in a step; 290 more are in the log and the SARIF report.`);
    expect(md.split('\n').filter((l) => l.startsWith('| plan') || l.startsWith('| error'))).toHaveLength(50);
  });

  it('a summary over GitHub’s 1 MiB limit is cut on a line, with fences closed and a note', () => {
    const huge = '## report\n\n```mermaid\n' + 'a --> b\n'.repeat(200_000) + '```\n';
    const cut = capSummary(huge);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect((cut.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(cut).toMatch(/cut at GitHub’s size limit/);
    expect(capSummary('small\n')).toBe('small\n');
  });
});

describe('GitHub Action: runner conventions', () => {
  it('reads INPUT_ names with hyphens kept, or with underscores', () => {
    expect(getInput({ 'INPUT_FAIL-ON': ' warning ' }, 'fail-on')).toBe('warning');
    expect(getInput({ INPUT_FAIL_ON: 'never' }, 'fail-on')).toBe('never');
    expect(getInput({}, 'fail-on')).toBe('');
  });

  it('list inputs: one per line (spaces kept), or space separated on one line', () => {
    expect(getListInput({ INPUT_PLAN: 'a.json b.json' }, 'plan')).toEqual(['a.json', 'b.json']);
    expect(getListInput({ INPUT_PLAN: 'infra/my plan.json\n\n  other/plan.json  \n' }, 'plan')).toEqual(['infra/my plan.json', 'other/plan.json']);
  });

  it('outputs with a newline use a heredoc whose delimiter is not in the value', () => {
    expect(formatOutput('blocking', '3')).toBe('blocking=3\n');
    const text = formatOutput('x', 'a\nghadelimiter_\nb');
    const [first, ...rest] = text.split('\n');
    const delimiter = first!.slice('x<<'.length);
    expect(rest.slice(0, 3)).toEqual(['a', 'ghadelimiter_', 'b']);
    expect(rest[3]).toBe(delimiter);
    expect('a\nghadelimiter_\nb').not.toContain(delimiter);
  });

  it('the stop-commands token never occurs in the text it protects', () => {
    const wrapped = withoutWorkflowCommands('::error::x\n');
    const token = /^::stop-commands::(.+)\n/.exec(wrapped)![1]!;
    expect(wrapped).toBe(`::stop-commands::${token}\n::error::x\n::${token}::\n`);
  });

  it('a JSON report reads back into the same result (how diff-base results are reported)', async () => {
    const r = await runInProcess({ 'plan.json': 'blocking-plan.json' }, { plan: 'plan.json', summary: 'false' });
    expect(r.code).toBe(1);
    const original: RunResult = {
      files: ['plan.json', 'b.yml'],
      findings: [
        { ...finding(), related: [{ message: 'encrypted with it', resource: 'aws_s3_bucket.logs', location: { file: 'plan.json', range: { start: { line: 9, column: 2 }, end: { line: 9, column: 2 } } } }] },
        { ...finding(), ruleId: 'image-unpinned', location: { file: 'b.yml', range: { start: { line: 3, column: 12 }, end: { line: 3, column: 24 } } }, resource: undefined, path: 'services.web.image', suppressed: true, suppression: { kind: 'config', reason: 'vendor image', expires: '2027-01-01' } },
      ].map((f) => JSON.parse(JSON.stringify(f)) as Finding),
      errors: [{ file: 'c.tf', message: 'bad', line: 2, column: 1 }],
      rules: [],
    };
    const options = { color: false, failOn: 'error' as const, tool: TOOL };
    const json = REPORTERS.json(original, options);
    expect(REPORTERS.json(fromJsonReport(json), options)).toBe(json);
  });

  function finding(): Finding {
    return {
      ruleId: 'plan-key-destroyed',
      severity: 'error',
      messageId: 'deleted',
      message: 'key destroyed',
      location: { file: 'plan.json', range: { start: { line: 5, column: 7 }, end: { line: 5, column: 30 } } },
      resource: 'google_kms_crypto_key.logs',
      suppressed: false,
    };
  }
});

describe('action.yml and the example workflow', () => {
  const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; main: string };
  };

  it('is a JavaScript action running the committed bundle, and the entry reads every input it declares', () => {
    expect(action.runs).toEqual({ using: 'node20', main: 'action/index.cjs' });
    const source = readFileSync(join(ROOT, 'src/action/run.ts'), 'utf8');
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(source, `input ${name} is never read`).toContain(`'${name}'`);
      expect((spec as { description?: string }).description).toBeTruthy();
    }
    expect(Object.keys(action.outputs).sort()).toEqual(['blocking', 'findings', 'sarif-file']);
  });

  it('examples/github/iac-guard.yml uses only inputs and outputs the action has, with least privilege', () => {
    const text = readFileSync(join(ROOT, 'examples/github/iac-guard.yml'), 'utf8');
    const workflow = parseYaml(text) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string> }[] }>;
    };
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const guard = steps.find((s) => s.uses?.includes('/iac-guard@'))!;
    for (const key of Object.keys(guard.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    for (const m of text.matchAll(/steps\.iac-guard\.outputs\.([\w-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1]);
    expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
  });
});
