// Running one rule on one model, the same way in the main thread and in worker threads
// (parallel.ts), so a finding or a rule failure looks the same wherever the rule ran.
import type { RuleSetting } from './config.js';
import { ParseError, ParseErrors } from '../core/errors.js';
import type { BaseModel } from '../core/source.js';
import { formatMessage, type AnyRule, type RuleContext } from '../rule-api/rule.js';
import type { FileError, Finding, InputKind, Severity } from '../core/types.js';
import type { ResourceTypeTable } from '../knowledge/resource-types.js';
import { helmReleasesOf } from '../model/terraform-helm.js';
import type { TerraformModule } from '../model/terraform.js';

/** What every rule context of one run shares. */
/** A rule switched on for this run, with its severity and options after config. */
export interface ActiveRule {
  rule: AnyRule;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface CheckSettings {
  today: string;
  resourceTypes: ResourceTypeTable;
  /** `rules:` of the config: a severity set there beats a rule's per-report severity. */
  configuredRules: Record<string, RuleSetting>;
}

/** Where a rule's findings and failures go. */
export interface RuleOutput {
  findings: Finding[];
  errors: FileError[];
}

export function ruleContext(a: ActiveRule, settings: CheckSettings, findings: Finding[], onError: (e: unknown) => void): RuleContext<string, Record<string, unknown>> {
  return {
    ruleId: a.rule.id,
    options: a.options,
    today: settings.today,
    resourceTypes: settings.resourceTypes,
    report(d) {
      const template = a.rule.messages[d.messageId];
      if (template === undefined) {
        onError(new Error(`reported unknown messageId "${d.messageId}"`));
        return;
      }
      // Only a severity written in the config wins; an entry that sets options alone keeps the rule's own.
      const setting = settings.configuredRules[a.rule.id];
      const overridden = typeof setting === 'string' || (typeof setting === 'object' && setting !== null && setting.severity !== undefined);
      findings.push({
        ruleId: a.rule.id,
        severity: overridden ? a.severity : (d.severity ?? a.severity),
        messageId: d.messageId,
        message: formatMessage(template, d.data),
        location: d.at,
        ...(d.resource ? { resource: d.resource } : {}),
        ...(d.path ? { path: d.path } : {}),
        ...(d.related?.length ? { related: d.related } : {}),
        suppressed: false,
      });
    },
  };
}

/**
 * Runs the rule's handler for the model's kind, if it has one; a throw becomes a file error. A
 * Terraform module's `helm_release` resources are Helm releases too: Helm handlers run on them.
 */
export function checkModel(a: ActiveRule, model: BaseModel & { kind: InputKind }, settings: CheckSettings, out: RuleOutput): void {
  runHandler(a, model, settings, out);
  if (model.kind === 'terraform' && a.rule.check.helm) {
    for (const release of helmReleasesOf(model as TerraformModule)) runHandler(a, release, settings, out);
  }
}

function runHandler(a: ActiveRule, model: BaseModel & { kind: InputKind }, settings: CheckSettings, out: RuleOutput): void {
  const handler = a.rule.check[model.kind] as ((model: BaseModel, ctx: RuleContext<string, object>) => void) | undefined;
  if (!handler) return;
  const fail = (e: unknown) => out.errors.push({ file: model.files[0] ?? '?', message: `rule ${a.rule.id} failed: ${errMessage(e)}` });
  try {
    handler(model, ruleContext(a, settings, out.findings, fail));
  } catch (e) {
    fail(e);
  }
}

/** Every file an error names, as reported errors (one per file for several broken files of one folder). */
export function toFileErrors(e: unknown, fallbackFile: string): FileError[] {
  return e instanceof ParseErrors ? e.errors.map((x) => toFileError(x, fallbackFile)) : [toFileError(e, fallbackFile)];
}

export function toFileError(e: unknown, fallbackFile: string): FileError {
  if (e instanceof ParseError) {
    return { file: e.file, message: e.message, ...(e.line ? { line: e.line } : {}), ...(e.column ? { column: e.column } : {}) };
  }
  // A parser that recursed into absurdly nested input ran out of stack: the input's limit, not a crash.
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { file: fallbackFile, message: 'nested too deeply to read (over the parser\'s stack limit); flatten the structure' };
  }
  // Not the user's fault, but still fail closed: the file was not understood.
  return { file: fallbackFile, message: `internal error while reading this file: ${errMessage(e)}` };
}

export const errMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
