import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCodemods } from '../../engine/runner.js';
import { codemod as instrumentationFirst } from '../../codemods/instrumentation-first.js';
import { fixturesRoot } from '../helpers/codemod-fixtures.js';

/**
 * Cross-file codemods may create a file next to the files they process and edit the nearest
 * package.json (instrumentation-first extracts an inline setup; `--mode=preload` edits start
 * scripts). The runner writes those like any other result; nothing else outside the paths.
 */
const CASES = path.join(fixturesRoot, 'codemods/instrumentation-first');
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function project(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otel-context-created-'));
  temps.push(dir);
  cpSync(path.join(CASES, name, 'input'), dir, { recursive: true });
  return dir;
}

describe('runner: files a cross-file codemod creates or edits outside the processed files', () => {
  for (const [name, mode] of [['esm-extract', undefined], ['esm-preload', 'preload']] as const) {
    it(`${name}: writes the project the fixture expects`, async () => {
      const dir = project(name);
      const summary = await runCodemods({ codemods: [instrumentationFirst], paths: ['src'], cwd: dir, mode, force: true });
      expect(summary.exitCode, JSON.stringify(summary.runErrors)).toBe(0);
      const expected = path.join(CASES, name, 'expected');
      for (const file of walk(expected)) {
        const rel = path.relative(expected, file);
        expect(readFileSync(path.join(dir, rel), 'utf8'), rel).toBe(readFileSync(file, 'utf8'));
      }
      expect(walk(dir).map((f) => path.relative(dir, f)).sort()).toEqual(walk(expected).map((f) => path.relative(expected, f)).sort());
      expect(summary.warnings).toEqual([]);
    });
  }

  it('--dry shows a created file as a diff from /dev/null and writes nothing', async () => {
    const dir = project('esm-extract');
    const before = walk(dir).map((f) => [f, readFileSync(f, 'utf8')]);
    const summary = await runCodemods({ codemods: [instrumentationFirst], paths: ['src'], cwd: dir, dry: true });
    const created = summary.files.find((f) => f.message === 'created');
    expect(created?.diff).toMatch(/^--- \/dev\/null\n\+\+\+ b\/src\/instrumentation\.ts/);
    expect(existsSync(path.join(dir, 'src/instrumentation.ts'))).toBe(false);
    for (const [f, text] of before) expect(readFileSync(f, 'utf8')).toBe(text);
  });
});
