// The launcher (src/launcher.cjs → dist/iac-guard.cjs) starts the bundle from V8's code cache.
// The cache is only ever a speed-up: missing, corrupt or from another build, the CLI must behave
// exactly the same, and only the build's own warm-up may write it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const DIST = join(ROOT, 'dist');
const FILES = ['iac-guard.cjs', 'iac-guard-bundle.cjs', 'iac-guard-bundle.cjs.cache'];

/** A copy of the built command in a folder of its own, so its cache can be broken safely. */
function copyOfDist(): string {
  const dir = tempDir('iac-guard-launcher-');
  for (const f of FILES) copyFileSync(join(DIST, f), join(dir, f));
  return dir;
}

function run(dir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'iac-guard.cjs'), 'examples/keyring-swap/plan.json', 'examples/minitwit/docker-compose.yml'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', IAC_GUARD_TODAY: '2026-11-22', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the launcher and its code cache', () => {
  it('the build wrote a cache beside the bundle', () => {
    for (const f of FILES) expect(existsSync(join(DIST, f)), f).toBe(true);
    expect(statSync(join(DIST, 'iac-guard-bundle.cjs.cache')).size).toBeGreaterThan(100_000);
  });

  it('gives the same report with the cache, without it and with a corrupt one', () => {
    const dir = copyOfDist();
    const withCache = run(dir);
    expect(withCache.code).toBe(1);
    expect(withCache.stdout).toContain('plan-key-destroyed');
    expect(withCache.stdout).toContain('compose-log-rotation');

    writeFileSync(join(dir, 'iac-guard-bundle.cjs.cache'), Buffer.from('not a V8 code cache at all'));
    expect(run(dir)).toEqual(withCache);

    const noCache = copyOfDist();
    writeFileSync(join(noCache, 'iac-guard-bundle.cjs.cache'), '');
    expect(run(noCache)).toEqual(withCache);
  });

  it('writes the cache only when told the exact path of its own cache file', () => {
    const dir = copyOfDist();
    const cache = join(dir, 'iac-guard-bundle.cjs.cache');
    writeFileSync(cache, 'marker');
    run(dir, { IAC_GUARD_WRITE_CODE_CACHE: join(dir, 'elsewhere.cache') });
    expect(readFileSync(cache, 'utf8')).toBe('marker');
    expect(existsSync(join(dir, 'elsewhere.cache'))).toBe(false);

    run(dir, { IAC_GUARD_WRITE_CODE_CACHE: cache });
    expect(statSync(cache).size).toBeGreaterThan(100_000);
    expect(existsSync(`${cache}.tmp`)).toBe(false);
  });
});
