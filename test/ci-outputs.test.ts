// What CI systems read: paths relative to the repository root, several formats in one run,
// JUnit and GitLab Code Quality reports, the baseline, and commands mistyped as paths.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const OPEN_SSH = `resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-1"
}
`;

/** A git work tree with infra/main.tf (one blocking finding) and stack/compose.yaml. */
function repo(): string {
  const d = tempDir('iac-guard-ci-');
  execFileSync('git', ['init', '-q', d]);
  mkdirSync(join(d, 'infra'));
  writeFileSync(join(d, 'infra', 'main.tf'), OPEN_SSH);
  return d;
}

interface SarifDoc {
  runs: { tool: { driver: { rules: { id: string; helpUri?: string; properties: Record<string, unknown> }[] } }; results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
}
const sarifUris = (text: string) => (JSON.parse(text) as SarifDoc).runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);

describe('reports name files relative to the repository root', () => {
  it('SARIF from a subfolder names infra/main.tf, not main.tf', () => {
    const d = repo();
    const r = cli(['--format', 'sarif', '.'], { cwd: join(d, 'infra') });
    expect(r.code).toBe(1);
    expect(sarifUris(r.stdout)).toEqual([{ uri: 'infra/main.tf', uriBaseId: '%SRCROOT%' }]);
  });

  it('a sibling folder is inside the repository too (../infra from stack/)', () => {
    const d = repo();
    mkdirSync(join(d, 'stack'));
    const r = cli(['--format', 'sarif', '../infra'], { cwd: join(d, 'stack') });
    expect(sarifUris(r.stdout)).toEqual([{ uri: 'infra/main.tf', uriBaseId: '%SRCROOT%' }]);
  });

  it('GitHub annotations and GitLab paths are repository-relative as well; text keeps the folder the user is in', () => {
    const d = repo();
    const github = cli(['--format', 'github', '.'], { cwd: join(d, 'infra') });
    expect(github.stdout).toMatch(/^::error file=infra\/main\.tf,line=6,col=3,/);
    const gitlab = cli(['--format', 'gitlab', '.'], { cwd: join(d, 'infra') });
    expect((JSON.parse(gitlab.stdout) as { location: { path: string } }[])[0]!.location.path).toBe('infra/main.tf');
    const text = cli(['.'], { cwd: join(d, 'infra') });
    expect(text.stdout).toContain('main.tf:6:3');
    expect(text.stdout).not.toContain('infra/main.tf');
  });

  it('a file outside the repository (a plan in /tmp) is annotated without a file GitHub cannot place, naming it', () => {
    const d = repo();
    const outside = tempDir('iac-guard-outside-');
    writeFileSync(join(outside, 'main.tf'), OPEN_SSH);
    const r = cli(['--format', 'github', join(outside, 'main.tf')], { cwd: d });
    expect(r.code).toBe(1);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toMatch(/^::error title=tf-firewall-open aws_security_group_rule\.ssh::/);
    expect(first).toContain(`${join(outside, 'main.tf')}:6:3: aws_security_group_rule.ssh lets the whole internet`);
  });

  it('--base-dir overrides the git work tree, and must be a folder', () => {
    const d = repo();
    const r = cli(['--format', 'sarif', '--base-dir', 'infra', 'infra'], { cwd: d });
    expect(sarifUris(r.stdout)).toEqual([{ uri: 'main.tf', uriBaseId: '%SRCROOT%' }]);
    const bad = cli(['--format', 'sarif', '--base-dir', 'nope', 'infra'], { cwd: d });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('iac-guard: --base-dir nope: not a folder\n');
  });

  it('SARIF rules link to their page for this version and carry security-severity', () => {
    const d = repo();
    const doc = JSON.parse(cli(['--format', 'sarif', 'infra'], { cwd: d }).stdout) as SarifDoc;
    const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
    const rule = doc.runs[0]!.tool.driver.rules.find((x) => x.id === 'tf-firewall-open')!;
    expect(rule.helpUri).toMatch(new RegExp(`^https://github\\.com/[^/]+/iac-guard/blob/v${version.replace(/\./g, '\\.')}/docs/rules/tf-firewall-open\\.md$`));
    expect(rule.properties['security-severity']).toBe('8.0');
  });
});

