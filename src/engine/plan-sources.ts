// Points plan findings at the `.tf` block that declares each resource, when the Terraform
// sources sit beside the plan (or `--tf-dir` names them). Then inline `# iac-guard-ignore`
// comments in the .tf files work for plan findings too.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LoadOptions, SourceFile } from '../core/source.js';
import { displayPath, readSource } from '../core/read.js';
import { ParseError } from '../core/errors.js';
import type { FileError } from '../core/types.js';
import type { PlanModel, TerraformModule } from '../model/index.js';

const isTerraformName = (n: string) => /\.(tf|tf\.json|tfvars|tfvars\.json)$/i.test(n);

/**
 * Links every plan to a Terraform root: one already scanned in this run, or one loaded from the
 * plan's folder (or `--tf-dir`) only for locations. Returns the modules loaded only for that, whose
 * inline suppressions must still apply. Sources beside a plan are a convenience: if they do not
 * parse, findings stay in the plan; an explicit `--tf-dir` that does not parse is an error.
 */
export async function linkPlansToSources(
  plans: PlanModel[],
  scanned: TerraformModule[],
  load: LoadOptions,
  errors: FileError[],
): Promise<TerraformModule[]> {
  if (!plans.length) return [];
  const byDir = new Map<string, TerraformModule | undefined>(scanned.map((m) => [m.absDir, m]));
  const extra: TerraformModule[] = [];
  for (const plan of plans) {
    const planPath = plan.file.absPath;
    const dir = load.tfDir ?? (planPath === '-' ? undefined : dirname(resolve(load.cwd, planPath)));
    if (!dir) continue;
    if (!byDir.has(dir)) {
      const module = await loadForLocations(dir, load, errors);
      byDir.set(dir, module);
      if (module) extra.push(module);
    }
    const module = byDir.get(dir);
    if (module) plan.setSourceLocator((address) => module.sourceLocation(address));
  }
  return extra;
}

async function loadForLocations(dir: string, load: LoadOptions, errors: FileError[]): Promise<TerraformModule | undefined> {
  const explicit = load.tfDir === dir;
  let names: string[];
  try {
    names = readdirSync(dir).filter(isTerraformName).sort();
  } catch (e) {
    if (explicit) errors.push({ file: displayPath(dir, load.cwd), message: `--tf-dir: cannot read folder (${(e as NodeJS.ErrnoException).code ?? e})` });
    return undefined;
  }
  if (!names.length) {
    if (explicit) errors.push({ file: displayPath(dir, load.cwd), message: '--tf-dir: no .tf files here' });
    return undefined;
  }
  const files: SourceFile[] = [];
  for (const name of names) {
    const abs = join(dir, name);
    const out = readSource({ path: displayPath(abs, load.cwd), absPath: abs });
    if (out.file) files.push(out.file);
    else if (explicit && out.error) errors.push(out.error);
  }
  if (!files.length) return undefined;
  try {
    // Loaded lazily: a run that scans only plans with no sources beside them never pays for HCL.
    const { terraformAdapter } = await import('../model/terraform.js');
    const [group] = terraformAdapter.group(files, load);
    return group ? await terraformAdapter.load(group, load) : undefined;
  } catch (e) {
    if (explicit) {
      errors.push(
        e instanceof ParseError
          ? { file: e.file, message: e.message, ...(e.line ? { line: e.line } : {}), ...(e.column ? { column: e.column } : {}) }
          : { file: displayPath(dir, load.cwd), message: `--tf-dir: ${e instanceof Error ? e.message : String(e)}` },
      );
    }
    return undefined;
  }
}
