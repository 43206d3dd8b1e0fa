// `node scripts/check-layers.mjs [root]`: prints each broken layering rule; exit 1 when there is one.
import { resolve } from 'node:path';
import { checkLayers } from './lib/layers.mjs';

const problems = checkLayers(resolve(process.argv[2] ?? '.'));
for (const p of problems) console.error(p);
if (problems.length) process.exit(1);
console.log('layers: imports run one way, no cycles');
