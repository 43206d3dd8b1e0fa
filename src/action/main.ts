// Entry of the GitHub Action (action.yml runs `node dist/src/action/main.js`).
import { escapeData } from '../reporters/github.js';
import { runAction } from './run.js';

runAction(process.env, (text) => process.stdout.write(text)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug, not the user's input: still fail the step (exit 2), with the stack in the log.
    process.stdout.write(`::error title=iac-guard internal error::${escapeData(e instanceof Error ? e.message : String(e))}\n`);
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
