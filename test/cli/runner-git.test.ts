import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { runCodemods, type RunOptions } from '../../engine/runner.js';
import { formatSummary } from '../../cli/report.js';
import { git, gitInitCommitted, renameCodemod, tempTree, type TempTree } from './helpers.js';

let tree: TempTree;
afterEach(() => tree?.cleanup());

const run = (options: Partial<RunOptions> = {}) => runCodemods({ codemods: [renameCodemod], paths: ['.'], cwd: tree.dir, ...options });

describe('uncommitted changes in a git work tree', () => {
  it('writes when the target files are committed', async () => {
    tree = tempTree({ 'src/a.ts': 'const oldName = 1;\n' });
    gitInitCommitted(tree.dir);
    const summary = await run();
    expect(summary.exitCode).toBe(0);
    expect(readFileSync(tree.file('src/a.ts'), 'utf8')).toBe('const newName = 1;\n');
  });

  it('refuses (exit 2) to write anything when a target file has uncommitted changes, naming the files', async () => {
    tree = tempTree({ 'src/a.ts': 'const oldName = 1;\n', 'src/b.ts': 'const oldName = 2;\n', 'src/c.ts': 'const unrelated = 1;\n' });
    gitInitCommitted(tree.dir);
    writeFileSync(tree.file('src/a.ts'), 'const oldName = 1; // my work in progress\n');
    writeFileSync(tree.file('src/new.ts'), 'const oldName = 3;\n'); // untracked: no committed copy to go back to
    const summary = await run();
    expect(summary.exitCode).toBe(2);
    expect(summary.refused).toEqual([
      { path: 'src/a.ts', reason: 'uncommitted changes' },
      { path: 'src/new.ts', reason: 'uncommitted changes' },
    ]);
    expect(summary.written).toBe(0);
    expect(readFileSync(tree.file('src/a.ts'), 'utf8')).toBe('const oldName = 1; // my work in progress\n');
    expect(readFileSync(tree.file('src/b.ts'), 'utf8')).toBe('const oldName = 2;\n');
    const report = formatSummary(summary);
    expect(report).toContain('Refusing to write: these files have uncommitted changes. Commit or stash them, or run again with --force. Nothing was written.\n  src/a.ts\n  src/new.ts\n');
    expect(report).toContain('3 would change');
    expect(formatSummary(summary, { quiet: true })).toContain('Refusing to write');
  });

  it('a dirty file the codemods do not change does not block the run', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1;\n', 'notes.ts': 'const x = 1;\n' });
    gitInitCommitted(tree.dir);
    writeFileSync(tree.file('notes.ts'), 'const x = 2;\n');
    expect((await run()).exitCode).toBe(0);
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('const newName = 1;\n');
  });

  it('--force writes anyway; --dry and --print never check', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1;\n' });
    gitInitCommitted(tree.dir);
    writeFileSync(tree.file('a.ts'), 'const oldName = 1; // wip\n');
    expect((await run({ dry: true })).exitCode).toBe(0);
    expect((await run({ print: true })).exitCode).toBe(0);
    const forced = await run({ force: true });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('const newName = 1; // wip\n');
  });

  it('staged changes count as uncommitted too; a subdirectory target is checked against its work tree', async () => {
    tree = tempTree({ 'pkg/src/a.ts': 'const oldName = 1;\n' });
    gitInitCommitted(tree.dir);
    writeFileSync(tree.file('pkg/src/a.ts'), 'const oldName = 10;\n');
    git(tree.dir, 'add', '-A');
    const summary = await runCodemods({ codemods: [renameCodemod], paths: ['src'], cwd: tree.file('pkg') });
    expect(summary.refused).toEqual([{ path: 'src/a.ts', reason: 'uncommitted changes' }]);
  });

  it('outside git, proceeds', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1;\n' });
    expect((await run()).exitCode).toBe(0);
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('const newName = 1;\n');
  });
});
