#!/usr/bin/env node
// Bundles the CLI into one file (dist/iac-guard.mjs). Node spends most of a cold start resolving
// and compiling modules one by one (~250 of them across src/, rules/, yaml, minimatch, commander);
// one file cuts ~120 ms of CPU from every pre-commit run. HashiCorp's parser stays external: it
// is a large Go/wasm package loaded only when a .tf file has a syntax error.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'src/bin.ts')],
  outfile: join(root, 'dist/iac-guard.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@cdktf/hcl2json'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __iacGuardRequire } from 'node:module';\nconst require = __iacGuardRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
