import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCodemods } from '../../engine/runner.js';
import { formatCodemodList, formatOutput, formatSummary } from '../../cli/report.js';
import { createProgressLine } from '../../cli/progress.js';
import { headerCodemod, renameCodemod, tempTree, type TempTree } from './helpers.js';

let tree: TempTree | undefined;
afterEach(() => {
  tree?.cleanup();
  tree = undefined;
  vi.useRealTimers();
});

describe('CLI output', () => {
  it('lists codemods with aligned descriptions and `all` last', () => {
    expect(formatCodemodList([renameCodemod, headerCodemod])).toBe(
      '  rename  Rename oldName to newName\n  header  Add a header comment\n  all     run every codemod above, in this order (rename, header)\n',
    );
    expect(formatCodemodList([])).toBe('  all  run every codemod (none are registered yet)\n');
  });

  it('stdout: one printed source as is, several with ==> path <== headers; diffs concatenated', async () => {
    tree = tempTree({ 'a.ts': 'oldName;\n', 'b.ts': 'oldName', 'c.ts': 'same;\n' });
    const one = await runCodemods({ codemods: [renameCodemod], paths: ['a.ts', 'c.ts'], cwd: tree.dir, print: true });
    expect(formatOutput(one)).toBe('newName;\n');
    const several = await runCodemods({ codemods: [renameCodemod], paths: ['.'], cwd: tree.dir, print: true });
    expect(formatOutput(several)).toBe('==> a.ts <==\nnewName;\n\n==> b.ts <==\nnewName\n');
    const dry = await runCodemods({ codemods: [renameCodemod], paths: ['.'], cwd: tree.dir, dry: true });
    expect(formatOutput(dry)).toBe(dry.files[0].diff! + dry.files[1].diff!);
    // --print wins over --dry.
    expect((await runCodemods({ codemods: [renameCodemod], paths: ['a.ts'], cwd: tree.dir, print: true, dry: true })).mode).toBe('print');
  });

  it('--quiet keeps only errors', async () => {
    tree = tempTree({ 'bad.ts': 'let = ;\n', 'big.ts': 'oldName;\n' });
    const summary = await runCodemods({ codemods: [renameCodemod], paths: ['.'], cwd: tree.dir, maxFileBytes: 4 });
    expect(formatSummary(summary, { quiet: true })).toBe('');
    const parse = await runCodemods({ codemods: [renameCodemod], paths: ['.'], cwd: tree.dir });
    expect(formatSummary(parse, { quiet: true })).toBe('Errors:\n  bad.ts:1:7: cannot parse: Expression expected.\n');
  });
});

describe('progress line', () => {
  function fakeStream() {
    const writes: string[] = [];
    return { writes, stream: { columns: 40, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
  }

  it('stays silent on short runs, then redraws at most every 100 ms, and clears itself', () => {
    vi.useFakeTimers();
    const { writes, stream } = fakeStream();
    const line = createProgressLine(stream);
    line.update({ phase: 'read', done: 1, total: 3, path: 'a.ts' });
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(400);
    line.update({ phase: 'transform', done: 2, total: 3, path: 'src/some/deeply/nested/file.ts', codemod: 'bind-context', codemodIndex: 1, codemodCount: 5 });
    line.update({ phase: 'transform', done: 3, total: 3, path: 'skipped.ts', codemod: 'bind-context', codemodIndex: 1, codemodCount: 5 });
    vi.advanceTimersByTime(150);
    line.update({ phase: 'write', done: 1, total: 2, path: 'b.ts' });
    line.clear();
    expect(writes).toEqual([
      '\r[2/3] bind-context (2/5)…nested/file.ts\x1b[K',
      '\r[1/2] writing b.ts\x1b[K',
      '\r\x1b[K',
    ]);
  });
});
