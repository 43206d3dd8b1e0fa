// The Terraform model as rules see it: one module per folder, variables resolved with
// Terraform's precedence, local modules expanded with their call chain, scripts read through
// file(), inline suppressions, and loading from memory through an injected reader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ParseError } from '../src/core/errors.js';
import type { LoadOptions, SourceFile } from '../src/core/source.js';
import { run } from '../src/engine/runner.js';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { BUILTIN_RULES } from '../rules/index.js';
import { isUnknown, loadModuleFromFiles, terraformAdapter, type TerraformModule, type TerraformReader } from '../src/model/terraform.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-tf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes files under a fresh folder and returns their SourceFiles (display path relative to `dir`). */
function write(folder: string, files: Record<string, string>): SourceFile[] {
  return Object.entries(files).map(([name, text]) => {
    const absPath = join(dir, folder, name);
    mkdirSync(dirname(absPath), { recursive: true });
    writeFileSync(absPath, text);
    return { path: `${folder}/${name}`, absPath, text };
  });
}

const options = (extra: Partial<LoadOptions> = {}): LoadOptions => ({ cwd: dir, vars: {}, varFiles: [], helmValues: [], env: {}, ...extra });

async function load(files: SourceFile[], opts = options()): Promise<TerraformModule[]> {
  const claimed = files.filter((f) => terraformAdapter.claims(f));
  return Promise.all(terraformAdapter.group(claimed, opts).map((g) => terraformAdapter.load(g, opts)));
}

const pos = (l: { range: { start: { line: number; column: number } } } | undefined) => l && [l.range.start.line, l.range.start.column];

describe('claiming and grouping', () => {
  it('claims .tf, .tf.json, .tfvars and .tfvars.json only', () => {
    const f = (path: string): SourceFile => ({ path, absPath: join(dir, path), text: '' });
    expect(['a.tf', 'a.tf.json', 'x.tfvars', 'x.auto.tfvars.json'].map((p) => terraformAdapter.claims(f(p)))).toEqual([true, true, true, true]);
    expect(['plan.json', 'a.tfstate', 'values.yaml', 'main.tftest.hcl'].map((p) => terraformAdapter.claims(f(p)))).toEqual([false, false, false, false]);
  });

  it('makes one module per folder, and checks a folder called as a local module through its caller', () => {
    const files = [
      ...write('group/app', { 'main.tf': 'module "net" {\n  source = "../modules/net"\n}\n', 'prod.tfvars': 'x = 1\n' }),
      ...write('group/modules/net', { 'main.tf': 'resource "aws_vpc" "this" {}\n' }),
      ...write('group/lib', { 'main.tf': 'resource "aws_s3_bucket" "b" {}\n' }),
    ];
    const groups = terraformAdapter.group(files, options());
    expect(groups.map((g) => g.files.map((f) => f.path))).toEqual([
      ['group/app/main.tf', 'group/app/prod.tfvars', 'group/modules/net/main.tf'],
      ['group/lib/main.tf'],
    ]);
  });
});