describe("SARIF meets GitHub's code-scanning upload limits and conventions", () => {
  it('every rule and result is in the shape GitHub ingests and ranks', () => {
    const d = repo();
    mkdirSync(join(d, 'stack'));
    writeFileSync(join(d, 'stack', 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:latest\n    ports: ["8080:80"]\n');
    const doc = JSON.parse(cli(['--format', 'sarif', 'infra', 'stack'], { cwd: d }).stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; helpUri?: string; shortDescription: { text: string }; help: { text: string }; properties: { tags: string[]; 'security-severity': string } }[] } };
        results: { ruleId: string; ruleIndex: number; message: { text: string }; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
      }[];
    };
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs).toHaveLength(1);
    const run = doc.runs[0]!;
    expect(run.results.length).toBeGreaterThanOrEqual(2);
    expect(run.results.length).toBeLessThanOrEqual(25_000); // GitHub's cap per run
    expect(run.tool.driver.rules.length).toBeLessThanOrEqual(25_000);
    for (const rule of run.tool.driver.rules) {
      expect(rule.id.length).toBeLessThanOrEqual(255);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text.length).toBeGreaterThan(0);
      const severity = Number(rule.properties['security-severity']);
      expect(severity >= 0 && severity <= 10, rule.id).toBe(true);
      expect(rule.properties.tags).toContain('security');
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      if (rule.helpUri) expect(rule.helpUri).toMatch(/^https:\/\//);
    }
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(Object.values(result.partialFingerprints).every((v) => v.length > 0)).toBe(true);
      const { uri } = result.locations[0]!.physicalLocation.artifactLocation;
      // Repository-relative, so GitHub can place the alert on the file.
      expect(uri).toMatch(/^(infra|stack)\//);
      expect(result.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('several formats in one run', () => {
  it('--format sarif:FILE --format text writes the SARIF file and still prints text to the log', () => {
    const d = repo();
    const r = cli(['--format', 'sarif:out.sarif', '--format', 'text', 'infra'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('tf-firewall-open');
    expect(sarifUris(readFileSync(join(d, 'out.sarif'), 'utf8'))).toEqual([{ uri: 'infra/main.tf', uriBaseId: '%SRCROOT%' }]);
  });

  it('when every report goes to a file, the summary is still said on stderr', () => {
    const d = repo();
    const r = cli(['--format', 'junit:j.xml', '--format', 'gitlab:gl.json', 'infra'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('iac-guard: 1 blocking finding (1 error) in 1 of 1 file; 0 suppressed; 0 files not understood\n');
  });

  it('two reports for stdout, an unknown format or an empty file name are usage errors', () => {
    const d = repo();
    expect(cli(['--format', 'json', '--format', 'text', 'infra'], { cwd: d }).stderr).toBe(
      'iac-guard: only one report can go to stdout; give the others a file (--format text:FILE)\n',
    );
    const typo = cli(['--format', 'sarf', 'infra'], { cwd: d });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown format 'sarf' (choose from text, json, sarif, github, markdown, junit, gitlab); did you mean sarif?");
    expect(cli(['--format', 'sarif:', 'infra'], { cwd: d }).stderr).toContain('--format sarif: give a file after the colon');
  });
});

describe('GitLab Code Quality', () => {
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/gitlab/codequality.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

  it('is valid against the Code Quality shape, with critical for errors and blocker for unread files', () => {
    const d = repo();
    mkdirSync(join(d, 'other'));
    writeFileSync(join(d, 'other', 'broken.tf'), 'resource "x" {\n');
    const r = cli(['--format', 'gitlab', 'infra', 'other'], { cwd: d });
    expect(r.code).toBe(2);
    const issues = JSON.parse(r.stdout) as { check_name: string; severity: string; location: { path: string; lines: { begin: number } } }[];
    expect(validate(issues), JSON.stringify(validate.errors)).toBe(true);
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path])).toEqual([
      ['tf-firewall-open', 'critical', 'infra/main.tf'],
      ['file-not-understood', 'blocker', 'other/broken.tf'],
    ]);
    expect(issues[0]!.location.lines.begin).toBe(6);
  });

  it('the fingerprint does not move with the line', () => {
    const d = repo();
    const before = (JSON.parse(cli(['--format', 'gitlab', 'infra'], { cwd: d }).stdout) as { fingerprint: string }[])[0]!.fingerprint;
    writeFileSync(join(d, 'infra', 'main.tf'), `# moved down\n\n${OPEN_SSH}`);
    const after = (JSON.parse(cli(['--format', 'gitlab', 'infra'], { cwd: d }).stdout) as { fingerprint: string; location: { lines: { begin: number } } }[])[0]!;
    expect(after.location.lines.begin).toBe(8);
    expect(after.fingerprint).toBe(before);
  });
});

describe('JUnit XML', () => {
  it('one suite per file: a blocking finding is a failure, a warning is skipped, a clean file passes', () => {
    const d = repo();
    writeFileSync(join(d, 'infra', 'ok.tf'), 'variable "region" {}\n');
    const r = cli(['--format', 'junit', '--fail-on', 'error', 'infra'], { cwd: d });
    expect(r.code).toBe(1);
    const xml = r.stdout;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml).toMatch(/<testsuites name="iac-guard [^"]+: 1 blocking finding \(1 error\) in 1 of 2 files; 0 suppressed; 0 files not understood" tests="2" failures="1" errors="0" skipped="0">/);
    expect(xml).toContain('<testsuite name="infra/main.tf" tests="1" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<testcase name="tf-firewall-open aws_security_group_rule.ssh at infra/main.tf:6:3" classname="tf-firewall-open" file="infra/main.tf" line="6">');
    expect(xml).toContain('<testsuite name="infra/ok.tf" tests="1" failures="0" errors="0" skipped="0">\n    <testcase name="no findings" classname="infra/ok.tf"/>');
    // Well formed enough for every JUnit reader: each opened element is closed, in order.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (m[3]) continue;
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });

  it('a hostile resource name cannot break out of an attribute or the document', () => {
    const d = repo();
    writeFileSync(join(d, 'infra', 'main.tf'), OPEN_SSH.replace('"ssh"', '"a\\"/><x y=\\"&<"'));
    const xml = cli(['--format', 'junit', 'infra'], { cwd: d }).stdout;
    expect(xml).not.toContain('<x ');
    expect(xml).toContain('&quot;/&gt;&lt;x y=&quot;&amp;&lt;');
  });
});

describe('baseline', () => {
  it('records findings, then reports only new ones and counts matched and stale entries', () => {
    const d = repo();
    const written = cli(['--write-baseline', '.iac-guard-baseline.json', 'infra'], { cwd: d });
    expect(written.code).toBe(0);
    expect(written.stderr).toBe('iac-guard: wrote 1 finding to the baseline .iac-guard-baseline.json; run with --baseline .iac-guard-baseline.json to report only new ones\n');
    const baseline = JSON.parse(readFileSync(join(d, '.iac-guard-baseline.json'), 'utf8')) as { version: number; findings: { rule: string; file: string; subject: string }[] };
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((f) => [f.rule, f.file, f.subject])).toEqual([['tf-firewall-open', 'infra/main.tf', 'aws_security_group_rule.ssh']]);

    // Lines move: still matched, from another folder too.
    writeFileSync(join(d, 'infra', 'main.tf'), `# header\n${OPEN_SSH}`);
    const matched = cli(['--baseline', '../.iac-guard-baseline.json', '.'], { cwd: join(d, 'infra') });
    expect(matched.code).toBe(0);
    expect(matched.stderr).toBe('iac-guard: baseline ../.iac-guard-baseline.json: 1 finding matched and suppressed\n');
    expect(matched.stdout).toContain('1 suppressed');

    // A new finding blocks; the old one, once fixed, is a stale entry.
    writeFileSync(join(d, 'infra', 'main.tf'), OPEN_SSH.replace('"ssh"', '"rdp"').replace(/= 22/g, '= 3389'));
    const fresh = cli(['--baseline', '.iac-guard-baseline.json', '--format', 'json', 'infra'], { cwd: d });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toBe(
      'iac-guard: baseline .iac-guard-baseline.json: 0 findings matched and suppressed; 1 entry stale (fixed or moved: rewrite it with --write-baseline)\n',
    );
    const json = JSON.parse(fresh.stdout) as { findings: { resource: string; suppressed?: boolean }[] };
    expect(json.findings.map((f) => [f.resource, Boolean(f.suppressed)])).toEqual([['aws_security_group_rule.rdp', false]]);
  });

  it('the config key baseline: is relative to the config file; json names the suppression kind baseline', () => {
    const d = repo();
    mkdirSync(join(d, 'ci'));
    expect(cli(['--write-baseline', 'ci/baseline.json', 'infra'], { cwd: d }).code).toBe(0);
    writeFileSync(join(d, '.iac-guard.yml'), 'baseline: ci/baseline.json\n');
    const r = cli(['infra'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('iac-guard: baseline ci/baseline.json: 1 finding matched and suppressed\n');
    const shown = cli(['--format', 'json', 'infra'], { cwd: d });
    expect((JSON.parse(shown.stdout) as { findings: { suppression: { kind: string } }[] }).findings[0]!.suppression.kind).toBe('baseline');
  });

  it('a file that is not a baseline is a usage error that says how to make one', () => {
    const d = repo();
    writeFileSync(join(d, 'b.json'), '{"findings": 3}');
    const r = cli(['--baseline', 'b.json', 'infra'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('iac-guard: baseline b.json is not an iac-guard baseline (version 1 with a findings list); rewrite it with --write-baseline b.json\n');
    const missing = cli(['--baseline', 'none.json', 'infra'], { cwd: d });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('iac-guard: cannot read baseline none.json: ENOENT; write one with --write-baseline none.json\n');
  });
});

describe('commands mistyped as paths', () => {
  it('a word that is no file and reads like a command gets a suggestion, exit 2', () => {
    const d = repo();
    const r = cli(['dif'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("iac-guard: 'dif' is neither a command nor a file or folder; did you mean iac-guard diff? (commands: diff, rules, explain, init)\n");
    expect(cli(['lint', '.'], { cwd: d }).stderr).toContain('did you mean iac-guard init?');
  });

  it('help COMMAND prints that command’s help', () => {
    const r = cli(['help', 'rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: iac-guard rules \[options\]/);
  });
});
