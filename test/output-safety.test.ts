// Names and values from scanned files end up in reports. Whatever they contain, they must not
// drive the terminal (escape sequences), issue GitHub workflow commands (a line starting with
// `::`), or add markup to a markdown comment. Real scans of hostile files, every format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';

const ESC = '\u001b';
const HOSTILE_SERVICE = `x${ESC}[31m::error::pwn`;
const HTML_SERVICE = '<img src=x onerror=alert(1)>|`a`](javascript:alert(1))';
const PLAN_KEY = 'a\nb%0A::error::pwn\u202e';
const EVIL_FILE = 'evil\n::error::file,x=1.yml';

let dir: string;
let json: { findings: { ruleId: string; file: string; path?: string; resource?: string; message: string }[]; errors: { file: string; message: string }[] };
const targets = ['docker-compose.yml', 'plan.json', EVIL_FILE, 'broken/docker-compose.yml'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iac-guard-output-safety-'));
  // YAML double-quoted "\e" is ESC; the service names reach findings as YAML paths.
  writeFileSync(
    join(dir, 'docker-compose.yml'),
    ['services:', '  "x\\e[31m::error::pwn":', '    image: nginx:latest', `  "${HTML_SERVICE}":`, '    image: redis:7.2', '    environment:', '      ACCEPTED_IPS: "*"', ''].join('\n'),
  );
  const change = { address: `aws_db_instance.db[${JSON.stringify(PLAN_KEY)}]`, mode: 'managed', type: 'aws_db_instance', name: 'db', index: PLAN_KEY, change: { actions: ['delete'], before: { identifier: 'x' }, after: null } };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ format_version: '1.2', resource_changes: [change] }));
  writeFileSync(join(dir, EVIL_FILE), 'services:\n  web:\n    image: nginx:latest\n');
  // Not understood, and the error message quotes the hostile name (an OSC 8 link and a bell in it).
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken/docker-compose.yml'), `services:\n  web:\n    image: nginx:1.27\n    extends:\n      service: "x\\e]8;;http://evil\\a::error::pwn"\n`);
  const r = cli([...targets, '--format', 'json'], { cwd: dir });
  json = JSON.parse(r.stdout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Characters that change how a terminal or a reader sees text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('hostile names reach the report', () => {
  it('as data in JSON: exact strings back, no raw control characters', () => {
    expect(json.findings.map((f) => f.path)).toEqual(expect.arrayContaining([`services.${HOSTILE_SERVICE}.image`, `services.${HTML_SERVICE}.environment.ACCEPTED_IPS`]));
    expect(json.findings.map((f) => f.resource)).toContain(`aws_db_instance.db[${JSON.stringify(PLAN_KEY)}]`);
    expect(json.findings.map((f) => f.file)).toContain(EVIL_FILE);
    expect(json.errors.map((e) => e.file)).toEqual(['broken/docker-compose.yml']);
    expect(json.errors[0]!.message).toContain(ESC);
  });
});

describe.each(['text', 'github', 'markdown', 'sarif', 'json'])('--format %s', (format) => {
  let out: string;
  let err: string;
  beforeAll(() => {
    const r = cli([...targets, '--format', format], { cwd: dir });
    expect(r.code).toBe(2); // the broken file makes it exit 2; the rest was still reported
    out = r.stdout;
    err = r.stderr;
  });

  it('writes no escape sequence, bidi override or other control character', () => {
    for (const line of `${out}\n${err}`.split('\n')) expect(line).not.toMatch(UNSAFE);
  });

  it('starts no line with a workflow command it did not mean to write', () => {
    const commands = out.split('\n').filter((l) => l.startsWith('::'));
    if (format !== 'github') {
      expect(commands).toEqual([]);
      return;
    }
    // One annotation per finding and per unreadable file; properties hold no raw `:` or `,` of the input.
    expect(commands).toHaveLength(json.findings.length + json.errors.length);
    for (const c of commands) expect(c).toMatch(/^::(error|warning|notice) (file=[^,:\n]*,line=\d+(,col=\d+)?(,endLine=\d+)?(,endColumn=\d+)?,)?title=[^:\n]*::/);
    expect(err.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
  });

  it('adds no markup of its own making from the input', () => {
    if (format !== 'markdown') return;
    const tags = new Set([...out.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()));
    for (const t of tags) expect(['code', 'br', 'details', 'summary', 'sub', 'b']).toContain(t);
    expect(out).not.toContain('](javascript:');
    // Every table row keeps its columns: a `|` from the input is escaped.
    const rows = out.split('\n').filter((l) => l.startsWith('| '));
    const columns = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const row of rows) expect(columns(row)).toBe(columns(rows[0]!));
  });

  it('still names every hostile finding', () => {
    const rules = ['compose-log-rotation', 'image-unpinned', 'wildcard-allowlist', 'plan-stateful-destroyed'];
    // Markdown escapes `-` in rule ids.
    for (const id of rules) expect(out.replace(/\\/g, '')).toContain(id);
  });
});
