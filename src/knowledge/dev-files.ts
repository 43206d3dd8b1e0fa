// Files that are not deployments: examples, demos, tests, local development stacks and docs.
// Their findings are real but rarely a reason to block a pull request, so the engine reports
// them as warnings with this reason (`dev-files: strict` keeps them as errors).

/** Folder names that hold examples, tests, fixtures or docs rather than something deployed. */
export const DEV_FOLDERS = [
  'example',
  'examples',
  'demo',
  'demos',
  'sample',
  'samples',
  'test',
  'tests',
  'testing',
  'testdata',
  'test-data',
  'test_data',
  'fixtures',
  '__tests__',
  'e2e',
  'integration-tests',
  'cypress',
  'devenv',
  'dev-env',
  'docs',
  'doc',
  'tutorial',
  'tutorials',
  'playground',
  'quickstart',
];

/** Words in a file name that say it is for development or tests (`compose.dev.yml`, `docker-compose.test.yaml`). */
export const DEV_NAME_WORDS = ['dev', 'development', 'test', 'tests', 'testing', 'local', 'example', 'sample', 'demo', 'e2e', 'ci', 'debug'];

/** Helm values overlays and tfvars name the environment they deploy to. */
const isEnvironmentSettings = (fileName: string) => /^values([-._].*)?\.ya?ml$|[-._]values\.ya?ml$|\.tfvars(\.json)?$/i.test(fileName);

/** Phrases in a file's leading comments that disown production use. */
const HEADER_PHRASES = [
  /\b(?:only\s+)?for\s+(?:local\s+)?(?:development|dev|testing|tests|demo|demonstration)(?:\s+(?:purposes|only|use))?\b/i,
  /\bnot\s+(?:intended\s+|meant\s+|suitable\s+|recommended\s+|ready\s+)?for\s+production\b/i,
  /\bdo\s+not\s+use\s+(?:it\s+|this\s+)?(?:\w+\s+)?in\s+(?:a\s+)?production\b/i,
];

/**
 * Rule categories about keeping a deployment running and recoverable: log rotation, memory
 * limits, pinned images, backups, deletion protection, certificates. In a file that is not a
 * deployment there is nothing to keep running, so these findings are left out (counted, and
 * shown with `dev-files: warn` or `strict`). Exposure and correctness findings stay, as warnings:
 * an example that opens a database to the internet is copied with it.
 */
export const UPKEEP_CATEGORIES: readonly string[] = ['availability', 'reliability', 'data-loss', 'supply-chain', 'protection'];

/** Dockerfile stages that hold a development setup (dev server, debugger, test tools). */
const DEV_BUILD_STAGES = /^\s+target:\s*["']?(dev|development|develop|debug|local|test)["']?\s*(#.*)?$/m;

/** A Compose file whose services build a development stage is a local development stack. */
function devBuildStage(text: string): string | undefined {
  if (!/^services:/m.test(text)) return undefined;
  return DEV_BUILD_STAGES.exec(text)?.[1];
}

/** Folders and name words of test suites: nothing in them is deployed or copied into a deployment. */
const TEST_FOLDERS = ['test', 'tests', 'testing', 'testdata', 'test-data', 'test_data', 'fixtures', '__tests__', 'e2e', 'integration-tests', 'cypress'];
const TEST_WORDS = ['test', 'tests', 'testing', 'e2e'];

/** How many leading lines may hold such a header comment. */
const HEADER_LINES = 15;

export interface DevFile {
  /** Why the file is not a deployment, in words. */
  reason: string;
  /** Part of a test suite (a test folder, a name that says test): nothing there is deployed or copied. */
  testSuite: boolean;
}

/**
 * Whether a file is not a deployment, and why, or undefined. `relPath` is the path inside the
 * repository (folders above the repository never count: a checkout under /tmp/test/ is not a
 * test file); `text` is the file's content, when read. Examples, demos and docs are not test
 * suites: users copy them.
 */
export function devFile(relPath: string, text?: string): DevFile | undefined {
  const parts = relPath.split(/[\\/]+/).filter((p) => p && p !== '.');
  const fileName = parts.pop() ?? '';
  const folder = parts.find((p) => DEV_FOLDERS.includes(p.toLowerCase()));
  if (folder) {
    return { reason: `it is under \`${parts.slice(0, parts.indexOf(folder) + 1).join('/')}/\`, a folder of examples, tests or docs`, testSuite: TEST_FOLDERS.includes(folder.toLowerCase()) };
  }
  // `values-dev.yaml` and `dev.tfvars` are a dev environment's settings: deployed, not local.
  const words = isEnvironmentSettings(fileName) ? [] : fileName.replace(/\.[^.]+$/, '').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const word = words.find((w) => DEV_NAME_WORDS.includes(w));
  if (word) return { reason: `its name (\`${fileName}\`) says it is for ${word === 'ci' ? 'CI' : word}`, testSuite: words.some((w) => TEST_WORDS.includes(w)) };
  if (text === undefined) return undefined;
  const stage = devBuildStage(text);
  if (stage) return { reason: `its services run the \`${stage}\` build stage of their Dockerfile (build.target)`, testSuite: false };
  const comments = text
    .split('\n', HEADER_LINES)
    .filter((l) => /^\s*(?:#|\/\/|\/\*|\*)/.test(l))
    .join(' ');
  const phrase = HEADER_PHRASES.map((p) => p.exec(comments)?.[0]).find(Boolean);
  return phrase ? { reason: `its header comment says "${phrase.trim()}"`, testSuite: false } : undefined;
}

/** Why a file is not a deployment, or undefined (see devFile). */
export const devFileReason = (relPath: string, text?: string): string | undefined => devFile(relPath, text)?.reason;

/** README file names looked for in a file's folder and the folders above it, up to the repository root. */
export const README_NAMES = ['README.md', 'README', 'README.rst', 'README.txt', 'readme.md'];

/**
 * Phrases in a README that disown production use of everything below it. Stricter than the
 * header phrases: "for local development, run ..." in a README is an instruction, not a
 * disclaimer, so only explicit "not for production" statements count.
 */
const README_PHRASES = [
  /\b(?:must|should)\s+not\s+be\s+(?:deployed|used|run)\s+in\s+(?:a\s+)?production(?:\s+environments?)?\b/i,
  /\bnot\s+(?:intended|meant|suitable|designed|ready)\s+for\s+(?:use\s+in\s+)?production(?:\s+use)?\b/i,
  /\bintended\s+(?:only\s+)?for\s+(?:use\s+in\s+)?local\s+development\b/i,
  /\bdo\s+not\s+use\s+(?:this|these|them|it)\s+(?:\w+\s+)?in\s+production\b/i,
];

/** The disclaimer a README makes, or undefined. */
export function readmeDisclaimer(text: string): string | undefined {
  const flat = text.replace(/\s+/g, ' ');
  return README_PHRASES.map((p) => p.exec(flat)?.[0]).find(Boolean)?.trim();
}
