// Terraform source files → HclFile (tree + comments + positions).
// Native syntax goes through our parser (hcl-syntax.ts); when it finds an error, HashiCorp's own
// parser (@cdktf/hcl2json, Go compiled to wasm, ~200 ms to load) is loaded lazily to word the error
// exactly as `terraform validate` would, with its line and column. Fail closed: any error is a
// ParseError (exit 2).
import { ParseError } from '../core/errors.js';
import type { SourceFile } from '../core/source.js';
import { HclFile, lineStartsOf } from './hcl-ast.js';
import { parseTerraformJson, parseTfvarsJson } from './hcl-json.js';
import { HclSyntaxError, parseHclSyntax } from './hcl-syntax.js';
import { importModule } from '../core/dynamic-import.js';

/** `terragrunt`: a Terragrunt unit's terragrunt.hcl (HCL2), which names the module and its inputs. */
export type TerraformFileKind = 'tf' | 'tf.json' | 'tfvars' | 'tfvars.json' | 'terragrunt';

export function terraformFileKind(path: string): TerraformFileKind | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.tf')) return 'tf';
  if (p.endsWith('.tf.json')) return 'tf.json';
  if (p.endsWith('.tfvars')) return 'tfvars';
  if (p.endsWith('.tfvars.json')) return 'tfvars.json';
  if (p === 'terragrunt.hcl' || p.endsWith('/terragrunt.hcl') || p.endsWith('\\terragrunt.hcl')) return 'terragrunt';
  return undefined;
}

/** Parses a file; throws ParseError (HashiCorp's wording and position for native syntax). */
export async function parseTerraformFile(file: SourceFile): Promise<HclFile> {
  try {
    return parseTerraformFileSync(file);
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e;
    throw await explainSyntaxError(file, e);
  }
}

/** The fast path; throws HclSyntaxError. */
export function parseTerraformFileSync(file: SourceFile): HclFile {
  const kind = terraformFileKind(file.path) ?? 'tf';
  const parsed = kind === 'tf.json' ? parseTerraformJson(file.text) : kind === 'tfvars.json' ? parseTfvarsJson(file.text) : parseHclSyntax(file.text);
  return new HclFile(file.path, file.absPath, file.text, kind.endsWith('json') ? 'json' : 'hcl', parsed.body, parsed.comments);
}

function position(text: string, offset: number): { line: number; column: number } {
  const starts = lineStartsOf(text.slice(0, offset));
  return { line: starts.length, column: offset - starts[starts.length - 1]! + 1 };
}

async function explainSyntaxError(file: SourceFile, e: HclSyntaxError): Promise<ParseError> {
  const ours = position(file.text, e.offset);
  if (e.isLimit || terraformFileKind(file.path)?.endsWith('json')) return new ParseError(file.path, e.message, ours.line, ours.column);
  const theirs = await hashicorpDiagnostic(file);
  if (theirs === 'accepted') {
    return new ParseError(file.path, `${e.message} (iac-guard's parser rejects this file although Terraform's accepts it: please report it)`, ours.line, ours.column);
  }
  if (!theirs) return new ParseError(file.path, e.message, ours.line, ours.column);
  return new ParseError(file.path, theirs.message, theirs.line, theirs.column);
}

const FAKE_NAME = 'iac-guard-input.tf';
export const HASHICORP_WORDING_LIMIT = 256 * 1024;

/**
 * HashiCorp's first diagnostic for a file, `accepted` when it parses, undefined when the parser
 * cannot be loaded. Its errors read `parse config: [name:3,3-4: Summary; Detail. name:…]`.
 */
export async function hashicorpDiagnostic(file: SourceFile): Promise<{ message: string; line: number; column: number } | 'accepted' | undefined> {
  // HashiCorp's parser takes seconds to word the error of a large broken file (it keeps going
  // after the first error); past this size our own message and position stand.
  if (file.text.length > HASHICORP_WORDING_LIMIT) return undefined;
  let parse: (name: string, text: string) => Promise<unknown>;
  try {
    const mod = (await importModule('@cdktf/hcl2json')) as { parse?: typeof parse; default?: { parse: typeof parse } };
    parse = mod.parse ?? mod.default!.parse;
  } catch {
    return undefined;
  }
  try {
    await parse(FAKE_NAME, file.text);
    return 'accepted';
  } catch (err) {
    const text = String((err as Error)?.message ?? err);
    const at = new RegExp(`${FAKE_NAME.replace(/\./g, '\\.')}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?: `, 'g');
    const first = at.exec(text);
    if (!first) return undefined;
    const rest = text.slice(at.lastIndex);
    at.lastIndex = 0;
    // The next diagnostic starts like the first (`name:4,1-2: `); a reference inside a message has no `: ` after it.
    const next = rest.search(new RegExp(` ${FAKE_NAME.replace(/\./g, '\\.')}:\\d+,\\d+(?:-\\d+(?:,\\d+)?)?: `));
    let message = (next >= 0 ? rest.slice(0, next) : rest).replace(/\]\s*$/, '').trim();
    // Other places the message mentions (`was already set at name:2,3-4`) in our file:line:col form.
    message = message.replace(new RegExp(`${FAKE_NAME.replace(/\./g, '\\.')}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?`, 'g'), (_m, l: string, c: string) => `${file.path}:${l}:${c}`);
    return { message, line: Number(first[1]), column: Number(first[2]) };
  }
}
