#!/usr/bin/env node
// The labelled set of real plans: scenarios/dangerous/<name>/ and scenarios/routine/<name>/ (main.tf
// + state.json), each planned with real terraform and the offline AWS provider mirror, written as
// dangerous/<name>.json and routine/<name>.json (`terraform show -json`). Terraform runs in a
// temporary folder.   node test/plans/generate.mjs [dangerous/name ...]
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planScenario } from '../fixtures/plans/real/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const scenarios = join(here, 'scenarios');
const all = ['dangerous', 'routine'].flatMap((label) => readdirSync(join(scenarios, label)).sort().map((n) => `${label}/${n}`));
const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
const work = mkdtempSync(join(tmpdir(), 'iac-guard-labelled-'));
try {
  for (const name of names) {
    const { json } = planScenario(name, work, scenarios);
    const pinned = json.replace(/"timestamp":"[^"]+"/, '"timestamp":"2026-11-22T00:00:00Z"');
    mkdirSync(join(here, dirname(name)), { recursive: true });
    writeFileSync(join(here, `${name}.json`), pinned.endsWith('\n') ? pinned : `${pinned}\n`);
    console.log(`${name}.json`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
