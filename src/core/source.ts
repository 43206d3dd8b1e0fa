// core: what every layer shares about inputs: a file the tool has read, how a group of files is
// named, the options that change how files are read, and the shape every model has.
import type { InputKind, Range } from './types.js';

/** A file the runner has read. `path` is for display (as given or relative to cwd). */
export interface SourceFile {
  path: string;
  absPath: string;
  text: string;
  /**
   * Set for a Terraform plan JSON too big to hold as one string (see `readSource`): `text` is then
   * only its head (enough to claim it), and the plan adapter streams the file from `absPath`.
   */
  large?: { size: number };
  /**
   * Set when the file is there but its contents cannot be read as what they are (encrypted with
   * git-crypt): `text` is empty and this says why. Adapters that can do without it (a .tfvars) go
   * on with its values unknown; others report it as not understood.
   */
  opaque?: string;
}

/** `# iac-guard-ignore <rule>: <reason> [until YYYY-MM-DD]`, found by a parser in a comment. */
export interface InlineSuppression {
  file: string;
  /** Rule id as written (aliases resolved by the engine). */
  ruleId: string;
  /** Empty when the comment has none: the engine rejects it and reports it. */
  reason: string;
  until?: string;
  /** The comment itself. */
  comment: Range;
  /** The block, attribute or YAML entry the comment stands above; findings starting inside are covered. */
  covers: Range;
}

/** Options from the command line and config that change how files are read. */
export interface LoadOptions {
  cwd: string;
  /** `--var k=v` for Terraform. */
  vars: Record<string, string>;
  /** `--var-file` for Terraform. */
  varFiles: string[];
  /** `--values` files for Helm, in order (later wins). */
  helmValues: string[];
  /** Environment for Compose `${VAR}` interpolation (`.env` beside the file wins over nothing, loses to this). */
  env: Record<string, string | undefined>;
  /** `--target swarm` and friends. */
  composeTarget?: 'compose' | 'swarm';
  /** `--tf-dir`: where the Terraform sources of a plan live. */
  tfDir?: string;
  /**
   * Folders that files named inside scanned files (`file()`, `extends`, `env_file`, secrets,
   * local modules) may be read from: the scanned repositories. Unset: no boundary.
   */
  roots?: readonly string[];
  /** `helm.values-files` globs of the config (relative to `base`, its folder): more names read as Helm values. */
  helmValuesFiles?: { base: string; globs: string[] };
  /** `modules:` of the config: module sources starting with `prefix` are read from `dir` (absolute). */
  moduleSources?: readonly { prefix: string; dir: string }[];
  /** A named .tf file brings the rest of its folder (the module) with it; the CLI sets this. */
  wholeModules?: boolean;
  /** terraform or tofu to convert binary plans with; unset: binary plans are refused. Never found by itself. */
  terraform?: string;
}

/** What discovery hands an adapter: a file and whether the user named it explicitly. */
export interface Candidate {
  file: SourceFile;
  /** Named on the command line (or stdin): it must be understood, or the run fails (exit 2). */
  explicit: boolean;
}

export interface InputGroup<K extends InputKind = InputKind> {
  kind: K;
  /** Files in the group, main file first. */
  files: SourceFile[];
  /** Which model of the main file this group is, when one file holds several (helmfile releases). */
  part?: number;
}

/** Every model carries these, whatever its kind. */
export interface BaseModel {
  readonly kind: InputKind;
  /** Display paths of the files behind the model, main file first. */
  readonly files: string[];
  readonly inlineSuppressions: InlineSuppression[];
}