describe('variables', () => {
  const main = [
    'variable "region" {',
    '  default = "global"',
    '}',
    'variable "count_of" {',
    '  type    = number',
    '  default = 1',
    '}',
    'variable "from_env" {',
    '  default = "default"',
    '}',
    'locals {',
    '  name = "ring-${var.region}"',
    '  size = var.count_of * 2',
    '}',
    '',
  ].join('\n');

  it('uses the default when nothing else sets a variable', async () => {
    const [m] = await load(write('vars-default', { 'main.tf': main }));
    expect(m!.root.variable('region')).toBe('global');
    expect(m!.root.local('name')).toBe('ring-global');
  });

  it("follows Terraform's precedence: default < TF_VAR_ < terraform.tfvars < *.auto.tfvars (in name order) < --var-file < --var", async () => {
    const files = write('vars-precedence', {
      'main.tf': main,
      'terraform.tfvars': 'region = "from-terraform-tfvars"\ncount_of = 2\n',
      'a.auto.tfvars': 'region = "from-a-auto"\n',
      'b.auto.tfvars.json': '{ "region": "from-b-auto" }',
      'prod.tfvars': 'region = "only-with-var-file"\n',
    });
    const [auto] = await load(files, options({ env: { TF_VAR_from_env: 'env', TF_VAR_region: 'env-loses' } }));
    expect(auto!.root.variable('region')).toBe('from-b-auto');
    expect(auto!.root.variable('from_env')).toBe('env');
    expect(auto!.root.local('size')).toBe(4);
    expect(auto!.root.variables.get('region')!.assignment?.origin).toBe('tfvars');

    const [withFile] = await load(files, options({ varFiles: ['vars-precedence/prod.tfvars'] }));
    expect(withFile!.root.variable('region')).toBe('only-with-var-file');
    expect(pos(withFile!.root.variables.get('region')!.assignment!.attribute!.location)).toEqual([1, 1]);

    const [withVar] = await load(files, options({ varFiles: ['vars-precedence/prod.tfvars'], vars: { region: 'cli', count_of: '5' } }));
    expect(withVar!.root.variable('region')).toBe('cli');
    expect(withVar!.root.variable('count_of')).toBe(5);
  });

  it('values of a SOPS-encrypted tfvars file are unknown, not the ciphertext', async () => {
    const files = write('vars-sops', {
      'main.tf': 'variable "region" {}\nvariable "tags" {}\nvariable "name" {}\n',
      'secrets.auto.tfvars': 'region = "ENC[AES256_GCM,data:q1w2e3,iv:abc,tag:def,type:str]"\ntags = { team = "ENC[AES256_GCM,data:zz,iv:a,tag:b,type:str]", env = "prod" }\nname = "plain"\nsops_version = "3.9.0"\n',
    });
    const [m] = await load(files);
    expect(isUnknown(m!.root.variable('region'))).toBe(true);
    const tags = m!.root.variable('tags') as Record<string, unknown>;
    expect(isUnknown(tags.team as never)).toBe(true);
    expect(tags.env).toBe('prod');
    expect(m!.root.variable('name')).toBe('plain');
  });

  it('fails closed on a --var-file that does not exist', async () => {
    const files = write('vars-missing', { 'main.tf': main });
    await expect(load(files, options({ varFiles: ['nope.tfvars'] }))).rejects.toThrow(ParseError);
  });

  it('refuses blocks in a variables file, as Terraform does', async () => {
    const files = write('vars-block', { 'main.tf': main, 'terraform.tfvars': 'region = "x"\nvariable "y" {}\n' });
    const err = await load(files).catch((e: unknown) => e);
    expect(err).toMatchObject({ file: 'vars-block/terraform.tfvars', line: 2, column: 1 });
  });

  it('leaves a variable without default or value unknown', async () => {
    const [m] = await load(write('vars-unknown', { 'main.tf': 'variable "x" {}\nlocals {\n  y = "a-${var.x}"\n}\n' }));
    expect(m!.root.variable('x')).toEqual(m!.root.local('y'));
    expect(String(m!.root.local('y'))).toBe('(known after apply)');
  });
});

