// The runner: targets → files → models (each file parsed once) → rules → findings.
import { CONFIG_FILE_NAMES, readLimits, type Config, type RuleSetting } from './config.js';
import { discover, isInputName, type DiscoveredFile } from './discover.js';
import { readSource, startReadBudget } from '../core/read.js';
import { looksLikePlan } from '../parsers/plan.js';
import { ParseError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Selection } from './select.js';
import type { InputGroup, LoadOptions, SourceFile, BaseModel } from '../core/source.js';
import type { InputAdapter } from '../model/adapter.js';
import type { AnyRule, OptionSpec } from '../rule-api/rule.js';
import { checkModel, errMessage, ruleContext, toFileError, toFileErrors, type ActiveRule, type CheckSettings } from './check.js';
import { CheckedGroup, checkTerraformAhead, withoutTerraform } from './parallel.js';
import { applySuppressions } from './suppressions.js';
import { relaxDevFindings } from './dev-files.js';
import { UPKEEP_CATEGORIES } from '../knowledge/dev-files.js';
import type { FileError, Finding, InputKind, RuleMeta, RunResult, Severity, SkippedFile } from '../core/types.js';
import { linkPlansToSources } from './plan-sources.js';
import { ADAPTERS, type PlanModel, type TerraformModule, type ProjectInputs, type ScannedKind } from '../model/index.js';
import { convertBinaryPlan } from '../parsers/binary-plan.js';
import { terraformFileKind } from '../parsers/hcl.js';
import { helmReleasesOf } from '../model/terraform-helm.js';
import { ResourceTypeTable } from '../knowledge/resource-types.js';

export interface RunOptions {
  targets: string[];
  cwd: string;
  config: Config;
  /** Every known rule: built-in and plugins. */
  rules: AnyRule[];
  /** `--rule`: run only these. */
  only?: string[];
  /** `--disable`: never run these. */
  disable?: string[];
  load: LoadOptions;
  /** YYYY-MM-DD */
  today: string;
  readStdin?: () => Promise<string>;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Models the caller built itself (`iac-guard diff`: one per Terraform root), checked like parsed ones. */
  models?: BaseModel[];
  /** `--changed-since` / `--shard`: the groups and unreadable files this run owns (select.ts). */
  select?: Selection;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** True when a finding fails the run under `--fail-on`. */
export function isBlocking(f: Finding, failOn: Config['failOn']): boolean {
  if (f.suppressed || failOn === 'never') return false;
  return SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn];
}

export function makeIdResolver(rules: AnyRule[]): (id: string) => string | undefined {
  const map = new Map<string, string>();
  for (const r of rules) {
    map.set(r.id, r.id);
    for (const a of r.aliases ?? []) map.set(a, r.id);
  }
  return (id) => map.get(id);
}

/** Applies config and `--rule`/`--disable` to the rule list. Unknown ids are a usage error. */
export function selectRules(rules: AnyRule[], config: Config, only: string[] = [], disable: string[] = []): ActiveRule[] {
  const resolveId = makeIdResolver(rules);
  const unknown = [...Object.keys(config.rules), ...only, ...disable].filter((id) => !resolveId(id));
  if (unknown.length) {
    const hint = unknown.length === 1 ? didYouMean(unknown[0]!, rules.map((r) => r.id)) : '';
    // An id from the config file is named at its line; one from --rule/--disable has none.
    const place = config.places?.[`rules.${unknown[0]!}`];
    const fromConfig = Object.keys(config.rules).includes(unknown[0]!);
    throw new ParseError(
      fromConfig ? (config.source ?? 'command line') : 'command line',
      `unknown rule id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}${hint} (see \`iac-guard rules\`)`,
      fromConfig ? place?.line : undefined,
      fromConfig ? place?.column : undefined,
    );
  }
  const settings = new Map<string, RuleSetting>();
  for (const [id, s] of Object.entries(config.rules)) settings.set(resolveId(id)!, s);
  const onlyIds = new Set(only.map((id) => resolveId(id)!));
  const disabled = new Set(disable.map((id) => resolveId(id)!));

  const active: ActiveRule[] = [];
  for (const rule of rules) {
    if (disabled.has(rule.id)) continue;
    if (onlyIds.size && !onlyIds.has(rule.id)) continue;
    const s = settings.get(rule.id);
    const sev = typeof s === 'string' ? s : s?.severity;
    // `--rule X` turns X on even when config has it off: the command line is the more specific wish.
    if (sev === 'off' && !onlyIds.has(rule.id)) continue;
    const given = typeof s === 'object' ? (s.options ?? {}) : {};
    checkOptions(rule, given, config);
    const options = { ...rule.options, ...given };
    active.push({ rule, severity: sev && sev !== 'off' ? sev : rule.severity, options });
  }
  return active;
}

