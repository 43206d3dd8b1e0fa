// STUB: to be replaced by the terraform model (see issues). Keeps the engine compiling meanwhile.
import type { BaseModel, InlineSuppression, InputAdapter } from '../engine/inputs.js';

export class TerraformModule implements BaseModel {
  readonly kind = 'terraform' as const;
  readonly inlineSuppressions: InlineSuppression[] = [];
  constructor(readonly files: string[]) {}
}

export const terraformAdapter: InputAdapter<'terraform'> = {
  kind: 'terraform',
  claims: () => false,
  group: (files) => files.map((f) => ({ kind: 'terraform', files: [f] })),
  load: (group) => new TerraformModule(group.files.map((f) => f.path)),
};
