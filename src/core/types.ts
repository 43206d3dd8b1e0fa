// Core value types shared by parsers, models, rules, the runner and reporters.

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/**
 * What a file is. Each kind has its own parser and model. `diff` is the one kind no file is:
 * `iac-guard diff` builds it from a Terraform root at two git revisions.
 */
export type InputKind = 'plan' | 'terraform' | 'compose' | 'helm' | 'diff';
export const INPUT_KINDS: readonly InputKind[] = ['plan', 'terraform', 'compose', 'helm', 'diff'];

/** 1-based line and column (column counts UTF-16 code units, as editors and SARIF do). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A place in a file. `file` is the path as the user gave it (relative paths stay relative). */
export interface Location {
  file: string;
  range: Range;
}

export interface Suppression {
  /**
   * `baseline`: recorded by --write-baseline and matched by --baseline (a finding that existed before adoption).
   * `dev-file`: upkeep of a deployment (log rotation, pins, backups) in an example, test or dev file.
   */
  kind: 'config' | 'inline' | 'baseline' | 'dev-file';
  reason: string;
  expires?: string;
}

/** A problem found by a rule, after the engine added rule id, severity and suppression state. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  messageId: string;
  message: string;
  location: Location;
  /** Terraform address (`module.a.google_kms_key_ring.ring`), when the finding is about one. */
  resource?: string;
  /** YAML path (`services.db.logging`), when the finding is about one. */
  path?: string;
  /** Other places worth showing: the plan a .tf finding came from, keys that die with a key ring. */
  related?: RelatedLocation[];
  suppressed: boolean;
  suppression?: Suppression;
  /** Set when the engine lowered the severity (a finding in an example, test or dev file). */
  relaxed?: { from: Severity; reason: string };
}

export interface RelatedLocation {
  message: string;
  location?: Location;
  resource?: string;
}

/** A target that could not be read or understood. Any of these makes the run exit 2. */
export interface FileError {
  file: string;
  message: string;
  line?: number;
  column?: number;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  inputs: InputKind[];
  category: string;
  docs: RuleDocs;
}

export interface RuleDocs {
  /** One line: what the rule finds. */
  summary: string;
  /** Why it is dangerous, in words a tired on-call engineer understands. */
  why: string;
  /** How to fix it. */
  fix: string;
  /** How to deliberately allow it (config allow entry or inline comment). */
  allow?: string;
}

export interface RunResult {
  /** Files that were read (display paths), in scan order. */
  files: string[];
  findings: Finding[];
  errors: FileError[];
  /** Metadata of every rule that was active in the run (reporters use it for SARIF/docs links). */
  rules: RuleMeta[];
  /**
   * Files not scanned, and why: named but covered by `exclude:` (`excluded`), or YAML met in a
   * folder walk that is neither Compose nor Helm values (`not-ours`).
   */
  skipped?: SkippedFile[];
  /** How each scanned file was classified, and why (for --verbose). */
  classified?: { file: string; kind: string; reason: string }[];
}

export interface SkippedFile {
  file: string;
  kind: 'excluded' | 'not-ours';
  reason: string;
}

export const pos = (line: number, column: number): Position => ({ line, column });
export const range = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, column: sc },
  end: { line: el, column: ec },
});
