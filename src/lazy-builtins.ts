// Node built-ins that only some runs need, loaded on first use. `node:crypto` alone costs ~7 ms
// of start-up, paid by every pre-commit run although only certificates and SARIF use it.
import { createRequire } from 'node:module';
import type * as NodeCrypto from 'node:crypto';

const load = createRequire(import.meta.url);

export const crypto = (): typeof NodeCrypto => load('node:crypto') as typeof NodeCrypto;
