// Generated docs are fresh (regenerated here from the sources and compared with the files), and
// every rule has its page, good and bad fixtures, and a folder named after its id.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_RULES, RULE_FOLDERS } from '../rules/index.js';
import { defineRule } from '../src/rule-api/rule.js';
import { generateDocs, orphanRuleDocs, README_END, README_START, renderRuleDoc, updateReadme } from '../src/commands/docs.js';
import { ROOT } from './helpers/cli.js';

const generated = await generateDocs(ROOT, BUILTIN_RULES, RULE_FOLDERS);
const visible = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : []);

describe('generated docs', () => {
  it('are fresh: run `npm run docs` after changing a rule, its fixtures or the config shape', () => {
    const stale = [...generated].filter(([path, content]) => {
      const file = join(ROOT, path);
      return !existsSync(file) || readFileSync(file, 'utf8') !== content;
    });
    expect(stale.map(([path]) => path)).toEqual([]);
    expect(orphanRuleDocs(ROOT, generated)).toEqual([]);
  });

  it('the README has exactly one rules table, between its markers', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split(README_START)).toHaveLength(2);
    expect(readme.split(README_END)).toHaveLength(2);
    for (const rule of BUILTIN_RULES) expect(readme).toContain(`| [\`${rule.id}\`](docs/rules/${rule.id}.md) | ${rule.severity} |`);
  });

  it('updating the README only touches what is between the markers, or appends a section once', () => {
    const rules = BUILTIN_RULES.slice(0, 1);
    const once = updateReadme('# Title\n\nIntro.\n', rules);
    expect(once).toMatch(/^# Title\n\nIntro\.\n\n## Rules\n\n<!-- rules:start -->\n/);
    expect(updateReadme(once, rules)).toBe(once);
    const edited = once.replace('Intro.', 'Intro, edited.') + '\n## After\n';
    expect(updateReadme(edited, rules)).toBe(edited);
  });
});

describe('every rule', () => {
  for (const rule of BUILTIN_RULES) {
    it(`${rule.id}: has a docs page, good and bad fixtures, and its folder is its id`, () => {
      const folder = RULE_FOLDERS[rule.id]!;
      expect(folder.split('/')[1]).toBe(rule.id);
      expect(existsSync(join(ROOT, 'docs/rules', `${rule.id}.md`))).toBe(true);
      expect(rule.docs.summary.trim(), 'docs.summary').not.toBe('');
      expect(rule.docs.why.trim(), 'docs.why').not.toBe('');
      expect(rule.docs.fix.trim(), 'docs.fix').not.toBe('');
      expect(visible(join(ROOT, 'rules', folder, 'fixtures/bad')).length, 'bad fixtures').toBeGreaterThan(0);
      expect(visible(join(ROOT, 'rules', folder, 'fixtures/good')).length, 'good fixtures').toBeGreaterThan(0);
      // A rule with handlers shows what it reports for its bad example.
      if (rule.inputs.length) expect(generated.get(`docs/rules/${rule.id}.md`)).toContain('iac-guard reports:');
    });
  }
});

describe('rendering', () => {
  const rule = defineRule({
    id: 'demo-rule',
    severity: 'warning',
    category: 'demo',
    docs: { summary: 'Demo.', why: 'Because.', fix: 'Fix it.' },
    messages: { m: 'x' },
    options: { limit: 3 },
    optionSpecs: { limit: { type: 'number', description: 'How many | at most' } },
    check: { compose: () => {} },
  });

  it('an example containing a code fence cannot close the block it is shown in', () => {
    const page = renderRuleDoc(rule, 'demo/demo-rule', {
      bad: [{ fixture: 'bad/x.yml', files: [{ name: 'x.yml', text: 'a: |\n  ```\n  ````\n' }], findings: ['bad/x.yml:1:1: warning: x'] }],
      good: [],
    });
    expect(page).toContain('`````yaml\na: |\n  ```\n  ````\n`````');
    expect(page).toContain('No good example in the fixtures.');
    expect(page).toContain('| `limit` | `number` | `3` | How many \\| at most |');
    expect(page).toContain('# iac-guard-ignore demo-rule: <why this is safe> until 2027-01-31');
  });
});
