// `iac-guard explain <rule>`: why the rule matters, a bad and a good example from its fixtures,
// how to fix it and how to allow it. Built-in rules print their generated page
// (docs/rules/<id>.md, shipped with the package); plugin rules are rendered from their metadata.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { makeIdResolver } from '../engine/runner.js';
import { packageRoot, renderRuleDoc, ruleDocPath } from './docs.js';
import { knownRules } from './rules.js';
import { EXIT, type ExitCode } from './scan.js';
import { BUILTIN_RULES, RULE_FOLDERS } from '../../rules/index.js';

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to three ids that look like what was typed: close spelling or sharing a word. */
export function suggest(input: string, ids: string[]): string[] {
  const words = input.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  return ids
    .map((id) => ({ id, d: distance(input.toLowerCase(), id) }))
    .filter(({ id, d }) => d <= Math.max(2, Math.floor(id.length / 4)) || words.some((w) => id.includes(w)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((s) => s.id);
}

export async function explainCommand(ruleId: string, flags: { config?: string }, cwd: string, out: (text: string) => void): Promise<ExitCode> {
  const rules = await knownRules(cwd, flags.config);
  const id = makeIdResolver(rules)(ruleId);
  const rule = rules.find((r) => r.id === id);
  if (!rule) {
    const close = suggest(ruleId, rules.map((r) => r.id));
    throw new UsageError(`unknown rule "${ruleId}"${close.length ? `; did you mean ${close.join(', ')}?` : ''} (see \`iac-guard rules\`)`);
  }
  const page = join(packageRoot(), ruleDocPath(rule.id));
  if (BUILTIN_RULES.includes(rule) && existsSync(page)) out(readFileSync(page, 'utf8'));
  else out(renderRuleDoc(rule, RULE_FOLDERS[rule.id], undefined));
  return EXIT.ok;
}