/**
 * Rule options from the config, checked against the rule's option specs before any rule runs:
 * a typo or a wrong type is a config error, never a silently ignored setting or a rule crash
 * blamed on a scanned file. Rules that do not describe all their options are not checked.
 */
function checkOptions(rule: AnyRule, given: Record<string, unknown>, config: Config): void {
  const specs = (rule.optionSpecs ?? {}) as Record<string, OptionSpec | undefined>;
  const names = Object.keys(specs).filter((k) => specs[k]);
  if (!Object.keys(rule.options ?? {}).every((k) => names.includes(k))) return;
  const where = `rules.${rule.id}.options`;
  // The id as the config wrote it (an alias, perhaps), for its place in the file.
  const written = Object.keys(config.rules).find((id) => id === rule.id || (rule.aliases ?? []).includes(id)) ?? rule.id;
  const fail = (message: string, place?: { line: number; column: number }) => {
    throw new ParseError(config.source ?? 'command line', `invalid config: ${message}`, place?.line, place?.column);
  };
  for (const [name, value] of Object.entries(given)) {
    const spec = specs[name];
    const keyPlace = config.places?.[`rules.${written}.options.${name}`];
    const valuePlace = config.places?.[`rules.${written}.options.${name}=`] ?? keyPlace;
    if (!spec) fail(`${where}: unknown option "${name}"${didYouMean(name, names)} (${rule.id} takes ${names.join(', ') || 'no options'})`, keyPlace);
    const ok =
      spec!.type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === spec!.type;
    if (!ok) fail(`${where}.${name} must be ${spec!.type === 'string[]' ? 'a list of strings' : `a ${spec!.type}`} (got ${JSON.stringify(value)})`, valuePlace);
    if (spec!.values && !spec!.values.includes(value as string)) {
      fail(`${where}.${name} must be one of ${spec!.values.join(', ')} (got "${String(value)}")${didYouMean(String(value), [...spec!.values])}`, valuePlace);
    }
  }
}

type AnyModel = BaseModel & { kind: InputKind };

