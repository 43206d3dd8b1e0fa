// The hostile-input battery: each input an attacker (or a broken checkout) can put in a scanned
// repository, built in a throwaway repository next to an "outside" folder holding a canary. Each
// runs the built CLI in a child process with a capped heap, killed if it has not finished in
// HANG_AFTER_MS (a hang check, not a speed goal: npm run bench has those), and must end with the
// expected exit code and phrase, under the memory bound, with the canary in no output format and
// no code from the repository run.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, lstatSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const CANARY = 'CANARY-31c9e-outside-the-tree';
const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
const HANG_AFTER_MS = 60_000;
/** V8 heap cap for the child, and the peak resident memory (heap, buffers, WASM, threads) allowed. */
const HEAP_CAP_MB = 512;
const PEAK_RSS_LIMIT_MB = 1024;
const PEAK_MEMORY = join(import.meta.dirname, 'peak-memory.cjs');
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

interface Bounded {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  peakMb: number;
}

/** The CLI under the heap cap and hang bound, with its peak memory. */
function bounded(repo: string, args: string[], env: Record<string, string> = {}): Bounded {
  const rssFile = join(repo, '..', `peak-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--require', PEAK_MEMORY, BIN, ...args], {
    cwd: repo,
    encoding: 'utf8',
    input: '',
    timeout: HANG_AFTER_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', IAC_GUARD_TODAY: '2026-11-22', IAC_GUARD_PEAK_RSS_FILE: rssFile, ...env },
  });
  const peakKb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
  return { code: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}`, peakMb: peakKb / 1024 };
}

/** A repository (with .git) and, beside it, a folder whose files must never be read. */
function setup(files: Record<string, string>): { repo: string; outside: string } {
  const base = tempDir('iac-guard-battery-');
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), `${CANARY}\n`);
  writeFileSync(join(outside, 'base.yml'), `services:\n  web:\n    image: nginx:latest\n    environment:\n      SECRET: ${CANARY}\n`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(repo, rel, '..'), { recursive: true });
    writeFileSync(join(repo, rel), text.replaceAll('OUTSIDE', outside));
  }
  return { repo, outside };
}

interface Case {
  name: string;
  files?: Record<string, string>;
  /** Extra preparation in the repository (FIFOs, links, sparse files). */
  prepare?: (repo: string, outside: string) => void;
  args?: string[];
  env?: Record<string, string>;
  code: number;
  says: string;
  /** Run every format and look for the canary (slower: only where outside content is at stake). */
  everyFormat?: boolean;
  needsFifo?: boolean;
}

const LOGGED = '    logging: { driver: local }\n';
const manyEnvKeys = (n: number) => `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}    environment:\n${Array.from({ length: n }, (_, i) => `      K${i}: v${i}\n`).join('')}`;

