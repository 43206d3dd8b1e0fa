#!/usr/bin/env node
'use strict';
// The `iac-guard` command: starts the bundled CLI (dist/iac-guard-bundle.cjs) from V8's code
// cache. Compiling the ~1 MB bundle costs ~40 ms of every cold start and compiling its functions
// on first call as much again; with the cache written at build time (scripts/bundle.mjs) both are
// skipped. A cache from another Node version or flags is rejected by V8 and the bundle simply
// compiles as it would without one. Plain CommonJS on purpose: an ES module entry costs Node's
// ESM loader another ~30 ms. Worker threads start this same file (src/core/entry.ts).
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const bundle = join(__dirname, 'iac-guard-bundle.cjs');
const cacheFile = `${bundle}.cache`;

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (e.g. a build without the warm-up): compile as usual.
}

// Node's CommonJS wrapper plus one parameter: code compiled by vm.Script cannot call import() on
// Node 20, so the bundle loads plugins and HashiCorp's parser through this file's (src/core/dynamic-import.ts).
const wrapped = `(function (exports, require, module, __filename, __dirname, __iacGuardImport) {${readFileSync(bundle, 'utf8')}\n});`;
const script = new vm.Script(wrapped, { filename: bundle, cachedData });

// Build step only (scripts/bundle.mjs): after a warm-up run, save the cache with every function
// the run compiled. The variable must name this bundle's own cache file; written whole or not at all.
if (process.env.IAC_GUARD_WRITE_CODE_CACHE === cacheFile && require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
    renameSync(`${cacheFile}.tmp`, cacheFile);
  });
}

const mod = { exports: {} };
const importModule = (specifier) => import(specifier);
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, __dirname, importModule);