export async function run(opts: RunOptions): Promise<RunResult> {
  const { config } = opts;
  // Each run reads within its own limits (a library caller may run many in one process).
  startReadBudget(readLimits(config));
  const errors: FileError[] = [];
  const globBase = config.source ? dirnameOf(config.source) : opts.cwd;
  const found = discover(opts.targets, { cwd: opts.cwd, include: config.include, exclude: config.exclude, globBase });
  errors.push(...found.errors);
  const configName = config.source ? basenameOf(config.source) : '.iac-guard.yml';
  const skipped: SkippedFile[] = found.excluded.map((x) => ({ file: x.file, kind: 'excluded', reason: `excluded by \`exclude: ${x.glob}\` in ${configName}` }));
  const classified: NonNullable<RunResult['classified']> = [];

  // 1. Read every file once.
  const stdinText = found.files.some((f) => f.absPath === '-') && opts.readStdin ? await opts.readStdin() : undefined;
  const sources: { d: DiscoveredFile; file: SourceFile }[] = [];
  found.files.forEach((d, i) => {
    opts.onProgress?.('read', i, found.files.length);
    const out = readSource(d, stdinText, { streamPlans: looksLikePlan });
    if (out.error) {
      // A file found in a folder walk that is not text is just not ours, unless its name says it is
      // (a binary main.tf is a broken module); a named one must be understood.
      if (d.explicit || isInputName(d.absPath) || !/not valid UTF-8|NUL bytes/.test(out.error.message)) errors.push(out.error);
      return;
    }
    // An encrypted .tfvars only hides values (the Terraform model knows it); any other file hides what is checked.
    if (out.file?.opaque && !terraformFileKind(d.path)?.startsWith('tfvars')) {
      errors.push({ file: d.path, message: `${out.file.opaque}: its contents cannot be checked; scan after \`git-crypt unlock\`` });
      return;
    }
    if (out.bytes) {
      if (!d.explicit && !/plan/i.test(d.path)) return;
      try {
        sources.push({ d, file: { path: d.path, absPath: d.absPath, text: convertBinaryPlan(d.absPath, d.path, opts.load.terraform) } });
      } catch (e) {
        errors.push(toFileError(e, d.path));
      }
      return;
    }
    sources.push({ d, file: out.file! });
  });

  // 2. Each file goes to the first adapter that claims it.
  const kinds = Object.keys(ADAPTERS) as ScannedKind[];
  const claimed = new Map<ScannedKind, SourceFile[]>(kinds.map((k) => [k, []]));
  const claimedByTarget = new Map<string, number>();
  for (const { d, file } of sources) {
    const kind = kinds.find((k) => (ADAPTERS[k] as InputAdapter).claims(file, opts.load));
    if (kind) {
      claimed.get(kind)!.push(file);
      classified.push({ file: file.path, kind, reason: (ADAPTERS[kind] as InputAdapter).reason?.(file, opts.load) ?? KIND_REASONS[kind] });
      for (const t of [d.target, ...(d.alsoFrom ?? [])]) claimedByTarget.set(t, (claimedByTarget.get(t) ?? 0) + 1);
    } else if (d.explicit) {
      errors.push({ file: file.path, message: notUnderstood(file) });
    } else if (/\.ya?ml$/i.test(file.path) && !CONFIG_FILE_NAMES.includes(basenameOf(file.path))) {
      // Someone else's YAML (CI workflows, Kubernetes manifests) is not ours to judge, but it is counted.
      skipped.push({ file: file.path, kind: 'not-ours', reason: 'not Compose (no top-level `services:` map, not named compose*.yaml) nor Helm values (not named like a values file, not in helm.values-files)' });
    }
  }
  for (const t of found.folders) {
    if (!claimedByTarget.has(t)) errors.push({ file: t, message: 'no supported files here (Terraform plan JSON, .tf, Compose or Helm values)' });
  }
  // So far every error is about one file or target: keep those this run owns.
  if (opts.select) errors.splice(0, errors.length, ...errors.filter((e) => opts.select!.error(e)));

  // 3. Group and parse. A big Terraform tree is parsed and checked ahead, partly in worker
  // threads (parallel.ts); each group's results take the group's place here, in group order.
  const active = selectRules(opts.rules, config, opts.only, opts.disable);
  const settings: CheckSettings = { today: opts.today, resourceTypes: new ResourceTypeTable(config.resourceTypes), configuredRules: config.rules };
  const models: AnyModel[] = [];
  const files: string[] = [];
  for (const kind of kinds) {
    const adapter = ADAPTERS[kind] as InputAdapter;
    const kindFiles = claimed.get(kind)!;
    if (!kindFiles.length) continue;
    let groups: InputGroup[];
    try {
      groups = adapter.group(kindFiles, opts.load);
      if (opts.select) groups = groups.filter((g) => opts.select!.group(g));
      // Values a helm_release (or helmfile) already deploys are checked as part of that release,
      // with what it sets over them; on their own they would be judged without it.
      if (kind === 'helm') {
        const deployed = new Set(files);
        groups = groups.filter((g) => !g.files.every((f) => deployed.has(f.path)));
      }
    } catch (e) {
      errors.push(toFileError(e, kindFiles[0]!.path));
      continue;
    }
    const ahead = kind === 'terraform'
      ? checkTerraformAhead({ groups, active, config, load: opts.load, today: opts.today, settings, planFiles: claimed.get('plan')!, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) })
      : undefined;
    for (const [i, group] of groups.entries()) {
      const checked = ahead?.get(i);
      if (checked) {
        const outcome = await checked;
        if (outcome.loadErrors?.length) errors.push(...outcome.loadErrors);
        else {
          const model = new CheckedGroup(outcome);
          models.push(model);
          files.push(...model.files);
        }
        continue;
      }
      opts.onProgress?.('parse', models.length, groups.length);
      try {
        const model = (await adapter.load(group, opts.load)) as AnyModel;
        // Read the values its helm_release resources deploy now, so they count as this module's files.
        if (model.kind === 'terraform') helmReleasesOf(model as TerraformModule);
        models.push(model);
        files.push(...model.files);
      } catch (e) {
        errors.push(...toFileErrors(e, group.files[0]?.path ?? '?'));
      }
    }
  }

  for (const m of opts.models ?? []) {
    models.push(m);
    files.push(...m.files);
  }

  // Plan findings point at the .tf block when the sources are beside the plan (or --tf-dir).
  const sourceOnly = await linkPlansToSources(
    models.filter((m): m is PlanModel => m.kind === 'plan'),
    models.filter((m): m is TerraformModule => m.kind === 'terraform' && !(m instanceof CheckedGroup)),
    opts.load,
    errors,
  );

  // 4. Rules, rule by rule over the models in order (a checked group hands over what it found).
  const raw: Finding[] = [];
  // A plan is what is about to be applied, wherever it is kept: its findings are never relaxed.
  const fromPlans = new WeakSet<Finding>();
  // The first file of the Terraform root each finding was checked from: a module's default that
  // an example leaves in place is the example's choice, wherever the finding points.
  const checkedFrom = new WeakMap<Finding, string>();
  const project: ProjectInputs = { plan: [], terraform: [], compose: [], helm: [], diff: [] };
  for (const m of models) if (!(m instanceof CheckedGroup)) (project[m.kind] as AnyModel[]).push(m);
  const projectInputs = models.some((m) => m instanceof CheckedGroup) ? withoutTerraform(project) : project;

  for (const [i, a] of active.entries()) {
    for (const m of models) {
      if (!(m instanceof CheckedGroup)) {
        const before = raw.length;
        checkModel(a, m, settings, { findings: raw, errors });
        if (m.kind === 'plan') for (const f of raw.slice(before)) fromPlans.add(f);
        if (m.kind === 'terraform' && m.files[0]) for (const f of raw.slice(before)) checkedFrom.set(f, m.files[0]);
        continue;
      }
      const out = m.output(i);
      for (const f of out?.findings ?? []) {
        raw.push(f);
        if (m.files[0]) checkedFrom.set(f, m.files[0]);
      }
      for (const e of out?.errors ?? []) errors.push(e);
    }
    if (a.rule.check.project && models.length) {
      const fail = (e: unknown) => errors.push({ file: models[0]!.files[0] ?? '?', message: `rule ${a.rule.id} failed: ${errMessage(e)}` });
      try {
        a.rule.check.project(projectInputs, ruleContext(a, settings, raw, fail));
      } catch (e) {
        fail(e);
      }
    }
  }

  // 5. Suppressions.
  const inline = [...models, ...sourceOnly].flatMap((m) => m.inlineSuppressions);
  const resolveId = makeIdResolver(opts.rules);
  const configDisplay = config.source ? relativeTo(opts.cwd, config.source) : undefined;
  const upkeepRules = new Set(active.filter((a) => UPKEEP_CATEGORIES.includes(a.rule.category)).map((a) => a.rule.id));
  const relaxed = config.devFiles === 'strict'
    ? raw
    : relaxDevFindings(raw, {
        cwd: opts.cwd,
        texts: new Map(sources.map(({ file }) => [file.path, file.text])),
        targets: new Map(sources.map(({ d }) => [d.path, d.target])),
        fromPlans,
        upkeep: (id) => upkeepRules.has(id),
        checkedFrom,
        mode: config.devFiles,
      });
  const { findings, extra } = applySuppressions(relaxed, config.allow, inline, opts.today, resolveId, configDisplay);
  // The engine's own findings (expired or invalid suppressions) obey config like any rule's.
  for (const x of extra) {
    const a = active.find((r) => r.rule.id === x.ruleId);
    if (a) findings.push({ ...x, severity: a.severity, suppressed: false });
  }

  findings.sort(compareFindings);
  errors.sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  const rules: RuleMeta[] = active.map((a) => ({
    id: a.rule.id,
    severity: a.severity,
    inputs: a.rule.inputs,
    category: a.rule.category,
    docs: a.rule.docs,
  }));
  return { files: [...new Set(files)], findings: dedupe(findings), errors, rules, ...(skipped.length ? { skipped } : {}), classified };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.location.file, b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    a.location.range.start.column - b.location.range.start.column ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource ?? a.path ?? '', b.resource ?? b.path ?? '') ||
    cmp(a.message, b.message)
  );
}

