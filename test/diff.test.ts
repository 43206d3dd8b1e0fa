// `iac-guard diff` end to end on throwaway git repositories: the key ring incident caught in the
// working tree and in the index, renames, prevent_destroy, readdressing, monorepos, local
// modules, shallow clones, and the engine features (suppressions, config, reporters).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cli } from './helpers/cli.js';
import { Git } from '../src/core/git.js';
import { Snapshot, WorkingTree } from '../src/engine/diff/sides.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Every throwaway folder, removed when the file's tests are done. */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A repository whose first commit holds `files`. */
function repo(files: Record<string, string>): string {
  const dir = tempDir('iac-guard-diff-');
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

function write(dir: string, files: Record<string, string | null>): void {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(dir, path);
    if (text === null) {
      rmSync(abs);
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

interface JsonReport {
  findings: { ruleId: string; severity: string; message: string; file: string; line: number; column: number; resource?: string; suppressed: boolean; related?: { file?: string; line?: number; column?: number; resource?: string }[] }[];
  errors: { file: string; message: string }[];
}

function diffJson(cwd: string, ...args: string[]): { code: number; report: JsonReport; stderr: string } {
  const r = cli(['diff', ...args, '--format', 'json'], { cwd, env: GIT_ENV });
  if (!r.stdout.startsWith('{')) throw new Error(`no JSON report (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const KEY_RING = (location: string) => `resource "google_kms_key_ring" "logs" {
  name     = "log-archive"
  location = ${location}
}

resource "google_kms_crypto_key" "a" {
  name     = "archive-a"
  key_ring = google_kms_key_ring.logs.id
}

resource "google_kms_crypto_key" "b" {
  name     = "archive-b"
  key_ring = google_kms_key_ring.logs.id
}

resource "google_kms_crypto_key" "c" {
  name     = "archive-c"
  key_ring = google_kms_key_ring.logs.id
}
`;

const VARIABLES = `variable "infra_region" {
  type    = string
  default = "us-central1"
}
`;

const INCIDENT_MESSAGE =
  'google_kms_key_ring.logs will be replaced (location "global" → var.infra_region = "us-central1"): terraform destroys this key container and creates a new, empty one; crypto keys google_kms_crypto_key.a, google_kms_crypto_key.b, google_kms_crypto_key.c under it will be destroyed, and everything encrypted with them becomes unreadable. Put `location` back, or create the new key container beside the old one and move the data before removing the old one.';

describe('the key ring incident: location "global" → var.infra_region', () => {
  const setup = () => {
    const dir = repo({ 'infra/main.tf': KEY_RING('"global"'), 'infra/variables.tf': VARIABLES });
    write(dir, { 'infra/main.tf': KEY_RING('var.infra_region') });
    return dir;
  };

  it('is blocked in the working tree, at the changed argument, with the keys that die', () => {
    const dir = setup();
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.errors).toEqual([]);
    expect(r.report.findings.map(({ ruleId, severity, file, line, column, resource, message }) => ({ ruleId, severity, file, line, column, resource, message }))).toEqual([
      { ruleId: 'diff-forces-replacement', severity: 'error', file: 'infra/main.tf', line: 3, column: 3, resource: 'google_kms_key_ring.logs', message: INCIDENT_MESSAGE },
    ]);
    expect(r.stderr).toMatch(/^iac-guard diff: working tree compared with HEAD \([0-9a-f]{7}\)\n$/);
  });

  it('with --staged, only once the change is staged', () => {
    const dir = setup();
    expect(diffJson(dir, '--staged').code).toBe(0);
    git(dir, 'add', 'infra/main.tf');
    const r = diffJson(dir, '--staged');
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.file, f.line, f.column, f.message])).toEqual([['infra/main.tf', 3, 3, INCIDENT_MESSAGE]]);
  });

  it('reads the index, not the working tree, with --staged', () => {
    const dir = setup();
    git(dir, 'add', 'infra/main.tf');
    write(dir, { 'infra/main.tf': KEY_RING('"global"') }); // fixed on disk, but not staged
    expect(diffJson(dir).code).toBe(0);
    expect(diffJson(dir, '--staged').code).toBe(1);
  });

  it('paths are relative to the current folder, and text output names the place', () => {
    const dir = setup();
    const r = cli(['diff', '.'], { cwd: join(dir, 'infra'), env: GIT_ENV });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('main.tf:3:3');
    expect(r.stdout).toContain(INCIDENT_MESSAGE);
  });

  it('an unknown new value is still reported, known only at plan time', () => {
    const dir = repo({ 'main.tf': KEY_RING('"global"') + 'variable "infra_region" {\n  type = string\n}\n' });
    write(dir, { 'main.tf': KEY_RING('var.infra_region') + 'variable "infra_region" {\n  type = string\n}\n' });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings[0]!.message).toMatch(
      /^google_kms_key_ring\.logs will be replaced unless the new value turns out equal at plan time \(location "global" → var\.infra_region \(known only at plan time\)\)/,
    );
  });

  it('a tfvars change alone moves the ring, and is reported at the tfvars line, with the argument it feeds related', () => {
    const dir = repo({ 'main.tf': KEY_RING('var.infra_region'), 'variables.tf': VARIABLES, 'terraform.tfvars': 'infra_region = "global"\n' });
    write(dir, { 'terraform.tfvars': 'infra_region = "europe-west1"\n' });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.file, f.line, f.column])).toEqual([['terraform.tfvars', 1, 1]]);
    expect(r.report.findings[0]!.related).toContainEqual(expect.objectContaining({ file: 'main.tf', line: 3, column: 3 }));
    expect(r.report.findings[0]!.message).toContain('(location var.infra_region = "global" → var.infra_region = "europe-west1")');
  });
});

describe('suppressions, config and reporters work as for a scan', () => {
  const changed = (extra: Record<string, string> = {}) => {
    const dir = repo({ 'main.tf': KEY_RING('"global"'), 'variables.tf': VARIABLES });
    write(dir, { 'main.tf': KEY_RING('var.infra_region'), ...extra });
    return dir;
  };

  it('an inline iac-guard-ignore comment in the head file suppresses it', () => {
    const dir = changed();
    write(dir, { 'main.tf': KEY_RING('var.infra_region').replace('  location =', '  # iac-guard-ignore diff-forces-replacement: the ring is empty, created last week\n  location =') });
    const r = diffJson(dir);
    expect(r.code).toBe(0);
    expect(r.report.findings.map((f) => [f.ruleId, f.line, f.suppressed])).toEqual([['diff-forces-replacement', 4, true]]);
  });

  it('a config allow entry by address suppresses it; --fail-on never does not fail', () => {
    const dir = changed({ '.iac-guard.yml': 'allow:\n  - rule: diff-forces-replacement\n    resource: google_kms_key_ring.logs\n    reason: migration ticket OPS-12\n' });
    expect(diffJson(dir).code).toBe(0);
    const plain = changed();
    expect(diffJson(plain, '--fail-on', 'never').code).toBe(0);
    expect(diffJson(plain, '--disable', 'diff-forces-replacement').code).toBe(0);
  });

  it('a config severity override lowers it below --fail-on', () => {
    const dir = changed({ '.iac-guard.yml': 'rules:\n  diff-forces-replacement: warning\n' });
    const r = diffJson(dir);
    expect(r.code).toBe(0);
    expect(r.report.findings.map((f) => f.severity)).toEqual(['warning']);
  });

  it('SARIF output carries the rule and place', () => {
    const dir = changed();
    const r = cli(['diff', '--format', 'sarif'], { cwd: dir, env: GIT_ENV });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const result = sarif.runs[0]!.results[0]!;
    expect(result.ruleId).toBe('diff-forces-replacement');
    expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toBe('main.tf');
    expect(result.locations[0]!.physicalLocation.region.startLine).toBe(3);
  });
});

describe('renames, removals, prevent_destroy, readdressing', () => {
  it('a renamed key ring gets the exact moved block to add', () => {
    const dir = repo({ 'main.tf': KEY_RING('"global"') });
    write(dir, { 'main.tf': KEY_RING('"global"').replaceAll('google_kms_key_ring.logs', 'google_kms_key_ring.audit').replace('"google_kms_key_ring" "logs"', '"google_kms_key_ring" "audit"') });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.line, f.column, f.resource])).toEqual([['diff-protected-removed', 1, 1, 'google_kms_key_ring.logs']]);
    expect(r.report.findings[0]!.message).toMatch(/^google_kms_key_ring\.logs \(key container\) was renamed to google_kms_key_ring\.audit without a moved block/);
    expect(r.report.findings[0]!.message).toContain('moved { from = google_kms_key_ring.logs  to = google_kms_key_ring.audit }');

    write(dir, { 'moves.tf': 'moved {\n  from = google_kms_key_ring.logs\n  to   = google_kms_key_ring.audit\n}\n' });
    expect(diffJson(dir).code).toBe(0);
  });

  it('a deleted bucket is reported at its block at the base revision', () => {
    const dir = repo({ 'main.tf': 'resource "aws_s3_bucket" "invoices" {\n  bucket = "acme-invoices"\n}\n', 'other.tf': 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n' });
    write(dir, { 'main.tf': null });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.resource])).toEqual([['diff-protected-removed', 'main.tf', 1, 1, 'aws_s3_bucket.invoices']]);
    expect(r.report.findings[0]!.message).toMatch(/it was at main\.tf:1 in HEAD \([0-9a-f]{7}\)/);
  });

  it('removing prevent_destroy from a database is reported at the resource', () => {
    const db = (lifecycle: string) => `resource "aws_db_instance" "orders" {\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n${lifecycle}}\n`;
    const dir = repo({ 'db.tf': db('\n  lifecycle {\n    prevent_destroy = true\n  }\n') });
    write(dir, { 'db.tf': db('') });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([['diff-prevent-destroy-removed', 1, 1]]);
  });

  it('adding for_each to a disk re-addresses it', () => {
    const disk = (meta: string) => `resource "google_compute_disk" "data" {\n${meta}  name = "data"\n  zone = "europe-west1-b"\n}\n`;
    const dir = repo({ 'disk.tf': disk('') });
    write(dir, { 'disk.tf': disk('  for_each = toset(["a"])\n') });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([['diff-readdressed', 2, 3]]);
    expect(r.report.findings[0]!.message).toContain('moved { from = google_compute_disk.data  to = google_compute_disk.data["a"] }');
  });
});

describe('which roots are evaluated', () => {
  it('renamed files and a renamed root folder destroy nothing', () => {
    const dir = repo({ 'infra/main.tf': KEY_RING('"global"') });
    git(dir, 'mv', 'infra/main.tf', 'infra/kms.tf');
    expect(diffJson(dir, '--staged').code).toBe(0);
    git(dir, 'mv', 'infra', 'platform');
    const r = diffJson(dir, '--staged');
    expect(r.report).toEqual({ ...r.report, findings: [], errors: [] });
    expect(r.code).toBe(0);
  });

  it('a root deleted as a whole destroys nothing (no one applies it any more); emptied of resources, it does', () => {
    const dir = repo({ 'gone/main.tf': 'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n}\n', 'kept/main.tf': 'resource "aws_s3_bucket" "y" {\n  bucket = "y"\n}\n' });
    git(dir, 'rm', '-q', '-r', 'gone');
    expect(diffJson(dir, '--staged').code).toBe(0);
    write(dir, { 'kept/main.tf': 'terraform {\n  backend "gcs" {}\n}\n' });
    const r = diffJson(dir);
    expect(r.report.findings.map((f) => [f.ruleId, f.file, f.resource])).toEqual([['diff-protected-removed', 'kept/main.tf', 'aws_s3_bucket.y']]);
  });

  it('in a monorepo only roots with changed files are read', () => {
    const dir = repo({ 'a/main.tf': KEY_RING('"global"'), 'a/variables.tf': VARIABLES, 'b/main.tf': 'this is not terraform {\n' });
    write(dir, { 'a/main.tf': KEY_RING('var.infra_region') });
    const r = diffJson(dir);
    expect(r.report.errors).toEqual([]);
    expect(r.report.findings.map((f) => f.file)).toEqual(['a/main.tf']);
    // The broken root is read once it changes: fail closed.
    write(dir, { 'b/main.tf': 'still not terraform {\n' });
    expect(diffJson(dir).code).toBe(2);
  });

  it('a changed local module is evaluated through the root that calls it', () => {
    const dir = repo({
      'live/main.tf': 'module "kms" {\n  source   = "../modules/kms"\n  location = "global"\n}\n',
      'modules/kms/main.tf': 'variable "location" {}\n\n' + KEY_RING('var.location'),
    });
    write(dir, { 'live/main.tf': 'module "kms" {\n  source   = "../modules/kms"\n  location = "europe-west1"\n}\n' });
    let r = diffJson(dir);
    // At the call's argument, the line that changed; the ring inside the module is related.
    expect(r.report.findings.map((f) => [f.file, f.line, f.resource])).toEqual([['live/main.tf', 3, 'module.kms.google_kms_key_ring.logs']]);
    expect(r.report.findings[0]!.message).toContain('(location var.location = "global" → var.location = "europe-west1", passed in by `location = "europe-west1"` of module.kms)');

    git(dir, 'checkout', '-q', '--', 'live/main.tf');
    write(dir, { 'modules/kms/main.tf': 'variable "location" {}\n\n' + KEY_RING('"us"') });
    r = diffJson(dir);
    expect(r.report.findings.map((f) => [f.file, f.line, f.resource])).toEqual([['modules/kms/main.tf', 5, 'module.kms.google_kms_key_ring.logs']]);
  });

  it('file and folder names with spaces and non-ASCII letters, in the index and at the base', () => {
    const dir = repo({ 'live ü/kms ring.tf': KEY_RING('"global"'), 'live ü/vars.tf': VARIABLES });
    write(dir, { 'live ü/kms ring.tf': KEY_RING('var.infra_region') });
    git(dir, 'add', '-A');
    const r = diffJson(dir, '--staged');
    expect(r.report.errors).toEqual([]);
    expect(r.report.findings.map((f) => [f.file, f.line, f.column])).toEqual([['live ü/kms ring.tf', 3, 3]]);
  });

  it('an upper-case .TF file counts on both sides: staging a change beside it destroys nothing', () => {
    const dir = repo({ 'infra/MAIN.TF': KEY_RING('"global"'), 'infra/vars.tf': VARIABLES });
    write(dir, { 'infra/vars.tf': VARIABLES.replace('us-central1', 'europe-west1') });
    git(dir, 'add', '-A');
    for (const staged of [['--staged'], []]) {
      const r = diffJson(dir, ...staged);
      expect(r.report.errors).toEqual([]);
      expect(r.report.findings).toEqual([]);
      expect(r.code).toBe(0);
    }
  });

  it('local module calls are found in the working tree (untracked files too), the index and a revision', async () => {
    const dir = repo({ 'live/main.tf': 'module "a" {\n  source = "../modules/a"\n}\n', 'modules/a/main.tf': '' });
    write(dir, { 'other/main.tf': 'module "b" {\n  source = "./b/"\n}\n' }); // untracked
    const git = new Git(dir);
    const objects = git.objects();
    try {
      const committed = new Map([['live', new Set(['modules/a'])]]);
      expect(await new WorkingTree(git, dir).moduleCalls()).toEqual(new Map([...committed, ['other', new Set(['other/b'])]]));
      expect(await new Snapshot(git, objects, dir, undefined, 'the index').moduleCalls()).toEqual(committed);
      expect(await new Snapshot(git, objects, dir, git.runSync(['rev-parse', 'HEAD']).toString().trim(), 'HEAD').moduleCalls()).toEqual(committed);
    } finally {
      objects.close();
    }
  });

  it('no Terraform change: nothing to report, exit 0', () => {
    const dir = repo({ 'main.tf': KEY_RING('"global"'), 'README.md': 'hello\n' });
    write(dir, { 'README.md': 'changed\n' });
    const r = diffJson(dir);
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
  });
});

describe('base revision', () => {
  it('defaults to the merge base with the upstream branch', () => {
    const origin = repo({ 'main.tf': KEY_RING('"global"'), 'variables.tf': VARIABLES });
    const clone = tempDir('iac-guard-diff-clone-');
    git(clone, 'clone', '-q', origin, '.');
    git(clone, 'checkout', '-q', '-b', 'feature', '--track', 'origin/main');
    write(clone, { 'main.tf': KEY_RING('var.infra_region') });
    git(clone, 'commit', '-q', '-am', 'move the ring'); // committed: HEAD alone would see nothing
    const r = diffJson(clone);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compared with origin\/main \(merge base [0-9a-f]{7}\)/);
    expect(diffJson(clone, '--base', 'HEAD').code).toBe(0);
  });

  it('a shallow clone without the base exits 2 and says how to fetch it', () => {
    const origin = repo({ 'main.tf': KEY_RING('"global"'), 'variables.tf': VARIABLES });
    git(origin, 'checkout', '-q', '-b', 'feature');
    write(origin, { 'main.tf': KEY_RING('var.infra_region') });
    git(origin, 'commit', '-q', '-am', 'feature');
    git(origin, 'checkout', '-q', 'main');
    write(origin, { 'README.md': 'main moves on\n' });
    git(origin, 'add', '-A');
    git(origin, 'commit', '-q', '-m', 'main');
    const clone = tempDir('iac-guard-diff-shallow-');
    git(clone, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, '.');

    let r = cli(['diff', '--base', 'origin/main'], { cwd: clone, env: GIT_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'iac-guard: the base revision "origin/main" is not in this clone (it is a shallow clone): fetch more history (`git fetch --deepen=100`, or `git fetch --unshallow`; in GitHub Actions set `fetch-depth: 0` on actions/checkout), or name another base with --base\n',
    );

    // The usual CI case: the upstream branch is fetched, but not deep enough to meet.
    git(clone, 'config', '--add', 'remote.origin.fetch', '+refs/heads/main:refs/remotes/origin/main');
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', 'main');
    git(clone, 'branch', '-q', '--set-upstream-to', 'origin/main');
    r = cli(['diff'], { cwd: clone, env: GIT_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the base revision merge-base of HEAD and origin/main is not in this clone (it is a shallow clone): fetch more history');
  });

  it('before the first commit, the base is the empty repository: nothing can be destroyed', () => {
    const dir = tempDir('iac-guard-diff-new-');
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, { 'main.tf': KEY_RING('"global"') });
    git(dir, 'add', '-A');
    const r = diffJson(dir, '--staged');
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
    expect(r.stderr).toBe('iac-guard diff: staged changes compared with the empty repository (no commit yet)\n');
  });

  it('outside a git repository: exit 2', () => {
    const dir = tempDir('iac-guard-diff-nogit-');
    const r = cli(['diff'], { cwd: dir, env: { ...GIT_ENV, GIT_CEILING_DIRECTORIES: dirname(dir) } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^iac-guard: iac-guard diff needs a git repository: fatal: not a git repository/);
  });
});

describe('the key ring incident through a module call', () => {
  it('an added module argument from a variable with no value: blocked at the call, the ring and its keys related', () => {
    const dir = repo({
      'main.tf': 'variable "infra_region" {}\n\nmodule "gcp-secret-mgmt" {\n  source = "./modules/secret-mgmt"\n}\n',
      'modules/secret-mgmt/main.tf':
        'variable "keyring_location" {\n  default = "global"\n}\n\nresource "google_kms_key_ring" "ring" {\n  name     = "secrets"\n  location = var.keyring_location\n}\n\nresource "google_kms_crypto_key" "logs" {\n  name     = "logs"\n  key_ring = google_kms_key_ring.ring.id\n}\n',
    });
    write(dir, { 'main.tf': 'variable "infra_region" {}\n\nmodule "gcp-secret-mgmt" {\n  source           = "./modules/secret-mgmt"\n  keyring_location = var.infra_region\n}\n' });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.resource])).toEqual([
      ['diff-forces-replacement', 'main.tf', 5, 3, 'module.gcp-secret-mgmt.google_kms_key_ring.ring'],
    ]);
    expect(r.report.findings[0]!.related?.map((x) => [x.file, x.line, x.resource])).toEqual([
      ['modules/secret-mgmt/main.tf', 7, 'module.gcp-secret-mgmt.google_kms_key_ring.ring'],
      ['modules/secret-mgmt/main.tf', 10, 'module.gcp-secret-mgmt.google_kms_crypto_key.logs'],
    ]);
  });

  const MODULE = 'variable "keyring_location" {\n  default = "global"\n}\n\nresource "google_kms_key_ring" "ring" {\n  name     = "secrets"\n  location = var.keyring_location\n}\n\nresource "google_kms_crypto_key" "logs" {\n  name     = "logs"\n  key_ring = google_kms_key_ring.ring.id\n}\n';
  const CALL = (extra: string) => `variable "infra_region" {}\n\nmodule "gcp-secret-mgmt" {\n  source = "/exekube-modules/gcp-secret-mgmt"\n${extra}}\n`;

  it('a module from an absolute path inside a CI image, mapped to a vendored copy in .iac-guard.yml: blocked at the call', () => {
    const dir = repo({
      '.iac-guard.yml': 'modules:\n  "/exekube-modules/": vendor/exekube-modules/\n',
      'vendor/exekube-modules/gcp-secret-mgmt/main.tf': MODULE,
      'main.tf': CALL(''),
    });
    write(dir, { 'main.tf': CALL('  keyring_location = var.infra_region\n') });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([['diff-forces-replacement', 'main.tf', 5]]);
  });

  it('the same module found through .terraform/modules/modules.json after terraform init', () => {
    const dir = repo({ '.gitignore': '.terraform/\n', 'main.tf': CALL('') });
    write(dir, {
      '.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'gcp-secret-mgmt', Source: '/exekube-modules/gcp-secret-mgmt', Dir: '.terraform/modules/gcp-secret-mgmt' }] }),
      '.terraform/modules/gcp-secret-mgmt/main.tf': MODULE,
      'main.tf': CALL('  keyring_location = var.infra_region\n'),
    });
    const r = diffJson(dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([['diff-forces-replacement', 'main.tf', 5]]);
  });

  it('with the module unavailable: a warning that names the changed input (exit 0, 1 at --fail-on warning)', () => {
    const dir = repo({ 'main.tf': CALL('') });
    write(dir, { 'main.tf': CALL('  keyring_location = var.infra_region\n') });
    const r = diffJson(dir);
    expect(r.code).toBe(0);
    expect(r.report.findings.map((f) => [f.ruleId, f.severity, f.file, f.line])).toEqual([['tf-module-unread', 'warning', 'main.tf', 5]]);
    expect(r.report.findings[0]!.message).toMatch(/^Cannot predict what `keyring_location` of module\.gcp-secret-mgmt does: the module behind it is not read/);
    expect(diffJson(dir, '--fail-on', 'warning').code).toBe(1);
  });
});
