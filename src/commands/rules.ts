// `iac-guard rules`: every rule (built-in and plugins) with severity, inputs, category, summary.
import type { AnyRule } from '../rule-api/rule.js';
import { rulesFor, type PluginTrust } from '../engine/plugins.js';
import { boundaryRoots } from '../core/read.js';
import { BUILTIN_RULES } from '../../rules/index.js';
import { EXIT, pluginTrust, resolveConfig, type ExitCode } from './scan.js';

export interface RulesFlags {
  format: 'text' | 'json';
  config?: string;
  plugins?: PluginTrust['policy'];
}

/** Built-in rules plus the plugins of the config found from cwd (or named with --config), if trusted. */
export async function knownRules(cwd: string, flags: { config?: string; plugins?: PluginTrust['policy'] }): Promise<AnyRule[]> {
  return rulesFor(resolveConfig(cwd, flags.config), cwd, pluginTrust({ cwd, ...flags }, boundaryRoots(['.'], cwd)));
}

const isBuiltin = (r: AnyRule) => BUILTIN_RULES.includes(r);

export function rulesJson(rules: AnyRule[]): string {
  const list = rules.map((r) => ({
    id: r.id,
    severity: r.severity,
    inputs: r.inputs,
    category: r.category,
    summary: r.docs.summary,
    source: isBuiltin(r) ? 'built-in' : 'plugin',
    ...(r.aliases?.length ? { aliases: r.aliases } : {}),
  }));
  return JSON.stringify({ version: 1, rules: list }, null, 2) + '\n';
}

export function rulesTable(rules: AnyRule[]): string {
  const rows = [...rules]
    .sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id))
    .map((r) => [r.id + (isBuiltin(r) ? '' : ' (plugin)'), r.severity, r.inputs.join(',') || 'engine', r.category, r.docs.summary]);
  const header = ['RULE', 'SEVERITY', 'INPUTS', 'CATEGORY', 'SUMMARY'];
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
  return [line(header), ...rows.map(line), '', `${rules.length} rules. \`iac-guard explain <rule>\` shows why, examples and how to fix or allow.`, ''].join('\n');
}

export async function rulesCommand(flags: RulesFlags, cwd: string, out: (text: string) => void): Promise<ExitCode> {
  const rules = await knownRules(cwd, flags);
  out(flags.format === 'json' ? rulesJson(rules) : rulesTable(rules));
  return EXIT.ok;
}
