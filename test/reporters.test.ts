// The five output formats, fed hand-built run results: several files, every severity, suppressed
// findings with reason and expiry, related locations, errors with and without a line, and hostile
// strings (line breaks, workflow commands, percent escapes, table pipes, HTML, links, ANSI escapes,
// bidi overrides) that must not break out of their place in any format.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Finding, FileError, RuleMeta, RunResult, Severity } from '../src/core/types.js';
import { REPORTERS, blastRadiusMermaid } from '../src/reporters/index.js';
import { MAX_BLAST_RADIUS_EDGES, MAX_LABEL_LENGTH } from '../src/reporters/mermaid.js';
import type { ReportOptions } from '../src/reporters/types.js';
import { visible } from '../src/reporters/common.js';
import { markdownProse, markdownText } from '../src/reporters/markdown-escape.js';
import { MARKDOWN_COMMENT_LIMIT, MARKDOWN_TABLE_BUDGET, MARKDOWN_TABLE_LIMIT } from '../src/reporters/markdown.js';
import { FINGERPRINT_KEY, artifactLocation } from '../src/reporters/sarif.js';
import { escapeData, escapeProperty } from '../src/reporters/github.js';

const ESC = '\x1b';
const BIDI = '\u202e';
const HOSTILE = `evil\nb ::error::x %0A | <script>alert(1)</script> ](javascript:alert(1)) ${ESC}[31mred${ESC}[0m ${BIDI}txt.exe @octo-org/team \`\`\`x`;

const TOOL = { name: 'iac-guard', version: '1.2.3' };
const opts = (o: Partial<ReportOptions> = {}): ReportOptions => ({ color: false, failOn: 'error', tool: TOOL, ...o });

const at = (file: string, line: number, column: number, endLine = line, endColumn = column + 5) => ({
  file,
  range: { start: { line, column }, end: { line: endLine, column: endColumn } },
});

function finding(p: Partial<Finding> & { ruleId: string; file: string; line: number; column: number }): Finding {
  const { file, line, column, ...rest } = p;
  return {
    severity: 'error',
    messageId: 'main',
    message: `${p.ruleId} problem`,
    location: at(file, line, column),
    suppressed: false,
    ...rest,
  };
}

const rule = (id: string, severity: Severity, category = 'data-loss'): RuleMeta => ({
  id,
  severity,
  inputs: ['plan'],
  category,
  docs: { summary: `${id} summary`, why: `${id} why`, fix: `${id} fix`, allow: `${id} allow` },
});

const RULES = [rule('kms-key-ring-replaced', 'error'), rule('image-unpinned', 'error', 'supply-chain'), rule('logs-unrotated', 'warning', 'availability'), rule('note-rule', 'info', 'hygiene')];

const RING = finding({
  ruleId: 'kms-key-ring-replaced',
  file: 'infra/kms.tf',
  line: 3,
  column: 3,
  messageId: 'replaced',
  message: 'Replacing google_kms_key_ring.logs destroys every key in it; keep location "global".',
  resource: 'google_kms_key_ring.logs',
  related: [
    { message: 'crypto key destroyed with the ring', resource: 'google_kms_crypto_key.archive', location: at('infra/kms.tf', 12, 1) },
    { message: 'the plan this came from', location: at('plan.json', 40, 7) },
  ],
});
const WARNING = finding({ ruleId: 'logs-unrotated', severity: 'warning', file: 'stack/compose.yml', line: 5, column: 5, path: 'services.web.logging', message: 'services.web has no log rotation.' });
const INFO = finding({ ruleId: 'note-rule', severity: 'info', file: 'stack/compose.yml', line: 9, column: 7, message: 'just so you know' });
const HOSTILE_FINDING = finding({
  ruleId: 'image-unpinned',
  file: 'stack/compose.yml',
  line: 20,
  column: 12,
  path: `services.${HOSTILE}.image`,
  message: `service ${HOSTILE} pulls latest`,
});
const SUPPRESSED_INLINE = finding({
  ruleId: 'image-unpinned',
  file: 'stack/compose.yml',
  line: 30,
  column: 12,
  path: 'services.db.image',
  suppressed: true,
  suppression: { kind: 'inline', reason: 'vendor pins it upstream', expires: '2027-01-31' },
});
const SUPPRESSED_CONFIG = finding({
  ruleId: 'kms-key-ring-replaced',
  file: 'infra/kms.tf',
  line: 30,
  column: 1,
  resource: 'google_kms_key_ring.scratch',
  suppressed: true,
  suppression: { kind: 'config', reason: 'scratch ring, holds nothing' },
});
const ERRORS: FileError[] = [
  { file: 'broken.yml', message: 'YAML syntax error: unexpected end of the stream', line: 4, column: 2 },
  { file: 'missing.json', message: 'no such file or folder' },
  { file: `hostile${ESC}[2J.yml`, message: `cannot parse\n::warning::fake ${BIDI}` },
];

