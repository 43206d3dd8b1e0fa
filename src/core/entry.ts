// The file the running CLI was started from (the bundled launcher). Worker threads start that
// same file, so they run exactly the code, and use the compile cache, of the main thread.
// Undefined when iac-guard is used as a library: then everything runs on the calling thread.
let entry: string | undefined;

export function setCliEntry(path: string | undefined): void {
  entry = path;
}

export function cliEntry(): string | undefined {
  return entry;
}
