// Code scanning, GitHub annotations and CI reports resolve file names against the repository
// root, not against the folder iac-guard ran in (`cd infra && iac-guard .` names `main.tf`, which
// GitHub would look for at the top). Rebasing is pure path arithmetic on the display paths.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { RunResult } from '../core/types.js';

/** Display names that are not paths (standard input, git revisions) stay as they are. */
const notAPath = (file: string) => file === '-' || file.startsWith('<') || /^[^/\\]+:[^/\\]/.test(file);

/**
 * `file` (relative to `cwd`, or absolute) relative to `root`, with `/` separators. A file outside
 * the root keeps its absolute path, which SARIF writes as a file:// URI.
 */
export function rebasePath(file: string, cwd: string, root: string): string {
  if (notAPath(file)) return file;
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(root, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return absolute.split(sep).join('/');
  return rel.split(sep).join('/');
}

/** The same run with every file name relative to `root`. */
export function rebaseResult(result: RunResult, cwd: string, root: string): RunResult {
  if (resolve(cwd) === resolve(root)) return result;
  const move = (file: string) => rebasePath(file, cwd, root);
  return {
    ...result,
    files: result.files.map(move),
    findings: result.findings.map((f) => ({
      ...f,
      location: { ...f.location, file: move(f.location.file) },
      ...(f.related
        ? { related: f.related.map((r) => (r.location ? { ...r, location: { ...r.location, file: move(r.location.file) } } : r)) }
        : {}),
    })),
    errors: result.errors.map((e) => ({ ...e, file: move(e.file) })),
    ...(result.skipped ? { skipped: result.skipped.map((s) => ({ ...s, file: move(s.file) })) } : {}),
  };
}