const FULL: RunResult = {
  files: ['infra/kms.tf', 'plan.json', 'stack/compose.yml', 'values.yaml'],
  findings: [RING, SUPPRESSED_CONFIG, WARNING, INFO, HOSTILE_FINDING, SUPPRESSED_INLINE],
  errors: ERRORS,
  rules: RULES,
};
const EMPTY: RunResult = { files: [], findings: [], errors: [], rules: [] };
const CLEAN: RunResult = { files: ['a.tf', 'b.tf'], findings: [WARNING], errors: [], rules: RULES };

const render = (format: keyof typeof REPORTERS, result: RunResult, o: Partial<ReportOptions> = {}) => REPORTERS[format](result, opts(o));

describe('terminal safety helper', () => {
  it('shows control and bidi characters as visible escapes', () => {
    expect(visible(`a\nb\r${ESC}[31m\u009b\u2066x\u2069\u202e\u2028\t`)).toBe('a\\nb\\r\\x1b[31m\\x9b\\u2066x\\u2069\\u202e\\u2028\\t');
    expect(visible('a\nb\rc', { keepLineBreaks: true })).toBe('a\nb\rc');
    expect(visible('plain ünïcødé – fine')).toBe('plain ünïcødé – fine');
  });
});

describe('text', () => {
  const out = render('text', FULL);

  it('has no escape sequence at all when colour is off, even with hostile input', () => {
    expect(out).not.toContain(ESC);
    expect(out).not.toContain(BIDI);
    // Only LF may remain of the C0/C1 controls (and TAB, which the reporter never emits either).
    expect([...out].filter((ch) => ch !== '\n' && /\p{Cc}/u.test(ch))).toEqual([]);
  });

  it('colours only when asked', () => {
    const coloured = render('text', FULL, { color: true });
    expect(coloured).toContain(`${ESC}[31m`);
    // The hostile ESC from the file is still neutralised in colour mode.
    expect(coloured).toContain('\\x1b[31mred');
  });

  it('groups findings by file with severity, rule, file:line:col, subject, message and related places', () => {
    const lines = out.split('\n');
    expect(lines[0]).toBe('infra/kms.tf');
    expect(lines[1]).toBe('  error    kms-key-ring-replaced  infra/kms.tf:3:3  google_kms_key_ring.logs');
    expect(lines[2]).toBe('    Replacing google_kms_key_ring.logs destroys every key in it; keep location "global".');
    expect(lines[3]).toBe('    related: google_kms_crypto_key.archive at infra/kms.tf:12:1: crypto key destroyed with the ring');
    expect(lines[4]).toBe('    related: at plan.json:40:7: the plan this came from');
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe('stack/compose.yml');
    expect(lines[7]).toBe('  warning  logs-unrotated  stack/compose.yml:5:5  services.web.logging');
    expect(lines).toContain('  info     note-rule  stack/compose.yml:9:7');
  });

  it('escapes hostile text so one finding stays on its lines', () => {
    const line = out.split('\n').find((l) => l.startsWith('  error    image-unpinned'))!;
    expect(line).toContain('services.evil\\nb ::error::x %0A | <script>');
    expect(line).toContain('\\x1b[31mred\\x1b[0m \\u202etxt.exe');
  });

  it('hides suppressed findings but counts them; shows them with reason and expiry on request', () => {
    expect(out).not.toContain('services.db.image');
    expect(out).not.toContain('google_kms_key_ring.scratch');
    const shown = render('text', FULL, { showSuppressed: true });
    expect(shown).toContain('  error    image-unpinned  stack/compose.yml:30:12  services.db.image\n    image-unpinned problem\n    suppressed by an iac-guard-ignore comment: vendor pins it upstream (until 2027-01-31)');
    expect(shown).toContain('    suppressed by an allow entry in the config: scratch ring, holds nothing\n');
  });

  it('lists errors as file:line:col: message and ends with the summary line', () => {
    expect(out).toContain('Files not understood (nothing in them was checked):\n  broken.yml:4:2: YAML syntax error: unexpected end of the stream\n  missing.json: no such file or folder\n  hostile\\x1b[2J.yml: cannot parse\\n::warning::fake \\u202e\n');
    expect(out.endsWith('\n2 blocking findings (2 errors) in 2 of 7 files; 2 not blocking; 2 suppressed; 3 files not understood\n')).toBe(true);
  });

  it('quiet shows only blocking findings, errors and the summary; nothing at all when clean', () => {
    const quiet = render('text', FULL, { quiet: true });
    expect(quiet).toContain('kms-key-ring-replaced');
    expect(quiet).not.toContain('logs-unrotated');
    expect(quiet).not.toContain('note-rule');
    expect(quiet).toContain('missing.json: no such file or folder');
    expect(render('text', CLEAN, { quiet: true })).toBe('');
  });

  it('says so when nothing blocks', () => {
    expect(render('text', EMPTY)).toBe('No blocking findings in 0 files\n');
    expect(render('text', CLEAN).split('\n').at(-2)).toBe('No blocking findings in 3 files; 1 not blocking');
    expect(render('text', CLEAN, { failOn: 'warning' }).split('\n').at(-2)).toBe('1 blocking finding (1 warning) in 1 of 3 files; 0 suppressed; 0 files not understood');
  });
});

