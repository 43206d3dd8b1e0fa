// The Compose model: one project (a main file, its override files, what they include and
// extend), with every service's settings and the location each came from. Rules read this;
// they never touch the file system.
import { COMPOSE_FILE_NAME, isValuesName } from '../knowledge/file-names.js';
import { basename, dirname, join } from 'node:path';
import type { BaseModel, InlineSuppression, InputGroup, LoadOptions, SourceFile } from '../core/source.js';
import type { InputAdapter } from './adapter.js';
import type { Location } from '../core/types.js';
import { parseImage, type ImageRef } from '../knowledge/images.js';
import { oneShotReason } from '../knowledge/compose-lifetimes.js';
import { loadCompose, type EnvSetting, type FileReference, type LoadedCompose } from '../parsers/compose-load.js';
import { child, isCMap, isCScalar, isCSeq, keyOrValue, text, type CMap, type CNode } from '../parsers/compose-tree.js';
import { parsePort, parseVolume, type ComposePort, type ComposeVolume } from '../parsers/compose-values.js';

export type { CNode, CMap, CSeq, CScalar } from '../parsers/compose-tree.js';
export { child, isCMap, isCScalar, isCSeq, isTrue, keyOrValue, text } from '../parsers/compose-tree.js';
export type { ComposePort, ComposeVolume, PortRange } from '../parsers/compose-values.js';
export type { FileReference } from '../parsers/compose-load.js';

export interface ComposeImage {
  /** As written, before interpolation (`nginx:${TAG}`). */
  raw: string;
  /** After interpolation; still holds `${...}` when `unresolved`. */
  value: string;
  /** A variable in it has no value and no default: do not judge the image. */
  unresolved: boolean;
  /** Parsed reference, only when fully resolved. */
  ref?: ImageRef;
  /** The `image:` key. */
  keyAt: Location;
  /** The value. */
  at: Location;
}

export interface ComposeEnvVar {
  name: string;
  /** Undefined when a bare `KEY` names a variable that is not set. */
  value?: string;
  unresolved: boolean;
  /** `environment` entry (map key or list item) or the env file line. */
  at: Location;
  source: 'environment' | 'env_file';
  /** `services.web.environment.ACCEPTED_IPS` (also for values from an env_file). */
  path: string;
}

export class ComposeService {
  /** `services.<name>` */
  readonly path: string;
  readonly image?: ComposeImage;
  readonly ports: ComposePort[];
  readonly volumes: ComposeVolume[];
  readonly environment: ComposeEnvVar[];

  constructor(
    readonly name: string,
    /** The merged settings of the service. */
    readonly node: CMap,
    /** The service's key in the first file that defines it. */
    readonly at: Location,
    environment: EnvSetting[],
  ) {
    this.path = `services.${name}`;
    const image = child(node, 'image');
    if (isCScalar(image) && image.value !== null) {
      const value = String(image.value);
      this.image = {
        raw: String(image.raw),
        value,
        unresolved: image.unresolved,
        ...(image.unresolved ? {} : { ref: parseImage(value) }),
        keyAt: keyOrValue(image),
        at: image.at,
      };
    }
    const ports = child(node, 'ports');
    this.ports = isCSeq(ports) ? ports.items.map((p, i) => parsePort(p, `${this.path}.ports[${i}]`)) : [];
    const volumes = child(node, 'volumes');
    this.volumes = isCSeq(volumes) ? volumes.items.map((v, i) => parseVolume(v, `${this.path}.volumes[${i}]`)) : [];
    this.environment = environment.map(({ name, node: v, source }) => ({
      name,
      ...(isCScalar(v) && v.value !== null ? { value: String(v.value) } : {}),
      unresolved: isCScalar(v) && v.unresolved,
      at: keyOrValue(v),
      source,
      path: `${this.path}.environment.${name}`,
    }));
  }

  /** The setting at a path of keys (`get('logging', 'options', 'max-size')`). */
  get(...keys: string[]): CNode | undefined {
    return child(this.node, ...keys);
  }

  has(key: string): boolean {
    const v = this.node.entries.get(key);
    return v !== undefined && !(isCScalar(v) && v.value === null);
  }

  /** The value of an environment variable, when set and resolved. */
  env(name: string): string | undefined {
    const v = this.environment.find((e) => e.name === name);
    return v && !v.unresolved ? v.value : undefined;
  }

