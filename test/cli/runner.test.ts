import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { runCodemods, UsageError, type RunOptions } from '../../engine/runner.js';
import type { CodemodOptions } from '../../engine/types.js';
import { formatSummary } from '../../cli/report.js';
import { headerCodemod, projectCodemod, renameCodemod, tempTree, throwingCodemod, todoCodemod, type TempTree } from './helpers.js';

let tree: TempTree;
afterEach(() => tree?.cleanup());

const run = (options: Partial<RunOptions>) => runCodemods({ codemods: [renameCodemod], paths: ['.'], cwd: tree.dir, ...options });

describe('runCodemods: modes', () => {
  it('--dry writes nothing and returns a unified diff per changed file', async () => {
    tree = tempTree({
      'src/a.ts': 'const oldName = 1;\nconsole.log(oldName);\n',
      'src/b.ts': 'export const other = 2;\n',
    });
    const before = tree.list().map((f) => [f, readFileSync(tree.file(f), 'utf8'), statSync(tree.file(f)).mtimeMs]);
    const summary = await run({ dry: true });
    expect(tree.list().map((f) => [f, readFileSync(tree.file(f), 'utf8'), statSync(tree.file(f)).mtimeMs])).toEqual(before);
    expect(summary.mode).toBe('dry');
    expect(summary.written).toBe(0);
    const a = summary.files.find((f) => f.path === 'src/a.ts')!;
    expect(a.status).toBe('changed');
    expect(a.diff).toBe(
      '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n-const oldName = 1;\n-console.log(oldName);\n+const newName = 1;\n+console.log(newName);\n',
    );
    expect(summary.files.find((f) => f.path === 'src/b.ts')).toEqual({ path: 'src/b.ts', absolutePath: tree.file('src/b.ts'), status: 'unchanged' });
    expect(formatSummary(summary)).toMatch(/2 files scanned: 1 would change, 1 unchanged, 0 skipped, 0 errors \(\d+\.\d\ds\)/);
  });

  it('a --dry diff applies with `git apply` to give what a real run writes', async () => {
    tree = tempTree({
      'src/a.ts': 'const x = 1;\nfunction f() {\n  setInterval(() => oldName(), 10);\n}\n',
      'src/b.ts': 'import { oldName } from "./c";\n',
    });
    const diff = (await run({ codemods: [renameCodemod, todoCodemod], dry: true })).files.map((f) => f.diff ?? '').join('');
    tree.write('changes.patch', diff);
    const printed = await run({ codemods: [renameCodemod, todoCodemod], print: true });
    execFileSync('git', ['apply', 'changes.patch'], { cwd: tree.dir });
    for (const f of printed.files.filter((f) => f.status === 'changed')) {
      expect(readFileSync(tree.file(f.path), 'utf8')).toBe(f.output);
    }
  });

  it('--print writes nothing and returns the new source', async () => {
    tree = tempTree({ 'a.ts': 'let oldName;\n' });
    const summary = await run({ paths: ['a.ts'], print: true });
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('let oldName;\n');
    expect(summary.files[0]).toMatchObject({ path: 'a.ts', status: 'changed', output: 'let newName;\n' });
    expect(summary.mode).toBe('print');
  });

  it('writes changed files only, atomically: no temp files left, mode kept', async () => {
    tree = tempTree({ 'bin/tool.js': '#!/usr/bin/env node\nconst oldName = 1;\n', 'same.ts': 'const other = 1;\n' });
    chmodSync(tree.file('bin/tool.js'), 0o754);
    const untouched = statSync(tree.file('same.ts'));
    const summary = await run({});
    expect(summary.exitCode).toBe(0);
    expect(summary.written).toBe(1);
    expect(readFileSync(tree.file('bin/tool.js'), 'utf8')).toBe('#!/usr/bin/env node\nconst newName = 1;\n');
    expect(statSync(tree.file('bin/tool.js')).mode & 0o777).toBe(0o754);
    expect(statSync(tree.file('same.ts')).mtimeMs).toBe(untouched.mtimeMs);
    expect(statSync(tree.file('same.ts')).ino).toBe(untouched.ino);
    expect(tree.list()).toEqual(['bin/tool.js', 'same.ts']);
    expect(formatSummary(summary)).toContain('2 files scanned: 1 changed, 1 unchanged, 0 skipped, 0 errors');
  });

  it('a second run changes nothing', async () => {
    tree = tempTree({ 'a.ts': 'setInterval(() => oldName(), 1);\n// @project\n' });
    const codemods = [renameCodemod, todoCodemod, projectCodemod];
    expect((await run({ codemods })).counts.changed).toBe(1);
    const after = readFileSync(tree.file('a.ts'), 'utf8');
    const second = await run({ codemods });
    expect(second.counts).toMatchObject({ changed: 0, unchanged: 1 });
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe(after);
    // The markers are still listed for review.
    expect(second.todos).toEqual([{ path: 'a.ts', line: 1, ruleId: 'otel-context/fake-rule', message: 'This timer leaks the request context.' }]);
  });
});