/** The same rule at the same place with the same message is one finding (override files can repeat a key, several roots call one module). */
function dedupe(findings: Finding[]): Finding[] {
  // One module checked from several roots: when one root's copy is left out or suppressed and
  // another's is not, the finding stands.
  const kept = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.ruleId}\0${f.location.file}\0${f.location.range.start.line}\0${f.location.range.start.column}\0${f.message}`;
    const at = kept.get(key);
    if (at === undefined) {
      kept.set(key, out.length);
      out.push(f);
    } else if (out[at]!.suppressed && !f.suppressed) {
      out[at] = f;
    }
  }
  return out;
}

function notUnderstood(file: SourceFile): string {
  const t = file.text.trimStart();
  if (!t) return 'file is empty';
  if (/\.json$/i.test(file.path) || t.startsWith('{') || t.startsWith('[')) {
    return 'not a Terraform plan: expected the output of `terraform show -json tfplan` (an object with "format_version" and "resource_changes")';
  }
  if (/\.ya?ml$/i.test(file.path)) {
    return 'not a Compose file (no top-level `services:`) nor Helm values (not named values*.yaml, *-values.yaml or *.values.yaml, not in a values/ folder); rename it, or list it in `helm: { values-files: [...] }` of .iac-guard.yml';
  }
  return 'not a supported input: expected Terraform plan JSON, .tf/.tf.json, a Compose file or Helm values';
}

const KIND_REASONS: Record<ScannedKind, string> = {
  plan: 'Terraform plan JSON (terraform show -json)',
  terraform: 'Terraform source (.tf, .tf.json, .tfvars)',
  helm: 'Helm values',
  compose: 'Compose file',
};

const basenameOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function dirnameOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i > 0 ? p.slice(0, i) : '/';
}

function relativeTo(cwd: string, abs: string): string {
  return abs.startsWith(cwd + '/') ? abs.slice(cwd.length + 1) : abs;
}
