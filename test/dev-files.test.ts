// The dev/example file policy: blocking findings in files that are not deployments are reported
// as warnings with the reason; `dev-files: strict` keeps them blocking; plan findings never relax.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { devFileReason } from '../src/knowledge/dev-files.js';

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  severity: string;
  relaxed?: { from: string; reason: string };
}

const LATEST = 'services:\n  web:\n    image: nginx:latest\n    logging:\n      options:\n        max-size: 10m\n';
/** An exposure finding (kept as a warning in dev files) beside an upkeep one (left out there). */
const OPEN_DB =
  'services:\n  db:\n    image: postgres:latest\n    ports:\n      - "5432:5432"\n    volumes:\n      - db:/var/lib/postgresql/data\n    logging:\n      driver: local\nvolumes:\n  db: {}\n';

function repoWith(files: Record<string, string>): string {
  const root = tempDir('iac-guard-dev-');
  mkdirSync(join(root, '.git'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function scan(root: string, args: string[] = ['.']) {
  const r = cli([...args, '--format', 'json'], { cwd: root });
  const doc = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { suppressed: number; leftOut: number } };
  const findings = doc.findings;
  return {
    code: r.code,
    findings,
    summary: doc.summary,
    image: findings.find((f) => f.ruleId === 'image-unpinned'),
    port: findings.find((f) => f.ruleId === 'compose-port-exposed'),
  };
}

describe('devFileReason', () => {
  it.each([
    ['examples/stack/docker-compose.yml', 'it is under `examples/`, a folder of examples, tests or docs'],
    ['deploy/test/compose.yml', 'it is under `deploy/test/`, a folder of examples, tests or docs'],
    ['compose.dev.yml', 'its name (`compose.dev.yml`) says it is for dev'],
    ['docker-compose.override.test.yaml', 'its name (`docker-compose.override.test.yaml`) says it is for test'],
    ['docker-compose.ci.yml', 'its name (`docker-compose.ci.yml`) says it is for CI'],
  ])('%s', (path, reason) => {
    expect(devFileReason(path)).toBe(reason);
  });

  it('reads a header comment that disowns production', () => {
    expect(devFileReason('docker-compose.yml', '# Stack for local development only\nservices: {}\n')).toBe(
      'its header comment says "for local development only"',
    );
    expect(devFileReason('compose.yml', '# NOT intended for production use\n')).toBe('its header comment says "NOT intended for production"');
  });

  it('a Compose file whose services build a development stage is a dev stack', () => {
    const text = 'services:\n  web:\n    build:\n      context: web\n      target: development\n    ports:\n      - target: 3000\n        published: 3000\n';
    expect(devFileReason('compose.yaml', text)).toBe('its services run the `development` build stage of their Dockerfile (build.target)');
    // a production stage, or a port's `target:`, is not one
    expect(devFileReason('compose.yaml', text.replace('target: development', 'target: production'))).toBeUndefined();
  });

  it('leaves deployments alone', () => {
    expect(devFileReason('deploy/prod/docker-compose.yml', 'services: {}\n')).toBeUndefined();
    // a dev environment's Helm values and tfvars are deployed settings, not a local stack
    expect(devFileReason('charts/shop/values-dev.yaml')).toBeUndefined();
    expect(devFileReason('deploy/dev-values.yaml')).toBeUndefined();
    expect(devFileReason('envs/dev.tfvars')).toBeUndefined();
    // words inside a longer word do not count: "latest", "contest", "device"
    expect(devFileReason('stacks/contest/latest-device.yml')).toBeUndefined();
    // a comment far below the header, or a value that is not a comment, does not count
    expect(devFileReason('compose.yml', 'services:\n  web:\n    environment:\n      NOTE: for development only\n')).toBeUndefined();
  });
});

describe('findings in dev files are warnings with the reason', () => {
  it('a Compose file under examples/: exposure is a warning with the reason, upkeep is left out and counted', () => {
    const root = repoWith({ 'examples/docker-compose.yml': OPEN_DB });
    const { code, port, image, summary } = scan(root);
    expect(code).toBe(0);
    expect(port).toMatchObject({
      file: 'examples/docker-compose.yml',
      line: 5,
      severity: 'warning',
      suppressed: false,
      relaxed: { from: 'error', reason: 'it is under `examples/`, a folder of examples, tests or docs' },
    });
    expect(image).toMatchObject({
      line: 3,
      severity: 'error',
      suppressed: true,
      suppression: { kind: 'dev-file', reason: 'it is under `examples/`, a folder of examples, tests or docs; upkeep of a deployment does not apply there' },
    });
    expect(summary).toMatchObject({ suppressed: 0, leftOut: 1 });
  });

  it('in a test suite every finding is left out, exposure included', () => {
    const root = repoWith({ 'tests/fixtures/docker-compose.yml': OPEN_DB });
    const { code, port, image, summary } = scan(root);
    expect(code).toBe(0);
    expect(port).toMatchObject({
      severity: 'error',
      suppressed: true,
      suppression: { kind: 'dev-file', reason: 'it is under `tests/`, a folder of examples, tests or docs; a test suite is not deployed' },
    });
    expect(image).toMatchObject({ suppressed: true, suppression: { kind: 'dev-file' } });
    expect(summary).toMatchObject({ suppressed: 0, leftOut: 2 });
  });

  it('`dev-files: warn` shows upkeep findings too, as warnings', () => {
    const root = repoWith({ 'examples/docker-compose.yml': OPEN_DB, '.iac-guard.yml': 'dev-files: warn\n' });
    const { code, image, port, summary } = scan(root);
    expect(code).toBe(0);
    expect(image).toMatchObject({ severity: 'warning', suppressed: false, relaxed: { from: 'error' } });
    expect(port).toMatchObject({ severity: 'warning', relaxed: { from: 'error' } });
    expect(summary.leftOut).toBe(0);
  });

  it('the same file outside a dev folder blocks', () => {
    const root = repoWith({ 'deploy/docker-compose.yml': LATEST });
    const { code, image } = scan(root);
    expect(code).toBe(1);
    expect(image).toMatchObject({ file: 'deploy/docker-compose.yml', line: 3, severity: 'error' });
    expect(image?.relaxed).toBeUndefined();
  });

  it('`dev-files: strict` keeps them blocking', () => {
    const root = repoWith({ 'examples/docker-compose.yml': LATEST, '.iac-guard.yml': 'dev-files: strict\n' });
    const { code, image } = scan(root);
    expect(code).toBe(1);
    expect(image).toMatchObject({ severity: 'error' });
    expect(image?.relaxed).toBeUndefined();
  });

  it('folders above the repository never count', () => {
    const outer = tempDir('iac-guard-dev-outer-');
    const root = join(outer, 'test', 'checkout');
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'docker-compose.yml'), LATEST);
    const { code, image } = scan(root, [root]);
    expect(code).toBe(1);
    expect(image).toMatchObject({ severity: 'error' });
  });

  it('the text report says what was relaxed, what was left out, and why', () => {
    const root = repoWith({ 'compose.dev.yml': OPEN_DB });
    const r = cli(['.'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning here, not error: its name (`compose.dev.yml`) says it is for dev');
    expect(r.stdout).not.toContain('image-unpinned');
    expect(r.stdout).toContain(
      'No blocking findings in 1 file; 1 not blocking; 1 error in example, test or dev files reported as a warning; 1 finding in tests, or on upkeep (log rotation, pins, backups) in example or dev files, left out (`dev-files: warn` shows them)\n',
    );
  });

  it('a README in the folder or above that disowns production relaxes the files below it', () => {
    const root = repoWith({
      'README.md': '# Samples\n\nThese samples must not be deployed in production environments.\n',
      'shop/compose.yaml': LATEST,
    });
    const { code, image } = scan(root);
    expect(code).toBe(0);
    expect(image).toMatchObject({
      suppressed: true,
      suppression: { kind: 'dev-file', reason: 'the README in `./` says "must not be deployed in production environments"; upkeep of a deployment does not apply there' },
    });
  });

  it('a README that only gives development instructions does not relax anything', () => {
    const root = repoWith({
      'README.md': '# Shop\n\nFor local development, run `docker compose up`.\n',
      'shop/README.md': 'Production stack of the shop.\n',
      'shop/compose.yaml': LATEST,
    });
    const { code, image } = scan(root);
    expect(code).toBe(1);
    expect(image).toMatchObject({ severity: 'error' });
    expect(image?.relaxed).toBeUndefined();
  });

  it('a README above the repository never counts', () => {
    const outer = tempDir('iac-guard-dev-readme-');
    writeFileSync(join(outer, 'README.md'), 'Nothing here is intended for local development only; it must not be deployed in production.\n');
    const root = join(outer, 'checkout');
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'docker-compose.yml'), LATEST);
    const { code, image } = scan(root, [root]);
    expect(code).toBe(1);
    expect(image).toMatchObject({ severity: 'error' });
  });

  it('a module default an example leaves in place belongs to the example; a real root that leaves it too keeps it', () => {
    const module = {
      'main.tf': 'resource "aws_db_instance" "this" {\n  identifier          = var.identifier\n  deletion_protection = var.deletion_protection\n  storage_encrypted   = true\n}\n',
      'variables.tf': 'variable "identifier" {\n  type = string\n}\n\nvariable "deletion_protection" {\n  type    = bool\n  default = false\n}\n',
      'examples/complete/main.tf': 'module "db" {\n  source     = "../../"\n  identifier = "complete"\n}\n',
    };
    const library = scan(repoWith(module));
    expect(library.findings).toEqual([
      expect.objectContaining({
        ruleId: 'tf-database-unprotected',
        file: 'main.tf',
        line: 3,
        suppressed: true,
        suppression: expect.objectContaining({ kind: 'dev-file', reason: expect.stringContaining('it was found by checking `examples/complete/`') }),
      }),
    ]);
    const deployed = scan(repoWith({ ...module, 'envs/prod/main.tf': 'module "db" {\n  source     = "../../"\n  identifier = "prod"\n}\n' }));
    expect(deployed.findings).toEqual([expect.objectContaining({ ruleId: 'tf-database-unprotected', file: 'main.tf', line: 3, suppressed: false, severity: 'warning' })]);
  });
});
