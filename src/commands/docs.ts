// Rule documentation, generated from the rules themselves: docs/rules/<id>.md, the README rules
// table and docs/config.schema.json. `scripts/gen-docs.mjs` writes them from the built registry;
// test/docs.test.ts regenerates them from the sources and fails when the files on disk differ.
// Examples come from each rule's fixtures, and the findings shown under a bad example are the
// ones the engine really reports for it, so the docs cannot claim what the rule does not do.
import { findPackageRoot } from '../core/version.js';
import { existsSync, readdirSync, readFileSync, statSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { configJsonSchema, DEFAULT_CONFIG, loadConfig } from '../engine/config.js';
import type { AnyRule, OptionSpec } from '../rule-api/rule.js';
import { run } from '../engine/runner.js';
import { fixtureInputs } from '../engine/diff/load.js';

/** Date the examples run at, the same the fixture test pins, so expiry-based examples do not rot. */
export const DOCS_TODAY = '2026-11-22';
export const README_START = '<!-- rules:start -->';
export const README_END = '<!-- rules:end -->';
const MAX_EXAMPLE_LINES = 60;
const MAX_EXAMPLES = 3;
const MAX_FILES_PER_EXAMPLE = 4;

/** The folder holding iac-guard's package.json, from src/ or from dist/src/. */
export function packageRoot(from?: string): string {
  const root = findPackageRoot(from);
  if (!root) throw new Error('cannot find the iac-guard package folder');
  return root;
}

export const ruleDocPath = (id: string) => `docs/rules/${id}.md`;

interface ExampleFile {
  name: string;
  text: string;
}

export interface Example {
  /** `bad/<name>` or `good/<name>`. */
  fixture: string;
  files: ExampleFile[];
  /** What the engine reports for a bad example: `bad/x.yml:3:5: message`. */
  findings: string[];
}

export interface RuleExamples {
  bad: Example[];
  good: Example[];
}

// ---------- reading fixtures ----------

const LANGUAGES: [RegExp, string][] = [
  [/\.(tf|tfvars|hcl)$/i, 'hcl'],
  [/\.json$/i, 'json'],
  [/\.ya?ml$/i, 'yaml'],
  [/(^|\/)\.env[^/]*$|\.env$/i, 'sh'],
  [/Dockerfile$/, 'dockerfile'],
];
const languageOf = (name: string) => LANGUAGES.find(([re]) => re.test(name))?.[1] ?? 'text';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p).map((f) => `${name}/${f}`));
    else out.push(name);
  }
  return out;
}

function readExampleFiles(target: string): ExampleFile[] {
  const isDir = statSync(target).isDirectory();
  const names = isDir ? listFiles(target) : [target.split(sep).pop()!];
  return names.slice(0, MAX_FILES_PER_EXAMPLE).map((name) => {
    const bytes = readFileSync(isDir ? join(target, name) : target);
    const text = bytes.includes(0) ? '(binary file)' : bytes.toString('utf8');
    return { name, text };
  });
}

/**
 * One example per language (a plan, a .tf module, a Compose file...), first by name, so a rule
 * for several input kinds shows each of them without dumping every fixture.
 */
function pickExamples(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const seen = new Set<string>();
  const picked: string[] = [];
  // Fixtures that show the fix in the file itself come before those that need a config.
  const needsConfig = (name: string) => existsSync(join(dir, name, '.iac-guard.yml'));
  const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  for (const name of [...names.filter((n) => !needsConfig(n)), ...names.filter(needsConfig)]) {
    const p = join(dir, name);
    const main = statSync(p).isDirectory() ? (listFiles(p).find((f) => !f.split('/').pop()!.startsWith('.')) ?? name) : name;
    const lang = languageOf(main);
    if (seen.has(lang)) continue;
    seen.add(lang);
    picked.push(name);
  }
  return picked.slice(0, MAX_EXAMPLES);
}

/** Reads a rule's fixtures and runs the rule over the bad ones shown. */
export async function collectExamples(root: string, rule: AnyRule, folder: string, rules: AnyRule[]): Promise<RuleExamples> {
  const fixtures = join(root, 'rules', folder, 'fixtures');
  const load = async (kind: 'bad' | 'good'): Promise<Example[]> => {
    const out: Example[] = [];
    for (const name of pickExamples(join(fixtures, kind))) {
      const target = join(fixtures, kind, name);
      const findings = kind === 'bad' ? await findingsFor(root, rule, rules, target, fixtures) : [];
      out.push({ fixture: `${kind}/${name}`, files: readExampleFiles(target), findings });
    }
    return out;
  };
  return { bad: await load('bad'), good: await load('good') };
}

