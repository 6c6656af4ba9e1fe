/**
 * Line diffs: a unified diff for `--dry`, and a line map that carries TODO line numbers through
 * later edits. Myers' O(ND) algorithm on lines, after trimming the common prefix and suffix
 * (a codemod changes a few lines of a file, so what is left in between is small).
 */

type Op = 0 | 1 | 2; // equal, delete (from a), insert (from b)
const EQUAL: Op = 0;
const DELETE: Op = 1;
const INSERT: Op = 2;

/** Above this many V entries (about 64 MB of trace) the middle is diffed as one replaced block. */
const MAX_TRACE_ENTRIES = 16_000_000;

/** Splits text into lines that keep their `\n`, so a last line without one differs from the same line with one. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** The edit script turning `a` into `b`: one op per line, in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const ops: Op[] = new Array<Op>(prefix).fill(EQUAL);
  ops.push(...myers(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix)));
  for (let i = 0; i < suffix; i++) ops.push(EQUAL);
  return ops;
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return new Array<Op>(m).fill(INSERT);
  if (m === 0) return new Array<Op>(n).fill(DELETE);
  const max = n + m;
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let traceEntries = 0;
  let found = -1;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 2));
    traceEntries += 2 * d + 2;
    if (traceEntries > MAX_TRACE_ENTRIES) return [...new Array<Op>(n).fill(DELETE), ...new Array<Op>(m).fill(INSERT)];
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }

  // Walk the trace back from (n, m); trace[d] holds V before step d, indexed from k = -d - 0.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]; // V as it was at the start of step d, i.e. after step d - 1
    const at = (k: number) => prev[k + d];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(EQUAL);
      x--;
      y--;
    }
    ops.push(down ? INSERT : DELETE);
    if (down) y--;
    else x--;
  }
  while (x > 0 && y > 0) {
    ops.push(EQUAL);
    x--;
    y--;
  }
  return ops.reverse();
}

/**
 * For each line of `before` (0-based), the line of `after` it became; a deleted line maps to the
 * line that took its place. Used to keep TODO line numbers right when a later codemod edits the file.
 */
export function lineMap(before: string, after: string): (line: number) => number {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const map = new Int32Array(a.length + 1);
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === EQUAL) map[i++] = j++;
    else if (op === DELETE) map[i++] = j;
    else j++;
  }
  map[a.length] = b.length;
  return (line) => (line < 0 ? line : line > a.length ? line - a.length + b.length : map[line]);
}

interface Hunk {
  aStart: number;
  aCount: number;
  bStart: number;
  bCount: number;
  lines: string[];
}

/**
 * A unified diff (`diff -u` / `git diff` format) of two texts, or '' when they are equal.
 * Lines keep their own line endings (a CRLF file shows its `\r`), as `diff` prints them.
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = diffLines(a, b);

  // Positions of every op in a and b.
  const aIndex: number[] = [];
  const bIndex: number[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    aIndex.push(i);
    bIndex.push(j);
    if (op !== INSERT) i++;
    if (op !== DELETE) j++;
  }

  const hunks: Hunk[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k] === EQUAL) {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is no more than 2 * context equal lines away from the previous one.
    const start = Math.max(0, k - context);
    let end = k;
    for (;;) {
      while (end < ops.length && ops[end] !== EQUAL) end++;
      let gap = 0;
      while (end + gap < ops.length && ops[end + gap] === EQUAL) gap++;
      if (end + gap < ops.length && gap <= 2 * context) {
        end += gap;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    const hunk: Hunk = { aStart: aIndex[start], aCount: 0, bStart: bIndex[start], bCount: 0, lines: [] };
    for (let p = start; p < end; p++) {
      const op = ops[p];
      const line = op === INSERT ? b[bIndex[p]] : a[aIndex[p]];
      if (op !== INSERT) hunk.aCount++;
      if (op !== DELETE) hunk.bCount++;
      const mark = op === EQUAL ? ' ' : op === DELETE ? '-' : '+';
      hunk.lines.push(mark + (line.endsWith('\n') ? line : `${line}\n\\ No newline at end of file\n`));
    }
    hunks.push(hunk);
    k = end;
  }

  const range = (startIndex: number, count: number) => {
    // 1-based; an empty range names the line before it, as diff does.
    const first = count === 0 ? startIndex : startIndex + 1;
    return count === 1 ? `${first}` : `${first},${count}`;
  };
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  for (const h of hunks) {
    out += `@@ -${range(h.aStart, h.aCount)} +${range(h.bStart, h.bCount)} @@\n`;
    out += h.lines.join('');
  }
  return out;
}
