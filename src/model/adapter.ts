// The seam between the runner and each input kind. An adapter says which files are its own,
// how they group (a Terraform module is a folder, a Compose project is a file plus its overrides,
// a Helm release is a chart's values files) and how a group becomes a model.
import type { InputKind } from '../core/types.js';
import type { BaseModel, InputGroup, LoadOptions, SourceFile } from '../core/source.js';

export interface InputAdapter<K extends InputKind = InputKind, M extends BaseModel = BaseModel> {
  kind: K;
  /** Cheap test by name and content; no full parse. */
  claims(file: SourceFile, options?: LoadOptions): boolean;
  /** Why a claimed file is this kind, for --verbose (default: the kind's name). */
  reason?(file: SourceFile, options?: LoadOptions): string;
  /** Turns the claimed files into groups (one model each). */
  group(files: SourceFile[], options: LoadOptions): InputGroup<K>[];
  /** Parses a group. Throws ParseError for input it does not understand. */
  load(group: InputGroup<K>, options: LoadOptions): Promise<M> | M;
}