const CASES: Case[] = [
  {
    name: 'file("fifo") in a .tf: not opened, a warning at the call',
    files: { 'main.tf': 'locals {\n  script = file("${path.module}/pipe")\n}\n' },
    prepare: (repo) => execFileSync('mkfifo', [join(repo, 'pipe')]),
    code: 0,
    says: 'file-not-read',
    needsFifo: true,
  },
  {
    name: 'a Compose secret whose file is a FIFO: not opened',
    files: { 'docker-compose.yml': `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}    secrets: [s]\nsecrets:\n  s:\n    file: ./pipe\n` },
    prepare: (repo) => execFileSync('mkfifo', [join(repo, 'pipe')]),
    code: 0,
    says: 'not a regular file',
    needsFifo: true,
  },
  {
    name: 'a FIFO named .iac-guard.yml: refused (exit 2)',
    files: { 'docker-compose.yml': `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}` },
    prepare: (repo) => execFileSync('mkfifo', [join(repo, '.iac-guard.yml')]),
    code: 2,
    says: 'cannot read config: not a regular file',
    needsFifo: true,
  },
  {
    name: 'a Compose service with 200,000 environment keys: read in linear time',
    files: { 'docker-compose.yml': manyEnvKeys(200_000) },
    code: 0,
    says: 'No blocking findings',
  },
  {
    name: 'a Compose file with 50,000 services waiting on each other: linear, not one pass per service',
    files: {
      'docker-compose.yml': `services:\n${Array.from({ length: 50_000 }, (_, i) => `  s${i}:\n    image: nginx:1.27.2\n${LOGGED}    depends_on: { s${(i + 1) % 50_000}: { condition: service_started } }\n`).join('')}`,
    },
    code: 0,
    says: 'No blocking findings',
  },
  {
    name: 'a values string with 200,000 BEGIN CERTIFICATE markers: one warning that counts them',
    files: {
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'chart/values.yaml': `image:\n  repository: nginx\n  tag: 1.27.2\ntls: |\n${'  -----BEGIN CERTIFICATE-----\n'.repeat(200_000)}`,
    },
    args: ['chart'],
    code: 0,
    says: '199999 more blocks in it cannot be read either',
  },
  {
    name: 'file("/dev/zero") and file("/dev/urandom"): never opened',
    files: { 'main.tf': 'locals {\n  a = file("/dev/zero")\n  b = file("/dev/urandom")\n}\n' },
    code: 0,
    says: 'file-not-read',
  },
  {
    name: '--var-file /dev/zero: refused (exit 2)',
    files: { 'main.tf': 'variable "x" {\n  default = "a"\n}\n' },
    args: ['.', '--var-file', '/dev/zero'],
    code: 2,
    says: 'cannot read the --var-file: not a regular file',
  },
  {
    name: '.iac-guard.yml linked to /dev/zero: refused (exit 2)',
    files: { 'docker-compose.yml': `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}` },
    prepare: (repo) => symlinkSync('/dev/zero', join(repo, '.iac-guard.yml')),
    code: 2,
    says: 'cannot read config',
  },
  {
    name: 'Compose extends: {file: /dev/zero}: refused (exit 2)',
    files: { 'docker-compose.yml': `services:\n  web:\n    extends: { file: /dev/zero, service: web }\n${LOGGED}` },
    code: 2,
    says: '/dev/zero',
  },
  {
    name: 'a Compose secret file: /dev/zero: not read',
    files: { 'docker-compose.yml': `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}    secrets: [s]\nsecrets:\n  s:\n    file: /dev/zero\n` },
    code: 0,
    says: 'file-not-read',
  },
  {
    name: 'file("big.sh") of a 3 GB (sparse) file: over the limit, not read',
    files: { 'main.tf': 'resource "aws_instance" "web" {\n  ami       = "ami-0123456789abcdef0"\n  user_data = file("${path.module}/big.sh")\n}\n' },
    prepare: (repo) => {
      const fd = openSync(join(repo, 'big.sh'), 'w');
      ftruncateSync(fd, 3 * 1024 ** 3);
      closeSync(fd);
    },
    code: 0,
    says: 'file-not-read',
  },
  {
    name: 'file("/etc/passwd"), templatefile("../outside/…") and file("/proc/self/environ"): not read, never printed',
    files: {
      'main.tf':
        'locals {\n  a = file("/etc/passwd")\n  b = templatefile("${path.module}/../outside/secret.txt", {})\n  c = file("/proc/self/environ")\n  d = file("OUTSIDE/secret.txt")\n}\n',
    },
    env: { LEAKED_TOKEN: CANARY },
    code: 0,
    says: 'file-not-read',
    everyFormat: true,
  },
  {
    name: 'Compose extends from an absolute path outside the tree: refused (exit 2), never printed',
    files: { 'docker-compose.yml': `services:\n  web:\n    extends: { file: OUTSIDE/base.yml, service: web }\n${LOGGED}` },
    code: 2,
    says: 'outside',
    everyFormat: true,
  },
  {
    name: 'a .iac-guard.yml in the pull request that lists a plugin: refused before it is imported',
    files: {
      '.iac-guard.yml': 'plugins: [./evil.mjs]\n',
      'evil.mjs': `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./pwned', import.meta.url), 'ran');\nexport default [];\n`,
      'docker-compose.yml': `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}`,
    },
    code: 2,
    says: 'which run as code, and this config is inside the scanned tree',
  },
  {
    name: 'a binary plan met in a folder walk with a terraform on PATH: that terraform never runs',
    files: { 'bin/terraform': '#!/bin/sh\ntouch "$(dirname "$0")/../pwned"\n' },
    prepare: (repo) => {
      execFileSync('chmod', ['+x', join(repo, 'bin/terraform')]);
      writeFileSync(join(repo, 'tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    },
    env: { PATH: `BIN_FIRST` },
    code: 2,
    says: 'iac-guard runs terraform only when told which one',
  },
  {
    name: 'a plan JSON that says delete, then no-op, for the same key: refused (exit 2)',
    files: {
      'plan.json': JSON.stringify({ format_version: '1.2', terraform_version: '1.9.0', resource_changes: [{ address: 'aws_db_instance.main', mode: 'managed', type: 'aws_db_instance', name: 'main', change: { actions: ['delete'], before: {}, after: null } }] }).replace(
        '"actions":["delete"]',
        '"actions":["delete"],"actions":["no-op"]',
      ),
    },
    args: ['plan.json'],
    code: 2,
    says: 'duplicate key `actions`',
  },
  {
    name: '--output /dev/null: written through, the device stays a device',
    files: { 'docker-compose.yml': `services:\n  web:\n    image: nginx:1.27.2\n${LOGGED}` },
    args: ['.', '--format', 'json', '--output', '/dev/null'],
    code: 0,
    says: '',
  },
  {
    name: 'an ANSI escape in a scanned name: escaped in text output',
    files: { 'docker-compose.yml': 'services:\n  "web\\e[2J\\e[31m":\n    image: "nginx:latest\\e]0;owned\\a"\n' },
    code: 1,
    says: 'services.web\\x1b[2J\\x1b[31m',
  },
];

describe('hostile inputs: bounded in time and memory, nothing read from outside, no code run', () => {
  for (const c of CASES) {
    it.skipIf(c.needsFifo && !hasMkfifo)(c.name, { timeout: HANG_AFTER_MS * (c.everyFormat ? FORMATS.length : 1) + 10_000 }, () => {
      const { repo, outside } = setup(c.files ?? {});
      c.prepare?.(repo, outside);
      const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, v === 'BIN_FIRST' ? `${join(repo, 'bin')}:${process.env.PATH ?? ''}` : v]));
      for (const format of c.everyFormat ? FORMATS : [undefined]) {
        const r = bounded(repo, [...(c.args ?? ['.']), ...(format ? ['--format', format] : [])], env);
        const label = `${c.name}${format ? ` (${format})` : ''}`;
        expect(r.signal, `${label}: killed (hung or out of memory)`).toBeNull();
        expect(r.code, `${label}\n${r.out.slice(0, 2000)}`).toBe(c.code);
        if (c.says && !format) expect(r.out, label).toContain(c.says);
        expect(r.peakMb, `${label}: peak memory`).toBeLessThan(PEAK_RSS_LIMIT_MB);
        expect(r.out, label).not.toContain(CANARY);
        expect(r.out, label).not.toContain(String.fromCharCode(27));
        expect(r.out, label).not.toMatch(/\n\s+at \S+ \(|internal error/);
      }
      expect(existsSync(join(repo, 'pwned')), 'code from the repository ran').toBe(false);
      expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    });
  }
});

describe('read limits from .iac-guard.yml', () => {
  const compose = (n: number) => `services:\n  web${n}:\n    image: nginx:1.27.2\n${LOGGED}    labels:\n      pad: "${'x'.repeat(600_000)}"\n`;

  it('limits.run-mib: files past the run budget are reported as not read (exit 2), by name', () => {
    const { repo } = setup({ '.iac-guard.yml': 'limits: { run-mib: 1 }\n', 'a/compose.yml': compose(1), 'b/compose.yml': compose(2) });
    const r = bounded(repo, ['.', '--format', 'json']);
    expect(r.code).toBe(2);
    const errors = (JSON.parse(r.out.slice(0, r.out.lastIndexOf('}') + 1)) as { errors: { file: string; message: string }[] }).errors;
    expect(errors).toEqual([{ file: 'b/compose.yml', message: expect.stringMatching(/^not read: this run has already read 1 MiB, and its limit is 1 MiB \(limits\.run-mib in \.iac-guard\.yml\)/) }]);
  });

  it('limits.file-mib: a bigger scanned file is refused by name', () => {
    const { repo } = setup({ '.iac-guard.yml': 'limits: { file-mib: 1 }\n', 'compose.yml': `${compose(1)}    environment:\n      BIG: "${'y'.repeat(1_200_000)}"\n` });
    const r = bounded(repo, ['compose.yml']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('compose.yml: file is 2 MiB, over the 1 MiB limit for one file (limits.file-mib)');
  });

  it('a limit that is not a whole number of at least 1 is a config error at its line', () => {
    const { repo } = setup({ '.iac-guard.yml': 'fail-on: error\nlimits:\n  run-mib: 0\n', 'compose.yml': compose(1) });
    const r = bounded(repo, ['compose.yml']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('.iac-guard.yml:3:12: invalid config: limits.run-mib must be a whole number of at least 1 (got 0)');
  });
});
