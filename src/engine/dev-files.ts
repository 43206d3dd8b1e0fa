// The dev/example file policy: findings in files that are not deployments (examples, tests,
// local development stacks, docs; see src/knowledge/dev-files.ts) are lowered from error to
// warning, with the reason on the finding, unless the config says `dev-files: strict`.
// Plan findings are never relaxed: a plan is what is about to be applied, wherever it is kept.
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/types.js';
import { devFile, README_NAMES, readmeDisclaimer, type DevFile } from '../knowledge/dev-files.js';
import { readReferencedFile, repositoryAbove } from '../core/read.js';

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
  /** Whether a rule is about upkeep of a deployment (UPKEEP_CATEGORIES), by id. */
  upkeep: (ruleId: string) => boolean;
  /** `warn`: every finding stays, errors as warnings; `relax`: test suites' findings and upkeep findings are left out. */
  mode: 'relax' | 'warn';
}

export function relaxDevFindings(findings: Finding[], ctx: DevFileContext): Finding[] {
  const repositories = new Map<string, string | undefined>();
  const readmes = new Map<string, string | undefined>();
  const classified = new Map<string, DevFile | undefined>();
  const classify = (file: string): DevFile | undefined => {
    if (!classified.has(file)) {
      const { top, inside } = placeInRepository(file, ctx, repositories);
      const own = devFile(inside, ctx.texts.get(file));
      const said = own ? undefined : readmeReason(resolve(ctx.cwd, file), top, readmes);
      classified.set(file, own ?? (said ? { reason: said, testSuite: false } : undefined));
    }
    return classified.get(file);
  };
  return findings.map((f): Finding => {
    if (ctx.fromPlans.has(f) || f.suppressed) return f;
    // A finding checked from an example's root (a module default the example leaves in place)
    // belongs to the example, wherever in the module it points.
    const root = ctx.checkedFrom?.get(f);
    const own = classify(f.location.file);
    const viaRoot = own || !root || root === f.location.file ? undefined : classify(root);
    const dev = own ?? (viaRoot ? { ...viaRoot, reason: `it was found by checking \`${dirname(root!)}/\`, and ${viaRoot.reason}` } : undefined);
    if (!dev) return f;
    if (ctx.mode === 'relax') {
      // A test suite's files are not deployed or copied: their hazards are deliberate or moot.
      if (dev.testSuite) return { ...f, suppressed: true, suppression: { kind: 'dev-file', reason: `${dev.reason}; a test suite is not deployed` } };
      if (ctx.upkeep(f.ruleId)) return { ...f, suppressed: true, suppression: { kind: 'dev-file', reason: `${dev.reason}; upkeep of a deployment does not apply there` } };
    }
    return f.severity === 'error' ? { ...f, severity: 'warning', relaxed: { from: 'error', reason: dev.reason } } : f;
  });
}

/**
 * A README in the file's folder, or a folder above it up to `top` (the repository, or the
 * scanned folder), that says its contents are not for production (a collection of samples, a
 * local development stack).
 */
function readmeReason(abs: string, top: string, cache: Map<string, string | undefined>): string | undefined {
  for (let dir = dirname(abs); dir === top || dir.startsWith(top + sep); dir = dirname(dir)) {
    if (!cache.has(dir)) cache.set(dir, disclaimerIn(dir, top));
    const said = cache.get(dir);
    if (said) {
      const shown = relative(top, dir).split(sep).join('/');
      return `the README in \`${shown ? `${shown}/` : './'}\` says "${said}"`;
    }
    if (dir === top) break;
  }
  return undefined;
}

function disclaimerIn(dir: string, top: string): string | undefined {
  for (const name of README_NAMES) {
    const read = readReferencedFile(join(dir, name), [top]);
    if (read.text !== undefined) return readmeDisclaimer(read.text.slice(0, 64 * 1024));
  }
  return undefined;
}

/**
 * Where the file sits: its path from the root of its git repository; without one, from the
 * current folder (when the file is under it) or from the scanned folder. Folders above `top`
 * never count.
 */
function placeInRepository(file: string, ctx: DevFileContext, repositories: Map<string, string | undefined>): { top: string; inside: string } {
  const abs = resolve(ctx.cwd, file);
  const dir = dirname(abs);
  if (!repositories.has(dir)) repositories.set(dir, repositoryAbove(dir));
  const root = repositories.get(dir);
  if (root) return { top: root, inside: relative(root, abs) };
  if (abs.startsWith(ctx.cwd + sep)) return { top: ctx.cwd, inside: relative(ctx.cwd, abs) };
  const target = ctx.targets.get(file);
  if (target) {
    const t = resolve(ctx.cwd, target);
    if (abs.startsWith(t + sep)) return { top: t, inside: relative(t, abs) };
  }
  return { top: dir, inside: abs.split(sep).pop() ?? file };
}
