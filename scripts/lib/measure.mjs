// Runs a command and measures wall time and peak RSS of the child (via GNU time when present,
// else Node's resourceUsage of the spawn), so benchmarks report what a user would see.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const GNU_TIME = '/usr/bin/time';

/** @returns {{ wallMs: number, cpuMs: number, peakRssMb: number, code: number, stdout: string, stderr: string }} */
export function measure(cmd, args, opts = {}) {
  const useTime = existsSync(GNU_TIME);
  const start = process.hrtime.bigint();
  const r = useTime
    ? spawnSync(GNU_TIME, ['-f', '__RSS_KB__=%M __CPU_S__=%U+%S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  let peakRssMb = NaN;
  // User + system CPU time: unlike wall time, barely changed by other load on the machine.
  let cpuMs = NaN;
  let stderr = r.stderr ?? '';
  const m = /__RSS_KB__=(\d+) __CPU_S__=([\d.]+)\+([\d.]+)/.exec(stderr);
  if (m) {
    peakRssMb = Number(m[1]) / 1024;
    cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
    stderr = stderr.replace(/__RSS_KB__=\S+ __CPU_S__=\S+\n?/, '');
  }
  return { wallMs, cpuMs, peakRssMb, code: r.status ?? -1, stdout: r.stdout ?? '', stderr };
}

/** Median of several runs (wall), keeping the peak RSS of the slowest. */
export function measureMedian(runs, cmd, args, opts = {}) {
  const results = Array.from({ length: runs }, () => measure(cmd, args, opts)).sort((a, b) => a.wallMs - b.wallMs);
  return results[Math.floor(results.length / 2)];
}

export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
export const fmtMb = (mb) => (Number.isFinite(mb) ? `${Math.round(mb)} MB` : 'n/a');

/**
 * NODE_EXTRA_CA_CERTS makes every Node process read that CA bundle at start-up, before any of
 * its code runs (measured on the benchmark machine, where it is set: `node -e 0` 100 ms with it,
 * 35 ms without). Cold single-file cases are measured both ways, so the table shows iac-guard's
 * own start-up as well as what this machine's environment adds to every Node tool.
 */
export const EXTRA_CA = process.env.NODE_EXTRA_CA_CERTS;
export const WITHOUT_EXTRA_CA = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));
