// The Terraform parser: positions of blocks, labels, attributes and values; templates, heredocs
// and escapes; `.tf.json`; and syntax errors reported with HashiCorp's wording and position.
import { describe, expect, it } from 'vitest';
import { ParseError } from '../src/core/errors.js';
import type { Expr, HclFile, Span, TemplateExpr } from '../src/parsers/hcl-ast.js';
import { parseTerraformFile, parseTerraformFileSync } from '../src/parsers/hcl.js';
import { HclSyntaxError, parseHclSyntax, parseTemplateContent } from '../src/parsers/hcl-syntax.js';
import { evaluate, UNKNOWN, type EvalScope } from '../src/parsers/hcl-eval.js';

const file = (text: string, path = 'main.tf'): HclFile => parseTerraformFileSync({ path, absPath: `/virtual/${path}`, text });
const at = (f: HclFile, span: Span) => {
  const r = f.range(span);
  return [r.start.line, r.start.column, r.end.line, r.end.column];
};

const scope: EvalScope = {
  variable: (n) => ({ region: 'europe-west1', ports: [22, 443], flag: true })[n] ?? UNKNOWN,
  local: () => UNKNOWN,
  path: () => '/mod',
  readFile: () => undefined,
};
const value = (src: string) => evaluate(parseHclSyntax(`x = ${src}\n`).body.attributes[0]!.expr, scope);

