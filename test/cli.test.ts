// The command line as users meet it: exit codes, bad input, output files, colour.
import { describe, expect, it } from 'vitest';
import { chmodSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, cli } from './helpers/cli.js';
import { wantColor } from '../src/cli.js';
import { tempDir } from './helpers/temp.js';
import { unprivilegedCli } from './helpers/unprivileged.js';

const tmp = () => tempDir('iac-guard-cli-');

describe('usage errors exit 2 with one clear line and no stack trace', () => {
  it('unknown flag', () => {
    const r = cli(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('no paths', () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('iac-guard: nothing to scan: give files or folders (or - for stdin); see --help\n');
  });

  it('unknown rule id in --rule', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.tf'), '');
    const r = cli(['--rule', 'no-such-rule', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule id: no-such-rule');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('invalid config names the file, line and key', () => {
    const d = tmp();
    writeFileSync(join(d, '.iac-guard.yml'), 'rules: {}\nfail_on: error\n');
    writeFileSync(join(d, 'plan.json'), '{}');
    const r = cli([join(d, 'plan.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`iac-guard: ${join(d, '.iac-guard.yml')}:2:1: invalid config: unknown key "fail_on" (expected one of: fail-on, dev-files, rules, include, exclude, allow, resource-types, plugins, compose, helm, modules, limits, terraform, baseline)\n`);
  });
});

describe('targets that cannot be read or understood exit 2 (fail closed)', () => {
  const errorsOf = (args: string[]) => {
    const r = cli([...args, '--format', 'json']);
    expect(r.code).toBe(2);
    return (JSON.parse(r.stdout) as { errors: { file: string; message: string }[] }).errors;
  };

  it('a missing file', () => {
    expect(errorsOf(['does/not/exist.json'])).toEqual([{ file: 'does/not/exist.json', message: 'no such file or folder' }]);
  });

  it('a folder with no supported files', () => {
    const d = tmp();
    writeFileSync(join(d, 'notes.txt'), 'hello');
    expect(errorsOf([d])).toEqual([{ file: d, message: 'no supported files here (Terraform plan JSON, .tf, Compose or Helm values)' }]);
  });

  it('JSON that is not a plan', () => {
    const d = tmp();
    writeFileSync(join(d, 'package.json'), '{"name":"x"}');
    expect(errorsOf([join(d, 'package.json')])[0]!.message).toMatch(/^not a Terraform plan/);
  });

  it('an empty file', () => {
    const d = tmp();
    writeFileSync(join(d, 'plan.json'), '');
    expect(errorsOf([join(d, 'plan.json')])[0]!.message).toMatch(/empty/);
  });

  it('an unreadable file (run as nobody by root, who reads everything)', (ctx) => {
    const d = tmp();
    writeFileSync(join(d, 'plan.json'), '{}');
    const unprivileged = unprivilegedCli(d);
    if ('skip' in unprivileged) {
      console.warn(`SKIPPED the unreadable file test in test/cli.test.ts: ${unprivileged.skip}`);
      return ctx.skip();
    }
    chmodSync(join(d, 'plan.json'), 0o000);
    const r = unprivileged.run(['plan.json', '--format', 'json'], d);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { errors: unknown[] }).errors).toEqual([{ file: 'plan.json', message: 'cannot read file: permission denied' }]);
  });

  it('a UTF-16 file and a binary file', () => {
    const d = tmp();
    writeFileSync(join(d, 'plan.json'), Buffer.from([0xff, 0xfe, 0x7b, 0x00]));
    writeFileSync(join(d, 'blob.json'), Buffer.from([0x7b, 0xc3, 0x28, 0x00]));
    expect(errorsOf([join(d, 'plan.json'), join(d, 'blob.json')]).map((e) => e.message)).toEqual([
      'file is not valid UTF-8 text (binary file?)',
      'file is UTF-16; save it as UTF-8',
    ]);
  });

  it('a binary plan is not handed to a terraform found on PATH: it says how to convert it or name the command', () => {
    const d = tmp();
    writeFileSync(join(d, 'tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    // A "terraform" the scanned repository put first on PATH: it must never run.
    mkdirSync(join(d, 'bin'));
    writeFileSync(join(d, 'bin', 'terraform'), `#!/bin/sh\ntouch ${JSON.stringify(join(d, 'ran'))}\n`, { mode: 0o755 });
    const r = cli([join(d, 'tfplan')], { env: { PATH: `${join(d, 'bin')}:${process.env.PATH ?? ''}` } });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('binary Terraform plan, and iac-guard runs terraform only when told which one');
    expect(r.stdout).toContain('terraform show -json tfplan > plan.json');
    expect(r.stdout).toContain('--terraform terraform');
    expect(existsSync(join(d, 'ran'))).toBe(false);
  });

  it('--terraform names the command for binary plans; one that is missing says so', () => {
    const d = tmp();
    writeFileSync(join(d, 'tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    writeFileSync(join(d, 'fake-terraform'), `#!/bin/sh\ncat ${JSON.stringify(join(ROOT, 'test/fixtures/plans/real/routine.json'))}\n`, { mode: 0o755 });
    const ok = cli([join(d, 'tfplan'), '--terraform', join(d, 'fake-terraform'), '--format', 'json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const missing = cli([join(d, 'tfplan'), '--terraform', join(d, 'no-such-terraform')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain(`binary Terraform plan: ${join(d, 'no-such-terraform')} (from --terraform or terraform.command) was not found`);
  });
});

describe('--output', () => {
  it('refuses an unwritable destination without leaving a partial file', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), '{}');
    const r = cli([join(d, 'x.json'), '--format', 'json', '--output', join(d, 'missing-dir', 'out.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*out\.json: ENOENT/);
    expect(readdirSync(d)).toEqual(['x.json']);
  });

  it('writes the report to the file', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), '{}');
    cli([join(d, 'x.json'), '--format', 'json', '--output', join(d, 'out.json')]);
    expect(existsSync(join(d, 'out.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(d, 'out.json'), 'utf8')).version).toBe(2);
  });

  it('through a symbolic link: the link stays, its target gets the report', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), '{}');
    writeFileSync(join(d, 'real.json'), 'old');
    symlinkSync('real.json', join(d, 'link.json'));
    cli([join(d, 'x.json'), '--format', 'json', '--output', join(d, 'link.json')]);
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(d, 'real.json'), 'utf8')).version).toBe(2);
  });

  it('onto /dev/stdout and a named pipe: written through, never replaced by a file', async () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), '{}');
    const toStdout = cli([join(d, 'x.json'), '--format', 'json', '--output', '/dev/stdout']);
    expect(toStdout.code).toBe(2);
    expect(JSON.parse(toStdout.stdout).version).toBe(2);

    const fifo = join(d, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise((done) => reader.on('close', done));
    const r = cli([join(d, 'x.json'), '--format', 'json', '--output', fifo]);
    await closed;
    expect(r.stderr).toContain('x.json');
    expect(JSON.parse(received).version).toBe(2);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('onto a folder: refused, and the folder is untouched', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.json'), '{}');
    mkdirSync(join(d, 'reports'));
    const r = cli([join(d, 'x.json'), '--format', 'json', '--output', join(d, 'reports')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${join(d, 'reports')}: it is a folder`);
    expect(readdirSync(join(d, 'reports'))).toEqual([]);
  });
});

describe('colour', () => {
  it('only on a TTY, never with NO_COLOR or --no-color, always with FORCE_COLOR', () => {
    expect(wantColor(true, {}, true, false)).toBe(true);
    expect(wantColor(true, {}, false, false)).toBe(false);
    expect(wantColor(true, {}, true, true)).toBe(false);
    expect(wantColor(true, { NO_COLOR: '1' }, true, false)).toBe(false);
    expect(wantColor(true, { FORCE_COLOR: '1' }, false, false)).toBe(true);
    expect(wantColor(true, { FORCE_COLOR: '0' }, true, false)).toBe(true);
    expect(wantColor(false, { FORCE_COLOR: '1' }, true, false)).toBe(false);
  });
});

describe('config lookup', () => {
  it('starts in a scanned folder itself, not its parent', () => {
    const root = tempDir('iac-guard-cfg-');
    mkdirSync(join(root, 'infra'));
    // fail-on: never in infra/ turns the blocking plan below into exit 0; found only from infra/.
    writeFileSync(join(root, 'infra/.iac-guard.yml'), 'fail-on: never\n');
    writeFileSync(
      join(root, 'infra/plan.json'),
      JSON.stringify({
        format_version: '1.2',
        terraform_version: '1.9.0',
        resource_changes: [{ address: 'aws_db_instance.main', mode: 'managed', type: 'aws_db_instance', name: 'main', provider_name: 'registry.terraform.io/hashicorp/aws', change: { actions: ['delete'], before: { identifier: 'main' }, after: null } }],
      }),
    );
    expect(cli(['infra'], { cwd: root }).code).toBe(0);
    expect(cli(['infra/plan.json'], { cwd: root }).code).toBe(0);
    expect(cli(['infra', '--config', '/dev/null'], { cwd: root }).code).toBe(1);
  });
});

describe('rule options and ids in the config are checked before anything runs', () => {
  const run = (config: string) => {
    const d = tmp();
    writeFileSync(join(d, '.iac-guard.yml'), config);
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27.2\n');
    return { d, r: cli([d]) };
  };

  it('a misspelt option is an error with a suggestion, not silently ignored', () => {
    const { d, r } = run('rules:\n  compose-log-rotation:\n    options:\n      daemonRotateLogs: true\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `iac-guard: ${join(d, '.iac-guard.yml')}:4:7: invalid config: rules.compose-log-rotation.options: unknown option "daemonRotateLogs"; did you mean daemonRotatesLogs? (compose-log-rotation takes daemonRotatesLogs)\n`,
    );
  });

  it('an option of the wrong type is an error, not a rule crash blamed on a scanned file', () => {
    const { d, r } = run('rules:\n  compose-log-rotation:\n    options:\n      daemonRotatesLogs: "yes"\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(d, '.iac-guard.yml')}:4:26: invalid config: rules.compose-log-rotation.options.daemonRotatesLogs must be a boolean (got "yes")`);
  });

  it('an option outside its values is an error naming them', () => {
    const { r } = run('rules:\n  image-unpinned:\n    options:\n      minimumPin: digests\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules.image-unpinned.options.minimumPin must be one of channel, version, digest (got "digests"); did you mean digest?');
  });

  it('a misspelt rule id in the config is named at its line', () => {
    const { d, r } = run('fail-on: error\nrules:\n  image-unpined: warning\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`iac-guard: ${join(d, '.iac-guard.yml')}:3:3: unknown rule id: image-unpined; did you mean image-unpinned? (see \`iac-guard rules\`)\n`);
  });

  it('a misspelt rule id gets a suggestion', () => {
    const d = tmp();
    writeFileSync(join(d, 'x.tf'), '');
    const r = cli(['--rule', 'image-unpined', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule id: image-unpined; did you mean image-unpinned?');
  });
});

describe('a .tf file named alone (as pre-commit passes a staged file)', () => {
  it('is checked with the rest of its module folder: a default in vars.tf reaches the firewall in main.tf', () => {
    const d = tmp();
    writeFileSync(join(d, 'vars.tf'), 'variable "ranges" {\n  default = ["0.0.0.0/0"]\n}\n');
    writeFileSync(join(d, 'main.tf'), 'resource "google_compute_firewall" "ssh" {\n  name          = "ssh"\n  network       = "default"\n  source_ranges = var.ranges\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n}\n');
    const r = cli([join(d, 'vars.tf'), '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; related?: { file?: string; line?: number }[] }[] };
    // On the default that decides it (the line the change touched), with the firewall's line related.
    expect(report.findings.map((f) => [f.ruleId, f.file.endsWith('vars.tf'), f.line])).toEqual([['tf-firewall-open', true, 2]]);
    expect(report.findings[0]!.related).toEqual([expect.objectContaining({ line: 4 })]);
  });
});