  /** `command` as one string (list items joined by spaces), when it has no unset variable. */
  command(key: 'command' | 'entrypoint' = 'command'): string | undefined {
    const c = this.get(key);
    if (isCSeq(c)) {
      const parts = c.items.map(text);
      return parts.every((p) => p !== undefined) ? parts.join(' ') : undefined;
    }
    return text(c);
  }

  /**
   * A service with no image, no build and no extends is a fragment of a layered file
   * (`compose.prod.yaml` patching a service defined elsewhere): rules about what is
   * missing from it would be guessing.
   */
  get isFragment(): boolean {
    return !this.image && !this.has('build') && !this.has('extends');
  }
}

export interface SwarmEvidence {
  /** Why we believe the file is deployed with `docker stack deploy`, for messages. */
  reason: string;
  at?: Location;
}

/** Keys under `deploy:` that only swarm acts on (`resources` is honoured by `docker compose` too). */
const SWARM_DEPLOY_KEYS = ['replicas', 'mode', 'placement', 'update_config', 'rollback_config', 'endpoint_mode'];

export class ComposeProject implements BaseModel {
  readonly kind = 'compose' as const;
  readonly files: string[];
  readonly inlineSuppressions: InlineSuppression[];
  /** Compose project name: `name:`, COMPOSE_PROJECT_NAME, or the folder name. */
  readonly name: string;
  /** Display path of the main file. */
  readonly mainFile: string;
  /** `--target` / config `compose.target`, when given. */
  readonly target?: 'compose' | 'swarm';
  private readonly serviceList: ComposeService[];

  constructor(
    private readonly loaded: LoadedCompose,
    mainFile: string,
    options: Pick<LoadOptions, 'composeTarget'>,
  ) {
    this.files = loaded.files;
    this.inlineSuppressions = loaded.suppressions;
    this.mainFile = mainFile;
    if (options.composeTarget) this.target = options.composeTarget;
    this.name = projectName(text(child(loaded.root, 'name')) ?? loaded.lookup('COMPOSE_PROJECT_NAME') ?? basename(loaded.projectDir));
    const services = child(loaded.root, 'services');
    this.serviceList = isCMap(services)
      ? [...services.entries].map(
          ([name, node]) => new ComposeService(name, node as CMap, loaded.serviceKeys.get(name) ?? keyOrValue(node), loaded.environments.get(name) ?? []),
        )
      : [];
  }

  services(): ComposeService[] {
    return this.serviceList;
  }

  service(name: string): ComposeService | undefined {
    this.byName ??= new Map(this.serviceList.map((s) => [s.name, s]));
    return this.byName.get(name);
  }

  private byName?: Map<string, ComposeService>;
  /** Service name → the services that wait for it to complete; built once (50,000 services stay linear). */
  private awaitedBy?: Map<string, string[]>;

  private waitersFor(name: string): string[] {
    if (!this.awaitedBy) {
      this.awaitedBy = new Map();
      for (const s of this.serviceList) {
        const deps = s.get('depends_on');
        if (!isCMap(deps)) continue;
        for (const [target, def] of deps.entries) {
          if (target === s.name || text(child(def, 'condition')) !== 'service_completed_successfully') continue;
          const list = this.awaitedBy.get(target) ?? [];
          list.push(s.name);
          this.awaitedBy.set(target, list);
        }
      }
    }
    return this.awaitedBy.get(name) ?? [];
  }

  /**
   * Why a service runs once and exits (an initialiser, a migration, a setup profile, a
   * no-op build holder), or undefined when it looks long-running.
   */
  oneShotReason(service: ComposeService): string | undefined {
    const awaitedBy = this.waitersFor(service.name);
    const profiles = service.get('profiles');
    const replicas = text(service.get('deploy', 'replicas')) ?? text(service.get('scale'));
    return oneShotReason({
      name: service.name,
      profiles: isCSeq(profiles) ? profiles.items.map(text).filter((p): p is string => p !== undefined) : [],
      ...optional('restart', text(service.get('restart'))),
      ...optional('command', service.command('command')),
      ...optional('entrypoint', service.command('entrypoint')),
      ...(replicas !== undefined && /^\d+$/.test(replicas) ? { replicas: Number(replicas) } : {}),
      serves: service.ports.length > 0 || service.has('expose') || service.has('healthcheck'),
      awaitedToCompleteBy: awaitedBy,
    });
  }

  /** A top-level setting (`get('networks', 'backend', 'driver')`). */
  get(...keys: string[]): CNode | undefined {
    return child(this.loaded.root, ...keys);
  }

