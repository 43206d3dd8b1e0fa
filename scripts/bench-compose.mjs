#!/usr/bin/env node
// Compose and Helm speed on the shared corpus of real files, with dclint (the closest TypeScript
// tool, all its rules on) timed on exactly the same Compose files in the same run. Also one cold
// Compose file. The corpus is not part of the project: without it only the cold case runs.
//   npm run build && node scripts/bench-compose.mjs
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTRA_CA, WITHOUT_EXTRA_CA, fmtMb, fmtMs, measure } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'dist/iac-guard.cjs');
const DCLINT = join(root, 'node_modules/dclint/bin/dclint.cjs');

function walk(dir, keep, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out.sort();
}

/** The run with the median wall time. */
const median = (runs) => [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
const megabytes = (files) => files.reduce((n, f) => n + statSync(f).size, 0) / 1048576;
const iacGuard = (files) => [BIN, '--format', 'json', '--fail-on', 'never', '--quiet', ...files];
// dclint as its README runs it, every rule on (its defaults), JSON output so both write a report.
const dclint = (files) => [DCLINT, '--formatter', 'json', ...files];

/** A typical service stack, for the cold single-file case. */
const COLD_COMPOSE = `services:
  web:
    image: nginx:1.27.1
    ports: ["127.0.0.1:8080:80"]
    depends_on: [api]
    logging: { driver: local }
  api:
    image: ghcr.io/acme/api:2.4.0
    environment:
      DATABASE_URL: postgres://db/app
      ACCEPTED_IPS: 10.0.0.0/8
    deploy: { resources: { limits: { memory: 512M } } }
    logging: { driver: json-file, options: { max-size: 10m, max-file: "3" } }
  db:
    image: postgres:16.4
    volumes: [db:/var/lib/postgresql/data]
    logging: { driver: local }
volumes:
  db: {}
`;

/**
 * @returns {{ rows: object[], corpus: 'used' | 'absent' }} rows for the benchmark table
 */
export function benchCompose({ corpus = process.env.IAC_GUARD_CORPUS ?? join(root, '..', 'shared', 'corpus') } = {}) {
  const rows = [];
  const haveDclint = existsSync(DCLINT);
  const composeDir = join(corpus, 'compose');
  const helmDir = join(corpus, 'helm-values');
  const used = existsSync(composeDir);

  if (used) {
    const files = walk(composeDir, (p) => /\.ya?ml$/.test(p));
    // Big case: one run each, in the same minute, same files.
    const ours = measure(process.execPath, iacGuard(files), { cwd: root });
    const theirs = haveDclint ? measure(process.execPath, dclint(files), { cwd: root }) : undefined;
    rows.push({ case: 'Compose corpus, all rules', files: files.length, mb: megabytes(files), wallMs: ours.wallMs, cpuMs: ours.cpuMs, rssMb: ours.peakRssMb, theirsMs: theirs?.wallMs, theirsCpuMs: theirs?.cpuMs, goal: { ratio: 10 }, note: `exit ${ours.code}` });
  }
  if (existsSync(helmDir)) {
    const charts = walk(helmDir, (p) => p.endsWith('Chart.yaml')).map((p) => dirname(p));
    const files = walk(helmDir, (p) => /\.ya?ml$/.test(p));
    const ours = measure(process.execPath, iacGuard(charts), { cwd: root });
    rows.push({ case: `Helm corpus (${charts.length} charts), all rules`, files: files.length, mb: megabytes(files), wallMs: ours.wallMs, cpuMs: ours.cpuMs, rssMb: ours.peakRssMb, goal: {}, note: `exit ${ours.code}` });
  }

  const dir = mkdtempSync(join(tmpdir(), 'iac-guard-bench-compose-'));
  try {
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, COLD_COMPOSE);
    // Small case: median of 3, start-up included, as a pre-commit hook sees it. The two tools
    // take turns, so a burst of load on the machine hits both alike.
    const variants = [{ label: '', env: process.env }];
    if (EXTRA_CA) variants.push({ label: ', without NODE_EXTRA_CA_CERTS', env: WITHOUT_EXTRA_CA });
    for (const { label, env } of variants) {
      const oursRuns = [];
      const theirsRuns = [];
      for (let i = 0; i < 5; i++) {
        oursRuns.push(measure(process.execPath, iacGuard([file]), { cwd: dir, env }));
        if (haveDclint) theirsRuns.push(measure(process.execPath, dclint([file]), { cwd: dir, env }));
      }
      const ours = median(oursRuns);
      const theirs = haveDclint ? median(theirsRuns) : undefined;
      rows.push({ case: `one Compose file, cold${label}`, files: 1, mb: megabytes([file]), wallMs: ours.wallMs, cpuMs: ours.cpuMs, rssMb: ours.peakRssMb, theirsMs: theirs?.wallMs, theirsCpuMs: theirs?.cpuMs, goal: { wallMs: 120, ratio: 10 }, note: 'median of 5' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, corpus: used ? 'used' : 'absent' };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, corpus } = benchCompose();
  if (corpus === 'absent') console.log('corpus: skipped (../shared/corpus is absent); cold file only');
  for (const r of rows) {
    const ratio = r.theirsMs ? `, dclint ${fmtMs(r.theirsMs)} wall / ${fmtMs(r.theirsCpuMs)} CPU = ${(r.theirsMs / r.wallMs).toFixed(1)}× / ${(r.theirsCpuMs / r.cpuMs).toFixed(1)}× slower` : '';
    console.log(`${r.case}: ${r.files} files, ${r.mb.toFixed(2)} MB, ${fmtMs(r.wallMs)}, peak ${fmtMb(r.rssMb)}${ratio}`);
  }
}
