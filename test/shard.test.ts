// `--shard i/n` splits the work across CI jobs by unit (Terraform root, Compose project, chart,
// plan) and `--changed-since REF` keeps the units git reports changed. Through the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cli } from './helpers/cli.js';
import { parseShard, shardOf, stableHash } from '../src/engine/select.js';

interface Report {
  findings: { ruleId: string; file: string; line: number; column: number; message: string }[];
  errors: { file: string; message: string }[];
  summary: { files: number };
}

const COMPOSE = (image: string) => `services:\n  app:\n    image: ${image}\n`;
const FIREWALL = (name: string) => `resource "google_compute_firewall" "${name}" {\n  name          = "${name}"\n  source_ranges = ["0.0.0.0/0"]\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n}\n`;
const PLAN = (type: string) => JSON.stringify({ format_version: '1.2', resource_changes: [{ address: `${type}.x`, mode: 'managed', type, name: 'x', change: { actions: ['delete'], before: { name: 'x' }, after: null } }] });

/** Units of every kind, each with findings, and each unit's files spread over more than one file. */
const FILES: Record<string, string> = {
  'stacks/web/docker-compose.yml': COMPOSE('nginx:latest'),
  'stacks/web/docker-compose.override.yml': 'services:\n  app:\n    ports: ["0.0.0.0:5432:5432"]\n',
  'stacks/db/compose.yaml': COMPOSE('postgres:latest'),
  'stacks/cache/compose.yml': COMPOSE('redis:latest'),
  'stacks/queue/compose.yml': COMPOSE('rabbitmq:latest'),
  'infra/prod/main.tf': `module "net" {\n  source = "../modules/net"\n}\n${FIREWALL('prod')}`,
  'infra/modules/net/main.tf': FIREWALL('net'),
  'infra/staging/main.tf': FIREWALL('staging'),
  'infra/dev/main.tf': FIREWALL('dev'),
  'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
  'charts/api/values.yaml': 'image:\n  repository: api\n  tag: latest\n',
  // Two overlays: two releases (groups) of one chart (unit).
  'charts/api/values-prod.yaml': 'replicaCount: 2\n',
  'charts/api/values-staging.yaml': 'image:\n  tag: edge\n',
  'plans/a.json': PLAN('aws_db_instance'),
  'plans/b.json': PLAN('aws_s3_bucket'),
};

let root: string;
const scan = (args: string[]) => {
  const r = cli(['.', '--format', 'json', ...args], { cwd: root });
  return { code: r.code, stderr: r.stderr, report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined };
};
const key = (f: Report['findings'][number]) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.message}`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'iac-guard-shard-'));
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--shard', () => {
  it('splits the findings of a full scan into disjoint shards whose union is the full scan', () => {
    const full = scan([]);
    expect(full.code).toBe(1);
    const all = full.report!.findings.map(key).sort();
    expect(all.length).toBeGreaterThan(10);

    const shards = [1, 2, 3].map((i) => scan(['--shard', `${i}/3`]).report!.findings.map(key));
    // Every shard got some work, so the split is real.
    for (const s of shards) expect(s.length).toBeGreaterThan(0);
    expect(shards.flat().sort()).toEqual(all); // union = full scan, and no finding twice
  });

  it('never splits a unit: an override, a module and a chart overlay stay with their unit', () => {
    const shardFiles = [1, 2, 3].map((i) => new Set(scan(['--shard', `${i}/3`]).report!.findings.map((f) => f.file)));
    const shardOfFile = (file: string) => {
      const i = shardFiles.findIndex((s) => s.has(file));
      expect(i, `${file} has findings in some shard`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const together = (a: string, b: string) => shardOfFile(a) === shardOfFile(b);
    expect(together('stacks/web/docker-compose.yml', 'stacks/web/docker-compose.override.yml')).toBe(true);
    expect(together('infra/prod/main.tf', 'infra/modules/net/main.tf')).toBe(true);
    expect(together('charts/api/values.yaml', 'charts/api/values-staging.yaml')).toBe(true);
  });

  it('gives one shard everything with 1/1', () => {
    expect(scan(['--shard', '1/1']).report!.findings.map(key).sort()).toEqual(scan([]).report!.findings.map(key).sort());
  });

  it.each(['0/3', '4/3', '3', 'a/b', '1/0', '-1/2'])('refuses --shard %s', (value) => {
    const r = scan(['--shard', value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--shard expects i/n');
  });

  it('hashes with FNV-1a, the same on every machine', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(shardOf('infra/prod', 3)).toBe((stableHash('infra/prod') % 3) + 1);
    expect(parseShard(' 2/3 ')).toEqual({ index: 2, count: 3 });
  });
});

describe('--changed-since', () => {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'pipe' }).toString();

  beforeAll(() => {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
  });

  it('scans nothing when nothing changed', () => {
    const r = scan(['--changed-since', 'HEAD']);
    expect(r.code).toBe(0);
    expect(r.report!.summary.files).toBe(0);
  });

  it('scans the units with changed, untracked or deleted files, whole', () => {
    // A module changed: the root calling it is checked with it.
    appendFileSync(join(root, 'infra/modules/net/main.tf'), '# changed\n');
    // An override changed: its whole Compose project is checked.
    appendFileSync(join(root, 'stacks/web/docker-compose.override.yml'), '# changed\n');
    // A new file nobody has committed yet.
    mkdirSync(join(root, 'stacks/new'));
    writeFileSync(join(root, 'stacks/new/compose.yml'), COMPOSE('busybox:latest'));
    // A file deleted from a folder with others left: the folder's module changed.
    writeFileSync(join(root, 'infra/dev/extra.tf'), 'locals {\n  a = 1\n}\n');
    git('add', 'infra/dev/extra.tf');
    git('commit', '-q', '-m', 'extra');
    unlinkSync(join(root, 'infra/dev/extra.tf'));

    const r = scan(['--changed-since', 'HEAD']);
    expect(r.code).toBe(1);
    const files = [...new Set(r.report!.findings.map((f) => f.file))].sort();
    expect(files).toEqual(['infra/dev/main.tf', 'infra/modules/net/main.tf', 'infra/prod/main.tf', 'stacks/new/compose.yml', 'stacks/web/docker-compose.override.yml', 'stacks/web/docker-compose.yml']);
  });

  it('combines with --shard: the changed units, split the same way', () => {
    const changed = scan(['--changed-since', 'HEAD']).report!.findings.map(key).sort();
    const shards = [1, 2].map((i) => scan(['--changed-since', 'HEAD', '--shard', `${i}/2`]).report!.findings.map(key));
    expect(shards.flat().sort()).toEqual(changed);
  });

  it('refuses an unknown revision and an option-like one', () => {
    const unknown = scan(['--changed-since', 'no-such-branch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--changed-since: unknown git revision "no-such-branch"');
    const optionLike = scan(['--changed-since=--output=/tmp/x']);
    expect(optionLike.code).toBe(2);
    expect(optionLike.stderr).toContain('--changed-since expects a git revision');
  });

  it('refuses outside a git repository', () => {
    const outside = mkdtempSync(join(tmpdir(), 'iac-guard-nogit-'));
    try {
      writeFileSync(join(outside, 'compose.yml'), COMPOSE('nginx:latest'));
      const r = cli(['.', '--changed-since', 'HEAD'], { cwd: outside, env: { GIT_CEILING_DIRECTORIES: dirname(outside) } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--changed-since needs a git repository');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