  /** Files named by `secrets:`/`configs:` `file:` entries and by `env_file`, with their text when readable. */
  fileReferences(): FileReference[] {
    return this.loaded.references;
  }

  /**
   * Why this project looks meant for `docker stack deploy`: `--target swarm`, a stack-like
   * file name, swarm-only `deploy:` keys, or an overlay network. Undefined for plain Compose.
   */
  swarmEvidence(): SwarmEvidence | undefined {
    if (this.target === 'compose') return undefined;
    if (this.target === 'swarm') return { reason: 'the target is swarm (`--target swarm` or `compose.target: swarm`)' };
    const fileName = basename(this.mainFile);
    if (/stack/i.test(fileName)) return { reason: `the file is named like a stack file (${fileName})` };
    for (const s of this.serviceList) {
      for (const key of SWARM_DEPLOY_KEYS) {
        const n = s.get('deploy', key);
        if (n) return { reason: `${s.path}.deploy.${key} is only used by \`docker stack deploy\``, at: keyOrValue(n) };
      }
    }
    const networks = this.get('networks');
    if (isCMap(networks)) {
      for (const [name, def] of networks.entries) {
        if (text(child(def, 'driver')) === 'overlay') return { reason: `network \`${name}\` uses the swarm overlay driver`, at: keyOrValue(child(def, 'driver')!) };
      }
    }
    return undefined;
  }
}

/**
 * Identity of a place in a file. Services that share a YAML anchor share the locations of
 * the anchored settings; rules group by this to report such a setting once, not per service.
 */
export const locationKey = (at: Location): string => `${at.file}:${at.range.start.line}:${at.range.start.column}`;

/** `\`services.a.image\`` or `\`services.a.image\` (also services.b, services.c through a YAML anchor)`. */
export function describeShared(paths: string[], suffix: string): string {
  const [first, ...rest] = paths;
  const own = `\`${first}${suffix}\``;
  return rest.length ? `${own} (also ${rest.join(', ')}, through a YAML anchor)` : own;
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** Compose lowercases the project name and keeps letters, digits, `-` and `_`. */
function projectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

// ---- adapter ----

const OVERRIDE_NAME = /^(.*)\.override\.(ya?ml)$/i;
/** A top-level `services:` holding a block mapping (not a list, as in .gitlab-ci.yml), or `{...}`. */
const SERVICES_MAP = /^services:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*[ \t]+[^\s#-]|^services:[ \t]*\{/m;

export const composeAdapter: InputAdapter<'compose', ComposeProject> = {
  kind: 'compose',
  claims(file: SourceFile): boolean {
    const name = basename(file.path);
    if (!/\.ya?ml$/i.test(name)) return false;
    // Values files are Helm's, whatever they contain (the Helm adapter claims them first).
    if (!COMPOSE_FILE_NAME.test(name) && isValuesName(file.absPath)) return false;
    if (/^\.gitlab-ci\.ya?ml$/i.test(name)) return false;
    return COMPOSE_FILE_NAME.test(name) || SERVICES_MAP.test(file.text);
  },

  reason(file: SourceFile): string {
    return COMPOSE_FILE_NAME.test(basename(file.path)) ? 'Compose file: named compose*.yaml' : 'Compose file: has a top-level `services:` map';
  },

  group(files: SourceFile[]): InputGroup<'compose'>[] {
    // `X.override.yml` joins `X.yml`/`X.yaml` in the same folder, as `docker compose` merges them.
    const byAbs = new Map(files.map((f) => [f.absPath.toLowerCase(), f]));
    const overridesOf = new Map<SourceFile, SourceFile[]>();
    const isOverride = new Set<SourceFile>();
    for (const f of files) {
      const m = OVERRIDE_NAME.exec(basename(f.absPath));
      if (!m) continue;
      const dir = dirname(f.absPath);
      const base = ['yml', 'yaml'].map((ext) => byAbs.get(join(dir, `${m[1]}.${ext}`).toLowerCase())).find(Boolean);
      if (!base) continue;
      overridesOf.set(base, [...(overridesOf.get(base) ?? []), f]);
      isOverride.add(f);
    }
    return files
      .filter((f) => !isOverride.has(f))
      .map((f) => ({ kind: 'compose' as const, files: [f, ...(overridesOf.get(f) ?? []).sort((a, b) => (a.path < b.path ? -1 : 1))] }));
  },

  load(group: InputGroup<'compose'>, options: LoadOptions): ComposeProject {
    const loaded = loadCompose(group.files, options);
    return new ComposeProject(loaded, group.files[0]!.path, options);
  },
};
