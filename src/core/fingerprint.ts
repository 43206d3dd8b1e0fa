// What identifies a finding but not where it sits, shared by SARIF's partialFingerprints, GitLab's
// fingerprint and the baseline: moving code, or editing lines above it, keeps its identity.
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

/**
 * Hashes rule, file, resource/path and message id. Findings that share all four (no resource or
 * path to tell them apart) are numbered in order, so each keeps its identity while their order stays.
 */
export function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = [f.ruleId, f.location.file, f.resource ?? f.path ?? '', f.messageId].join('\0');
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return fingerprintOf(occurrence === 1 ? key : `${key}\0${occurrence}`);
  });
}

/** The fingerprint of an identity written as text (also for a file that was not understood). */
export const fingerprintOf = (identity: string): string => createHash('sha256').update(identity).digest('hex').slice(0, 32);
