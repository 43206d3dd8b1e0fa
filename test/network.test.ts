// A scan never reaches the network and never runs a program: the CLI runs with a preload that
// turns sockets, DNS, HTTP, fetch and child processes into stubs that record the call and throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BIN, ROOT } from './helpers/cli.js';

const PRELOAD = join(ROOT, 'test/network-preload.mjs');
let dir: string;
let callLog: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-network-'));
  callLog = join(dir, 'calls.log');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd: string, preload: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', IAC_GUARD_TODAY: '2026-11-22', IAC_GUARD_CALL_LOG: callLog };
  const r = spawnSync(process.execPath, [...(preload ? ['--import', PRELOAD] : []), BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const calls = () => (existsSync(callLog) ? readFileSync(callLog, 'utf8').split('\n').filter(Boolean) : []);

describe('no network, no programs', () => {
  it('the preload really blocks: a probe that connects is recorded and fails', () => {
    const r = spawnSync(process.execPath, ['--import', PRELOAD, '-e', "require('node:net').connect(1, '127.0.0.1')"], { env: { ...process.env, IAC_GUARD_CALL_LOG: callLog }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('blocked by test/network-preload.mjs: net.connect');
    expect(calls()).toEqual(['net.connect']);
    rmSync(callLog);
  });

  const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  it.each(examples)('scans examples/%s with the same exit code and no call', (example) => {
    const args = [join(ROOT, 'examples', example), '--format', 'json'];
    const free = run(args, ROOT, false);
    const fenced = run(args, ROOT, true);
    expect(fenced.stderr).not.toContain('blocked by');
    expect(calls()).toEqual([]);
    expect(fenced.code).toBe(free.code);
    expect([0, 1, 2]).toContain(fenced.code);
    expect(fenced.stdout).toBe(free.stdout);
  });

  it('runs nothing a scanned file asks for', () => {
    const marker = join(dir, `pwned-${randomBytes(6).toString('hex')}`);
    const project = join(dir, 'project');
    mkdirSync(join(project, 'tf'), { recursive: true });
    mkdirSync(join(project, 'chart'), { recursive: true });
    writeFileSync(
      join(project, 'docker-compose.yml'),
      `services:\n  web:\n    image: "nginx:$(touch ${marker})"\n    command: sh -c "touch ${marker}; \`touch ${marker}\`"\n    environment:\n      X: \${HOME:-$(touch ${marker})}\n      Y: "\`touch ${marker}\`"\n`,
    );
    writeFileSync(
      join(project, 'tf/main.tf'),
      [
        'locals {',
        `  a = file("/etc/passwd")`,
        `  b = "\${file("/etc/passwd")}$(touch ${marker})"`,
        `  c = templatefile("${marker}.tpl", {})`,
        '}',
        'data "external" "x" {',
        `  program = ["sh", "-c", "touch ${marker}"]`,
        '}',
        'resource "null_resource" "y" {',
        '  provisioner "local-exec" {',
        `    command = "touch ${marker}"`,
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(project, 'chart/Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 1.0.0\n');
    writeFileSync(join(project, 'chart/values.yaml'), `image:\n  tag: "{{ exec \\"touch\\" (list \\"${marker}\\") }}"\ncommand: $(touch ${marker})\n`);
    const r = run(['.', '--format', 'json'], project, true);
    expect([0, 1, 2]).toContain(r.code);
    expect(r.stderr).not.toContain('blocked by');
    expect(calls()).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${marker}.tpl`)).toBe(false);
  });
});
