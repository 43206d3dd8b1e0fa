// Runs one fuzz case through the engine (the built dist/, in process) and judges the outcome:
// findings, or errors[] with a message. Never an exception, never an `internal error`, never a
// file the engine says it read when its content cannot be understood.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDecoder } from 'node:util';
import { parseDocument } from 'yaml';

export async function loadEngine(dist) {
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  const [{ run }, { BUILTIN_RULES }, config, errors] = await Promise.all([load('src/engine/runner.js'), load('rules/index.js'), load('src/engine/config.js'), load('src/core/errors.js')]);
  return { run, rules: BUILTIN_RULES, DEFAULT_CONFIG: config.DEFAULT_CONFIG, loadConfig: config.loadConfig, UsageError: errors.UsageError, ParseError: errors.ParseError };
}

/** Writes a case under `cwd` (its `case/` folder is replaced). */
export function writeCase(cwd, c) {
  rmSync(join(cwd, 'case'), { recursive: true, force: true });
  for (const [rel, content] of Object.entries(c.files)) {
    const abs = join(cwd, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/**
 * @returns {Promise<{ outcome: 'ok' | 'crash' | 'silent', message?: string, stackTop?: string, findings: number, errors: number }>}
 */
export async function runCase(engine, cwd, c) {
  let result;
  try {
    const config = c.config ? engine.loadConfig(join(cwd, c.config), c.config) : engine.DEFAULT_CONFIG;
    result = await engine.run({
      targets: [c.target],
      cwd,
      config,
      rules: engine.rules,
      load: { cwd, vars: {}, varFiles: [], helmValues: [], env: {} },
      today: '2026-11-22',
    });
  } catch (e) {
    // A bad config is the user's input: the CLI prints it and exits 2.
    if (c.config && (e instanceof engine.UsageError || e instanceof engine.ParseError)) return { outcome: 'ok', findings: 0, errors: 1 };
    return { outcome: 'crash', message: `uncaught ${e?.name ?? 'throw'}: ${e?.message ?? String(e)}`, stackTop: stackTop(e), findings: 0, errors: 0 };
  }
  const counts = { findings: result.findings.length, errors: result.errors.length };
  for (const err of result.errors) {
    if (typeof err.message !== 'string' || !err.message.trim()) return { outcome: 'crash', message: `error without a message for ${err.file}`, ...counts };
    if (/internal error|rule \S+ failed:/.test(err.message)) return { outcome: 'crash', message: `${err.file}: ${err.message}`, ...counts };
  }
  if (!result.errors.length) {
    if (!result.files.length) return { outcome: 'silent', message: 'nothing read and no error', ...counts };
    for (const [rel, content] of Object.entries(c.files)) {
      if (!result.files.includes(rel)) continue;
      const why = notUnderstood(rel, content);
      if (why) return { outcome: 'silent', message: `${rel} reported as checked, but ${why}`, ...counts };
    }
  }
  return { outcome: 'ok', ...counts };
}

/** Why an independent reader would not understand this file, or undefined when it would. */
function notUnderstood(rel, content) {
  const bytes = Buffer.from(content);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'it is not valid UTF-8';
  }
  if (text.includes('\u0000')) return 'it contains NUL bytes';
  // Byte order marks at the start say nothing about the content (the engine drops them too).
  text = text.replace(/^\ufeff+/, '');
  if (/\.json$/.test(rel)) {
    try {
      JSON.parse(text);
    } catch (e) {
      return `JSON.parse rejects it (${e.message})`;
    }
  } else if (/\.ya?ml$/.test(rel)) {
    const doc = parseDocument(text, { uniqueKeys: true, merge: true });
    if (doc.errors.length) return `the yaml package rejects it (${doc.errors[0].code})`;
  }
  return undefined;
}

/** The first stack frame inside the project, for telling crashes apart. */
export function stackTop(e) {
  const frames = String(e?.stack ?? '').split('\n').slice(1).map((l) => l.trim());
  return (frames.find((f) => /\/(src|rules)\//.test(f)) ?? frames[0] ?? '').replace(/^at /, '').replace(/file:\/\/\S*?\/(dist|node_modules)\//, '$1/');
}

/** Same message (paths, numbers and quoted bits blanked) at the same place = the same bug. */
export function failureKey(o) {
  const normal = `${o.outcome} ${o.message} ${o.stackTop ?? ''}`.replace(/case\/\S+/g, 'FILE').replace(/\d+/g, 'N').replace(/"[^"]*"/g, 'S');
  let h = 0x811c9dc5;
  for (const ch of normal) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${o.outcome}-${h.toString(16).padStart(8, '0')}`;
}
