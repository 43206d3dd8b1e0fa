// Worker threads (src/engine/parallel.ts) must not change what a scan says: the same tree
// checked on one thread and on several gives byte-identical output, run after run, whatever
// order the threads finish in. A worker that fails must fail the run (exit 2), never lose folders.
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { partition, workerCount, AUTO_MIN_BYTES, AUTO_MIN_FILES } from '../src/engine/parallel.js';

interface JsonReport {
  findings: { ruleId: string; file: string; line: number; column: number; suppressed: boolean }[];
  errors: { file: string; line?: number; column?: number; message: string }[];
  summary: { files: number };
}

const STACKS = 30;
const FILES_PER_STACK = 10;

/** One .tf file with findings of several rules, some suppressed inline. */
function tfFile(stack: number, i: number): string {
  const n = `s${stack}_${i}`;
  const suppressed = i % 3 === 0;
  return `# stack ${stack}, file ${i}
resource "google_compute_firewall" "open_${i}" {
  name          = "open-${n}"
  network       = "default"
  ${suppressed ? '# iac-guard-ignore tf-firewall-open: a public web tier, reviewed\n  ' : ''}source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22", "443"]
  }
}

resource "aws_db_instance" "db_${i}" {
  identifier              = "db-${n}"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = ${i % 2 ? 0 : 7}
  skip_final_snapshot     = true
}

resource "kubernetes_deployment" "api_${i}" {
  metadata {
    name = "api-${n}"
  }
  spec {
    template {
      metadata {
        labels = { app = "api-${n}" }
      }
      spec {
        container {
          name  = "api"
          ${i === 4 ? '# iac-guard-ignore image-unpinned\n          ' : ''}image = "ghcr.io/acme/api:${i % 4 ? `2.3.${i}` : 'latest'}"
        }
      }
    }
  }
}
`;
}

/**
 * ~300 .tf files in 30 roots, a shared local module, a script read through templatefile(), a
 * syntax error, a Compose file, and a plan whose findings point into the .tf beside it.
 */
function tree(): string {
  const root = tempDir('iac-guard-threads-');
  mkdirSync(join(root, 'modules', 'kms'), { recursive: true });
  writeFileSync(
    join(root, 'modules', 'kms', 'main.tf'),
    'variable "days" {}\nresource "google_kms_crypto_key" "key" {\n  name     = "key"\n  key_ring = "ring"\n  destroy_scheduled_duration = "${var.days * 86400}s"\n}\n',
  );
  for (let s = 0; s < STACKS; s++) {
    const dir = join(root, 'stacks', `stack${String(s).padStart(2, '0')}`);
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    for (let i = 0; i < FILES_PER_STACK; i++) writeFileSync(join(dir, `file${i}.tf`), tfFile(s, i));
    writeFileSync(join(dir, 'kms.tf'), `module "kms" {\n  source = "../../modules/kms"\n  days   = ${s % 5}\n}\n`);
    writeFileSync(
      join(dir, 'vm.tf'),
      `resource "azurerm_linux_virtual_machine" "vm" {\n  name        = "vm"\n  custom_data = base64encode(templatefile("\${path.module}/scripts/init.sh", { port = ${8000 + s} }))\n}\n`,
    );
    writeFileSync(join(dir, 'scripts', 'init.sh'), `#!/bin/bash\n${s % 2 ? '# iac-guard-ignore tf-host-firewall-disabled: lab machine\n' : ''}iptables -F\n`);
  }
  writeFileSync(join(root, 'stacks', 'stack07', 'broken.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = \n}\n');
  mkdirSync(join(root, 'compose'));
  writeFileSync(join(root, 'compose', 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:latest\n');
  mkdirSync(join(root, 'plan'));
  copyFileSync(join(ROOT, 'examples/keyring-swap/plan.json'), join(root, 'plan', 'plan.json'));
  copyFileSync(join(ROOT, 'examples/keyring-swap/after/main.tf'), join(root, 'plan', 'main.tf'));
  return root;
}

const scan = (root: string, threads: string, extra: string[] = []) => cli(['.', '--format', 'json', ...extra], { cwd: root, env: { IAC_GUARD_THREADS: threads } });

describe('worker threads', () => {
  it('give byte-identical output to a single-threaded run, every time', () => {
    const root = tree();
    const single = scan(root, '0');
    expect(single.code).toBe(2);
    const report = JSON.parse(single.stdout) as JsonReport;
    // The tree really exercises what must survive the threads: findings in many roots, inline
    // suppressions (.tf and script), the shared module, the syntax error, the Compose project,
    // plan findings linked to the root beside the plan.
    expect(report.summary.files).toBeGreaterThan(STACKS * FILES_PER_STACK);
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['tf-firewall-open', 'tf-database-unprotected', 'image-unpinned', 'tf-key-deletion-window-short', 'tf-host-firewall-disabled', 'suppression-invalid']) expect(rules).toContain(id);
    expect(report.findings.some((f) => f.suppressed && f.file.endsWith('.tf'))).toBe(true);
    expect(report.findings.some((f) => f.suppressed && f.file.endsWith('init.sh'))).toBe(true);
    expect(report.findings.some((f) => f.file === 'compose/docker-compose.yml')).toBe(true);
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: 'plan-key-container-replaced', file: 'plan/main.tf', line: 24 }));
    expect(report.errors).toEqual([expect.objectContaining({ file: 'stacks/stack07/broken.tf', line: 3 })]);

    for (const threads of ['1', '2', '3', '2', '3']) {
      const threaded = scan(root, threads);
      expect({ threads, code: threaded.code, stderr: threaded.stderr }).toEqual({ threads, code: 2, stderr: single.stderr });
      expect(threaded.stdout).toBe(single.stdout);
    }
  }, 180_000);

  it('report a rule that throws in a worker exactly as on one thread', () => {
    const root = tree();
    writeFileSync(
      join(root, 'plugin.mjs'),
      `export default {
  id: 'acme-throws', severity: 'error', category: 'test',
  docs: { summary: 's', why: 'w', fix: 'f' },
  messages: { m: 'm' },
  check: { terraform(model) { if (model.dir.endsWith('stack03')) throw new Error('boom in ' + model.dir); } },
};
`,
    );
    writeFileSync(join(root, '.iac-guard.yml'), 'plugins: [./plugin.mjs]\n');
    const single = scan(root, '0', ['--allow-plugins']);
    expect(single.code).toBe(2);
    expect((JSON.parse(single.stdout) as JsonReport).errors).toContainEqual({ file: 'stacks/stack03/file0.tf', message: 'rule acme-throws failed: boom in stacks/stack03' });
    const threaded = scan(root, '2', ['--allow-plugins']);
    expect(threaded.code).toBe(2);
    expect(threaded.stdout).toBe(single.stdout);
  }, 120_000);

  it('fail the run when a worker dies, naming every folder it had not finished', () => {
    const root = tree();
    // A plugin that ends the thread it runs in, when that is a worker: the worker's folders are lost.
    writeFileSync(
      join(root, 'plugin.mjs'),
      `import { isMainThread } from 'node:worker_threads';
export default {
  id: 'acme-exits', severity: 'error', category: 'test',
  docs: { summary: 's', why: 'w', fix: 'f' },
  messages: { m: 'm' },
  check: { terraform() { if (!isMainThread) process.exit(7); } },
};
`,
    );
    writeFileSync(join(root, '.iac-guard.yml'), 'plugins: [./plugin.mjs]\n');
    const r = scan(root, '2', ['--allow-plugins']);
    expect(r.code).toBe(2);
    const { findings, errors } = JSON.parse(r.stdout) as JsonReport;
    const lost = errors.filter((e) => e.message === 'internal error while checking this folder: worker thread stopped (exit code 7) before it was done');
    expect(lost.length).toBeGreaterThan(0);
    // Every folder is accounted for: checked on the main thread (findings, or its syntax error) or reported lost.
    const folderOf = (file: string) => file.split('/').slice(0, 2).join('/');
    const checked = new Set(findings.map((f) => folderOf(f.file)));
    const reported = new Set([...checked, ...errors.map((e) => folderOf(e.file))]);
    const folders = Array.from({ length: STACKS }, (_, s) => `stacks/stack${String(s).padStart(2, '0')}`);
    expect(folders.filter((f) => !reported.has(f))).toEqual([]);
    expect(lost.filter((e) => checked.has(folderOf(e.file)))).toEqual([]);
  }, 120_000);
});

