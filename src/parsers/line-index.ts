// Offsets → 1-based line:column, shared by every parser that keeps offsets.
import type { Position } from '../core/types.js';

/** Offsets where each line starts (after `\n`; a `\r\n` line ends one character earlier). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Line starts are computed on first use: a plan with no findings never pays for them. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  /** Offset where a 1-based line starts (clamped to the file). */
  lineStart(line: number): number {
    const starts = (this.starts ??= lineStartsOf(this.text));
    return starts[Math.min(Math.max(line - 1, 0), starts.length - 1)]!;
  }

  position(offset: number): Position {
    const starts = (this.starts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }
}