describe('json', () => {
  const out = render('json', FULL);
  const doc = JSON.parse(out) as {
    version: number;
    tool: unknown;
    findings: Record<string, unknown>[];
    errors: Record<string, unknown>[];
    summary: Record<string, number>;
  };

  it('follows the documented contract with a stable key order', () => {
    expect(Object.keys(doc)).toEqual(['version', 'tool', 'findings', 'errors', 'summary']);
    expect(doc.version).toBe(2);
    expect(doc.tool).toEqual({ name: 'iac-guard', version: '1.2.3' });
    expect(Object.keys(doc.findings[0]!)).toEqual(['ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'resource', 'related', 'suppressed']);
    expect(doc.findings[0]).toMatchObject({ ruleId: 'kms-key-ring-replaced', severity: 'error', file: 'infra/kms.tf', line: 3, column: 3, endLine: 3, endColumn: 8, resource: 'google_kms_key_ring.logs', suppressed: false });
    expect(doc.findings[0]!.related).toEqual([
      { message: 'crypto key destroyed with the ring', file: 'infra/kms.tf', line: 12, column: 1, resource: 'google_kms_crypto_key.archive' },
      { message: 'the plan this came from', file: 'plan.json', line: 40, column: 7 },
    ]);
    expect(Object.keys(doc.findings[2]!)).toEqual(['ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'path', 'suppressed']);
    expect(Object.keys(doc.summary)).toEqual(['files', 'findings', 'blocking', 'suppressed', 'leftOut', 'errors']);
  });

  it('keeps suppressed findings with their suppression', () => {
    expect(doc.findings[1]).toMatchObject({ resource: 'google_kms_key_ring.scratch', suppressed: true, suppression: { kind: 'config', reason: 'scratch ring, holds nothing' } });
    expect(Object.keys(doc.findings[1]!.suppression as object)).toEqual(['kind', 'reason']);
    expect(doc.findings[5]!.suppression).toEqual({ kind: 'inline', reason: 'vendor pins it upstream', expires: '2027-01-31' });
  });

  it('lists errors with line and column only when known, and counts everything', () => {
    expect(doc.errors[0]).toEqual({ file: 'broken.yml', message: 'YAML syntax error: unexpected end of the stream', line: 4, column: 2 });
    expect(doc.errors[1]).toEqual({ file: 'missing.json', message: 'no such file or folder' });
    expect(doc.summary).toEqual({ files: 7, findings: 6, blocking: 2, suppressed: 2, leftOut: 0, errors: 3 });
  });

  it('round-trips hostile strings exactly while escaping them in the text', () => {
    expect(doc.findings[4]!.path).toBe(`services.${HOSTILE}.image`);
    expect(out).not.toContain(ESC);
    expect(out).not.toContain(BIDI);
    expect(out).toContain('\\u001b[31mred');
    expect(out).toContain('\\u202etxt.exe');
  });

  it('is indented by two spaces and ends with a newline; empty runs are complete', () => {
    expect(out.startsWith('{\n  "version": 2,\n  "tool": {\n    "name": "iac-guard",')).toBe(true);
    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(render('json', EMPTY))).toEqual({
      version: 2,
      tool: TOOL,
      findings: [],
      errors: [],
      summary: { files: 0, findings: 0, blocking: 0, suppressed: 0, leftOut: 0, errors: 0 },
    });
  });

  it('matches the example in docs/json-format.md key for key', () => {
    const markdown = readFileSync(join(import.meta.dirname, '../docs/json-format.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(markdown)![1]!) as typeof doc;
    const keys = (o: unknown) => Object.keys(o as object);
    expect(keys(example)).toEqual(keys(doc));
    expect(keys(example.tool)).toEqual(keys(doc.tool));
    expect(keys(example.findings[0])).toEqual(keys(doc.findings[0]));
    expect(keys((example.findings[0]!.related as unknown[])[0])).toEqual(keys((doc.findings[0]!.related as unknown[])[0]));
    expect(keys(example.findings[1])).toEqual(keys(doc.findings[5]));
    expect(keys(example.findings[1]!.suppression)).toEqual(keys(doc.findings[5]!.suppression));
    expect(example.errors.map(keys)).toEqual(doc.errors.slice(0, 2).map(keys));
    expect(keys(example.summary)).toEqual(keys(doc.summary));
  });

  it('does not carry rule metadata (kept out of the contract)', () => {
    expect(out).not.toContain('"rules"');
    expect(out).not.toContain('kms-key-ring-replaced why');
  });
});

describe('sarif', () => {
  // The official schema is marked draft-04 but only uses keywords that mean the same in draft-07
  // (test/fixtures/sarif/SOURCE.md), so its draft-04 markers are dropped and ajv's default engine runs it.
  const { $schema: _draft04, id: _id, ...schema } = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'),
  ) as Record<string, unknown>;
  // ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose `default` is the plugin.
  const addFormats = addFormatsModule.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  type Sarif = {
    $schema: string;
    version: string;
    runs: {
      tool: { driver: { name: string; version: string; informationUri: string; rules: Record<string, unknown>[] } };
      invocations: { executionSuccessful: boolean; toolExecutionNotifications?: Record<string, unknown>[] }[];
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> }; logicalLocations?: { fullyQualifiedName: string; kind: string }[] }[];
        relatedLocations?: Record<string, unknown>[];
        suppressions?: { kind: string; justification: string }[];
        partialFingerprints: Record<string, string>;
      }[];
    }[];
  };
  const sarifOf = (result: RunResult) => {
    const doc = JSON.parse(render('sarif', result)) as Sarif;
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    return doc;
  };

  it('the vendored schema rejects a broken log (the validator is not a no-op)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    const doc = JSON.parse(render('sarif', FULL)) as Sarif;
    doc.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(doc)).toBe(false);
  });

  it('empty run: valid, successful, no results', () => {
    const doc = sarifOf(EMPTY);
    expect(doc.version).toBe('2.1.0');
    expect(doc.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(doc.runs[0]!.results).toEqual([]);
    expect(doc.runs[0]!.invocations).toEqual([{ executionSuccessful: true }]);
    expect(doc.runs[0]!.tool.driver).toMatchObject({ name: 'iac-guard', version: '1.2.3', rules: [] });
  });

  it('findings: rules from run metadata, results with level, region, logical and related locations', () => {
    const run = sarifOf({ ...FULL, errors: [] }).runs[0]!;
    expect(run.tool.driver.rules[0]).toEqual({
      id: 'kms-key-ring-replaced',
      name: 'KmsKeyRingReplaced',
      shortDescription: { text: 'kms-key-ring-replaced summary' },
      fullDescription: { text: 'kms-key-ring-replaced why' },
      help: {
        text: 'Fix: kms-key-ring-replaced fix\n\nAllow deliberately: kms-key-ring-replaced allow',
        markdown: '**Fix:** kms-key-ring-replaced fix\n\n**Allow deliberately:** kms-key-ring-replaced allow',
      },
      defaultConfiguration: { level: 'error' },
      properties: { category: 'data-loss', tags: ['security', 'iac', 'data-loss'], 'security-severity': '8.0' },
    });
    // GitHub ranks by security-severity: errors high, warnings medium, infos low.
    expect(run.tool.driver.rules.map((r) => (r as { properties?: Record<string, unknown> }).properties?.['security-severity'])).toEqual(
      run.tool.driver.rules.map((r) => ({ error: '8.0', warning: '5.0', note: '2.0' })[(r as { defaultConfiguration: { level: 'error' | 'warning' | 'note' } }).defaultConfiguration.level]),
    );
    const [ring, , warning, info] = run.results;
    expect(ring!.ruleIndex).toBe(0);
    expect(ring!.level).toBe('error');
    expect(ring!.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'infra/kms.tf', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 3, endLine: 3, endColumn: 8 } },
      logicalLocations: [{ fullyQualifiedName: 'google_kms_key_ring.logs', kind: 'resource' }],
    });
    expect(ring!.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'crypto key destroyed with the ring' },
        physicalLocation: { artifactLocation: { uri: 'infra/kms.tf', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 1, endLine: 12, endColumn: 6 } },
        logicalLocations: [{ fullyQualifiedName: 'google_kms_crypto_key.archive', kind: 'resource' }],
      },
      {
        id: 2,
        message: { text: 'the plan this came from' },
        physicalLocation: { artifactLocation: { uri: 'plan.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 40, startColumn: 7, endLine: 40, endColumn: 12 } },
      },
    ]);
    expect(warning!.level).toBe('warning');
    expect(warning!.ruleIndex).toBe(2);
    expect(warning!.locations[0]!.logicalLocations).toEqual([{ fullyQualifiedName: 'services.web.logging', kind: 'property' }]);
    expect(info!.level).toBe('note');
    expect(info!.locations[0]!.logicalLocations).toBeUndefined();
    expect(ring!.suppressions).toBeUndefined();
  });

  it('suppressed findings carry inSource / external suppressions with the justification', () => {
    const run = sarifOf({ ...FULL, errors: [] }).runs[0]!;
    expect(run.results[1]!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'scratch ring, holds nothing' }]);
    expect(run.results[5]!.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'vendor pins it upstream (until 2027-01-31)' }]);
  });

  it('errors become tool execution notifications and mark the run unsuccessful', () => {
    const inv = sarifOf(FULL).runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toHaveLength(3);
    expect(inv.toolExecutionNotifications![0]).toEqual({
      level: 'error',
      message: { text: 'broken.yml:4:2: YAML syntax error: unexpected end of the stream' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'broken.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 2 } } }],
    });
    expect(inv.toolExecutionNotifications![1]).toEqual({
      level: 'error',
      message: { text: 'missing.json: no such file or folder' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'missing.json', uriBaseId: '%SRCROOT%' } } }],
    });
  });

  it('fingerprints ignore line numbers but tell findings apart', () => {
    const fp = (r: RunResult) => sarifOf(r).runs[0]!.results.map((x) => x.partialFingerprints[FINGERPRINT_KEY]!);
    const before = fp(FULL);
    const moved = fp({ ...FULL, findings: FULL.findings.map((f) => ({ ...f, location: at(f.location.file, f.location.range.start.line + 10, 1) })) });
    expect(moved).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
    expect(before[0]).toMatch(/^[0-9a-f]{32}$/);
    // Same rule, file and message id with nothing else to tell them apart: numbered, not merged.
    const twins = fp({ ...EMPTY, rules: RULES, findings: [finding({ ruleId: 'note-rule', file: 'a.tf', line: 1, column: 1 }), finding({ ruleId: 'note-rule', file: 'a.tf', line: 9, column: 1 })] });
    expect(twins[0]).not.toBe(twins[1]);
    const otherResource = fp({ ...FULL, findings: [{ ...RING, resource: 'google_kms_key_ring.other' }] });
    expect(otherResource[0]).not.toBe(before[0]);
  });

  it('paths are percent-encoded URI references with forward slashes', () => {
    expect(artifactLocation('dir with space/a#b?.tf')).toEqual({ uri: 'dir%20with%20space/a%23b%3F.tf', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('c:weird/x.yml')).toEqual({ uri: 'c%3Aweird/x.yml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/abs/dir/ü.tf')).toEqual({ uri: 'file:///abs/dir/%C3%BC.tf' });
    expect(artifactLocation('C:\\repo\\infra\\main.tf')).toEqual({ uri: 'file:///C:/repo/infra/main.tf' });
    expect(artifactLocation('<stdin>')).toEqual({ uri: '%3Cstdin%3E', uriBaseId: '%SRCROOT%' });
    const hostileFile = finding({ ruleId: 'note-rule', file: `we ird/${HOSTILE}.yml`, line: 1, column: 1 });
    sarifOf({ ...FULL, findings: [hostileFile] });
  });

  it('a finding whose rule is missing from the metadata still gets a valid ruleIndex', () => {
    const run = sarifOf({ ...EMPTY, findings: [finding({ ruleId: 'plugin-rule', file: 'a.tf', line: 0, column: 0 })] }).runs[0]!;
    expect(run.tool.driver.rules).toEqual([{ id: 'plugin-rule', name: 'PluginRule' }]);
    expect(run.results[0]!.ruleIndex).toBe(0);
    expect(run.results[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 5 });
  });
});