describe('partition', () => {
  it('balances bytes, biggest first, and keeps each list in group order', () => {
    const groups = [10, 50, 20, 40, 30].map((bytes, index) => ({ index, bytes }));
    expect(partition(groups, 2)).toEqual([[0, 1, 2], [3, 4]]);
    expect(partition(groups, 3)).toEqual([[1], [0, 3], [2, 4]]);
  });

  it('breaks ties by group index, so equal sizes always split the same way', () => {
    const groups = Array.from({ length: 6 }, (_, index) => ({ index, bytes: 100 }));
    expect(partition(groups, 2)).toEqual([[0, 2, 4], [1, 3, 5]]);
    expect(partition([...groups].reverse(), 2)).toEqual([[0, 2, 4], [1, 3, 5]]);
  });
});

describe('workerCount', () => {
  it('starts no worker for a small tree, nor for a single group', () => {
    expect(workerCount(undefined, AUTO_MIN_FILES - 1, AUTO_MIN_BYTES - 1, 50, 8)).toBe(0);
    expect(workerCount(undefined, 5000, 1e8, 1, 8)).toBe(0);
  });

  it('for a big tree, leaves room for V8\'s own background threads: none on 2 cores', () => {
    expect(workerCount(undefined, AUTO_MIN_FILES, 100, 100, 2)).toBe(0);
    expect(workerCount(undefined, 10, AUTO_MIN_BYTES, 100, 4)).toBe(1);
    expect(workerCount(undefined, 5000, 1e8, 100, 8)).toBe(4);
    expect(workerCount(undefined, 5000, 1e8, 3, 8)).toBe(2);
  });

  it('follows IAC_GUARD_THREADS, never beyond one per group besides the main thread\'s', () => {
    expect(workerCount('0', 5000, 1e8, 100)).toBe(0);
    expect(workerCount('3', 10, 100, 100)).toBe(3);
    expect(workerCount('8', 10, 100, 2)).toBe(1);
    expect(() => workerCount('many', 10, 100, 5)).toThrow('IAC_GUARD_THREADS must be 0 (no worker threads) or a number of threads, got "many"');
  });
});
