// `iac-guard explain <rule>`: why the rule matters, a bad and a good example from its fixtures,
// how to fix it and how to allow it. Built-in rules print their generated page
// (docs/rules/<id>.md, shipped with the package); plugin rules are rendered from their metadata.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { suggest } from '../core/suggest.js';
import { makeIdResolver } from '../engine/runner.js';
import { packageRoot, renderRuleDoc, ruleDocPath } from './docs.js';
import { knownRules } from './rules.js';
import type { PluginTrust } from '../engine/plugins.js';
import { EXIT, type ExitCode } from './scan.js';
import { BUILTIN_RULES, RULE_FOLDERS } from '../../rules/index.js';

export async function explainCommand(ruleId: string, flags: { config?: string; plugins?: PluginTrust['policy'] }, cwd: string, out: (text: string) => void): Promise<ExitCode> {
  const rules = await knownRules(cwd, flags);
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