describe('github', () => {
  const out = render('github', FULL);
  const lines = out.trimEnd().split('\n');

  it('one workflow command per line, then a plain summary', () => {
    const commands = lines.slice(0, -1);
    for (const l of commands) expect(l.startsWith('::')).toBe(true);
    // 4 unsuppressed findings + 3 errors; suppressed ones are not annotated.
    expect(commands).toHaveLength(7);
    expect(lines.at(-1)).toBe('iac-guard: 2 blocking findings (2 errors) in 2 of 7 files; 2 not blocking; 2 suppressed; 3 files not understood');
    expect(out).not.toContain('services.db.image');
  });

  it('blocking findings next, then the rest; severity maps to error / warning / notice with every position property', () => {
    expect(lines[3]).toBe(
      '::error file=infra/kms.tf,line=3,col=3,endLine=3,endColumn=8,title=kms-key-ring-replaced google_kms_key_ring.logs::' +
        'Replacing google_kms_key_ring.logs destroys every key in it; keep location "global".' +
        '%0Arelated: google_kms_crypto_key.archive at infra/kms.tf:12:1: crypto key destroyed with the ring' +
        '%0Arelated: at plan.json:40:7: the plan this came from',
    );
    expect(lines[5]).toBe('::warning file=stack/compose.yml,line=5,col=5,endLine=5,endColumn=10,title=logs-unrotated services.web.logging::services.web has no log rotation.');
    expect(lines[6]).toBe('::notice file=stack/compose.yml,line=9,col=7,endLine=9,endColumn=12,title=note-rule::just so you know');
  });

  it('escapes hostile names so they cannot end a property or start a new command', () => {
    const hostile = lines[4]!;
    expect(hostile.startsWith('::error file=stack/compose.yml,line=20,col=12,endLine=20,endColumn=17,title=image-unpinned services.evil%0Ab %3A%3Aerror%3A%3Ax %250A | <script>alert(1)</script> ](javascript%3Aalert(1)) \\x1b[31mred\\x1b[0m \\u202etxt.exe @octo-org/team ```x.image::')).toBe(true);
    // The message half: only %, CR and LF are encoded; the first `::` after the properties is the real separator.
    expect(hostile.endsWith('::service evil%0Ab ::error::x %250A | <script>alert(1)</script> ](javascript:alert(1)) \\x1b[31mred\\x1b[0m \\u202etxt.exe @octo-org/team ```x pulls latest')).toBe(true);
    expect(out).not.toContain(ESC);
    expect(out).not.toContain(BIDI);
  });

  it('files not understood come first (GitHub drops annotations past its cap), with the line when known', () => {
    expect(lines[0]).toBe('::error file=broken.yml,line=4,col=2,title=iac-guard%3A file not understood::YAML syntax error: unexpected end of the stream');
    expect(lines[1]).toBe('::error file=missing.json,title=iac-guard%3A file not understood::no such file or folder');
    expect(lines[2]).toBe('::error file=hostile\\x1b[2J.yml,title=iac-guard%3A file not understood::cannot parse%0A::warning::fake \\u202e');
  });

  it('warns when GitHub will not show every annotation', () => {
    const many = Array.from({ length: 11 }, (_, i) => finding({ ruleId: 'image-unpinned', file: 'c.yml', line: i + 1, column: 1 }));
    const out11 = render('github', { ...EMPTY, findings: many }).trimEnd().split('\n');
    expect(out11).toHaveLength(13);
    expect(out11[11]).toBe('iac-guard: GitHub shows only the first 10 annotations of each kind per step; every finding is listed in this log.');
    expect(render('github', { ...EMPTY, findings: many.slice(1) })).not.toContain('GitHub shows only');
  });

  it('escape functions follow the runner spec', () => {
    expect(escapeData('100%\r\nx:y,z')).toBe('100%25%0D%0Ax:y,z');
    expect(escapeProperty('100%\r\nx:y,z')).toBe('100%25%0D%0Ax%3Ay%2Cz');
  });

  it('quiet annotates only blocking findings', () => {
    const quiet = render('github', FULL, { quiet: true }).trimEnd().split('\n');
    expect(quiet.filter((l) => l.startsWith('::warning') || l.startsWith('::notice'))).toEqual([]);
    expect(quiet.filter((l) => l.startsWith('::error'))).toHaveLength(5);
  });
});

