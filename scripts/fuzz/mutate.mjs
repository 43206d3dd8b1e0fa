// Byte- and line-level mutations of a seed file, as fast-check arbitraries: what a broken editor,
// a bad merge, a truncated download or a hostile pull request does to a file.
import fc from 'fast-check';

/** Syntax that matters to our parsers, inserted whole so mutations reach past the tokenizer. */
const TOKENS = {
  common: ['\n', '\r\n', '\r', '\t', ' ', '"', "'", '\\', '#', '{', '}', '[', ']', ':', ',', '\u0000', '\ufeff', '\u2028', '\u202e', '\u001b[31m', '💥', '%0A', '::error::x', '<script>', '${', '}}', '{{', '\ud800'],
  yaml: ['- ', ': ', '? ', '&a ', '*a', '<<: *a', '!!binary ', '!!str ', '!Ref ', '|', '>-', '---\n', '...\n', '%YAML 1.2\n', 'services:', 'image: nginx:latest', 'ports: ["0.0.0.0:22:22"]', 'logging: {driver: none}', 'deploy:', '~', 'null', '.inf', '0x1F', '1e999', '"\\u0000"', '-----BEGIN CERTIFICATE-----\n'],
  json: ['{}', '[]', 'null', 'true', '1e999', '-0', '"\\ud800"', '"\\u0000"', '"actions":["delete","create"]', '"before":', '"after":', '"resource_changes":[', '"format_version":"1.2",', '"address":"a.b"', ',,', '"__proto__":{}', '"constructor":'],
  hcl: ['resource "a" "b" {', 'module "m" {', 'source = "./x"', 'lifecycle {', 'prevent_destroy = false', '${', '%{ if true }', '%{ endif }', '<<EOT\n', '\nEOT\n', '<<-EOT\n', '=>', '...', '[*]', '.*', 'for k, v in x :', '? 1 : 2', 'var.', 'local.', 'each.key', 'count.index', 'file("/etc/passwd")', '/*', '*/', '//', '0x', '1.2.3', '"\\u"', 'dynamic "x" {', 'content {'],
};

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const smallCount = fc.integer({ min: 1, max: 16 });

/** @param {'yaml'|'json'|'hcl'} syntax */
export function mutationOp(syntax) {
  const tokens = [...TOKENS.common, ...TOKENS[syntax]];
  return fc.oneof(
    fc.record({ op: fc.constant('flip'), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('insertBytes'), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ op: fc.constant('insertToken'), at: position, token: fc.constantFrom(...tokens) }),
    fc.record({ op: fc.constant('delete'), at: position, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ op: fc.constant('duplicate'), at: position, length: fc.integer({ min: 1, max: 256 }), to: position }),
    fc.record({ op: fc.constant('truncate'), at: position }),
    fc.record({ op: fc.constant('swapLines'), a: position, b: position }),
    fc.record({ op: fc.constant('deleteLine'), at: position }),
    fc.record({ op: fc.constant('repeatLine'), at: position, times: fc.integer({ min: 2, max: 200 }) }),
    fc.record({ op: fc.constant('indent'), at: position, by: fc.integer({ min: -8, max: 8 }) }),
    fc.record({ op: fc.constant('nest'), at: position, depth: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 400 }) }, fc.integer({ min: 1000, max: 6000 })), open: fc.constantFrom('[', '{', '(', '- ', '[{"a":') }),
    fc.record({ op: fc.constant('crlf') }),
    fc.record({ op: fc.constant('bom'), kind: fc.constantFrom('utf8', 'utf16le', 'utf16be') }),
    fc.record({ op: fc.constant('replaceAll'), from: fc.constantFrom(':', '"', ' ', '\n', '=', '{', '-'), to: fc.constantFrom('', '\t', '\r', '::', '""', '==') }),
    fc.record({ op: fc.constant('repeatToken'), at: position, token: fc.constantFrom(...tokens), times: smallCount }),
  );
}

/** 1 to 6 mutations, mostly 1: one break at a time reaches deeper than a file in pieces. */
export const mutations = (syntax) => fc.oneof({ weight: 3, arbitrary: fc.array(mutationOp(syntax), { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(mutationOp(syntax), { minLength: 2, maxLength: 6 }) });

const CLOSE = { '[': ']', '{': '}', '(': ')', '- ': '', '[{"a":': '}]' };

const splitLines = (buf) => buf.toString('latin1').split('\n');
const joinLines = (lines) => Buffer.from(lines.join('\n'), 'latin1');
const at = (buf, fraction) => Math.floor(fraction * (buf.length + 1));
const lineIndex = (lines, fraction) => Math.min(lines.length - 1, Math.floor(fraction * lines.length));

/** Applies mutations to the bytes of a seed. Pure: the same input gives the same output. */
export function applyMutations(seed, ops) {
  let buf = Buffer.from(seed);
  for (const m of ops) buf = applyOne(buf, m);
  return buf;
}

function applyOne(buf, m) {
  const splice = (i, del, insert) => Buffer.concat([buf.subarray(0, i), Buffer.from(insert), buf.subarray(Math.min(buf.length, i + del))]);
  switch (m.op) {
    case 'flip': {
      if (!buf.length) return buf;
      const i = Math.min(buf.length - 1, at(buf, m.at));
      const out = Buffer.from(buf);
      out[i] ^= 1 << m.bit;
      return out;
    }
    case 'insertBytes':
      return splice(at(buf, m.at), 0, m.bytes);
    case 'insertToken':
      return splice(at(buf, m.at), 0, Buffer.from(m.token, 'utf8'));
    case 'repeatToken':
      return splice(at(buf, m.at), 0, Buffer.from(m.token.repeat(m.times), 'utf8'));
    case 'delete':
      return splice(at(buf, m.at), m.length, []);
    case 'duplicate': {
      const from = at(buf, m.at);
      return splice(at(buf, m.to), 0, buf.subarray(from, from + m.length));
    }
    case 'truncate':
      return buf.subarray(0, at(buf, m.at));
    case 'swapLines': {
      const lines = splitLines(buf);
      const a = lineIndex(lines, m.a);
      const b = lineIndex(lines, m.b);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return joinLines(lines);
    }
    case 'deleteLine': {
      const lines = splitLines(buf);
      lines.splice(lineIndex(lines, m.at), 1);
      return joinLines(lines);
    }
    case 'repeatLine': {
      const lines = splitLines(buf);
      const i = lineIndex(lines, m.at);
      lines.splice(i, 0, ...Array(m.times - 1).fill(lines[i]));
      return joinLines(lines);
    }
    case 'indent': {
      const lines = splitLines(buf);
      const i = lineIndex(lines, m.at);
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.by}}`), '');
      return joinLines(lines);
    }
    case 'nest': {
      const i = at(buf, m.at);
      const open = m.open === '- ' ? Array.from({ length: m.depth }, (_, d) => `\n${'  '.repeat(d)}- `).join('') : m.open.repeat(m.depth);
      return Buffer.concat([buf.subarray(0, i), Buffer.from(open + '1' + CLOSE[m.open].repeat(m.depth)), buf.subarray(i)]);
    }
    case 'crlf':
      return Buffer.from(buf.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'bom':
      if (m.kind === 'utf8') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
      return m.kind === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(buf.toString('utf8'), 'utf16le')]) : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(buf.toString('utf8'), 'utf16le').swap16()]);
    case 'replaceAll':
      return Buffer.from(buf.toString('latin1').split(m.from).join(m.to), 'latin1');
    default:
      throw new Error(`unknown mutation ${m.op}`);
  }
}
