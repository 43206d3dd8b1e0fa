// The dev/example file policy: findings in files that are not deployments (examples, tests,
// local development stacks, docs; see src/knowledge/dev-files.ts) are lowered from error to
// warning, with the reason on the finding, unless the config says `dev-files: strict`.
// Plan findings are never relaxed: a plan is what is about to be applied, wherever it is kept.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/types.js';
import { devFileReason, isTestFile, README_NAMES, readmeDisclaimer, UPKEEP_CATEGORIES } from '../knowledge/dev-files.js';
import { readReferencedFile } from '../core/read.js';

export interface DevFileContext {
  cwd: string;
  /** Display path → text, for files the run read (header comments are read from it). */
  texts: Map<string, string>;
  /** Display path → the target folder it was found under. */
  targets: Map<string, string>;
  /** Findings about a plan (even when they point at the .tf block), never relaxed. */
  fromPlans: WeakSet<Finding>;
  /** The first file of the Terraform root a finding was checked from, when it was. */
  checkedFrom?: WeakMap<Finding, string>;
  /** The category of a rule, by id. */
  categoryOf: (ruleId: string) => string | undefined;
  /** `warn`: every finding stays, errors as warnings; `relax`: test suites' findings and upkeep findings are left out. */
  mode: 'relax' | 'warn';
}

export function relaxDevFindings(findings: Finding[], ctx: DevFileContext): Finding[] {
  const reasons = new Map<string, string | undefined>();
  const repoRoots = new Map<string, string | undefined>();
  const readmes = new Map<string, string | undefined>();
  const tests = new Map<string, boolean>();
  const reasonFor = (file: string): string | undefined => {
    if (!reasons.has(file)) {
      const inside = pathInsideRepository(file, ctx, repoRoots);
      tests.set(file, isTestFile(inside));
      reasons.set(file, devFileReason(inside, ctx.texts.get(file)) ?? readmeReason(resolve(ctx.cwd, file), inside, readmes));
    }
    return reasons.get(file);
  };
  // A finding checked from an example's root (a module default the example leaves in place)
  // belongs to the example, wherever in the module it points.
  const reasonThroughRoot = (f: Finding): { reason: string; file: string } | undefined => {
    const own = reasonFor(f.location.file);
    if (own) return { reason: own, file: f.location.file };
    const root = ctx.checkedFrom?.get(f);
    const viaRoot = root && root !== f.location.file ? reasonFor(root) : undefined;
    return viaRoot ? { reason: `it was found by checking \`${dirname(root!)}/\`, and ${viaRoot}`, file: root! } : undefined;
  };
  return findings.map((f): Finding => {
    if (ctx.fromPlans.has(f) || f.suppressed) return f;
    const found = reasonThroughRoot(f);
    if (!found) return f;
    const reason = found.reason;
    if (ctx.mode === 'relax') {
      // A test suite's files are not deployed or copied: their hazards are deliberate or moot.
      if (tests.get(found.file)) {
        return { ...f, suppressed: true, suppression: { kind: 'dev-file', reason: `${reason}; a test suite is not deployed` } };
      }
      if (UPKEEP_CATEGORIES.includes(ctx.categoryOf(f.ruleId) ?? '')) {
        return { ...f, suppressed: true, suppression: { kind: 'dev-file', reason: `${reason}; upkeep of a deployment does not apply there` } };
      }
    }
    return f.severity === 'error' ? { ...f, severity: 'warning', relaxed: { from: 'error', reason } } : f;
  });
}

/**
 * A README in the file's folder, or a folder above it inside the repository, that says its
 * contents are not for production (a collection of samples, a local development stack).
 */
function readmeReason(abs: string, inside: string, cache: Map<string, string | undefined>): string | undefined {
  const depth = inside.split(/[\\/]+/).length - 1;
  let dir = dirname(abs);
  const top = resolve(dir, ...Array<string>(depth).fill('..'));
  for (let level = depth; level >= 0; level--, dir = dirname(dir)) {
    if (!cache.has(dir)) cache.set(dir, disclaimerIn(dir, top));
    const said = cache.get(dir);
    if (said) {
      const shown = relative(top, dir).split(sep).join('/');
      return `the README in \`${shown ? `${shown}/` : './'}\` says "${said}"`;
    }
  }
  return undefined;
}

function disclaimerIn(dir: string, top: string): string | undefined {
  for (const name of README_NAMES) {
    const read = readReferencedFile(join(dir, name), [top]);
    if ('text' in read && read.text !== undefined) return readmeDisclaimer(read.text.slice(0, 64 * 1024));
  }
  return undefined;
}

/**
 * The file's path from the root of its git repository; without one, from the current folder
 * (when the file is under it) or from the scanned folder. Folders above never count.
 */
function pathInsideRepository(file: string, ctx: DevFileContext, cache: Map<string, string | undefined>): string {
  const abs = resolve(ctx.cwd, file);
  const root = repositoryRoot(dirname(abs), cache);
  if (root) return relative(root, abs);
  if (abs.startsWith(ctx.cwd + sep)) return relative(ctx.cwd, abs);
  const target = ctx.targets.get(file);
  if (target) {
    const t = resolve(ctx.cwd, target);
    if (abs.startsWith(t + sep)) return relative(t, abs);
  }
  return abs.split(sep).pop() ?? file;
}

function repositoryRoot(dir: string, cache: Map<string, string | undefined>): string | undefined {
  if (cache.has(dir)) return cache.get(dir);
  let root: string | undefined;
  if (existsSync(join(dir, '.git'))) root = dir;
  else {
    const parent = dirname(dir);
    root = parent === dir || !isAbsolute(parent) ? undefined : repositoryRoot(parent, cache);
  }
  cache.set(dir, root);
  return root;
}