describe('markdown', () => {
  const out = render('markdown', FULL);

  it('starts with a verdict and the counts', () => {
    expect(out.startsWith('## ❌ iac-guard: blocked\n\n2 blocking findings (2 errors) in 2 of 7 files; 2 not blocking; 2 suppressed; 3 files not understood.\n')).toBe(true);
    expect(render('markdown', CLEAN).split('\n')[0]).toBe('## ✅ iac-guard: passed');
    expect(render('markdown', { ...EMPTY, errors: [ERRORS[1]!] }).split('\n')[0]).toBe('## ⚠️ iac-guard: failed, some files were not understood');
  });

  it('tables blocking findings first, folds the rest away, lists errors and the suppressed count', () => {
    const table = out.indexOf('| Severity | Rule | Resource or path | Location | Problem |');
    const details = out.indexOf('<details>');
    expect(table).toBeGreaterThan(0);
    expect(details).toBeGreaterThan(table);
    expect(out).toContain('| error | <code>kms\\-key\\-ring\\-replaced</code> | <code>google\\_kms\\_key\\_ring.logs</code> | <code>infra/kms.tf:3</code> | Replacing google\\_kms\\_key\\_ring.logs destroys every key in it; keep location "global". |');
    expect(out).toContain('<summary>2 findings not blocking under fail-on error</summary>');
    expect(out.indexOf('logs\\-unrotated')).toBeGreaterThan(details);
    expect(out).toContain('### Files not understood');
    expect(out).toContain('- <code>broken.yml:4:2</code>: YAML syntax error: unexpected end of the stream');
    expect(out).toContain('2 suppressed findings not shown');
    expect(out).not.toContain('services.db.image');
  });

  it('keeps a hostile value inside its cell: no raw pipe, line break, HTML, link, backtick or mention', () => {
    const row = out.split('\n').find((l) => l.startsWith('| error | <code>image'))!;
    expect(row.split(' | ')).toHaveLength(5);
    for (const raw of ['<script', '](', ESC, BIDI]) expect(row).not.toContain(raw);
    expect(row).not.toMatch(/(^|[^\\])`/);
    expect(row).toContain('\\`\\`\\`x');
    expect(row).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    expect(row).toContain('&#124;');
    expect(row).toContain('\\]\\(javascript:alert\\(1\\)\\)');
    expect(row).toContain('@\u200bocto\\-org/team');
    // Each row is exactly one line: the hostile LF became visible text.
    expect(row).toContain('evil\\\\nb');
    expect(markdownText('`code` *b* [x](y) ![i](z) $m$ <b>&amp;')).toBe('\\`code\\` \\*b\\* \\[x\\]\\(y\\) \\!\\[i\\]\\(z\\) \\$m\\$ &lt;b&gt;&amp;amp;');
  });

  it('caps the table and says how many were left out', () => {
    const many = Array.from({ length: MARKDOWN_TABLE_LIMIT + 7 }, (_, i) => finding({ ruleId: 'image-unpinned', file: 'c.yml', line: i + 1, column: 1, path: `services.s${i}.image` }));
    const md = render('markdown', { ...EMPTY, rules: RULES, findings: many });
    expect(md.split('\n').filter((l) => l.startsWith('| error |'))).toHaveLength(MARKDOWN_TABLE_LIMIT);
    expect(md).toContain('_7 more blocking findings not shown;');
  });

  it('keeps the whole comment under GitHub\'s 65,536 characters however long the messages', () => {
    const long = 'x'.repeat(2000);
    const many = Array.from({ length: 200 }, (_, i) => finding({ ruleId: 'image-unpinned', severity: i % 2 ? 'warning' : 'error', file: 'c.yml', line: i + 1, column: 1, message: long }));
    const md = render('markdown', { ...EMPTY, rules: RULES, findings: many });
    expect(md.length).toBeLessThan(65_536);
    const rows = md.split('\n').filter((l) => l.startsWith('| error |') || l.startsWith('| warning |'));
    expect(rows.join('\n').length).toBeLessThanOrEqual(MARKDOWN_TABLE_BUDGET + rows.length);
    expect(md).toContain(`_${100 - rows.length} more blocking findings not shown;`);
    expect(md).toContain('_100 non-blocking findings not shown;');
  });

  it('leaves the blast radius graph out rather than exceed the comment limit', () => {
    const quotes = '"'.repeat(MAX_LABEL_LENGTH);
    const related = Array.from({ length: MAX_BLAST_RADIUS_EDGES }, (_, i) => ({ message: quotes, resource: `${quotes}${i}` }));
    const many = Array.from({ length: 100 }, (_, i) => finding({ ruleId: 'r', file: 'c.yml', line: i + 1, column: 1, message: 'x'.repeat(2000), resource: `ring.r${i}`, related }));
    const md = render('markdown', { ...EMPTY, findings: many });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_COMMENT_LIMIT);
    expect(md).not.toContain('```mermaid');
    expect(md).toContain('_Blast radius graph left out: the comment would be too long for GitHub._');
  });

  it('renders code spans of a message as escaped <code>', () => {
    expect(markdownProse('services.web pulls `nginx:latest`; pin `a|b<i>` or not')).toBe(
      'services.web pulls <code>nginx:latest</code>; pin <code>a&#124;b&lt;i&gt;</code> or not',
    );
    expect(markdownProse('odd ` tick')).toBe('odd \\` tick');
  });

  it('quiet leaves out the non-blocking section', () => {
    expect(render('markdown', FULL, { quiet: true })).not.toContain('<details>');
  });

  it('draws the blast radius when findings have related resources', () => {
    expect(out).toContain('### Blast radius\n\n```mermaid\nflowchart LR\n  n1["google_kms_key_ring.logs"]:::flagged\n  n2["google_kms_crypto_key.archive"]\n  n1 -->|"crypto key destroyed with the ring"| n2\n');
    expect(render('markdown', CLEAN)).not.toContain('mermaid');
  });
});

