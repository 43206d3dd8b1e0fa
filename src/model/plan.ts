// STUB: to be replaced by the plan model (see issues). Keeps the engine compiling meanwhile.
import type { BaseModel, InlineSuppression, InputAdapter } from '../engine/inputs.js';

export class PlanModel implements BaseModel {
  readonly kind = 'plan' as const;
  readonly inlineSuppressions: InlineSuppression[] = [];
  constructor(readonly files: string[]) {}
}

export const planAdapter: InputAdapter<'plan'> = {
  kind: 'plan',
  claims: () => false,
  group: (files) => files.map((f) => ({ kind: 'plan', files: [f] })),
  load: (group) => new PlanModel(group.files.map((f) => f.path)),
};
