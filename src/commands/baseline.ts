// Adopting iac-guard on a repository that already has findings: `--write-baseline FILE` records
// them by fingerprint (rule, file, resource or path, message kind: not the line, so edits above
// them do not re-open them), and `--baseline FILE` reports only findings that are not in it.
// Matched findings are suppressed (kind `baseline`), never dropped, so json and SARIF still list them.
import { readFileSync } from 'node:fs';
import { fingerprints } from '../core/fingerprint.js';
import { UsageError } from '../core/errors.js';
import type { RunResult } from '../core/types.js';
import { stringifyJson } from '../reporters/common.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  subject?: string;
  message: string;
}

export interface BaselineOutcome {
  result: RunResult;
  file: string;
  matched: number;
  /** Entries no finding matched any more: fixed, or moved to another file or resource. */
  stale: number;
}

/**
 * The baseline of a run. `rootRelative` is the same run with repository-relative file names, so
 * the fingerprints do not depend on the folder iac-guard was started in.
 */
export function baselineText(rootRelative: RunResult, tool: { name: string; version: string }): string {
  const hashes = fingerprints(rootRelative.findings);
  const entries: BaselineEntry[] = rootRelative.findings.flatMap((f, i) =>
    f.suppressed && f.suppression?.kind !== 'baseline'
      ? []
      : [{ fingerprint: hashes[i]!, rule: f.ruleId, file: f.location.file, ...(f.resource ?? f.path ? { subject: (f.resource ?? f.path)! } : {}), message: f.message }],
  );
  return stringifyJson({ version: BASELINE_VERSION, tool: `${tool.name} ${tool.version}`, findings: entries });
}

/** Reads and checks a baseline file; anything else is a usage error that says what is wrong. */
export function readBaseline(file: string, display: string): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read baseline ${display}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; write one with --write-baseline ${display}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`baseline ${display} is not JSON (${(e as Error).message}); rewrite it with --write-baseline ${display}`);
  }
  const d = doc as { version?: unknown; findings?: unknown };
  if (typeof doc !== 'object' || doc === null || d.version !== BASELINE_VERSION || !Array.isArray(d.findings)) {
    throw new UsageError(`baseline ${display} is not an iac-guard baseline (version ${BASELINE_VERSION} with a findings list); rewrite it with --write-baseline ${display}`);
  }
  return d.findings.map((entry: unknown, i: number) => {
    const e = entry as Partial<BaselineEntry>;
    if (typeof e !== 'object' || e === null || typeof e.fingerprint !== 'string' || typeof e.rule !== 'string') {
      throw new UsageError(`baseline ${display}: entry ${i + 1} has no fingerprint and rule; rewrite it with --write-baseline ${display}`);
    }
    return e as BaselineEntry;
  });
}

/** Suppresses the findings the baseline lists (each entry matches one finding) and counts what matched. */
export function applyBaseline(result: RunResult, rootRelative: RunResult, entries: BaselineEntry[], display: string): BaselineOutcome {
  const remaining = new Map<string, number>();
  for (const e of entries) remaining.set(e.fingerprint, (remaining.get(e.fingerprint) ?? 0) + 1);
  const hashes = fingerprints(rootRelative.findings);
  let matched = 0;
  const findings = result.findings.map((f, i) => {
    const left = remaining.get(hashes[i]!) ?? 0;
    if (f.suppressed || left === 0) return f;
    remaining.set(hashes[i]!, left - 1);
    matched++;
    return { ...f, suppressed: true, suppression: { kind: 'baseline' as const, reason: `recorded in the baseline ${display}` } };
  });
  const stale = [...remaining.values()].reduce((a, b) => a + b, 0);
  return { result: { ...result, findings }, file: display, matched, stale };
}
