import { readFileSync } from 'node:fs';

// dist/src/version.js and src/version.ts are both two levels below package.json... or three.
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'iac-guard' && pkg.version) return pkg.version;
    } catch {
      /* try the next */
    }
  }
  return '0.0.0';
}

export const TOOL = { name: 'iac-guard', version: readVersion() };
