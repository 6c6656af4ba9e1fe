import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { parse } from '@typescript-eslint/typescript-estree';
import plugin from '../../index.js';
import { codemods } from '../../codemods/index.js';
import { runCodemods } from '../../engine/runner.js';
import { parserFor } from '../../engine/lint-fix.js';
import type { Codemod } from '../../engine/types.js';
import { selectCorpus, materializeCorpus } from '../../bench/corpus.mjs';
import {
  makeOddTree,
  makeOutsideTree,
  hashTree,
  diffTrees,
  lintEach,
  codemodTwice,
  checkOddMessages,
  sourceFiles,
  EXPECTED_CODEMOD,
  EXPECTED_LINT_PARSE_ERRORS,
} from '../../bench/robustness-core.mjs';
import { withoutRoot } from '../cli/helpers.js';

/**
 * The small robustness run (the whole corpus, typed too, is `node bench/robustness.mjs`): every
 * rule and codemod over a sample of the benchmark corpus (rxjs, effect, OpenTelemetry's built
 * JavaScript, our fixtures) plus odd files (fixtures/robustness and files made here: empty,
 * a 256 KiB line, unreadable, a symlink loop, a link leaving the given paths).
 */
const FRACTION = 0.015;

let root: string;
let target: string;
let outside: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'otel-robustness-test-')));
  target = path.join(root, 'target');
  outside = makeOutsideTree(path.join(root, 'outside'));
  mkdirSync(target);
  materializeCorpus(selectCorpus({ fraction: FRACTION }), target);
  makeOddTree(target, outside);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fresh copy of the tree (links stay links), so each run starts from the same files. */
function copyOfTarget(name: string): string {
  const dir = path.join(root, name);
  cpSync(target, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

const parseAs = (file: string, text: string) => parse(text, { jsx: parserFor(file) === 'tsx', loc: true, range: true });
const expectedUnparsable = Object.entries(EXPECTED_CODEMOD)
  .filter(([, w]) => w.status === 'error' && !w.unprivilegedOnly)
  .map(([name]) => path.join('odd', name));

describe('robustness: every rule and codemod over real code and odd files', { timeout: 240_000 }, () => {
  it('every rule of the strict config (untyped) lints every file without a crash; only the broken files fail to parse', async () => {
    const eslint = new ESLint({
      cwd: target,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
          languageOptions: { parser: tsParser as unknown as Linter.Parser },
          linterOptions: { reportUnusedDisableDirectives: 'off' },
          plugins: { 'otel-context': plugin as never },
          rules: plugin.configs.strict.rules,
        },
      ],
    });
    const files = sourceFiles(target);
    expect(files.length).toBeGreaterThan(40);
    const result = await lintEach(eslint, files, { cwd: target });
    expect(result.crashes.map((c) => `${c.file}: ${c.rule ?? '?'}: ${c.message}\n${c.stack}`)).toEqual([]);
    expect(result.parseErrors.map((e) => e.file).sort()).toEqual(EXPECTED_LINT_PARSE_ERRORS.map((f) => path.join('odd', f)).sort());
    expect(result.linted).toBe(files.length);
  });

  const runs: [string, readonly Codemod[]][] = [...codemods.map((c): [string, readonly Codemod[]] => [c.id, [c]]), ['all', codemods]];
  for (const [id, list] of runs) {
    it(`${id}: no crash, every output parses, a second run changes nothing, each odd file gets its message`, async () => {
      const dir = copyOfTarget(`codemod-${id}`);
      const result = await codemodTwice({ runCodemods, codemods: list, dir, parse: parseAs, expectedUnparsable });
      expect(result.problems.map((p) => `${p.kind}: ${p.path}: ${p.message}`)).toEqual([]);
      expect(checkOddMessages(result, 'odd', { unprivileged: false })).toEqual([]);
      expect(result.counts.scanned).toBeGreaterThan(40);
    });
  }

  it('--dry writes nothing (every file hashed before and after); an unreadable file is an error for that file only', async (ctx) => {
    const dir = copyOfTarget('dry');
    // `nobody` must reach and read the tree, all but unreadable.ts.
    chmodSync(root, 0o755);
    const openUp = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = path.join(d, e);
        const st = lstatSync(p);
        if (st.isSymbolicLink() || e === 'unreadable.ts') continue;
        chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
        if (st.isDirectory() && e !== 'node_modules') openUp(p);
      }
    };
    openUp(dir);
    openUp(outside);
    const before = hashTree(root);
    const result = await withoutRoot(() => runCodemods({ codemods, paths: ['.'], cwd: dir, dry: true }));
    if (!result) return ctx.skip('running as root without the right to switch to an unprivileged user, so EACCES cannot be provoked');
    const summary = result.value;
    expect(diffTrees(before, hashTree(root))).toEqual([]);
    expect(checkOddMessages(summary, 'odd', { unprivileged: true })).toEqual([]);
    expect(summary.counts.changed).toBeGreaterThan(0);
    expect(summary.files.filter((f) => f.status === 'changed').every((f) => typeof f.diff === 'string' && f.diff.length > 0)).toBe(true);
    expect(summary.exitCode).toBe(1);
  });

  it('a write run changes only files under the given path, exactly those it reports, and leaves no temp files', async () => {
    const dir = copyOfTarget('write');
    const before = hashTree(root);
    const summary = await runCodemods({ codemods, paths: ['.'], cwd: dir });
    const changes = diffTrees(before, hashTree(root));
    // Files are changed, or created next to a changed one (instrumentation-first's extraction); never removed.
    expect(changes.filter((c) => !/^(changed|added) /.test(c))).toEqual([]);
    const touched = changes.map((c) => c.replace(/^(changed|added) /, ''));
    // A file reached through a link is written at its real location.
    const reported = summary.files.filter((f) => f.status === 'changed').map((f) => path.relative(root, realpathSync(f.absolutePath)));
    expect(reported.length).toBeGreaterThan(0);
    expect(touched.sort()).toEqual([...new Set(reported)].sort());
    expect(touched.every((t) => t.startsWith(`${path.basename(dir)}/`))).toBe(true);
    expect(summary.written).toBe(new Set(reported).size);
  });
});
