import type { ProgressEvent } from '../engine/runner.js';

/**
 * A one-line `\r[n/total] path` progress display for a terminal. It shows up only once a run has
 * taken a moment (short runs print nothing) and redraws at most every 100 ms.
 */
export interface ProgressLine {
  update: (event: ProgressEvent) => void;
  /** Erases the line, before anything else is printed. */
  clear: () => void;
}

const DELAY_MS = 300;
const INTERVAL_MS = 100;

export function createProgressLine(stream: NodeJS.WriteStream): ProgressLine {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(event) {
      const now = Date.now();
      if (now - started < DELAY_MS || now - lastDraw < INTERVAL_MS) return;
      lastDraw = now;
      const width = Math.max(20, (stream.columns || 80) - 1);
      const [label, file] = describe(event);
      stream.write(`\r${label}${fit(file, width - label.length)}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** The line as a label and the file it is at. */
function describe(e: ProgressEvent): [string, string] {
  const count = e.total === undefined ? `${e.done}` : `${e.done}/${e.total}`;
  const where = e.path ? ` ${e.path}` : '';
  switch (e.phase) {
    case 'scan':
      return [`scanning: ${e.done} files found`, where];
    case 'read':
      return [`[${count}] reading`, where];
    case 'transform':
      return [`[${count}] ${e.codemod} (${(e.codemodIndex ?? 0) + 1}/${e.codemodCount ?? 1})`, where];
    case 'write':
      return [`[${count}] writing`, where];
  }
}

/** Keeps the end of a long path (the file name), which is what matters. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? '' : `…${text.slice(text.length - width + 1)}`;
}
