// Typed views rules query. Each input kind has one model class and one adapter.
import type { InputKind } from '../core/types.js';
import type { InputAdapter } from './adapter.js';
import { type PlanModel, planAdapter } from './plan.js';
import { type TerraformModule, terraformAdapter } from './terraform.js';
import { type ComposeProject, composeAdapter } from './compose.js';
import type { HelmRelease } from './helm.js';
import { helmAdapter } from './helm-adapter.js';
import type { DiffModel } from './diff.js';

export type { PlanModel, TerraformModule, ComposeProject, HelmRelease, DiffModel };

export interface ModelMap {
  plan: PlanModel;
  terraform: TerraformModule;
  compose: ComposeProject;
  helm: HelmRelease;
  diff: DiffModel;
}
export type ModelFor<K extends InputKind> = ModelMap[K];

/** Everything parsed in one run, for rules that compare across files. */
export interface ProjectInputs {
  plan: PlanModel[];
  terraform: TerraformModule[];
  compose: ComposeProject[];
  helm: HelmRelease[];
  diff: DiffModel[];
}

/** Kinds read from files; `diff` models are built by `iac-guard diff` and handed to the runner. */
export type ScannedKind = Exclude<InputKind, 'diff'>;

/**
 * Order matters: the first adapter that claims a file owns it. Plans before Terraform
 * (a `.json` plan is not a `.tf.json`), Helm before Compose (a values file may have `services:`).
 */
export const ADAPTERS: { [K in ScannedKind]: InputAdapter<K, ModelFor<K>> } = {
  plan: planAdapter,
  terraform: terraformAdapter,
  helm: helmAdapter,
  compose: composeAdapter,
};
