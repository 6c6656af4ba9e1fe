import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { diffLines, lineMap, splitLines, unifiedDiff } from '../../engine/diff.js';
import { tempTree } from './helpers.js';

describe('unifiedDiff', () => {
  it('prints git-style headers and hunks with 3 lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
    const after = before.replace('e\n', 'E\nE2\n');
    expect(unifiedDiff(before, after, 'a/src/x.ts', 'b/src/x.ts')).toBe(
      ['--- a/src/x.ts', '+++ b/src/x.ts', '@@ -2,7 +2,8 @@', ' b', ' c', ' d', '-e', '+E', '+E2', ' f', ' g', ' h', ''].join('\n'),
    );
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\n', 'x\n', 'a/f', 'b/f')).toBe('');
  });

  it('merges changes whose context overlaps and splits distant ones', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const before = lines.join('\n') + '\n';
    const near = [...lines];
    near[4] = 'X';
    near[9] = 'Y'; // 4 equal lines between: one hunk
    near[25] = 'Z'; // far away: a second hunk
    const diff = unifiedDiff(before, near.join('\n') + '\n', 'a/f', 'b/f');
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -2,12 +2,12 @@', '@@ -23,7 +23,7 @@']);
  });

  it('marks a missing newline at the end of either side', () => {
    expect(unifiedDiff('a\nb', 'a\nc', 'a/f', 'b/f')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
    expect(unifiedDiff('a\nb', 'a\nb\n', 'a/f', 'b/f')).toContain('-b\n\\ No newline at end of file\n+b\n');
  });

  it('names an empty side\'s range by the line before it', () => {
    expect(unifiedDiff('', 'x\ny\n', 'a/f', 'b/f')).toBe('--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+x\n+y\n');
    expect(unifiedDiff('a\nb\n', 'a\n', 'a/f', 'b/f')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n a\n-b\n');
  });

  it('produces patches that `patch` applies exactly (randomized)', () => {
    const tree = tempTree();
    try {
      let seed = 42;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let round = 0; round < 40; round++) {
        const base = Array.from({ length: Math.floor(random() * 40) }, () => `l${Math.floor(random() * 8)}`);
        const next = [...base];
        for (let edits = Math.floor(random() * 6); edits > 0; edits--) {
          const at = Math.floor(random() * (next.length + 1));
          const kind = random();
          if (kind < 0.33) next.splice(at, 1);
          else if (kind < 0.66) next.splice(at, 0, `new${round}`);
          else next[at] = `changed${round}`;
        }
        const ending = (lines: string[]) => (lines.length > 0 && random() < 0.8 ? '\n' : '');
        const a = base.join('\n') + ending(base);
        const b = next.filter((l) => l !== undefined).join('\n') + ending(next);
        const file = tree.write('f.txt', a);
        const diff = unifiedDiff(a, b, 'a/f.txt', 'b/f.txt');
        if (a === b) {
          expect(diff).toBe('');
          continue;
        }
        tree.write('f.patch', diff);
        execFileSync('patch', ['-s', '-p1', '-i', 'f.patch'], { cwd: tree.dir });
        expect(readFileSync(file, 'utf8'), `round ${round}\n${diff}`).toBe(b);
      }
    } finally {
      tree.cleanup();
    }
  });
});

describe('diffLines', () => {
  it('finds a shortest edit script', () => {
    const ops = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    expect(ops.filter((op) => op !== 0)).toHaveLength(5); // D = 5 for Myers' paper example
  });

  it('keeps lines of a large, mostly equal file', () => {
    const a = Array.from({ length: 50_000 }, (_, i) => `${i}\n`);
    const b = [...a];
    b.splice(25_000, 1, 'x\n', 'y\n');
    const ops = diffLines(a, b);
    expect(ops.filter((op) => op === 0)).toHaveLength(49_999);
  });
});

describe('lineMap', () => {
  it('maps lines through insertions and deletions', () => {
    const map = lineMap('a\nb\nc\nd\n', 'new\na\nc\nd\n');
    expect([0, 1, 2, 3].map(map)).toEqual([1, 2, 2, 3]);
  });

  it('splitLines keeps line endings', () => {
    expect(splitLines('a\r\nb\nc')).toEqual(['a\r\n', 'b\n', 'c']);
  });
});
