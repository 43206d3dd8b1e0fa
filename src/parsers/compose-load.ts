// Loads a Compose project as `docker compose config` would see it: the main file, its override
// files in order, `include:`d projects, `extends:` bases, `.env` interpolation and `env_file:`
// contents, merged into one located tree. Anything Compose itself would reject is a ParseError
// at file:line:column; a missing `env_file` is not (it often holds secrets kept out of the repo),
// it is recorded as an unreadable reference instead.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { ParseError } from '../core/errors.js';
import { readReferencedFile, type Refusal } from '../core/read.js';
import type { InlineSuppression, LoadOptions, SourceFile } from '../core/source.js';
import type { Location } from '../core/types.js';
import { parseYaml, type YamlFile } from './yaml.js';
import { parseEnvFile, type EnvEntry } from './compose-env.js';
import type { Lookup } from './compose-interpolate.js';
import {
  buildTree,
  child,
  isCMap,
  isCScalar,
  isCSeq,
  listToMap,
  mergeNodes,
  text,
  toList,
  type CMap,
  type CNode,
  type CScalar,
  type UniqueKey,
} from './compose-tree.js';
import { portIdentity, volumeIdentity } from './compose-values.js';

/** A file a Compose project points at: a secret, a config, an env_file. */
export interface FileReference {
  kind: 'secret' | 'config' | 'env_file';
  /** Secret/config name, or the service for an env_file. */
  name: string;
  /** As written in the Compose file. */
  path: string;
  /** Display path of the referenced file. */
  file: string;
  absPath: string;
  /** The file's text, when it could be read as UTF-8 text. */
  text?: string;
  /** Why it could not be read (not found, a folder, too large...). */
  error?: string;
  /** Set when it was deliberately not read: outside the scanned tree, not a regular file, too big. */
  refused?: Refusal['refused'];
  /** The `file:` / `env_file` entry that names it. */
  at: Location;
}

export interface EnvSetting {
  name: string;
  node: CNode;
  source: 'environment' | 'env_file';
}

export interface LoadedCompose {
  /** The merged project: `services`, `networks`, `volumes`, `secrets`, `configs`, `x-*`... */
  root: CMap;
  /** Where each service is first defined (the main file wins over overrides). */
  serviceKeys: Map<string, Location>;
  /** Effective environment variables per service (env_file entries, then `environment`). */
  environments: Map<string, EnvSetting[]>;
  /** Display paths of every file read, main file first. */
  files: string[];
  suppressions: InlineSuppression[];
  references: FileReference[];
  /** Interpolation variables: `.env` beside the main file, overridden by the process environment. */
  lookup: Lookup;
  projectDir: string;
}

