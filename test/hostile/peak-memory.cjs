// Preloaded into the CLI by the hostile battery: on exit, writes the process's peak resident
// memory (KiB, worker threads included) to the file named by IAC_GUARD_PEAK_RSS_FILE.
'use strict';
const { writeFileSync } = require('node:fs');
const out = process.env.IAC_GUARD_PEAK_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