async function findingsFor(root: string, rule: AnyRule, rules: AnyRule[], target: string, fixtures: string): Promise<string[]> {
  const cfg = join(target, '.iac-guard.yml');
  const config = existsSync(cfg) ? loadConfig(cfg) : { ...DEFAULT_CONFIG };
  const load = { cwd: root, vars: {}, varFiles: [], helmValues: [], env: {}, roots: [realpathSync(root)] };
  const result = await run({
    ...(await fixtureInputs(rule, relative(root, target), load)),
    cwd: root,
    config,
    rules,
    only: [rule.id],
    load,
    today: DOCS_TODAY,
  });
  const prefix = relative(root, fixtures).split(sep).join('/') + '/';
  return result.findings
    .filter((f) => f.ruleId === rule.id)
    .map((f) => {
      const file = f.location.file.startsWith(prefix) ? f.location.file.slice(prefix.length) : f.location.file;
      return `${file}:${f.location.range.start.line}:${f.location.range.start.column}: ${f.severity}: ${f.message}`;
    });
}

// ---------- rendering ----------

/** A code fence longer than any backtick run inside, so example text cannot close it. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/** Long one-line JSON (plans) is re-indented; long files are cut with a note. */
function displayText(file: ExampleFile): { text: string; note: string } {
  let text = file.text;
  let note = '';
  if (languageOf(file.name) === 'json' && text.split('\n').some((l) => l.length > 160)) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
      note = ' (re-indented)';
    } catch {
      /* shown as it is */
    }
  }
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length > MAX_EXAMPLE_LINES) {
    text = lines.slice(0, MAX_EXAMPLE_LINES).join('\n') + `\n… ${lines.length - MAX_EXAMPLE_LINES} more lines`;
    note += `, first ${MAX_EXAMPLE_LINES} lines`;
  }
  return { text, note };
}

function renderExample(folder: string, ex: Example): string {
  const parts = [`From \`rules/${folder}/fixtures/${ex.fixture}\`:`];
  for (const f of ex.files) {
    const { text, note } = displayText(f);
    if (ex.files.length > 1 || !ex.fixture.endsWith(f.name)) parts.push(`\`${f.name}\`${note}:`);
    else if (note) parts.push(`(${note.replace(/^[ ,]+/, '')})`);
    parts.push(fenced(text, languageOf(f.name)));
  }
  if (ex.findings.length) parts.push('iac-guard reports:', fenced(ex.findings.join('\n'), 'text'));
  return parts.join('\n\n');
}

