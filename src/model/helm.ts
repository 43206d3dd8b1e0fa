// STUB: to be replaced by the helm model (see issues). Keeps the engine compiling meanwhile.
import type { BaseModel, InlineSuppression, InputAdapter } from '../engine/inputs.js';

export class HelmRelease implements BaseModel {
  readonly kind = 'helm' as const;
  readonly inlineSuppressions: InlineSuppression[] = [];
  constructor(readonly files: string[]) {}
}

export const helmAdapter: InputAdapter<'helm'> = {
  kind: 'helm',
  claims: () => false,
  group: (files) => files.map((f) => ({ kind: 'helm', files: [f] })),
  load: (group) => new HelmRelease(group.files.map((f) => f.path)),
};
