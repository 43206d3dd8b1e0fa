import { main } from './cli.js';
import { setCliEntry } from './core/entry.js';
import { isIacGuardWorker, runWorker } from './engine/worker.js';

// `iac-guard … | head` closes the pipe early: that is the reader's choice, not a crash. The
// rest of the output is dropped, but the run finishes and still sets its exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

if (isIacGuardWorker()) {
  // A worker thread of a big scan (src/engine/parallel.ts). A failure rejects, which ends the
  // thread with an error the main thread reports against the folders it had not finished.
  void runWorker();
} else {
  setCliEntry(process.argv[1]);
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
