// GitLab Code Quality (artifacts:reports:codequality): a JSON array of issues, shown in the merge
// request widget and diff. Suppressed findings are left out, as GitLab has no place for them;
// files iac-guard could not read are `blocker` issues, since nothing in them was checked.
import { fingerprintOf, fingerprints } from '../core/fingerprint.js';
import type { Severity } from '../core/types.js';
import { formatErrorPlace, relaxedSuffix, stringifyJson } from './common.js';
import type { Reporter } from './types.js';

export const GITLAB_SEVERITY: Record<Severity, 'critical' | 'major' | 'info'> = { error: 'critical', warning: 'major', info: 'info' };

interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  categories: string[];
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

export const gitlabReporter: Reporter = (result) => {
  const hashes = fingerprints(result.findings);
  const issues = result.findings.flatMap((f, i): CodeQualityIssue[] =>
    f.suppressed
      ? []
      : [
          {
            type: 'issue',
            check_name: f.ruleId,
            description: `${f.ruleId}: ${f.message}${relaxedSuffix(f)}`,
            categories: ['Security'],
            severity: GITLAB_SEVERITY[f.severity],
            fingerprint: hashes[i]!,
            location: { path: f.location.file, lines: { begin: Math.max(1, f.location.range.start.line), end: Math.max(1, f.location.range.end.line) } },
          },
        ],
  );
  for (const e of result.errors) {
    issues.push({
      type: 'issue',
      check_name: 'file-not-understood',
      description: `${formatErrorPlace(e)}: ${e.message}`,
      categories: ['Bug Risk'],
      severity: 'blocker',
      fingerprint: fingerprintOf(`file-not-understood\0${e.file}\0${e.message}`),
      location: { path: e.file, lines: { begin: Math.max(1, e.line ?? 1), end: Math.max(1, e.line ?? 1) } },
    });
  }
  return stringifyJson(issues);
};
