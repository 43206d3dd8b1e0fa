// Hostile and broken inputs through the built CLI: every one ends in findings or a clear "not
// understood" (exit 2) naming the limit it hit. Never a hang, a stack trace or a silent skip.
import { MAX_HCL_DEPTH } from '../src/parsers/hcl-syntax.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, rmSync, symlinkSync, unlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { unprivilegedCli } from './helpers/unprivileged.js';
import { discover } from '../src/engine/discover.js';
import { readSource, MAX_FILE_BYTES } from '../src/core/read.js';
import { MAX_ALIAS_COUNT, MAX_YAML_DEPTH } from '../src/parsers/yaml.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes files under a fresh folder of the test dir and returns its path. */
function project(name: string, files: Record<string, string | Buffer>): string {
  const root = join(dir, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const COMPOSE = 'services:\n  web:\n    image: nginx:latest\n';
/** Text and stderr together: the text report lists unreadable files on stdout. */
const said = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
/** What a crash looks like: a JavaScript stack frame or an engine-internal message. */
const CRASH = /\n\s+at \S+ \(|Maximum call stack|internal error|RangeError|TypeError/;

describe('resource exhaustion', () => {
  it('refuses a YAML alias bomb by its limit', () => {
    // a is 9 strings, b is 9 a's, ... i is 9^9 strings: the classic "billion laughs".
    const names = 'abcdefghi';
    const bomb = [`x-a: &a [${Array(9).fill('"lol"').join(', ')}]`];
    for (let i = 1; i < names.length; i++) bomb.push(`x-${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
    const root = project('bomb', { 'docker-compose.yml': `${COMPOSE}${bomb.join('\n')}\n` });
    const r = cli([join(root, 'docker-compose.yml')], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain(`more than ${MAX_ALIAS_COUNT} alias expansions (limit`);
    expect(said(r)).not.toMatch(CRASH);
  });

  it('refuses 10,000-deep YAML nesting by its limit', () => {
    const root = project('deep-yaml', { 'docker-compose.yml': `${COMPOSE}    labels: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` });
    const r = cli(['docker-compose.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain(`nested more than ${MAX_YAML_DEPTH} levels deep (limit)`);
    expect(said(r)).not.toMatch(CRASH);
  });

  it('refuses YAML nested past the limit in block style too', () => {
    const lines = ['services:', '  web:', '    image: nginx:1.27', '    labels:'];
    for (let d = 0; d < MAX_YAML_DEPTH + 10; d++) lines.push(`${'  '.repeat(d + 3)}k${d}:`);
    const root = project('deep-block', { 'docker-compose.yml': `${lines.join('\n')} 1\n` });
    const r = cli(['docker-compose.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toMatch(/docker-compose\.yml:\d+:\d+: maps and lists nested more than/);
  });

  it('refuses 8,000 nested block sequences (`- - - ...`) in Compose and in the config', () => {
    const deep = `${'- '.repeat(8000)}1`;
    const root = project('deep-seq', { 'docker-compose.yml': `${COMPOSE}    labels:\n      ${deep}\n`, 'conf/.iac-guard.yml': `${deep}\n` });
    const compose = cli(['docker-compose.yml'], { cwd: root });
    expect(compose.code).toBe(2);
    expect(said(compose)).toContain(`nested more than ${MAX_YAML_DEPTH} levels deep (limit)`);
    const config = cli(['--config', 'conf/.iac-guard.yml', 'docker-compose.yml'], { cwd: root });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/conf\/\.iac-guard\.yml.*invalid YAML in config/);
    expect(said(config)).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses maps used as keys, whose text the YAML library would blow up exponentially', () => {
    const keys = `${'{'.repeat(200)}1${'}'.repeat(200)}`;
    const root = project('map-keys', { 'chart/Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n', 'chart/values.yaml': `${keys}\n`, 'conf/.iac-guard.yml': `${keys}\n` });
    const values = cli(['chart'], { cwd: root });
    expect(values.code).toBe(2);
    expect(said(values)).toContain('chart/values.yaml:1:2: a map or list is used as a key; keys must be plain names');
    const config = cli(['--config', 'conf/.iac-guard.yml', 'chart'], { cwd: root });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('conf/.iac-guard.yml:1:2: invalid config: a map or list is used as a key');
  });

  it('reads a plan with a 10,000-deep value without a stack trace', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const plan = `{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","change":{"actions":["delete"],"before":{"bucket":"b","tags":${deep}},"after":null}}]}`;
    const root = project('deep-plan', { 'plan.json': plan });
    const r = cli(['plan.json', '--format', 'json'], { cwd: root });
    expect([1, 2]).toContain(r.code);
    expect(r.stderr).not.toMatch(CRASH);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; errors: { message: string }[] };
    // Deleting a bucket is a finding; if the value is refused instead, the refusal says why.
    if (r.code === 1) expect(out.findings.map((f) => f.ruleId)).toContain('plan-stateful-destroyed');
    else expect(out.errors[0]!.message).not.toMatch(CRASH);
  });

  it.each([
    ['lists', `${'['.repeat(10_000)}1${']'.repeat(10_000)}`],
    ['parentheses', `${'('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['objects', `${'{ a = '.repeat(10_000)}1${' }'.repeat(10_000)}`],
  ])('refuses 10,000-deep HCL %s without a crash', (_name, expr) => {
    const root = project(`deep-hcl-${_name}`, { 'main.tf': `locals {\n  x = ${expr}\n}\n` });
    const r = cli(['.'], { cwd: root });
    expect(r.code).toBe(2);
    // The parser's own depth limit answers, with the line and column where it was crossed.
    expect(said(r)).toMatch(new RegExp(`main\\.tf:2:\\d+: blocks and expressions nested more than ${MAX_HCL_DEPTH} levels deep \\(limit\\)`));
    expect(said(r)).not.toMatch(CRASH);
  });

  it('refuses a 1 GB file by the size limit, named or found in a folder', () => {
    const root = project('huge', { 'docker-compose.yml': COMPOSE });
    const fd = openSync(join(root, 'plan.json'), 'w');
    ftruncateSync(fd, 1024 ** 3); // sparse: takes no disk
    closeSync(fd);
    const limit = `over the ${MAX_FILE_BYTES / 1048576} MiB limit for one file`;
    const named = cli(['plan.json'], { cwd: root });
    expect(named.code).toBe(2);
    expect(said(named)).toContain(`plan.json: file is 1024 MiB, ${limit}`);
    const walked = cli(['.'], { cwd: root });
    expect(walked.code).toBe(2);
    expect(said(walked)).toContain(limit);
  });
});

describe('encodings and bytes', () => {
  it('refuses a binary file named on the command line', () => {
    const root = project('binary', { 'docker-compose.yml': Buffer.from([0x73, 0x65, 0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]) });
    const r = cli(['docker-compose.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toMatch(/docker-compose\.yml: file is not valid UTF-8/);
  });

  it('refuses a binary .tf found in a folder instead of skipping it', () => {
    const root = project('binary-tf', { 'good.tf': 'locals {\n  a = 1\n}\n', 'broken.tf': Buffer.from([0x72, 0x65, 0x00, 0xc3, 0x28]) });
    const r = cli(['.'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain('broken.tf: file is not valid UTF-8');
  });

  it('passes over binary files without our names in a folder walk', () => {
    const root = project('binary-other', { 'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27.1\n    logging:\n      driver: local\n', 'blob.json': Buffer.from([0xff, 0x00, 0x12]) });
    const r = cli(['.', '--format', 'json'], { cwd: root });
    expect(r.stderr).not.toMatch(CRASH);
    expect((JSON.parse(r.stdout) as { errors: unknown[] }).errors).toEqual([]);
  });

  it('refuses invalid UTF-8 inside otherwise readable YAML', () => {
    const root = project('bad-utf8', { 'docker-compose.yml': Buffer.concat([Buffer.from(COMPOSE), Buffer.from([0x23, 0x20, 0xe2, 0x82, 0x0a])]) });
    const r = cli(['docker-compose.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain('not valid UTF-8');
  });

  it.each([
    ['little-endian', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(COMPOSE, 'utf16le')])],
    ['big-endian', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(COMPOSE, 'utf16le').swap16()])],
  ])('refuses UTF-16 (%s) and says to save as UTF-8', (name, bytes) => {
    const root = project(`utf16-${name}`, { 'docker-compose.yml': bytes });
    const r = cli(['docker-compose.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain('file is UTF-16; save it as UTF-8');
  });

  it('reports the same line and column for CRLF and LF line endings', () => {
    const lf = 'services:\n  web:\n    image: nginx:latest\n    ports:\n      - "0.0.0.0:5432:5432"\n';
    const root = project('crlf', { 'lf/docker-compose.yml': lf, 'crlf/docker-compose.yml': lf.replace(/\n/g, '\r\n'), 'bom/docker-compose.yml': `\ufeff${lf.replace(/\n/g, '\r\n')}` });
    const where = (sub: string) => {
      const r = cli([`${sub}/docker-compose.yml`, '--format', 'json'], { cwd: root });
      expect(r.code).toBe(1);
      return (JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; column: number; endLine: number; endColumn: number }[] }).findings.map((f) => `${f.ruleId} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`);
    };
    const expected = where('lf');
    expect(expected).toEqual(expect.arrayContaining(['image-unpinned 3:5-3:10', 'compose-port-exposed 5:9-5:28']));
    expect(where('crlf')).toEqual(expected);
    expect(where('bom')).toEqual(expected);
  });
});

describe('the file system', () => {
  it('walks a folder with a symbolic link loop once', () => {
    const root = project('loop', { 'stack/docker-compose.yml': COMPOSE });
    symlinkSync('..', join(root, 'stack', 'up'));
    symlinkSync('.', join(root, 'stack', 'self'));
    const r = cli(['.', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: { files: number }; findings: { ruleId: string }[] };
    expect(out.summary.files).toBe(1);
    expect(out.findings.filter((f) => f.ruleId === 'image-unpinned')).toHaveLength(1);
  });

  it('refuses a link that points at itself', () => {
    const root = project('self-link', {});
    mkdirSync(root, { recursive: true });
    symlinkSync('docker-compose.yml', join(root, 'docker-compose.yml'));
    const r = cli(['docker-compose.yml'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain('docker-compose.yml: cannot read: too many symbolic links (loop?)');
  });

  it('refuses a dangling link named on the command line, and passes over one in a folder', () => {
    const root = project('dangling', { 'ok/docker-compose.yml': COMPOSE });
    symlinkSync(join(root, 'gone'), join(root, 'ok', 'compose.override.yml'));
    symlinkSync(join(root, 'gone'), join(root, 'missing.yml'));
    expect(said(cli(['missing.yml'], { cwd: root }))).toContain('missing.yml: no such file or folder');
    expect(cli(['missing.yml'], { cwd: root }).code).toBe(2);
    expect(cli(['ok'], { cwd: root }).code).toBe(1);
  });

  it('scans a path given twice, or twice through different spellings, once', () => {
    const root = project('twice', { 'docker-compose.yml': COMPOSE });
    symlinkSync('docker-compose.yml', join(root, 'alias.yml'));
    const r = cli(['docker-compose.yml', './docker-compose.yml', join(root, 'docker-compose.yml'), 'alias.yml', '.', '--format', 'json'], { cwd: root });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: { files: number }; findings: { ruleId: string }[] };
    expect(out.summary.files).toBe(1);
    expect(out.findings.filter((f) => f.ruleId === 'image-unpinned')).toHaveLength(1);
  });

  it('refuses a folder target that is gone', () => {
    const root = project('gone', { 'x/docker-compose.yml': COMPOSE });
    rmSync(join(root, 'x'), { recursive: true });
    const r = cli(['x'], { cwd: root });
    expect(r.code).toBe(2);
    expect(said(r)).toContain('x: no such file or folder');
  });

  it('reports a file that vanishes between discovery and reading', () => {
    const root = project('vanish', { 'docker-compose.yml': COMPOSE });
    const found = discover(['.'], { cwd: root, include: [], exclude: [], globBase: root });
    expect(found.files.map((f) => f.path)).toEqual(['docker-compose.yml']);
    unlinkSync(join(root, 'docker-compose.yml'));
    expect(readSource(found.files[0]!).error).toEqual({ file: 'docker-compose.yml', message: 'cannot read file: no such file' });
  });

  it('reads a named pipe to its end (process substitution) and passes over one in a folder', async () => {
    const root = project('fifo', { 'stack/docker-compose.yml': COMPOSE });
    const fifo = join(root, 'stack', 'compose.override.yml');
    const made = spawn('mkfifo', [fifo]);
    await new Promise((resolve) => made.on('exit', resolve));
    // In a folder walk the pipe is not a regular file: never opened, so no wait for a writer.
    expect(cli(['stack', '--format', 'json'], { cwd: root }).code).toBe(1);
    // Named explicitly it is read like `iac-guard <(cat docker-compose.yml)`.
    const writer = spawn('sh', ['-c', `printf '%s' "$0" > "$1"`, COMPOSE, fifo]);
    const r = cli([fifo, '--format', 'json'], { cwd: root });
    writer.kill();
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toContain('image-unpinned');
  });

  it('refuses an unreadable file and an unreadable folder, named or met in a folder walk (run as nobody by root)', (ctx) => {
    const base = project('perms', { 'locked/docker-compose.yml': COMPOSE, 'docker-compose.yml': COMPOSE, 'ok/docker-compose.yml': COMPOSE });
    const unprivileged = unprivilegedCli(dir);
    if ('skip' in unprivileged) {
      console.warn(`SKIPPED the permission test in test/hostile.test.ts: ${unprivileged.skip}`);
      return ctx.skip();
    }
    const errorsOf = (target: string) => {
      const r = unprivileged.run([target, '--format', 'json'], base);
      expect(r.code).toBe(2);
      return (JSON.parse(r.stdout) as { errors: { file: string; message: string }[] }).errors;
    };
    chmodSync(join(base, 'docker-compose.yml'), 0o000);
    chmodSync(join(base, 'locked'), 0o000);
    try {
      expect(errorsOf('docker-compose.yml')).toEqual([{ file: 'docker-compose.yml', message: 'cannot read file: permission denied' }]);
      // Once: an unreadable folder is not also "a folder with no supported files".
      expect(errorsOf('locked')).toEqual([{ file: 'locked', message: 'cannot read folder: permission denied' }]);
      expect(errorsOf('.')).toEqual([
        { file: 'docker-compose.yml', message: 'cannot read file: permission denied' },
        { file: 'locked', message: 'cannot read folder: permission denied' },
      ]);
      const text = unprivileged.run(['.'], base);
      expect(text.code).toBe(2);
      expect(text.stdout).toContain('\n  docker-compose.yml: cannot read file: permission denied\n  locked: cannot read folder: permission denied\n');
    } finally {
      chmodSync(join(base, 'locked'), 0o755);
    }
  });
});
