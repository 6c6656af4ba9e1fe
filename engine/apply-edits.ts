/** A text replacement on the original source: ESLint's `{ range, text }` fix shape. */
export interface Edit {
  range: readonly [number, number];
  text: string;
}

/**
 * Applies non-overlapping edits in one pass, ESLint-style: edits are sorted by position and one
 * that overlaps an earlier one is dropped (a later pass picks it up after the source is re-analysed).
 * Two insertions at the same point would be ambiguous in order, so the second waits too.
 */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = '';
  let cursor = 0;
  let lastStart = -1;
  for (const edit of sorted) {
    const [start, end] = edit.range;
    if (start < cursor || (start === cursor && start === lastStart)) continue;
    out += source.slice(cursor, start) + edit.text;
    cursor = end;
    lastStart = start;
  }
  return out + source.slice(cursor);
}
