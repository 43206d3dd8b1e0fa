// Types of scripts/precision.mjs, for the tests that import it.
export interface ReportedFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
  resource?: string;
  path?: string;
}
export interface Label {
  key: string;
  verdict: 'keep' | 'reject';
  reason: string;
}
export interface Hazard {
  rule: string;
  file: string;
  line: number;
  what: string;
  resource?: string;
  path?: string;
}
export interface RuleRow {
  rule: string;
  findings: number;
  keep: number;
  reject: number;
  unlabelled: number;
  hazards: number;
  found: number;
  fixed: number;
}
export interface Score {
  rows: RuleRow[];
  total: { keep: number; reject: number; hazards: number; found: number; fixed: number };
  unlabelled: { key: string; finding: ReportedFinding }[];
  lost: Label[];
  missed: Hazard[];
}
export const MIN_PRECISION: number;
export const MIN_RULE_PRECISION: number;
export const MIN_RECALL: number;
export function findingKeys(findings: readonly ReportedFinding[]): string[];
export function collect(): { findings: ReportedFinding[]; missing?: undefined } | { findings?: undefined; missing: string };
export function loadLabels(): { labels: Label[]; hazards: Hazard[] };
export function score(findings: readonly ReportedFinding[], labels: readonly Label[], hazards: readonly Hazard[]): Score;
export function failures(result: Score): string[];
