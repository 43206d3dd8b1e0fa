// The Compose parsing pieces on their own: interpolation, env files, ports and volumes.
import { describe, expect, it } from 'vitest';
import { interpolate } from '../src/parsers/compose-interpolate.js';
import { parseEnvFile } from '../src/parsers/compose-env.js';
import { parsePort, parseVolume } from '../src/parsers/compose-values.js';
import type { CNode } from '../src/parsers/compose-tree.js';
import { ParseError } from '../src/core/errors.js';

const env: Record<string, string> = { TAG: '1.2.3', EMPTY: '', HOST: 'db' };
const lookup = (n: string) => env[n];

describe('interpolate', () => {
  it.each([
    ['plain', 'plain', false],
    ['app:${TAG}', 'app:1.2.3', false],
    ['app:$TAG', 'app:1.2.3', false],
    ['$$HOME and $${TAG}', '$HOME and ${TAG}', false],
    ['${MISSING:-5432}', '5432', false],
    ['${EMPTY:-fallback}', 'fallback', false],
    ['${EMPTY-fallback}', '', false],
    ['${MISSING-fallback}', 'fallback', false],
    ['${MISSING:-${HOST:-x}}:5432', 'db:5432', false],
    ['${TAG:+set}', 'set', false],
    ['${MISSING:+set}', '', false],
    ['${TAG:?need a tag}', '1.2.3', false],
  ])('%s → %s', (input, value, unresolved) => {
    expect(interpolate(input, lookup)).toEqual({ value, unresolved });
  });

  it('keeps unset variables as written and says so, never guessing', () => {
    expect(interpolate('app:${MISSING}', lookup)).toEqual({ value: 'app:${MISSING}', unresolved: true });
    expect(interpolate('$MISSING/x', lookup)).toEqual({ value: '$MISSING/x', unresolved: true });
    expect(interpolate('${MISSING:?set it}', lookup)).toEqual({ value: '${MISSING:?set it}', unresolved: true });
    expect(interpolate('${EMPTY?set it}', lookup)).toEqual({ value: '', unresolved: false });
    expect(interpolate('${unclosed', lookup).unresolved).toBe(true);
  });
});

describe('parseEnvFile', () => {
  const text = [
    '# comment',
    'PLAIN=value # trailing comment',
    'export EXPORTED=yes',
    "SINGLE='${TAG} stays'",
    'DOUBLE="tag ${TAG}\\n"',
    'MULTI="line one',
    'line two"',
    'COLON: value',
    'REF=${PLAIN}-x',
    'BARE',
    '  INDENTED=1',
  ].join('\n');
  const parsed = parseEnvFile(text, 'app.env', lookup);
  const byName = Object.fromEntries(parsed.entries.map((e) => [e.name, e]));

  it('reads values as Compose does', () => {
    expect(byName.PLAIN?.value).toBe('value');
    expect(byName.EXPORTED?.value).toBe('yes');
    expect(byName.SINGLE?.value).toBe('${TAG} stays');
    expect(byName.DOUBLE?.value).toBe('tag 1.2.3\n');
    expect(byName.MULTI?.value).toBe('line one\nline two');
    expect(byName.COLON?.value).toBe('value');
    expect(byName.REF?.value).toBe('value-x');
    expect(byName.BARE).toMatchObject({ name: 'BARE', unresolved: false });
    expect(byName.BARE?.value).toBeUndefined();
  });

  it('keeps the position of each name', () => {
    expect(byName.PLAIN?.range.start).toEqual({ line: 2, column: 1 });
    expect(byName.EXPORTED?.range.start).toEqual({ line: 3, column: 8 });
    expect(byName.MULTI?.range).toEqual({ start: { line: 6, column: 1 }, end: { line: 7, column: 10 } });
    expect(byName.INDENTED?.range.start).toEqual({ line: 11, column: 3 });
  });

  it('finds iac-guard-ignore comments above and after a variable', () => {
    const s = parseEnvFile('# iac-guard-ignore wildcard-allowlist: lab only\nA=*\nB=* # iac-guard-ignore wildcard-allowlist: also lab\n', 'x.env', lookup);
    expect(s.suppressions.map((x) => [x.reason, x.comment.start, x.covers.start])).toEqual([
      ['lab only', { line: 1, column: 1 }, { line: 2, column: 1 }],
      ['also lab', { line: 3, column: 5 }, { line: 3, column: 1 }],
    ]);
  });

  it('rejects lines Compose rejects, with file:line:column', () => {
    expect(() => parseEnvFile('GOOD=1\nnot a variable\n', 'bad.env', lookup)).toThrow(ParseError);
    try {
      parseEnvFile('GOOD=1\nnot a variable\n', 'bad.env', lookup);
    } catch (e) {
      expect(e).toMatchObject({ file: 'bad.env', line: 2, column: 1 });
    }
    expect(() => parseEnvFile('A="open\n', 'bad.env', lookup)).toThrow(/unterminated/);
  });
});