const optionType = (s: OptionSpec) => `\`${s.type}\``;
const inlineCode = (v: unknown) => '`' + JSON.stringify(v).replace(/`/g, "'") + '`';
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function optionsSection(rule: AnyRule): string {
  const specs = Object.entries((rule.optionSpecs ?? {}) as Record<string, OptionSpec | undefined>).filter((e): e is [string, OptionSpec] => !!e[1]);
  if (!specs.length) return 'None.';
  const rows = specs.map(([name, spec]) => {
    const def = (rule.options as Record<string, unknown>)[name];
    return `| \`${name}\` | ${optionType(spec)} | ${def === undefined ? '' : cell(inlineCode(def))} | ${cell(spec.description)} |`;
  });
  const first = specs[0]![0];
  return [
    '| option | type | default | description |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Set them in `.iac-guard.yml`:',
    '',
    fenced(`rules:\n  ${rule.id}:\n    options:\n      ${first}: ${JSON.stringify((rule.options as Record<string, unknown>)[first] ?? null)}`, 'yaml'),
  ].join('\n');
}

function allowSection(rule: AnyRule): string {
  const parts: string[] = [];
  if (rule.docs.allow) parts.push(rule.docs.allow);
  if (rule.inputs.length) {
    parts.push(
      'Every exception needs a reason, and may expire. In `.iac-guard.yml`:',
      fenced(
        `allow:\n  - rule: ${rule.id}\n    resource: "<Terraform address or YAML path; globs allowed>"\n    reason: "<why this is safe>"\n    expires: 2027-01-31   # optional: stops allowing after this day`,
        'yaml',
      ),
    );
    if (rule.inputs.some((k) => k !== 'plan')) {
      parts.push(
        'Or inline, above the block, attribute or YAML key (plan JSON has no comments; use `allow`):',
        fenced(`# iac-guard-ignore ${rule.id}: <why this is safe> until 2027-01-31`, 'text'),
      );
    }
  }
  parts.push(`To turn the rule off everywhere: \`rules: { ${rule.id}: off }\`.`);
  return parts.join('\n\n');
}

/** The page for one rule. Without examples (a plugin rule) those sections say so. */
export function renderRuleDoc(rule: AnyRule, folder: string | undefined, examples: RuleExamples | undefined): string {
  const meta = [
    `- Severity: **${rule.severity}** (change it with \`rules: { ${rule.id}: warning }\`)`,
    `- Inputs: ${rule.inputs.length ? rule.inputs.join(', ') : 'reported by the engine itself'}`,
    `- Category: ${rule.category}`,
    ...(rule.aliases?.length ? [`- Former ids: ${rule.aliases.join(', ')}`] : []),
  ];
  const exampleSection = (list: Example[] | undefined, kind: string) =>
    list?.length && folder ? list.map((ex) => renderExample(folder, ex)).join('\n\n') : `No ${kind} example in the fixtures.`;
  return [
    `# ${rule.id}`,
    rule.docs.summary,
    meta.join('\n'),
    '## Why it is dangerous',
    rule.docs.why,
    '## Bad example',
    exampleSection(examples?.bad, 'bad'),
    '## Good example',
    exampleSection(examples?.good, 'good'),
    '## How to fix',
    rule.docs.fix,
    '## How to allow it',
    allowSection(rule),
    '## Options',
    optionsSection(rule),
    ...(folder ? [`<!-- Generated by scripts/gen-docs.mjs from rules/${folder}; edit the rule, then run \`npm run docs\`. -->`] : []),
  ].join('\n\n') + '\n';
}

export function renderRulesTable(rules: AnyRule[]): string {
  const rows = [...rules]
    .sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id))
    .map((r) => `| [\`${r.id}\`](${ruleDocPath(r.id)}) | ${r.severity} | ${r.inputs.join(', ') || 'engine'} | ${r.category} | ${cell(r.docs.summary)} |`);
  return [
    README_START,
    `<!-- Generated by scripts/gen-docs.mjs; run \`npm run docs\`. ${rules.length} rules. -->`,
    '',
    '| rule | severity | inputs | category | what it finds |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Run `iac-guard explain <rule>` for why each matters, examples and how to fix or allow it.',
    README_END,
  ].join('\n');
}

/** The README with its rules table replaced, or a "## Rules" section appended when it has none. */
export function updateReadme(readme: string, rules: AnyRule[]): string {
  const table = renderRulesTable(rules);
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start >= 0 && end > start) return readme.slice(0, start) + table + readme.slice(end + README_END.length);
  return `${readme.replace(/\n*$/, '')}\n\n## Rules\n\n${table}\n`;
}

export function renderSchema(rules: AnyRule[]): string {
  const infos = rules.map((r) => ({
    id: r.id,
    summary: r.docs.summary,
    severity: r.severity,
    ...(r.aliases?.length ? { aliases: r.aliases } : {}),
    options: r.options as Record<string, unknown>,
    ...(r.optionSpecs ? { optionSpecs: r.optionSpecs as Record<string, OptionSpec | undefined> } : {}),
  }));
  return JSON.stringify(configJsonSchema(infos), null, 2) + '\n';
}

/** Every generated file, path relative to the package root → content. */
export async function generateDocs(root: string, rules: AnyRule[], folders: Record<string, string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rule of rules) {
    const folder = folders[rule.id];
    if (!folder) throw new Error(`rule ${rule.id} has no folder in rules/index.ts; run \`npm run gen\``);
    out.set(ruleDocPath(rule.id), renderRuleDoc(rule, folder, await collectExamples(root, rule, folder, rules)));
  }
  const readmePath = join(root, 'README.md');
  out.set('README.md', updateReadme(existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# iac-guard\n', rules));
  out.set('docs/config.schema.json', renderSchema(rules));
  return out;
}

/** Files under docs/rules/ that no rule generates any more (a renamed or deleted rule). */
export function orphanRuleDocs(root: string, generated: Map<string, string>): string[] {
  const dir = join(root, 'docs/rules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => `docs/rules/${n}`)
    .filter((p) => p.endsWith('.md') && !generated.has(p));
}
