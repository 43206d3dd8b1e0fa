// `iac-guard init [dir]`: writes a commented `.iac-guard.yml` and prints the pre-commit and
// GitHub workflow snippets. Never overwrites an existing config without --force.
import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE_NAMES } from '../engine/config.js';
import { UsageError } from '../core/errors.js';
import { TOOL } from '../core/version.js';
import { packageRoot } from './docs.js';
import { EXIT, type ExitCode } from './scan.js';

/** Where editors find the schema after iac-guard is installed as a devDependency. */
export const INSTALLED_SCHEMA = './node_modules/iac-guard/docs/config.schema.json';

/** The schema of this installation when it lives inside the project, else the usual install path. */
export function schemaReference(projectDir: string, root = packageRoot()): string {
  const rel = relative(projectDir, join(root, 'docs/config.schema.json'));
  if (rel.startsWith('..') || isAbsolute(rel)) return INSTALLED_SCHEMA;
  return './' + rel.split(sep).join('/');
}

export function configTemplate(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# iac-guard configuration. Every key is optional: delete what you do not need.
# \`iac-guard rules\` lists the rules; \`iac-guard explain <rule>\` says why each matters.

# Lowest severity that fails the run (exit 1): error, warning or never.
fail-on: error

# Per rule: off, a severity (error, warning, info), or { severity, options }.
rules: {}
#  image-unpinned: warning
#  image-unpinned:
#    options:
#      minimumPin: version        # channel (default: postgres:16, nginx:stable pass), version or digest

# Findings you accept on purpose. Each needs a reason; after \`expires\` the entry stops
# allowing and is reported, so a temporary exception cannot become permanent.
allow: []
#  - rule: image-unpinned
#    resource: "services.legacy.image"   # Terraform address or YAML path; globs allowed
#    reason: vendor ships only :latest; pinned by digest in the mirror job
#    expires: 2027-01-31

# Only scan / never scan these (globs relative to this file).
include: []
exclude: []
#  - "**/testdata/**"

# Your own resource types, by category, so the data-loss rules know them.
resource-types: {}
#  database: [mycorp_database]

# Custom rules: local modules (relative to this file) or npm packages.
plugins: []
#  - ./iac-guard-rules/team-tag.mjs

# Docker Compose: how the files are deployed (compose or swarm for \`docker stack deploy\`).
compose: {}
#  target: swarm
`;
}

/** The repository iac-guard is installed from (package.json homepage), e.g. https://github.com/iac-guard/iac-guard. */
export const REPOSITORY = TOOL.informationUri ?? 'https://github.com/iac-guard/iac-guard';
const GITHUB_SLUG = REPOSITORY.replace(/^https:\/\/github\.com\//, '').replace(/\/$/, '');

/**
 * The hooks this repository publishes (.pre-commit-hooks.yaml), at the tag of this version:
 * pre-commit installs iac-guard itself, and the hooks pass staged files with their folders.
 */
export function preCommitSnippet(version = TOOL.version): string {
  return `# .pre-commit-config.yaml (pre-commit installs iac-guard from the tag; nothing else to install)
repos:
  - repo: ${REPOSITORY}
    rev: v${version}
    hooks:
      - id: iac-guard        # the staged Terraform, Compose and Helm values files (with their folders)
      - id: iac-guard-diff   # what the staged .tf changes would destroy, before any plan
`;
}

/** Installs that work without a registry release: a project devDependency from the version's tag. */
export function installSnippet(version = TOOL.version): string {
  return `# install into this project (npm 11 asks to allow iac-guard's build script: the allowScripts line)
npm pkg set allowScripts.iac-guard=true --json
npm install --save-dev github:${GITHUB_SLUG}#v${version}
npx iac-guard .
`;
}

export function workflowSnippet(version = TOOL.version): string {
  return `# .github/workflows/iac-guard.yml (a complete one: examples/github/iac-guard.yml)
on: pull_request
permissions:
  contents: read
  security-events: write   # upload SARIF to code scanning
jobs:
  iac-guard:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: iac-guard
        uses: ${GITHUB_SLUG}@v${version}
        with:
          paths: .
          sarif-file: iac-guard.sarif
      - if: always() && steps.iac-guard.outputs.sarif-file != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: \${{ steps.iac-guard.outputs.sarif-file }}
`;
}

export function initCommand(dir: string | undefined, flags: { force?: boolean }, cwd: string, out: (text: string) => void): ExitCode {
  const target = resolve(cwd, dir ?? '.');
  if (!existsSync(target)) throw new UsageError(`${dir}: no such folder`);
  const existing = CONFIG_FILE_NAMES.map((n) => join(target, n)).find((p) => existsSync(p));
  if (existing && !flags.force) {
    throw new UsageError(`${relative(cwd, existing) || existing} already exists; not overwriting it (use --force to replace it)`);
  }
  const file = existing ?? join(target, CONFIG_FILE_NAMES[0]!);
  try {
    writeFileSync(file, configTemplate(schemaReference(target)));
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  out(
    [
      `Wrote ${relative(cwd, file) || file}.`,
      '',
      'Install it in this project:',
      '',
      installSnippet(),
      'Run it before each commit with pre-commit:',
      '',
      preCommitSnippet(),
      'And on every pull request with the GitHub Action:',
      '',
      workflowSnippet(),
    ].join('\n'),
  );
  return EXIT.ok;
}