describe('modules', () => {
  it('expands local modules with the caller chain in addresses and arguments as variables', async () => {
    const files = [
      ...write('chain/root', {
        'main.tf': 'variable "infra_region" {\n  default = "europe-west1"\n}\nmodule "a" {\n  source = "./modules/a"\n  region = var.infra_region\n}\nmodule "remote" {\n  source = "terraform-google-modules/kms/google"\n}\n',
      }),
      ...write('chain/root/modules/a', { 'main.tf': 'variable "region" {}\nmodule "b" {\n  source   = "../b"\n  location = var.region\n}\n' }),
      ...write('chain/root/modules/b', { 'main.tf': 'variable "location" {}\n\nresource "google_kms_key_ring" "ring" {\n  name     = "r"\n  location = var.location\n}\n' }),
    ];
    const [m] = await load(files);
    const [ring] = m!.resources('google_kms_key_ring');
    expect(ring!.address).toBe('module.a.module.b.google_kms_key_ring.ring');
    expect(ring!.attr('location')!.value()).toBe('europe-west1');
    expect(ring!.attr('location')!.source).toBe('var.location');
    expect(ring!.location.file).toBe('chain/root/modules/b/main.tf');
    expect(pos(ring!.location)).toEqual([3, 1]);
    expect(m!.moduleCalls().map((c) => [c.address, c.source, c.child?.address])).toEqual([
      ['module.a', './modules/a', 'module.a'],
      ['module.remote', 'terraform-google-modules/kms/google', undefined],
      ['module.a.module.b', '../b', 'module.a.module.b'],
    ]);
    expect(m!.files).toEqual(['chain/root/main.tf', 'chain/root/modules/a/main.tf', 'chain/root/modules/b/main.tf']);
    // Plan addresses carry instance keys; the source location does not need them.
    expect(pos(m!.sourceLocation('module.a["x"].module.b[0].google_kms_key_ring.ring'))).toEqual([3, 1]);
    expect(m!.sourceLocation('module.a.module.b.google_kms_key_ring.other')).toBeUndefined();
  });

  it('fails closed, at the source argument, when a local module folder is missing', async () => {
    const files = write('missing-module', { 'main.tf': 'module "x" {\n  source = "./nowhere"\n}\n' });
    const err = await load(files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err).toMatchObject({ file: 'missing-module/main.tf', line: 2, column: 12 });
    expect((err as Error).message).toMatch(/does not exist/);
  });

  it('refuses a module that calls itself', async () => {
    const files = write('self-call', { 'main.tf': 'module "me" {\n  source = "./"\n}\n' });
    await expect(load(files)).rejects.toThrow(/own call chain/);
  });

  it('leaves out resources and modules that count = 0 switches off', async () => {
    const files = write('count-zero', {
      'main.tf': 'variable "create" {\n  default = false\n}\nresource "aws_kms_key" "off" {\n  count = var.create ? 1 : 0\n}\nresource "aws_kms_key" "maybe" {\n  count = var.unknown ? 1 : 0\n}\n',
    });
    const [m] = await load(files);
    expect(m!.resources().map((r) => r.address)).toEqual(['aws_kms_key.maybe']);
    expect(m!.sourceLocation('aws_kms_key.off')).toBeDefined();
  });
});

