// What a scanned repository can make the tool read besides its own files: nothing outside the
// repository, no named pipes or devices, nothing over the size limit. Each case runs the built CLI
// in a throwaway repository next to an "outside" folder holding a canary, and asserts the canary
// never appears in any output format.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const CANARY = 'CANARY-7f3a91-outside-the-tree';
const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'];

/** A repository (with .git) and, beside it, a folder with files that must never be read. */
function setup(files: Record<string, string>) {
  const base = tempDir('iac-guard-reads-');
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'startup.sh'), `#!/bin/sh\nufw disable # ${CANARY}\n`);
  writeFileSync(join(outside, 'app.env'), `API_KEY=${CANARY}\nACCEPTED_IPS=*\n`);
  writeFileSync(join(outside, 'base.yml'), `services:\n  web:\n    image: nginx:latest\n    environment:\n      SECRET: ${CANARY}\n`);
  mkdirSync(join(outside, 'mod'));
  writeFileSync(join(outside, 'mod', 'main.tf'), `resource "google_compute_firewall" "x" {\n  name = "${CANARY}"\n  source_ranges = ["0.0.0.0/0"]\n}\n`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(repo, rel, '..'), { recursive: true });
    writeFileSync(join(repo, rel), text.replaceAll('OUTSIDE', outside));
  }
  return { repo, outside };
}

function findingsOf(repo: string, args: string[] = ['.']) {
  const r = cli([...args, '--format', 'json'], { cwd: repo });
  const json = JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; column: number; message: string; file: string }[]; errors: { file: string; message: string }[] };
  return { code: r.code, ...json };
}

function expectNoCanary(repo: string, args: string[] = ['.']) {
  for (const format of FORMATS) {
    const r = cli([...args, '--format', format], { cwd: repo });
    expect(r.stdout + r.stderr, format).not.toContain(CANARY);
  }
}

describe('files outside the scanned repository are not read', () => {
  it('file() and templatefile() with an absolute or ../ path: not read, one warning at the call', () => {
    const { repo } = setup({
      'main.tf': [
        'resource "aws_instance" "web" {',
        '  ami           = "ami-0123456789abcdef0"',
        '  instance_type = "t3.micro"',
        '  user_data     = file("OUTSIDE/startup.sh")',
        '}',
        'resource "aws_instance" "api" {',
        '  ami           = "ami-0123456789abcdef0"',
        '  instance_type = "t3.micro"',
        '  user_data     = templatefile("${path.module}/../outside/startup.sh", {})',
        '}',
        '',
      ].join('\n'),
    });
    const r = findingsOf(repo);
    expect(r.findings.filter((f) => f.ruleId === 'file-not-read').map((f) => [f.file, f.line, f.column])).toEqual([
      ['main.tf', 4, 19],
      ['main.tf', 9, 19],
    ]);
    // The script's `ufw disable` was never seen, so no firewall finding quotes it.
    expect(r.findings.map((f) => f.ruleId)).not.toContain('tf-host-firewall-disabled');
    expect(r.code).toBe(0);
    expectNoCanary(repo);
  });

  it('a symbolic link inside the tree that points outside it is not followed', () => {
    const { repo, outside } = setup({ 'main.tf': 'resource "aws_instance" "web" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  user_data = file("${path.module}/startup.sh")\n}\n' });
    symlinkSync(join(outside, 'startup.sh'), join(repo, 'startup.sh'));
    const r = findingsOf(repo);
    expect(r.findings.find((f) => f.ruleId === 'file-not-read')).toMatchObject({ line: 4, column: 15 });
    expectNoCanary(repo);
  });

  it('a local module outside the tree is not read, and tf-module-unread says so at its source', () => {
    const { repo } = setup({ 'main.tf': 'module "fw" {\n  source = "../outside/mod"\n}\n' });
    const r = findingsOf(repo);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([['tf-module-unread', 2]]);
    expect(r.findings[0]!.message).toContain('is outside the scanned tree');
    expectNoCanary(repo);
  });

  it('Compose env_file and secrets outside the tree: not read, a warning each', () => {
    const { repo } = setup({
      'docker-compose.yml': 'services:\n  app:\n    image: example/app:1.4.2\n    env_file: OUTSIDE/app.env\n    logging:\n      driver: local\nsecrets:\n  key:\n    file: OUTSIDE/startup.sh\n',
    });
    const r = findingsOf(repo);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['file-not-read', 4],
      ['file-not-read', 9],
    ]);
    // ACCEPTED_IPS=* in the outside env file was never read
    expect(r.findings.map((f) => f.ruleId)).not.toContain('wildcard-allowlist');
    expectNoCanary(repo);
  });

  it('Compose extends from a file outside the tree is a clear error (exit 2), not read', () => {
    const { repo } = setup({ 'docker-compose.yml': 'services:\n  web:\n    extends:\n      file: OUTSIDE/base.yml\n      service: web\n' });
    const r = findingsOf(repo);
    expect(r.code).toBe(2);
    expect(r.errors[0]!.message).toMatch(/^cannot read extended file .*base\.yml: it is outside the scanned tree \(the repository, or the scanned folder when there is no repository\), and iac-guard reads no files outside it; scan from a folder that holds both files/);
    expectNoCanary(repo);
  });

  it('scanning from the folder that holds both reads them', () => {
    const { repo } = setup({ 'main.tf': 'module "fw" {\n  source = "../outside/mod"\n}\n' });
    const r = cli([join(repo, '..'), '--format', 'json']);
    const json = JSON.parse(r.stdout) as { findings: { ruleId: string }[] };
    expect(json.findings.map((f) => f.ruleId)).not.toContain('tf-module-unread');
  });
});

