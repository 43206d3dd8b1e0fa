// What kind of input a file is by its name: Compose files, Helm values, helmfiles. One table for
// discovery, the Helm adapter and the Compose adapter (which leaves values names to Helm). Names are what
// `helm -f` files are called in real repositories: values.yaml beside a chart, values-prod.yaml,
// prod-values.yaml, prod.values.yaml, chart-testing's ci/*-values.yaml, anything in a values/ folder.
import { basename, dirname } from 'node:path';

const YAML = String.raw`\.ya?ml$`;

/** `compose.yaml`, `docker-compose.prod.yml`, `compose-dev.yaml`. */
export const COMPOSE_FILE_NAME = /^(docker-)?compose([.-][^/]*)?\.ya?ml$/i;

/** Base names of Helm values files, case-insensitive. */
export const VALUES_NAMES: readonly { pattern: RegExp; spelled: string }[] = [
  { pattern: new RegExp(`^values${YAML}`, 'i'), spelled: 'values.yaml' },
  { pattern: new RegExp(`^values[-_.][^/]+${YAML}`, 'i'), spelled: 'values-*.yaml, values_*.yaml, values.*.yaml' },
  { pattern: new RegExp(`^[^/]+[-_.]values${YAML}`, 'i'), spelled: '*-values.yaml, *_values.yaml, *.values.yaml' },
];

/** A folder whose YAML files are all values files (`values/prod.yaml`). */
const VALUES_FOLDER = /^values$/i;

/** helmfile's own file names (`helmfile.yaml`, `helmfile.d/*.yaml`). */
const HELMFILE_NAME = /^helmfile\.ya?ml$/i;
const HELMFILE_FOLDER = /^helmfile\.d$/i;

/**
 * Why a file is Helm values by its name (`named values-*.yaml`, `in a values/ folder`), or
 * undefined when its name does not say so.
 */
export function valuesNameReason(path: string): string | undefined {
  const name = basename(path);
  if (!new RegExp(YAML, 'i').test(name)) return undefined;
  const byName = VALUES_NAMES.find((n) => n.pattern.test(name));
  if (byName) return `named like a values file (${byName.spelled})`;
  if (VALUES_FOLDER.test(basename(dirname(path)))) return 'in a values/ folder';
  return undefined;
}

export const isValuesName = (path: string) => valuesNameReason(path) !== undefined;

/** `helmfile.yaml`, or a YAML file in `helmfile.d/`. */
export function isHelmfileName(path: string): boolean {
  const name = basename(path);
  return HELMFILE_NAME.test(name) || (new RegExp(YAML, 'i').test(name) && HELMFILE_FOLDER.test(basename(dirname(path))));
}
