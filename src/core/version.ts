import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding iac-guard's package.json (from src/, dist/src/ or a bundle), if any. */
export function findPackageRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    try {
      if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'iac-guard') return dir;
    } catch {
      /* not ours */
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

// dist/src/version.js and src/version.ts are both two levels below package.json... or three.
function readPackage(): { version: string; homepage?: string } {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string; homepage?: string };
      if (pkg.name === 'iac-guard' && pkg.version) return { version: pkg.version, ...(pkg.homepage ? { homepage: pkg.homepage } : {}) };
    } catch {
      /* try the next */
    }
  }
  return { version: '0.0.0' };
}

const pkg = readPackage();

/**
 * Name, version, home page, and where each built-in rule's page is for this version (the tag
 * `v<version>` of the repository): SARIF's helpUri, so code scanning links to the right text.
 */
export const TOOL: { name: string; version: string; informationUri?: string; rulesDocsUri?: string } = {
  name: 'iac-guard',
  version: pkg.version,
  ...(pkg.homepage ? { informationUri: pkg.homepage, rulesDocsUri: `${pkg.homepage.replace(/\/$/, '')}/blob/v${pkg.version}/docs/rules/` } : {}),
};