describe('positions', () => {
  const f = file(
    [
      '# header',
      'resource "google_kms_key_ring" "ring" {',
      '  name     = "log-archive"',
      '  location = var.infra_region',
      '',
      '  lifecycle {',
      '    prevent_destroy = true',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const block = f.body.blocks[0]!;

  it('locates a block from its type keyword to its closing brace, and each label', () => {
    expect(block.type).toBe('resource');
    expect(at(f, block)).toEqual([2, 1, 9, 2]);
    expect(block.labels.map((l) => [l.value, ...at(f, l)])).toEqual([
      ['google_kms_key_ring', 2, 10, 2, 31],
      ['ring', 2, 32, 2, 38],
    ]);
  });

  it('locates attributes (name to end of value), their names and their values', () => {
    const location = block.body.attributes[1]!;
    expect(location.name).toBe('location');
    expect(at(f, location)).toEqual([4, 3, 4, 30]);
    expect(at(f, { start: location.start, end: location.nameEnd })).toEqual([4, 3, 4, 11]);
    expect(at(f, location.expr)).toEqual([4, 14, 4, 30]);
    expect(f.source(location.expr)).toBe('var.infra_region');
  });

  it('locates nested blocks and keeps comments with their spans', () => {
    const lifecycle = block.body.blocks[0]!;
    expect(at(f, lifecycle)).toEqual([6, 3, 8, 4]);
    expect(at(f, lifecycle.body.attributes[0]!)).toEqual([7, 5, 7, 27]);
    expect(f.comments.map((c) => [c.text, ...at(f, c.span)])).toEqual([['# header', 1, 1, 1, 9]]);
  });

  it('counts columns in UTF-16 code units, like editors', () => {
    const g = file('a = "héllo 🙂"\nb = 1\n');
    expect(at(g, g.body.attributes[1]!)).toEqual([2, 1, 2, 6]);
    const t = g.body.attributes[0]!.expr as TemplateExpr;
    expect(at(g, t)).toEqual([1, 5, 1, 15]);
  });

  it('keeps the spaces a quoted string starts and ends with (tree-sitter drops them)', () => {
    expect(value('"  padded ${var.region}  "')).toBe('  padded europe-west1  ');
  });
});

describe('expressions', () => {
  it('evaluates literals, templates, collections, conditionals and functions', () => {
    expect(value('"ring-${var.region}"')).toBe('ring-europe-west1');
    expect(value('"${var.ports}"')).toEqual([22, 443]);
    expect(value('[1, "two", true, null]')).toEqual([1, 'two', true, null]);
    expect(value('{ a = 1, "b" = "c", d: [] }')).toEqual({ a: 1, b: 'c', d: [] });
    expect(value('var.flag ? "on" : "off"')).toBe('on');
    expect(value('var.unknown ? "on" : "off"')).toBe(UNKNOWN);
    expect(value('var.unknown ? "same" : "same"')).toBe('same');
    expect(value('jsonencode({ image = "nginx:1" })')).toBe('{"image":"nginx:1"}');
    expect(value('format("%s-%d", "a", 7)')).toBe('a-7');
    expect(value('[for p in var.ports : p + 1 if p > 100]')).toEqual([444]);
    expect(value('merge({ a = 1 }, { b = 2 })')).toEqual({ a: 1, b: 2 });
    expect(value('1 + 2 * 3 == 7 && !false')).toBe(true);
    expect(value('-5')).toBe(-5);
  });

  it('returns UNKNOWN for anything that needs Terraform: resources, data, each, unknown functions', () => {
    expect(value('aws_kms_key.k.arn')).toBe(UNKNOWN);
    expect(value('data.x.y.id')).toBe(UNKNOWN);
    expect(value('each.value')).toBe(UNKNOWN);
    expect(value('"a-${aws_s3_bucket.b.id}"')).toBe(UNKNOWN);
    expect(value('timestamp()')).toBe(UNKNOWN);
    expect(value('try(var.unknown.x, "fallback")')).toBe(UNKNOWN);
  });

  it('handles escapes, $${ and %%{ literals, strip markers and directives', () => {
    expect(value('"a\\nb\\t\\"c\\" \\u00e9"')).toBe('a\nb\t"c" é');
    expect(value('"$${not} %%{ if }"')).toBe('${not} %{ if }');
    expect(value('"a  ${~ "b" ~}  c"')).toBe('abc');
    expect(value('"%{ if var.flag }yes%{ else }no%{ endif }"')).toBe('yes');
  });

  it('reads heredocs, removing the shared indentation of <<- ones', () => {
    const f = file('a = <<-EOT\n    one\n      two\n    ${var.region}\n  EOT\nb = <<EOT\n  kept\nEOT\n');
    expect(evaluate(f.body.attributes[0]!.expr, scope)).toBe('one\n  two\neurope-west1\n');
    expect(evaluate(f.body.attributes[1]!.expr, scope)).toBe('  kept\n');
    expect(at(f, f.body.attributes[1]!)).toEqual([6, 1, 8, 4]);
  });

  it('parses what real modules write: multi-line traversals in parentheses, splats, for, provider functions', () => {
    const f = file(
      [
        'x = (',
        '  var.a',
        '  .b.',
        '  c',
        ')',
        'y = aws_instance.web[*].id',
        'z = { for k, v in var.m : k => v... if v != null }',
        'w = provider::aws::arn_parse("arn")',
        'v = aws_x.y.0.id',
        'u = f(var.list...)',
        '',
      ].join('\n'),
    );
    const [x, y, z, w, v, u] = f.body.attributes.map((a) => a.expr);
    expect(x!.type).toBe('paren');
    expect(evaluate(x!, { ...scope, variable: () => ({ b: { c: 'deep' } }) })).toBe('deep');
    expect(y!.type === 'getattr' && y!.object.type).toBe('splat');
    expect([z!.type, w!.type, u!.type]).toEqual(['for', 'call', 'call']);
    expect(v!.type === 'getattr' && v!.object.type).toBe('index');
    expect((f.body.attributes[3]!.expr as Extract<Expr, { type: 'call' }>).name).toBe('provider::aws::arn_parse');
  });

  it('accepts single-line blocks and bare identifiers as labels', () => {
    const f = file('variable "a" {}\nresource x y { count = 1 }\n');
    expect(f.body.blocks.map((b) => [b.type, b.labels.map((l) => l.value), b.body.attributes.length])).toEqual([
      ['variable', ['a'], 0],
      ['resource', ['x', 'y'], 1],
    ]);
  });
});

describe('template text parts', () => {
  // [start, end, value] of each part: the text between escapes is sliced from the source, escapes
  // decoded, so both the spans and the values must stay exact around them.
  const parts = (src: string) => {
    const t = parseHclSyntax(`x = ${src}\n`).body.attributes[0]!.expr as TemplateExpr;
    return t.parts.map((p) => (p.type === 'text' ? [p.start, p.end, p.value] : [p.start, p.end, p.type]));
  };

  it('keeps one text part per run of text, with escapes decoded in place', () => {
    expect(parts('""')).toEqual([]);
    expect(parts('"plain"')).toEqual([[5, 10, 'plain']]);
    expect(parts('"a\\tb$${c}%%{d}e"')).toEqual([[5, 20, 'a\tb${c}%{d}e']]);
    expect(parts('"$ and % alone, $$ too"')).toEqual([[5, 26, '$ and % alone, $$ too']]);
    expect(parts('"a\\n${var.x}b\\u00e9"')).toEqual([
      [5, 8, 'a\n'],
      [8, 16, 'interp'],
      [16, 23, 'bé'],
    ]);
  });

  it('keeps heredoc lines (CRLF included) as written, without backslash escapes', () => {
    expect(parts('<<EOT\r\nC:\\dir $${x}\r\n${var.y}\r\nEOT')).toEqual([
      [11, 25, 'C:\\dir ${x}\r\n'],
      [25, 33, 'interp'],
      [33, 35, '\r\n'],
    ]);
    expect(parts('<<EOT\nEOT')).toEqual([]);
  });

  it('removes the shared indentation of <<- heredocs line by line, blank lines included', () => {
    const f = parseHclSyntax('x = <<-EOT\n    a\n\n      b\n  \n    ${var.c} d\n  EOT\n');
    const t = f.body.attributes[0]!.expr as TemplateExpr;
    expect(t.parts.map((p) => (p.type === 'text' ? p.value : p.type))).toEqual(['a\n\n  b\n\n', 'interp', ' d\n']);
  });

  it('reads JSON string content as raw template text', () => {
    const t = parseTemplateContent('pre ${var.x} \\n $${y}', 0);
    expect(t.parts.map((p) => (p.type === 'text' ? [p.start, p.end, p.value] : [p.start, p.end, p.type]))).toEqual([
      [0, 4, 'pre '],
      [4, 12, 'interp'],
      [12, 21, ' \\n ${y}'],
    ]);
  });
});

describe('.tf.json', () => {
  const f = file(
    [
      '{',
      '  "//": "generated by cdktf",',
      '  "resource": {',
      '    "google_kms_key_ring": {',
      '      "ring": {',
      '        "name": "r-${var.region}",',
      '        "location": "global",',
      '        "lifecycle": { "prevent_destroy": true }',
      '      }',
      '    }',
      '  },',
      '  "variable": { "region": { "default": "${not-a-template}" } }',
      '}',
      '',
    ].join('\n'),
    'main.tf.json',
  );

  it('builds the same blocks with labels, attributes and positions', () => {
    const [ring, variable] = f.body.blocks;
    expect(ring!.type).toBe('resource');
    expect(ring!.labels.map((l) => l.value)).toEqual(['google_kms_key_ring', 'ring']);
    expect(at(f, ring!).slice(0, 2)).toEqual([5, 7]);
    const name = ring!.body.attributes[0]!;
    expect(at(f, name)).toEqual([6, 9, 6, 34]);
    expect(evaluate(name.expr, scope)).toBe('r-europe-west1');
    expect(variable!.labels[0]!.value).toBe('region');
  });

  it('takes variable defaults literally, not as templates', () => {
    const def = f.body.blocks[1]!.body.attributes[0]!;
    expect(evaluate(def.expr, scope)).toBe('${not-a-template}');
  });

  it('reads .tfvars.json as variable values', () => {
    const v = file('{ "region": "us-east1", "ports": [22] }', 'prod.tfvars.json');
    expect(v.body.attributes.map((a) => [a.name, evaluate(a.expr, scope)])).toEqual([
      ['region', 'us-east1'],
      ['ports', [22]],
    ]);
  });
});

describe('syntax errors', () => {
  const fail = async (text: string, path = 'broken.tf') => {
    try {
      await parseTerraformFile({ path, absPath: `/virtual/${path}`, text });
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      const p = e as ParseError;
      return { file: p.file, line: p.line, column: p.column, message: p.message };
    }
    throw new Error('expected a ParseError');
  };

  it('reports a duplicate argument the way Terraform does (tree-sitter accepts it)', async () => {
    const e = await fail('resource "a" "b" {\n  x = 1\n  x = 2\n}\n');
    expect(e).toMatchObject({ file: 'broken.tf', line: 3, column: 3 });
    expect(e.message).toContain('Attribute redefined');
    expect(e.message).toContain('broken.tf:2:3');
  });

  it('finds a duplicate argument in a long body too', () => {
    const args = Array.from({ length: 20 }, (_, i) => `  a${i} = ${i}\n`).join('');
    const text = `locals {\n${args}  a3 = 3\n}\n`;
    expect(() => parseHclSyntax(text)).toThrow(HclSyntaxError);
    try {
      parseHclSyntax(text);
    } catch (e) {
      expect((e as HclSyntaxError).offset).toBe(text.indexOf('  a3 = 3\n}') + 2);
      expect((e as HclSyntaxError).message).toContain('"a3" was already set');
    }
  });

  it('reports two arguments on one line', async () => {
    const e = await fail('resource "a" "b" {\n  x = 1 y = 2\n}\n');
    expect(e).toMatchObject({ line: 2, column: 9 });
    expect(e.message).toMatch(/^Missing newline after argument/);
  });

  it('reports an unclosed block at its opening brace', async () => {
    const e = await fail('resource "a" "b" {\n  x = 1\n');
    expect(e).toMatchObject({ line: 1, column: 18 });
    expect(e.message).toMatch(/^Unclosed configuration block/);
  });

  it('reports an unterminated string and a bad heredoc', async () => {
    expect((await fail('a = "abc\n')).line).toBe(1);
    expect((await fail('a = <<EOT\nno end\n')).message).toMatch(/Unterminated template string|heredoc/i);
  });

  it('reports invalid JSON with its position', async () => {
    const e = await fail('{\n  "resource": {\n    "a": 1,\n  }\n}\n', 'main.tf.json');
    expect(e).toMatchObject({ file: 'main.tf.json', line: 4, column: 3 });
  });
});
