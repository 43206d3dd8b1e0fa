// STUB: to be replaced by the compose model (see issues). Keeps the engine compiling meanwhile.
import type { BaseModel, InlineSuppression, InputAdapter } from '../engine/inputs.js';

export class ComposeProject implements BaseModel {
  readonly kind = 'compose' as const;
  readonly inlineSuppressions: InlineSuppression[] = [];
  constructor(readonly files: string[]) {}
}

export const composeAdapter: InputAdapter<'compose'> = {
  kind: 'compose',
  claims: () => false,
  group: (files) => files.map((f) => ({ kind: 'compose', files: [f] })),
  load: (group) => new ComposeProject(group.files.map((f) => f.path)),
};
