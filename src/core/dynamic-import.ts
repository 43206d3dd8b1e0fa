// import() for code loaded at run time: plugins and HashiCorp's HCL parser. The bundled CLI is
// compiled by the launcher (src/launcher.cjs) with vm.Script so it can start from a code cache,
// and on Node 20 such code cannot call import() itself; the launcher passes in its own as
// `__iacGuardImport`. Everywhere else (tsc output, tests, library use) the native import() runs.
declare const __iacGuardImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importModule(specifier: string): Promise<unknown> {
  return typeof __iacGuardImport === 'function' ? __iacGuardImport(specifier) : import(specifier);
}
