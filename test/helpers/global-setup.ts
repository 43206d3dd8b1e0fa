// Builds dist/ once before the suite when it is missing or older than the sources, so the
// end-to-end tests always run the CLI users get (`npm test` builds first; `vitest` alone may not).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'fixtures' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'rules')));
  const fresh = (file: string) => existsSync(join(ROOT, file)) && statSync(join(ROOT, file)).mtimeMs >= sources;
  if (fresh('dist/src/bin.js') && fresh('dist/iac-guard.cjs') && fresh('dist/iac-guard-bundle.cjs.cache')) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors still emit JavaScript; `npm test` reports them in its typecheck step.
  }
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, stdio: 'pipe' });
}
