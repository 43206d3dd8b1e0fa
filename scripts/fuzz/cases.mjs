// Fuzz cases: for each input kind, mutated seeds and generated documents, laid out on disk the way
// users have them (a plan file, a Terraform folder, a Compose file, a chart folder, a config file).
// Case n of a run is a pure function of (seed, n): any case can be generated again.
import fc from 'fast-check';
import { applyMutations, mutations } from './mutate.mjs';
import * as gen from './generate.mjs';
import { KINDS } from './seeds.mjs';

/** Cases per batch; one batch has one kind and one mode. */
export const BATCH = 100;

const SYNTAX = { plan: 'json', tf: 'hcl', tfjson: 'json', compose: 'yaml', helm: 'yaml', pem: 'yaml', config: 'yaml' };

/** A small project a config case is applied to: both have findings, so config changes show. */
const CONFIG_TARGETS = {
  'case/docker-compose.yml': 'services:\n  web:\n    image: nginx:latest\n    ports: ["0.0.0.0:22:22"]\n    environment:\n      ACCEPTED_IPS: "*"\n',
  'case/mod/main.tf': 'resource "google_compute_firewall" "ssh" {\n  name          = "ssh"\n  source_ranges = ["0.0.0.0/0"]\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n}\n',
};

/** Writes the content of a kind's main file into the layout that kind has on disk. */
function layout(kind, main, extra = {}) {
  switch (kind) {
    case 'plan':
      return { files: { 'case/plan.json': main }, target: 'case/plan.json' };
    case 'tf':
      return { files: { [`case/mod/${extra.name ?? 'main.tf'}`]: main }, target: 'case/mod' };
    case 'tfjson':
      return { files: { 'case/mod/main.tf.json': main }, target: 'case/mod' };
    case 'compose':
      return { files: { 'case/docker-compose.yml': main }, target: 'case/docker-compose.yml' };
    case 'helm':
    case 'pem':
      return { files: { 'case/chart/values.yaml': main, 'case/chart/Chart.yaml': extra.chart ?? 'apiVersion: v2\nname: app\nversion: 1.0.0\n' }, target: 'case/chart' };
    case 'config':
      return { files: { 'case/.iac-guard.yml': main, ...CONFIG_TARGETS }, target: 'case', config: 'case/.iac-guard.yml' };
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

const GENERATORS = { plan: gen.plan, tf: gen.terraform, tfjson: gen.terraformJson, compose: gen.compose, config: gen.config };

/** Arbitraries of cases, by kind and mode. */
export function caseArbitraries(seeds) {
  const certs = seeds.pem.flatMap((s) => [...s.text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/g)].map((m) => m[1].replace(/[\s|]/g, ''))).filter(Boolean);
  const out = {};
  for (const kind of KINDS) {
    const list = seeds[kind];
    const mutate = list.length
      ? fc.tuple(fc.nat(list.length - 1), mutations(SYNTAX[kind]), fc.nat(9)).map(([i, ops, pick]) => {
          const s = list[i];
          // One helm case in ten breaks Chart.yaml instead of the values.
          const chartToo = (kind === 'helm' || kind === 'pem') && pick === 0;
          const main = chartToo ? Buffer.from(s.text) : applyMutations(Buffer.from(s.text), ops);
          const chart = chartToo ? applyMutations(Buffer.from(s.chart), ops) : s.chart;
          return { kind, label: `mutate ${s.label}: ${ops.map((o) => o.op).join(',')}`, ...layout(kind, main, { name: s.name, chart }) };
        })
      : undefined;
    const generated =
      kind === 'helm' ? gen.helm : kind === 'pem' ? gen.pem(certs.length ? certs : ['MIIB']) : GENERATORS[kind].map((text) => ({ values: text }));
    const generate = fc.tuple(generated, fc.nat(3), mutations(SYNTAX[kind])).map(([g, roll, ops]) => {
      const text = g.values;
      // A quarter of generated documents also get broken a little, to test the error paths deep inside.
      const main = roll === 0 ? applyMutations(Buffer.from(text), ops) : Buffer.from(text);
      return { kind, label: `generate ${kind}${roll === 0 ? ` + ${ops.map((o) => o.op).join(',')}` : ''}`, ...layout(kind, main, { chart: g.chart }) };
    });
    out[kind] = { mutate: mutate ?? generate, generate };
  }
  return out;
}

/** Which kind and mode batch `b` has: every kind in turn, mutation and generation alternating. */
export function batchPlan(b) {
  return { kind: KINDS[b % KINDS.length], mode: Math.floor(b / KINDS.length) % 2 === 0 ? 'mutate' : 'generate' };
}

/** The cases of batch `b` of a run with this seed. */
export function sampleBatch(arbitraries, seed, b, count) {
  const { kind, mode } = batchPlan(b);
  return fc.sample(arbitraries[kind][mode], { seed: (Math.imul(seed, 1_000_003) + b) | 0, numRuns: count });
}
