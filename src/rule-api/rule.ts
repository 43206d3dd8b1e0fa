// defineRule: the one way to write a rule, built-in or plugin.
// A rule is metadata plus one handler per input kind it reads; `inputs` is derived from the
// handlers so the two cannot disagree.
import type { InputKind, Location, RelatedLocation, RuleDocs, Severity } from '../core/types.js';
import type { ModelFor, ProjectInputs } from '../model/index.js';
import type { ResourceTypeTable } from '../knowledge/resource-types.js';

export type MessageData = Record<string, string | number>;

export interface ReportDescriptor<MessageId extends string> {
  messageId: MessageId;
  data?: MessageData;
  /** Where the problem is: the exact key, attribute or list item; the block when an attribute is missing. */
  at: Location;
  resource?: string;
  path?: string;
  related?: RelatedLocation[];
  /** Overrides the rule's severity for this one report (e.g. a warning-level variant). */
  severity?: Severity;
}

export interface RuleContext<MessageId extends string, Options> {
  readonly ruleId: string;
  /** Options after merging the rule's defaults with `.iac-guard.yml`. */
  readonly options: Options;
  /** Today's date as YYYY-MM-DD (injected so tests and expiry checks are deterministic). */
  readonly today: string;
  /** Which Terraform types are keys, databases, buckets...: built-in table plus config additions. */
  readonly resourceTypes: ResourceTypeTable;
  report(descriptor: ReportDescriptor<MessageId>): void;
}

export type Handler<K extends InputKind, MessageId extends string, Options> = (
  model: ModelFor<K>,
  ctx: RuleContext<MessageId, Options>,
) => void;

export interface RuleHandlers<MessageId extends string, Options> {
  plan?: Handler<'plan', MessageId, Options>;
  terraform?: Handler<'terraform', MessageId, Options>;
  compose?: Handler<'compose', MessageId, Options>;
  helm?: Handler<'helm', MessageId, Options>;
  /** A Terraform root at the base revision against the working tree or index (`iac-guard diff`). */
  diff?: Handler<'diff', MessageId, Options>;
  /** Cross-file checks (duplicate deployments across files): called once with every parsed input. */
  project?: (inputs: ProjectInputs, ctx: RuleContext<MessageId, Options>) => void;
}

export interface OptionSpec {
  type: 'string' | 'number' | 'boolean' | 'string[]';
  /** For a string option: the only values it takes. */
  values?: readonly string[];
  description: string;
}

export interface RuleSpec<MessageId extends string, Options extends object> {
  /** kebab-case, stable forever, equal to the rule's folder name. */
  id: string;
  /** Former ids that config and inline suppressions still accept. */
  aliases?: string[];
  severity: Severity;
  category: string;
  docs: RuleDocs;
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  messages: Record<MessageId, string>;
  /** Default option values; config may override them. */
  options?: Options;
  /** Describes each option for docs and the config schema. */
  optionSpecs?: { [K in keyof Options]?: OptionSpec };
  check: RuleHandlers<MessageId, Options>;
}

export interface Rule<MessageId extends string = string, Options extends object = object>
  extends RuleSpec<MessageId, Options> {
  inputs: InputKind[];
  options: Options;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<string, any>;

export function defineRule<MessageId extends string, Options extends object = Record<string, never>>(
  spec: RuleSpec<MessageId, Options>,
): Rule<MessageId, Options> {
  const inputs = (['plan', 'terraform', 'compose', 'helm', 'diff'] as const).filter((k) => spec.check[k]);
  return { ...spec, inputs: [...inputs], options: (spec.options ?? {}) as Options };
}

/** Fills `{{name}}` placeholders; a missing value stays visible rather than vanishing. */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}
