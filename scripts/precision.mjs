#!/usr/bin/env node
// Precision and recall on real files: runs the built CLI over the shared corpus (real Compose
// files, Helm values and plan JSON from public repositories) and the repository's own labelled
// plans, then compares every finding with a reviewer's label (test/precision/labels.yml: keep or
// reject, with a reason) and every known hazard (test/precision/hazards.yml) with what was found.
//
//   npm run precision                 table per rule, findings not labelled yet, stale labels
//   npm run precision -- --markdown   the table as markdown
//   npm run precision -- --write-docs the table into docs/benchmarks.md (its precision section)
//   npm run precision -- --check      exit 1 below 90% precision, 80% recall, with unlabelled findings
//                                     or kept findings no longer reported
//
// The corpus is not part of the project; without it the run says so and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.IAC_GUARD_CORPUS ?? join(root, '..', 'shared', 'corpus');
const cli = join(root, 'dist', 'iac-guard.cjs');

/** Where findings come from: a folder scanned from `cwd`, named in labels as `<source>/<file>`. */
const SOURCES = [
  { name: 'corpus', cwd: corpus, targets: ['compose', 'helm-values', 'tf-plans'] },
  { name: 'repo', cwd: root, targets: ['test/plans/dangerous', 'test/plans/routine', 'test/fixtures/plans/real'] },
];

export const MIN_PRECISION = 0.9;
export const MIN_RULE_PRECISION = 0.8;
export const MIN_RECALL = 0.8;

