// The public API, for custom rules: `import { defineRule } from 'iac-guard'`.
// A plugin module's default export is one rule or an array of rules made with defineRule.
export { defineRule, formatMessage } from './rule-api/rule.js';
export type {
  AnyRule,
  Handler,
  MessageData,
  OptionSpec,
  ReportDescriptor,
  Rule,
  RuleContext,
  RuleHandlers,
  RuleSpec,
} from './rule-api/rule.js';
export type {
  Finding,
  InputKind,
  Location,
  Position,
  Range,
  RelatedLocation,
  RuleDocs,
  RuleMeta,
  RunResult,
  Severity,
} from './core/types.js';
export type { ComposeProject, HelmRelease, ModelFor, ModelMap, PlanModel, ProjectInputs, TerraformModule } from './model/index.js';