const at = { file: 'c.yml', range: { start: { line: 3, column: 9 }, end: { line: 3, column: 20 } } };
const scalar = (value: string | number, unresolved = false): CNode => ({ kind: 'scalar', at, value, raw: value, unresolved });
const map = (o: Record<string, string | number>): CNode => ({
  kind: 'map',
  at,
  entries: new Map(Object.entries(o).map(([k, v]) => [k, scalar(v)])),
});

describe('parsePort', () => {
  it.each([
    ['5432', 'all', undefined, undefined, 5432, 'tcp'],
    ['8080:80', 'all', undefined, 8080, 80, 'tcp'],
    ['127.0.0.1:5432:5432', 'specific', '127.0.0.1', 5432, 5432, 'tcp'],
    ['0.0.0.0:6379:6379', 'all', '0.0.0.0', 6379, 6379, 'tcp'],
    ['[::1]:5432:5432', 'specific', '::1', 5432, 5432, 'tcp'],
    ['[::]:9200:9200', 'all', '::', 9200, 9200, 'tcp'],
    ['::1:5432:5432', 'specific', '::1', 5432, 5432, 'tcp'],
    ['53:53/udp', 'all', undefined, 53, 53, 'udp'],
    ['127.0.0.1::5432', 'specific', '127.0.0.1', undefined, 5432, 'tcp'],
  ])('%s', (raw, bind, hostIp, published, target, protocol) => {
    const p = parsePort(scalar(raw), 'services.db.ports[0]');
    expect(p).toMatchObject({ bind, protocol, path: 'services.db.ports[0]', at });
    expect(p.hostIp).toBe(hostIp);
    expect(p.published?.start).toBe(published);
    expect(p.target?.start).toBe(target);
  });

  it('reads numbers, ranges and the long syntax', () => {
    expect(parsePort(scalar(5432), 'p').target).toEqual({ start: 5432, end: 5432 });
    expect(parsePort(scalar('8000-8010:8000-8010'), 'p')).toMatchObject({ published: { start: 8000, end: 8010 }, target: { start: 8000, end: 8010 } });
    expect(parsePort(map({ target: 5432, published: '15432', host_ip: '127.0.0.1', protocol: 'tcp' }), 'p')).toMatchObject({
      bind: 'specific',
      hostIp: '127.0.0.1',
      published: { start: 15432, end: 15432 },
      target: { start: 5432, end: 5432 },
    });
    expect(parsePort(map({ target: 6379 }), 'p')).toMatchObject({ bind: 'all', target: { start: 6379, end: 6379 } });
  });

  it('leaves parts that are unset variables unknown', () => {
    expect(parsePort(scalar('${BIND}:5432:5432', true), 'p')).toMatchObject({ bind: 'unknown', target: { start: 5432, end: 5432 } });
    const p = parsePort(scalar('${PORT:?set it}:5432', true), 'p');
    expect(p).toMatchObject({ bind: 'all', target: { start: 5432, end: 5432 } });
    expect(p.published).toBeUndefined();
  });

  it('rejects what Docker rejects, at the list item', () => {
    expect(() => parsePort(scalar('80:http'), 'services.web.ports[1]')).toThrow(/services\.web\.ports\[1\]: invalid container port "http"/);
    expect(() => parsePort(scalar('70000:80'), 'p')).toThrow(/invalid published port range/);
    expect(() => parsePort(map({ published: 80 }), 'p')).toThrow(/needs `target`/);
    try {
      parsePort(scalar('x'), 'p');
    } catch (e) {
      expect(e).toMatchObject({ file: 'c.yml', line: 3, column: 9 });
    }
  });
});

describe('parseVolume', () => {
  it.each([
    ['pgdata:/var/lib/postgresql/data', 'volume', 'pgdata', '/var/lib/postgresql/data'],
    ['./data:/data:ro', 'bind', './data', '/data'],
    ['/srv/db:/var/lib/mysql', 'bind', '/srv/db', '/var/lib/mysql'],
    ['~/db:/data', 'bind', '~/db', '/data'],
    ['/data/db', 'volume', undefined, '/data/db'],
  ])('%s', (raw, type, source, target) => {
    const v = parseVolume(scalar(raw), 'v');
    expect(v.type).toBe(type);
    expect(v.source).toBe(source);
    expect(v.target).toBe(target);
  });

  it('reads the long syntax and unknown targets', () => {
    expect(parseVolume(map({ type: 'tmpfs', target: '/cache' }), 'v')).toMatchObject({ type: 'tmpfs', target: '/cache' });
    expect(parseVolume(scalar('data:${DIR}', true), 'v').target).toBeUndefined();
    expect(() => parseVolume(map({ type: 'bind', source: './x' }), 'v')).toThrow(/needs `target`/);
  });
});
