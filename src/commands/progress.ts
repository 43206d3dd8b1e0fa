// Progress on stderr, only where a person is watching and the wait is noticeable: stderr is a
// terminal, not --quiet, and the run has lasted over a second or has over 200 files. Short
// runs, pipes and CI logs never see a progress line.
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream: ProgressStream;
  quiet: boolean;
  /** Milliseconds; injected so tests need no real time. */
  now?: () => number;
}

export const PROGRESS_AFTER_MS = 1000;
export const PROGRESS_AFTER_FILES = 200;
/** At most one redraw per this many milliseconds, so progress never slows the scan down. */
const REDRAW_MS = 100;

const STAGE_WORDS: Record<string, string> = { read: 'reading files', parse: 'parsing' };

export interface Progress {
  onProgress(stage: string, done: number, total: number): void;
  /** Clears the line, if one was drawn. */
  finish(): void;
}

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => Date.now());
  const enabled = Boolean(opts.stream.isTTY) && !opts.quiet;
  const started = now();
  let drawn = false;
  let lastDraw = -Infinity;
  return {
    onProgress(stage, done, total) {
      if (!enabled) return;
      const t = now();
      const long = t - started > PROGRESS_AFTER_MS || total > PROGRESS_AFTER_FILES;
      if (!long || t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      drawn = true;
      opts.stream.write(`\r\x1b[Kiac-guard: ${STAGE_WORDS[stage] ?? stage} ${done + 1}/${total}`);
    },
    finish() {
      if (drawn) opts.stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