describe('runCodemods: the pipeline', () => {
  it('runs codemods in order over the in-memory texts; a cross-file codemod sees the earlier results', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1; // @project\n', 'b.ts': 'export const oldName = 2;\n', 'c.ts': 'export {};\n' });
    const summary = await run({ codemods: [renameCodemod, projectCodemod] });
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('const newName = 1; // @project\n// project: 3 files, 2 renamed\n');
    expect(summary.files.find((f) => f.path === 'a.ts')?.changedBy).toEqual(['rename', 'project']);
    expect(summary.files.find((f) => f.path === 'b.ts')?.changedBy).toEqual(['rename']);
    expect(summary.notes).toEqual([{ codemod: 'project', message: 'saw 3 files' }]);
  });

  it('passes --parser and --mode to the codemods, and the parser is left to the codemod by default', async () => {
    tree = tempTree({ 'a.tsx': 'export {};\n' });
    const seen: unknown[] = [];
    const spy = { ...headerCodemod, transformFile: (input: { path: string; source: string }, options: CodemodOptions) => (seen.push(options), headerCodemod.transformFile!(input, options)) };
    await run({ codemods: [spy], dry: true });
    await run({ codemods: [spy], dry: true, parser: 'babel', mode: 'inject', codemodOptions: { settings: { x: 1 } } });
    expect(seen).toEqual([
      { parser: undefined, mode: undefined, createFiles: true },
      { parser: 'babel', mode: 'inject', settings: { x: 1 }, createFiles: true },
    ]);
  });

  it('reports TODO markers at their line in the final text, after later codemods moved them', async () => {
    tree = tempTree({ 'src/timer.ts': 'const a = 1;\n\nfunction start() {\n  setInterval(tick, 1000);\n}\n' });
    const summary = await run({ codemods: [todoCodemod, headerCodemod] });
    const text = readFileSync(tree.file('src/timer.ts'), 'utf8');
    expect(text.split('\n')[4]).toBe('  // TODO(otel-context): otel-context/fake-rule: this timer leaks the request context.');
    expect(summary.todos).toEqual([{ path: 'src/timer.ts', line: 5, ruleId: 'otel-context/fake-rule', message: 'This timer leaks the request context.' }]);
    const report = formatSummary(summary);
    expect(report).toContain('Review by hand (1 TODO(otel-context) marker):\n  src/timer.ts:5 otel-context/fake-rule This timer leaks the request context.');
    expect(report).toContain('Notes:\n  [todo] check the timers by hand');
  });
});