const TOP_LEVEL = new Set(['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'include', 'models']);
/** Fields written as a list or a map of `KEY=VALUE`; normalized to maps so both spellings merge. */
const MAP_OR_LIST = ['environment', 'labels', 'annotations', 'sysctls', 'extra_hosts'];

const UNIQUE_KEYS: Record<string, UniqueKey> = {
  ports: portIdentity,
  volumes: volumeIdentity,
  secrets: (n) => text(n) ?? text(child(n, 'target')) ?? text(child(n, 'source')),
  configs: (n) => text(n) ?? text(child(n, 'target')) ?? text(child(n, 'source')),
};

interface FileContext {
  abs: string;
  display: string;
  lookup: Lookup;
}

export function loadCompose(group: SourceFile[], options: LoadOptions): LoadedCompose {
  const main = group[0]!;
  const projectDir = dirname(main.absPath);
  const env = readDotEnv(projectDir, main.path, options);
  const loader = new Loader(env.lookup, options.roots);
  if (env.file) loader.files.push(env.file);
  loader.suppressions.push(...env.suppressions);

  let root: CMap | undefined;
  for (const source of group) {
    const ctx: FileContext = { abs: source.absPath, display: source.path, lookup: env.lookup };
    const fileRoot = loader.loadFile(source, ctx, [source.absPath]);
    root = root ? (mergeNodes(root, fileRoot, UNIQUE_KEYS) as CMap) : fileRoot;
  }
  root ??= emptyMap(main.path);
  loader.collectReferences(root);
  return {
    root,
    serviceKeys: loader.serviceKeys,
    environments: loader.environments(root),
    files: [...new Set([...group.map((f) => f.path), ...loader.files])],
    suppressions: loader.suppressions,
    references: loader.references,
    lookup: env.lookup,
    projectDir,
  };
}

function emptyMap(file: string): CMap {
  const at: Location = { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
  return { kind: 'map', at, entries: new Map() };
}

/** `.env` beside the main file; the process environment (LoadOptions.env) wins over it, as in Compose. */
function readDotEnv(dir: string, mainDisplay: string, options: LoadOptions) {
  const fromProcess: Lookup = (name) => options.env[name];
  const abs = join(dir, '.env');
  const vars = new Map<string, string>();
  let suppressions: InlineSuppression[] = [];
  let file: string | undefined;
  const read = existsSync(abs) ? readReferencedFile(abs, options.roots) : undefined;
  if (read?.text !== undefined) {
    file = posix.join(posix.dirname(mainDisplay), '.env');
    const parsed = parseEnvFile(read.text, file, fromProcess);
    for (const e of parsed.entries) if (e.value !== undefined && !e.unresolved) vars.set(e.name, e.value);
    suppressions = parsed.suppressions;
  }
  const lookup: Lookup = (name) => options.env[name] ?? vars.get(name);
  return { lookup, file, suppressions };
}

class Loader {
  readonly files: string[] = [];
  readonly suppressions: InlineSuppression[] = [];
  readonly references: FileReference[] = [];
  readonly serviceKeys = new Map<string, Location>();
  private readonly extendedServices = new Map<string, CMap>();
  /** Display path → absolute path of every file read, to resolve relative references. */
  private readonly absOf = new Map<string, string>();
  private readonly envFiles = new Map<string, { entries: EnvEntry[]; text: string; display: string } | { error: string; display: string; refused?: FileReference['refused'] }>();

  constructor(
    private readonly lookup: Lookup,
    /** Folders referenced files may be read from; undefined: no boundary. */
    private readonly roots?: readonly string[],
  ) {}

  /** Parses one Compose file with its includes and extends resolved. */
  loadFile(source: SourceFile, ctx: FileContext, includeChain: string[]): CMap {
    const yf = parseYaml(source);
    this.files.push(source.path);
    this.absOf.set(source.path, source.absPath);
    this.suppressions.push(...yf.suppressions);
    const root = this.rootOf(yf, ctx);
    const services = child(root, 'services');
    if (isCMap(services)) {
      for (const [name, svc] of services.entries) {
        services.entries.set(name, normalizeService(svc, `services.${name}`));
        if (!this.serviceKeys.has(name)) this.serviceKeys.set(name, svc.keyAt ?? svc.at);
      }
      this.resolveExtends(services, ctx);
    }
    const include = child(root, 'include');
    if (include) this.resolveIncludes(root, include, ctx, includeChain);
    return root;
  }

  private rootOf(yf: YamlFile, ctx: FileContext): CMap {
    const fail = (msg: string, node?: CNode) =>
      new ParseError(yf.file.path, msg, node?.at.range.start.line ?? 1, node?.at.range.start.column ?? 1);
    // An empty (or comments-only) file is a valid, empty layer: some projects ship one as a seam.
    if (yf.value === null || yf.value === undefined) return emptyMap(yf.file.path);
    const root = buildTree(yf, ctx.lookup);
    if (!isCMap(root)) throw fail('not a Compose file: the top level must be a mapping with `services:`', root);
    for (const [key, node] of root.entries) {
      if (!TOP_LEVEL.has(key) && !key.startsWith('x-')) {
        throw fail(`not a Compose file: unknown top-level key "${key}" (Compose accepts services, networks, volumes, secrets, configs, include, name, version and x-*)`, { ...node, at: node.keyAt ?? node.at });
      }
    }
    const services = child(root, 'services');
    if (services && !isCMap(services) && !(isCScalar(services) && services.value === null)) {
      throw fail('`services` must be a mapping of service names to their settings', services);
    }
    return root;
  }

  private resolveExtends(services: CMap, ctx: FileContext): void {
    const resolved = new Set<string>();
    const resolveOne = (name: string, svcs: CMap, fctx: FileContext, chain: string[]): CMap => {
      const svc = svcs.entries.get(name) as CMap;
      const ext = child(svc, 'extends');
      const id = `${fctx.abs}#${name}`;
      if (!ext || resolved.has(id)) return svc;
      if (chain.includes(id)) throw atNode(ext, `services.${name}.extends forms a cycle (${chain.map((c) => c.split('#')[1]).join(' → ')} → ${name})`);
      const baseName = text(child(ext, 'service'));
      if (!baseName) throw atNode(ext, `services.${name}.extends needs \`service:\` (the service to extend)`);
      const fileText = text(child(ext, 'file'));
      let baseServices = svcs;
      let baseCtx = fctx;
      if (fileText) {
        const abs = isAbsolute(fileText) ? fileText : join(dirname(fctx.abs), fileText);
        const display = displayJoin(fctx.display, fileText);
        baseCtx = { abs, display, lookup: fctx.lookup };
        baseServices = this.extendedServices.get(abs) ?? this.loadExtended(baseCtx, child(ext, 'file')!);
      }
      if (!isCMap(baseServices.entries.get(baseName))) {
        throw atNode(ext, `services.${name}.extends names service "${baseName}", which is not defined${fileText ? ` in ${fileText}` : ''}`);
      }
      const base = resolveOne(baseName, baseServices, baseCtx, [...chain, id]);
      const own: CMap = { ...svc, entries: new Map([...svc.entries].filter(([k]) => k !== 'extends')) };
      const merged = mergeNodes(base, own, UNIQUE_KEYS) as CMap;
      svcs.entries.set(name, merged);
      resolved.add(id);
      return merged;
    };
    for (const name of services.entries.keys()) resolveOne(name, services, ctx, []);
  }

  /** The services of a file named by `extends.file`, read once per project. */
  private loadExtended(ctx: FileContext, at: CNode): CMap {
    const loaded = this.readReferencedCompose(ctx.abs, ctx.display, at, 'extended');
    this.files.push(ctx.display);
    this.suppressions.push(...loaded.suppressions);
    const s = child(this.rootOf(loaded, ctx), 'services');
    const services = isCMap(s) ? s : emptyMap(ctx.display);
    for (const [n, v] of services.entries) services.entries.set(n, normalizeService(v, `services.${n}`));
    this.extendedServices.set(ctx.abs, services);
    return services;
  }

  private resolveIncludes(root: CMap, include: CNode, ctx: FileContext, chain: string[]): void {
    if (!isCSeq(include)) throw atNode(include, '`include` must be a list of files');
    const services = (child(root, 'services') as CMap | undefined) ?? emptyMap(ctx.display);
    if (!root.entries.has('services') || !isCMap(root.entries.get('services'))) root.entries.set('services', services);
    for (const item of include.items) {
      const pathNode = isCMap(item) ? child(item, 'path') : item;
      const paths = pathNode ? toList(pathNode).items : [];
      if (!paths.length) throw atNode(item, 'an `include` entry needs a path');
      let included: CMap | undefined;
      for (const p of paths) {
        const rel = text(p);
        if (!rel) throw atNode(p, 'an `include` path must be text without unset variables');
        if (/^(git|https?|oci):|^[\w.-]+@/.test(rel)) throw atNode(p, `remote include "${rel}" cannot be checked offline; vendor the file and include it locally`);
        const abs = isAbsolute(rel) ? rel : join(dirname(ctx.abs), rel);
        if (chain.includes(abs)) throw atNode(p, `include cycle: ${rel} includes itself`);
        const display = displayJoin(ctx.display, rel);
        const yf = this.readReferencedCompose(abs, display, p, 'included');
        const dotenv = readDotEnv(dirname(abs), display, { cwd: '', vars: {}, varFiles: [], helmValues: [], env: {}, ...(this.roots ? { roots: this.roots } : {}) });
        // The including project's variables win over the included project's own `.env`.
        const lookup: Lookup = (n) => ctx.lookup(n) ?? dotenv.lookup(n);
        const fileRoot = this.loadFile(yf.file, { abs, display, lookup }, [...chain, abs]);
        included = included ? (mergeNodes(included, fileRoot, UNIQUE_KEYS) as CMap) : fileRoot;
      }
      const incServices = child(included, 'services');
      if (!isCMap(incServices)) continue;
      for (const [name, svc] of incServices.entries) {
        if (services.entries.has(name)) {
          throw atNode(services.entries.get(name)!, `service "${name}" is defined both here and in included file ${text(paths[0]) ?? ''}; Compose refuses the conflict`);
        }
        services.entries.set(name, svc);
      }
      for (const section of ['networks', 'volumes', 'secrets', 'configs']) {
        const inc = child(included, section);
        if (!isCMap(inc)) continue;
        const mine = child(root, section);
        root.entries.set(section, isCMap(mine) ? { ...mine, entries: new Map([...inc.entries, ...mine.entries]) } : inc);
      }
    }
  }

  private readReferencedCompose(abs: string, display: string, at: CNode, what: string): YamlFile {
    const read = readReferencedFile(abs, this.roots);
    if (read.text === undefined) {
      const hint = read.refused === 'outside' ? '; scan from a folder that holds both files' : '';
      throw atNode(at, `cannot read ${what} file ${display}: ${read.error}${hint}`);
    }
    const yf = parseYaml({ path: display, absPath: abs, text: read.text });
    this.absOf.set(display, abs);
    return yf;
  }

  /** Effective environment of each service: env_file entries in order, then `environment`. */
  environments(root: CMap): Map<string, EnvSetting[]> {
    const out = new Map<string, EnvSetting[]>();
    const services = child(root, 'services');
    if (!isCMap(services)) return out;
    for (const [name, svc] of services.entries) {
      if (!isCMap(svc)) continue;
      const settings = new Map<string, EnvSetting>();
      const envFile = child(svc, 'env_file');
      for (const item of envFile ? toList(envFile).items : []) {
        const read = this.readEnvFile(item, name);
        for (const e of read?.entries ?? []) settings.set(e.name, { name: e.name, node: envScalar(e, read!.display), source: 'env_file' });
      }
      const environment = child(svc, 'environment');
      if (isCMap(environment)) {
        for (const [k, v] of environment.entries) {
          // A bare `KEY`: Compose passes the value from its own environment (.env included).
          const node = isCScalar(v) && v.value === null ? { ...v, value: this.lookup(k) ?? null } : v;
          settings.set(k, { name: k, node, source: 'environment' });
        }
      }
      out.set(name, [...settings.values()]);
    }
    return out;
  }

  private readEnvFile(item: CNode, service: string): { entries: EnvEntry[]; display: string } | undefined {
    const pathNode = isCMap(item) ? child(item, 'path') : item;
    const rel = text(pathNode);
    if (!rel || !pathNode) return undefined;
    const required = text(child(item, 'required')) !== 'false';
    const { abs, display } = this.resolveRelative(pathNode, rel);
    let cached = this.envFiles.get(abs);
    if (!cached) {
      const read = readReferencedFile(abs, this.roots);
      if (read.text === undefined) cached = { error: read.error, display, ...(read.refused ? { refused: read.refused } : {}) };
      else {
        const parsed = parseEnvFile(read.text, display, this.lookup);
        this.suppressions.push(...parsed.suppressions);
        this.files.push(display);
        cached = { entries: parsed.entries, text: read.text, display };
      }
      this.envFiles.set(abs, cached);
    }
    // An optional env_file (`required: false`) that is absent is exactly what its author meant.
    if (required || !('error' in cached)) {
      this.references.push({
        kind: 'env_file',
        name: service,
        path: rel,
        file: display,
        absPath: abs,
        ...('error' in cached ? { error: cached.error, ...(cached.refused ? { refused: cached.refused } : {}) } : { text: cached.text }),
        at: pathNode.at,
      });
    }
    return 'entries' in cached ? cached : undefined;
  }

  /** Top-level `secrets:` and `configs:` entries with `file:`. */
  collectReferences(root: CMap): void {
    for (const kind of ['secret', 'config'] as const) {
      const section = child(root, `${kind}s`);
      if (!isCMap(section)) continue;
      for (const [name, def] of section.entries) {
        const fileNode = child(def, 'file');
        const rel = text(fileNode);
        if (!rel || !fileNode) continue;
        const { abs, display } = this.resolveRelative(fileNode, rel);
        const read = readReferencedFile(abs, this.roots);
        this.references.push({ kind, name, path: rel, file: display, absPath: abs, ...(read.text !== undefined ? { text: read.text } : { error: read.error, ...(read.refused ? { refused: read.refused } : {}) }), at: fileNode.at });
      }
    }
  }

  /** A path written in some file, relative to that file's folder. */
  private resolveRelative(node: CNode, rel: string): { abs: string; display: string } {
    const fromDisplay = node.at.file;
    const fromAbs = this.absOf.get(fromDisplay) ?? fromDisplay;
    const expanded = rel.startsWith('~/') ? join(process.env.HOME ?? '~', rel.slice(2)) : rel;
    return isAbsolute(expanded)
      ? { abs: expanded, display: expanded }
      : { abs: join(dirname(fromAbs), expanded), display: displayJoin(fromDisplay, expanded) };
  }
}

function envScalar(e: EnvEntry, file: string): CScalar {
  const at: Location = { file, range: e.range };
  return { kind: 'scalar', at, keyAt: at, value: e.value ?? null, raw: e.value ?? null, unresolved: e.unresolved };
}

const atNode = (node: CNode, msg: string) => new ParseError(node.at.file, msg, node.at.range.start.line, node.at.range.start.column);

function displayJoin(fromDisplay: string, rel: string): string {
  return isAbsolute(rel) ? rel : posix.normalize(posix.join(posix.dirname(fromDisplay), rel));
}

/** Puts the spellings Compose treats alike into one form, and rejects shapes Compose rejects. */
export function normalizeService(svc: CNode, path: string): CMap {
  if (!isCMap(svc)) throw atNode(svc, `${path} must be a mapping (image, ports, environment...)`);
  const entries = new Map(svc.entries);
  for (const key of MAP_OR_LIST) {
    const v = entries.get(key);
    if (!v) continue;
    if (!isCMap(v) && !isCSeq(v) && !(isCScalar(v) && v.value === null)) throw atNode(v, `${path}.${key} must be a list of KEY=VALUE or a mapping`);
    entries.set(key, listToMap(v, key === 'extra_hosts' ? ':' : '='));
  }
  for (const key of ['ports', 'volumes', 'expose', 'secrets', 'configs', 'devices', 'cap_add', 'cap_drop']) {
    const v = entries.get(key);
    if (v && !isCSeq(v) && !(isCScalar(v) && v.value === null)) throw atNode(v, `${path}.${key} must be a list`);
  }
  const envFile = entries.get('env_file');
  if (envFile && !(isCScalar(envFile) && envFile.value === null)) entries.set('env_file', toList(envFile));
  // `depends_on: [db]` and `depends_on: {db: {condition: ...}}` both become a map keyed by service.
  const dependsOn = entries.get('depends_on');
  if (isCSeq(dependsOn)) entries.set('depends_on', listToMap(dependsOn, '\u0000'));
  const ext = entries.get('extends');
  if (isCScalar(ext)) {
    entries.set('extends', { kind: 'map', at: ext.at, ...(ext.keyAt ? { keyAt: ext.keyAt } : {}), entries: new Map([['service', ext]]) });
  }
  const build = entries.get('build');
  const args = child(build, 'args');
  if (isCMap(build) && args) entries.set('build', { ...build, entries: new Map([...build.entries, ['args', listToMap(args)]]) });
  const logging = entries.get('logging');
  if (logging && !isCMap(logging)) throw atNode(logging, `${path}.logging must be a mapping with \`driver\` and \`options\``);
  const deploy = entries.get('deploy');
  if (deploy && !isCMap(deploy) && !(isCScalar(deploy) && deploy.value === null)) throw atNode(deploy, `${path}.deploy must be a mapping`);
  return { ...svc, entries };
}