describe('blastRadiusMermaid', () => {
  it('is empty without related resources', () => {
    expect(blastRadiusMermaid(CLEAN)).toBe('');
    expect(blastRadiusMermaid({ ...EMPTY, findings: [SUPPRESSED_CONFIG, { ...RING, suppressed: true }] })).toBe('');
  });

  it('escapes quotes, brackets, backticks and control characters in labels', () => {
    const ring = finding({
      ruleId: 'kms-key-ring-replaced',
      file: 'k.tf',
      line: 1,
      column: 1,
      resource: 'module.x["a"].ring',
      related: [{ message: 'key "k" ``` [x] (y) {z} |w| #1; <b>\nnext', resource: 'google_kms_crypto_key.k[0]' }],
    });
    const graph = blastRadiusMermaid({ ...EMPTY, findings: [ring] });
    expect(graph.split('\n')).toEqual([
      'flowchart LR',
      '  n1["module.x#91;#quot;a#quot;#93;.ring"]:::flagged',
      '  n2["google_kms_crypto_key.k#91;0#93;"]',
      '  n1 -->|"key #quot;k#quot; #96;#96;#96; #91;x#93; #40;y#41; #123;z#125; #124;w#124; #35;1#59; #lt;b#gt;\\nnext"| n2',
      '  classDef flagged fill:#ffebe9,stroke:#cf222e,color:#1f2328',
    ]);
  });

  it('reuses a node for a resource named twice, caps the edges and cuts long labels', () => {
    const related = Array.from({ length: MAX_BLAST_RADIUS_EDGES + 5 }, (_, i) => ({ message: 'key', resource: `key.k${i}` }));
    const graph = blastRadiusMermaid({ ...EMPTY, findings: [finding({ ruleId: 'r', file: 'a', line: 1, column: 1, resource: 'ring.a', related })] });
    expect(graph.split('\n').filter((l) => l.includes('-->'))).toHaveLength(MAX_BLAST_RADIUS_EDGES);
    expect(graph.split('\n').filter((l) => l.includes('["ring.a"]'))).toHaveLength(1);
    expect(graph).toContain('omitted["5 more related resources not drawn"]');

    const long = `${'a'.repeat(MAX_LABEL_LENGTH - 2)}😀😀😀`;
    const cut = blastRadiusMermaid({ ...EMPTY, findings: [finding({ ruleId: 'r', file: 'a', line: 1, column: 1, resource: long, related: [{ message: 'm', resource: 'k' }] })] });
    expect(cut).toContain(`n1["${'a'.repeat(MAX_LABEL_LENGTH - 2)}😀…"]`);
  });
});

describe('root cause first', () => {
  it('text and markdown list the key ring before the keys that die with it, and the keys before the disk they encrypt', async () => {
    const { cli } = await import('./helpers/cli.js');
    const order = (out: string) =>
      ['google_kms_key_ring.logs', 'google_kms_crypto_key.backups', 'google_compute_disk.pg_backups'].map((r) => out.indexOf(r.replace(/_/g, '\\_')) >= 0 ? out.indexOf(r.replace(/_/g, '\\_')) : out.indexOf(r));
    const text = cli(['examples/keyring-swap/plan.json']).stdout;
    const rows = text.split('\n').filter((l) => /^\s+error /.test(l)).map((l) => l.trim().split(/\s+/).pop());
    expect(rows[0]).toBe('google_kms_key_ring.logs');
    expect(rows.indexOf('google_kms_crypto_key.backups')).toBeLessThan(rows.indexOf('google_compute_disk.pg_backups'));
    const markdown = cli(['examples/keyring-swap/plan.json', '--format', 'markdown']).stdout;
    const [ring, key, disk] = order(markdown.slice(markdown.indexOf('|')));
    expect(ring).toBeLessThan(key!);
    expect(key).toBeLessThan(disk!);
  });
});
