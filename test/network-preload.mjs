// Preloaded with `node --import` by test/network.test.ts: every way to reach the network or run a
// program is replaced by a stub that records the call (to IAC_GUARD_CALL_LOG) and throws.
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const log = process.env.IAC_GUARD_CALL_LOG;

function stub(name) {
  return function blocked() {
    if (log) appendFileSync(log, `${name}\n`);
    throw new Error(`blocked by test/network-preload.mjs: ${name}`);
  };
}

const targets = {
  net: [net, ['connect', 'createConnection']],
  // process.stdout is a net.Socket too: only connecting one is blocked.
  'net.Socket.prototype': [net.Socket.prototype, ['connect']],
  tls: [tls, ['connect']],
  http: [http, ['request', 'get']],
  https: [https, ['request', 'get']],
  http2: [http2, ['connect']],
  dgram: [dgram, ['createSocket']],
  dns: [dns, ['lookup', 'resolve', 'resolve4', 'resolve6']],
  'dns.promises': [dns.promises, ['lookup', 'resolve']],
  child_process: [childProcess, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']],
};
for (const [module, [object, names]] of Object.entries(targets)) {
  for (const name of names) object[name] = stub(`${module}.${name}`);
}
globalThis.fetch = stub('fetch');
globalThis.WebSocket = stub('WebSocket');
// Named imports (`import { connect } from 'node:net'`) see the stubs too.
syncBuiltinESMExports();