describe('runCodemods: errors', () => {
  it('a syntax error is that file\'s error (path:line:col + parser message); the run goes on; exit 1', async () => {
    tree = tempTree({ 'bad.ts': 'const ok = 1;\nconst oldName = ;\n', 'good.ts': 'const oldName = 1;\n' });
    const summary = await run({});
    const bad = summary.files.find((f) => f.path === 'bad.ts')!;
    expect(bad).toMatchObject({ status: 'error', line: 2, column: 17, message: 'cannot parse: Expression expected.' });
    expect(readFileSync(tree.file('bad.ts'), 'utf8')).toBe('const ok = 1;\nconst oldName = ;\n');
    expect(readFileSync(tree.file('good.ts'), 'utf8')).toBe('const newName = 1;\n');
    expect(summary.exitCode).toBe(1);
    const report = formatSummary(summary);
    expect(report).toContain('Errors:\n  bad.ts:2:17: cannot parse: Expression expected.');
    expect(report).toContain('2 files scanned: 1 changed, 0 unchanged, 0 skipped, 1 error');
  });

  it('a codemod that throws fails that file only, and the file keeps its original text', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1; // explode\n', 'b.ts': 'const oldName = 2;\n' });
    const summary = await run({ codemods: [renameCodemod, throwingCodemod] });
    expect(summary.files.find((f) => f.path === 'a.ts')).toMatchObject({ status: 'error', message: 'codemod throwing failed: kaboom' });
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('const oldName = 1; // explode\n');
    expect(readFileSync(tree.file('b.ts'), 'utf8')).toBe('const newName = 2;\n');
    expect(summary.counts).toEqual({ scanned: 2, changed: 1, unchanged: 0, skipped: 0, errors: 1 });
    expect(summary.exitCode).toBe(1);
  });

  it('a cross-file codemod that cannot parse one file runs again without it', async () => {
    tree = tempTree({ 'a.ts': '// @project\n', 'bad.ts': 'let = ;\n', 'c.ts': 'export {};\n' });
    const summary = await run({ codemods: [projectCodemod] });
    expect(summary.files.find((f) => f.path === 'bad.ts')).toMatchObject({ status: 'error', line: 1 });
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('// @project\n// project: 2 files, 0 renamed\n');
    expect(summary.exitCode).toBe(1);
  });

  it('a cross-file codemod that throws is a run error; the other codemods\' changes are kept', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1;\n' });
    const broken = { ...projectCodemod, id: 'broken', transformProject: () => { throw new Error('no program'); } };
    const summary = await run({ codemods: [renameCodemod, broken] });
    expect(summary.runErrors).toEqual([{ codemod: 'broken', message: 'codemod broken failed: no program' }]);
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('const newName = 1;\n');
    expect(summary.counts.errors).toBe(1);
    expect(summary.exitCode).toBe(1);
    expect(formatSummary(summary)).toContain('Errors:\n  codemod broken failed: no program');
  });

  it('a codemod result without output is an error', async () => {
    tree = tempTree({ 'a.ts': 'x;\n' });
    const empty = { ...headerCodemod, id: 'empty', transformFile: () => undefined as never };
    const summary = await run({ codemods: [empty] });
    expect(summary.files[0]).toMatchObject({ status: 'error', message: 'codemod empty failed: returned no output' });
  });

  it('usage errors throw before anything is read', async () => {
    tree = tempTree({ 'a.ts': 'x;\n' });
    await expect(run({ paths: [] })).rejects.toThrow(new UsageError('no paths given'));
    await expect(run({ codemods: [] })).rejects.toThrow(UsageError);
    await expect(run({ paths: ['a.ts', 'nope', 'gone.ts'] })).rejects.toThrow('no such file or directory: nope, gone.ts');
    await expect(run({ parser: 'flow' as never })).rejects.toThrow('unknown parser "flow"');
  });

  it('does not write a file that changed on disk while the codemods ran', async () => {
    tree = tempTree({ 'a.ts': 'const oldName = 1;\n' });
    const meddler = {
      ...headerCodemod,
      id: 'meddler',
      transformFile: (input: { path: string; source: string }) => {
        // Someone saves the file in their editor meanwhile.
        execFileSync('sh', ['-c', `printf 'edited\\n' > "${input.path}"`]);
        return { output: input.source + '// more\n', todos: [] };
      },
    };
    const summary = await run({ codemods: [meddler] });
    expect(readFileSync(tree.file('a.ts'), 'utf8')).toBe('edited\n');
    expect(summary.files[0]).toMatchObject({ status: 'error', message: 'cannot write: the file changed on disk during the run; not written' });
    expect(summary.exitCode).toBe(1);
  });
});

describe('runCodemods: progress', () => {
  it('reports scan, read, transform and write progress', async () => {
    tree = tempTree({ 'a.ts': 'oldName;\n', 'b.ts': 'x;\n' });
    const events: string[] = [];
    await run({ onProgress: (e) => events.push(`${e.phase} ${e.done}/${e.total ?? '?'}${e.path ? ` ${e.path}` : ''}`) });
    expect(events).toContain('transform 1/2 b.ts');
    expect(events).toContain('transform 2/2');
    expect(events).toContain('write 0/1 a.ts');
    expect(events.some((e) => e.startsWith('scan '))).toBe(true);
    expect(events.filter((e) => e.startsWith('read '))).toHaveLength(2);
  });
});