describe('views', () => {
  it('reads nested blocks, dynamic blocks, object elements and lifecycle', async () => {
    const [m] = await load(
      write('views', {
        'main.tf': [
          'resource "google_compute_instance" "vm" {',
          '  metadata = {',
          '    startup-script = "echo hi"',
          '  }',
          '  dynamic "network_interface" {',
          '    for_each = var.nets',
          '    content {',
          '      network = network_interface.value',
          '    }',
          '  }',
          '  lifecycle {',
          '    prevent_destroy = true',
          '  }',
          '}',
          '',
        ].join('\n'),
      }),
    );
    const [vm] = m!.resources();
    expect(vm!.attr('metadata.startup-script')!.value()).toBe('echo hi');
    expect(pos(vm!.attr('metadata.startup-script')!.location)).toEqual([3, 5]);
    const [nic] = vm!.blocks('network_interface');
    expect(nic!.dynamic).toBe(true);
    expect(String(nic!.attr('network')!.value())).toBe('(known after apply)');
    expect(vm!.preventDestroy!.value()).toBe(true);
    expect(vm!.attr('lifecycle.missing')).toBeUndefined();
  });

  it('hands out one view per argument and block, whichever way it is asked for', async () => {
    const [m] = await load(
      write('identity', {
        'main.tf': [
          'resource "kubernetes_pod" "p" {',
          '  name   = "p"',
          '  labels = { app = "p" }',
          '  count  = 1',
          '  container {',
          '    image = "a:1"',
          '  }',
          '  volume {',
          '    name = "v"',
          '  }',
          '  dynamic "container" {',
          '    for_each = var.extra',
          '    content {',
          '      image = "b:2"',
          '    }',
          '  }',
          '}',
          '',
        ].join('\n'),
      }),
    );
    const [pod] = m!.resources();
    const picked = pod!.attributesWhere((name, expr) => name === 'name' || expr.type === 'object');
    expect(picked.map((a) => a.name)).toEqual(['name', 'labels']);
    expect(picked[0]).toBe(pod!.attr('name'));
    expect(pod!.attributes()).toEqual([picked[0], picked[1], pod!.attr('count')]);
    expect(pod!.attributes()[1]).toBe(picked[1]);
    const containers = pod!.blocks('container');
    expect(containers.map((c) => [c.dynamic, c.attr('image')!.value()])).toEqual([
      [false, 'a:1'],
      [true, 'b:2'],
    ]);
    expect(pod!.blocks().filter((b) => b.type === 'container')).toEqual(containers);
    expect(pod!.blocks()[0]).toBe(containers[0]);
    expect([pod!.has('labels'), pod!.has('volume'), pod!.has('container'), pod!.has('missing')]).toEqual([true, true, true, false]);
    expect(pos(pod!.attr('labels')!.nameLocation)).toEqual([3, 3]);
    expect(pos(m!.sourceLocation('kubernetes_pod.p[0]'))).toEqual([1, 1]);
  });

  it('gives script lines with their own positions, inside heredocs and in files read by file()', async () => {
    const files = write('scripts', {
      'main.tf': 'resource "aws_instance" "a" {\n  user_data = <<-EOT\n    #!/bin/sh\n    ufw disable\n  EOT\n}\nresource "aws_instance" "b" {\n  user_data = file("${path.module}/init.sh")\n}\n',
      'init.sh': '#!/bin/sh\nufw disable\n',
    });
    const [m] = await load(files);
    const [a, b] = m!.resources();
    const lines = a!.attr('user_data')!.textLines()!;
    expect(lines.map((l) => [l.text.trim(), ...pos(l.location)!])).toEqual([
      ['#!/bin/sh', 3, 1],
      ['ufw disable', 4, 1],
      ['', 5, 1],
    ]);
    const fromFile = b!.attr('user_data')!.textLines()!;
    expect(fromFile[1]).toMatchObject({ text: 'ufw disable', location: { file: 'scripts/init.sh' } });
    expect(m!.files).toContain('scripts/init.sh');
  });
});

describe('loading from memory (iac-guard diff)', () => {
  it('builds a module from given texts and reads module folders through the injected reader only', async () => {
    const virtual: Record<string, string> = { '/rev/modules/k/main.tf': 'resource "aws_kms_key" "k" {}\n' };
    const reads: string[] = [];
    const reader: TerraformReader = {
      readFile: (p) => {
        reads.push(p);
        return virtual[p];
      },
      listFiles: (d) => (d === '/rev/modules/k' ? ['main.tf'] : undefined),
    };
    const m = await loadModuleFromFiles([{ path: 'main.tf', absPath: '/rev/main.tf', text: 'module "k" {\n  source = "./modules/k"\n}\n' }], { cwd: '/rev', reader });
    expect(m.resources().map((r) => r.address)).toEqual(['module.k.aws_kms_key.k']);
    expect(reads).toEqual(['/rev/modules/k/main.tf']);
    expect(m.dir).toBe('.');
  });
});