/** `rule file subject`, with `#2`, `#3` for repeats in line order: stable when lines move. */
export function findingKeys(findings) {
  const seen = new Map();
  return findings.map((f) => {
    const base = `${f.ruleId} ${f.file} ${f.resource ?? f.path ?? '-'}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

/** The findings a user sees (suppressed and left-out ones excluded), with source-prefixed files. */
export function collect() {
  const out = [];
  for (const source of SOURCES) {
    if (!existsSync(source.cwd)) return { missing: source.cwd };
    for (const target of source.targets) {
      const r = spawnSync(process.execPath, [cli, target, '--format', 'json', '--fail-on', 'never'], {
        cwd: source.cwd,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      if (!r.stdout) throw new Error(`${target}: no report (exit ${r.status}): ${r.stderr}`);
      const doc = JSON.parse(r.stdout);
      const visible = doc.findings.filter((f) => !f.suppressed).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
      for (const f of visible) out.push({ ...f, file: `${source.name}/${f.file}` });
    }
  }
  return { findings: out };
}

export function loadLabels() {
  const labels = parse(readFileSync(join(root, 'test/precision/labels.yml'), 'utf8'));
  const hazards = parse(readFileSync(join(root, 'test/precision/hazards.yml'), 'utf8'));
  return { labels: labels.findings, hazards: hazards.hazards };
}

export function score(findings, labels, hazards) {
  const keys = findingKeys(findings);
  const byKey = new Map(labels.map((l) => [l.key, l]));
  const rules = new Map();
  const rowOf = (rule) => {
    if (!rules.has(rule)) rules.set(rule, { rule, findings: 0, keep: 0, reject: 0, unlabelled: 0, hazards: 0, found: 0, fixed: 0 });
    return rules.get(rule);
  };
  const unlabelled = [];
  const used = new Set();
  findings.forEach((f, i) => {
    const label = byKey.get(keys[i]);
    const row = rowOf(f.ruleId);
    row.findings++;
    if (!label) {
      row.unlabelled++;
      unlabelled.push({ key: keys[i], finding: f });
      return;
    }
    used.add(label.key);
    row[label.verdict]++;
  });
  // Labels no finding matches: a reject is a false alarm fixed; a keep is a true finding lost (or moved).
  const stale = labels.filter((l) => !used.has(l.key));
  const lost = stale.filter((l) => l.verdict === 'keep');
  for (const l of stale.filter((x) => x.verdict === 'reject')) rowOf(l.key.split(' ')[0]).fixed++;
  const missed = [];
  for (const h of hazards) {
    const row = rowOf(h.rule);
    row.hazards++;
    // On its line, about the same resource or YAML path when the hazard names one.
    const hit = findings.some(
      (f) => f.ruleId === h.rule && f.file === h.file && f.line === h.line && (!h.resource || f.resource === h.resource) && (!h.path || f.path === h.path),
    );
    if (hit) row.found++;
    else missed.push(h);
  }
  const total = [...rules.values()].reduce(
    (t, r) => ({ keep: t.keep + r.keep, reject: t.reject + r.reject, hazards: t.hazards + r.hazards, found: t.found + r.found }),
    { keep: 0, reject: 0, hazards: 0, found: 0 },
  );
  total.fixed = stale.length - lost.length;
  return { rows: [...rules.values()].sort((a, b) => a.rule.localeCompare(b.rule)), total, unlabelled, lost, missed };
}

const pct = (n, d) => (d ? `${Math.round((100 * n) / d)}%` : '-');

export function failures(result) {
  const { total, rows, unlabelled, lost } = result;
  const problems = [];
  const precision = total.keep / Math.max(1, total.keep + total.reject);
  if (precision < MIN_PRECISION) problems.push(`precision ${pct(total.keep, total.keep + total.reject)} < ${MIN_PRECISION * 100}%`);
  const recall = total.found / Math.max(1, total.hazards);
  if (recall < MIN_RECALL) problems.push(`recall ${pct(total.found, total.hazards)} < ${MIN_RECALL * 100}%`);
  for (const r of rows) {
    const judged = r.keep + r.reject;
    if (judged >= 5 && r.keep / judged < MIN_RULE_PRECISION) problems.push(`${r.rule}: precision ${pct(r.keep, judged)} < ${MIN_RULE_PRECISION * 100}%`);
  }
  if (unlabelled.length) problems.push(`${unlabelled.length} findings not labelled`);
  if (lost.length) problems.push(`${lost.length} kept findings no longer reported`);
  return problems;
}

function table(result, markdown) {
  const head = ['rule', 'findings', 'kept', 'rejected', 'precision', 'hazards', 'found', 'recall', 'false alarms fixed'];
  const lines = result.rows.map((r) => [r.rule, r.findings, r.keep, r.reject, pct(r.keep, r.keep + r.reject), r.hazards, r.found, pct(r.found, r.hazards), r.fixed]);
  const t = result.total;
  lines.push(['**all**', t.keep + t.reject + result.unlabelled.length, t.keep, t.reject, pct(t.keep, t.keep + t.reject), t.hazards, t.found, pct(t.found, t.hazards), t.fixed]);
  if (markdown) {
    return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (l) => l.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  return [fmt(head), ...lines.map(fmt)].join('\n').replaceAll('**', '');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  const { findings, missing } = collect();
  if (missing) {
    console.log(`precision: skipped, ${missing} is absent (set IAC_GUARD_CORPUS to point at the corpus)`);
    process.exit(0);
  }
  const { labels, hazards } = loadLabels();
  const result = score(findings, labels, hazards);
  console.log(table(result, args.has('--markdown')));
  if (result.unlabelled.length) {
    console.log(`\nNot labelled yet (${result.unlabelled.length}); add to test/precision/labels.yml:`);
    for (const { key, finding } of result.unlabelled) {
      console.log(`  - { key: ${JSON.stringify(key)}, verdict: ?, reason: "" }  # ${finding.severity} line ${finding.line}: ${finding.message.slice(0, 100)}`);
    }
  }
  if (result.lost.length) {
    console.log(`\nKept findings no longer reported (${result.lost.length}): lost, or moved (relabel):`);
    for (const l of result.lost) console.log(`  ${l.key}`);
  }
  if (result.missed.length) {
    console.log(`\nHazards not found on their line (${result.missed.length}):`);
    for (const h of result.missed) console.log(`  ${h.rule} ${h.file}:${h.line}  ${h.what}`);
  }
  if (args.has('--write-docs')) writeDocs(result);
  const problems = failures(result);
  if (args.has('--check') && problems.length) {
    console.log(`\nBelow target: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
}

function writeDocs(result) {
  const path = join(root, 'docs/benchmarks.md');
  const t = result.total;
  const section = `<!-- precision:start -->
## Precision and recall on real files

Written by \`npm run precision -- --write-docs\` (scripts/precision.mjs) on ${new Date().toISOString().slice(0, 10)}. Every finding
iac-guard reports at default settings on the shared corpus (real Compose files, Helm values and
plan JSON from public repositories) and on this repository's plans made with terraform is judged
by a reviewer, keep or reject with a reason, in test/precision/labels.yml; the hazards a reviewer
would stop in the same files, found by reading them, are in test/precision/hazards.yml (recall:
reported by the rule on that line). "False alarms fixed" counts findings of earlier versions
judged reject that are no longer reported; they stay labelled so a regression shows.

${table(result, true)}

${t.keep + t.reject} findings judged, ${t.hazards} hazards; targets: precision ≥ ${MIN_PRECISION * 100}% overall and ≥ ${MIN_RULE_PRECISION * 100}% for every rule with
5 or more findings, recall ≥ ${MIN_RECALL * 100}%. Missed: ${result.missed.map((h) => `${h.what} (${h.file.split('/').slice(-2).join('/')}:${h.line})`).join('; ') || 'none'}.
No Terraform source (.tf) repositories are in the set yet: the corpus holds YAML and JSON only.
<!-- precision:end -->
`;
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const re = /<!-- precision:start -->[\s\S]*<!-- precision:end -->\n?/;
  writeFileSync(path, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}`);
  console.log('wrote the precision section of docs/benchmarks.md');
}