describe('named pipes, devices and huge files are not read', () => {
  const hasMkfifo = (() => {
    try {
      execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasMkfifo)('file("fifo") and a Compose secret that is a named pipe: a warning, no hang', () => {
    const { repo } = setup({
      'tf/main.tf': 'resource "aws_instance" "web" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  user_data = file("${path.module}/pipe")\n}\n',
      'app/docker-compose.yml': 'services:\n  app:\n    image: example/app:1.4.2\n    logging:\n      driver: local\nsecrets:\n  s:\n    file: ./pipe\n',
    });
    execFileSync('mkfifo', [join(repo, 'tf', 'pipe'), join(repo, 'app', 'pipe')]);
    const r = findingsOf(repo);
    expect(r.findings.map((f) => [f.file, f.ruleId, f.line])).toEqual([
      ['app/docker-compose.yml', 'file-not-read', 8],
      ['tf/main.tf', 'file-not-read', 4],
    ]);
    expect(r.findings[0]!.message).toContain('not a regular file');
  });

  it.skipIf(!hasMkfifo)('a named pipe as .iac-guard.yml is refused (exit 2), not waited on', () => {
    const { repo } = setup({ 'docker-compose.yml': 'services: {}\n' });
    execFileSync('mkfifo', [join(repo, '.iac-guard.yml')]);
    const r = cli(['.'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`iac-guard: ${join(repo, '.iac-guard.yml')}: cannot read config: not a regular file (a named pipe, device or socket), so it is not read\n`);
  });

  it('--var-file /dev/zero is refused (exit 2), not read until memory runs out', () => {
    const { repo } = setup({ 'main.tf': 'variable "x" {\n  default = "a"\n}\n' });
    const r = findingsOf(repo, ['.', '--var-file', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([{ file: '/dev/zero', message: 'cannot read the --var-file: not a regular file (a named pipe, device or socket), so it is not read' }]);
  });

  it('file("/dev/zero") and file("/dev/urandom") are never opened', () => {
    const { repo } = setup({ 'main.tf': 'locals {\n  a = file("/dev/zero")\n  b = file("/dev/urandom")\n}\n' });
    const r = findingsOf(repo);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['file-not-read', 2],
      ['file-not-read', 3],
    ]);
  });
});