describe('inline suppressions', () => {
  const scan = async (folder: string, files: Record<string, string>, only: string[]) => {
    write(folder, files);
    return run({
      targets: [folder],
      cwd: dir,
      config: { ...DEFAULT_CONFIG },
      rules: BUILTIN_RULES,
      only,
      load: options(),
      today: '2026-11-22',
    });
  };
  const rules = ['tf-key-without-prevent-destroy', 'suppression-invalid', 'suppression-expired', 'tf-host-firewall-disabled'];
  const brief = (r: Awaited<ReturnType<typeof scan>>) =>
    r.findings.map((f) => [f.ruleId, f.location.file.split('/').pop(), f.location.range.start.line, f.location.range.start.column, f.suppressed]);

  it('suppresses the block under a comment (#, // and /* */, other comments between), or the entry it trails', async () => {
    const r = await scan(
      'sup-ok',
      {
        'main.tf': [
          '# iac-guard-ignore tf-key-without-prevent-destroy: test key, recreated by CI',
          '# another comment',
          'resource "aws_kms_key" "a" {}',
          '// iac-guard-ignore tf-key-without-prevent-destroy: test key',
          'resource "aws_kms_key" "b" {}',
          '/* iac-guard-ignore tf-key-without-prevent-destroy: test key until 2027-01-01 */',
          'resource "aws_kms_key" "c" {}',
          'resource "aws_kms_key" "d" {} # iac-guard-ignore tf-key-without-prevent-destroy: trailing',
          'resource "aws_kms_key" "e" {}',
          '',
        ].join('\n'),
      },
      rules,
    );
    expect(r.errors).toEqual([]);
    expect(brief(r)).toEqual([
      ['tf-key-without-prevent-destroy', 'main.tf', 3, 1, true],
      ['tf-key-without-prevent-destroy', 'main.tf', 5, 1, true],
      ['tf-key-without-prevent-destroy', 'main.tf', 7, 1, true],
      ['tf-key-without-prevent-destroy', 'main.tf', 8, 1, true],
      ['tf-key-without-prevent-destroy', 'main.tf', 9, 1, false],
    ]);
  });

  it('rejects a comment without a reason (suppression-invalid) and brings back an expired one (suppression-expired)', async () => {
    const r = await scan(
      'sup-bad',
      {
        'main.tf': [
          '# iac-guard-ignore tf-key-without-prevent-destroy',
          'resource "aws_kms_key" "a" {}',
          '# iac-guard-ignore tf-key-without-prevent-destroy: until the migration until 2026-01-31',
          'resource "aws_kms_key" "b" {}',
          '',
        ].join('\n'),
      },
      rules,
    );
    expect(brief(r)).toEqual([
      ['suppression-invalid', 'main.tf', 1, 1, false],
      ['tf-key-without-prevent-destroy', 'main.tf', 2, 1, false],
      ['suppression-expired', 'main.tf', 3, 1, false],
      ['tf-key-without-prevent-destroy', 'main.tf', 4, 1, false],
    ]);
  });

  it('honours a comment in a script read by file(), above the line it excuses', async () => {
    const r = await scan(
      'sup-script',
      {
        'main.tf': 'resource "aws_instance" "a" {\n  user_data = file("init.sh")\n}\n',
        'init.sh': '#!/bin/sh\n# iac-guard-ignore tf-host-firewall-disabled: the cloud firewall in front is the only one here\nufw disable\nsystemctl stop firewalld\n',
      },
      rules,
    );
    expect(brief(r)).toEqual([
      ['tf-host-firewall-disabled', 'init.sh', 3, 1, true],
      ['tf-host-firewall-disabled', 'init.sh', 4, 1, false],
    ]);
  });

  it('reads a "//" iac-guard-ignore property in .tf.json as a comment on its block', async () => {
    const r = await scan(
      'sup-json',
      {
        'main.tf.json': JSON.stringify(
          { resource: { aws_kms_key: { a: { '//': 'iac-guard-ignore tf-key-without-prevent-destroy: generated test key' }, b: {} } } },
          null,
          2,
        ),
      },
      rules,
    );
    expect(brief(r)).toEqual([
      ['tf-key-without-prevent-destroy', 'main.tf.json', 4, 7, true],
      ['tf-key-without-prevent-destroy', 'main.tf.json', 7, 7, false],
    ]);
  });

  it('reports a syntax error as a file error (exit 2) with position, not as findings', async () => {
    const r = await scan('syntax', { 'main.tf': 'resource "a" "b" {\n  x = 1\n  x = 2\n}\n' }, rules);
    expect(r.findings).toEqual([]);
    expect(r.errors).toEqual([expect.objectContaining({ file: 'syntax/main.tf', line: 3, column: 3 })]);
    expect(r.errors[0]!.message).toMatch(/^Attribute redefined/);
  });
});
