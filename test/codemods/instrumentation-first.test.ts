/**
 * The multi-file codemod on small fixture projects (`fixtures/codemods/instrumentation-first/<case>/`):
 * `input/` is the project before, `expected/` after (created files included). Checks the exact
 * output, that a second run changes nothing, that the rule is silent on the result (or TODO-marked),
 * and that the resulting TypeScript type-checks.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { codemod } from '../../codemods/instrumentation-first.js';
import { findCodemod } from '../../codemods/index.js';
import rule from '../../rules/instrumentation-first.js';
import { fixturesRoot, typeCheck } from '../helpers/codemod-fixtures.js';

const ROOT = path.join(fixturesRoot, 'codemods/instrumentation-first');
const CASES: Record<string, string | undefined> = { 'cjs-move': undefined, 'esm-extract': undefined, 'esm-preload': 'preload' };

const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
const sources = (dir: string) => walk(dir).filter((f) => /\.[cm]?[jt]s$/.test(f)).map((p) => ({ path: p, source: readFileSync(p, 'utf8') }));

function unmarkedReports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  return new Linter({ configType: 'flat' })
    .verify(text, [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { 'otel-context': { rules: { 'instrumentation-first': rule as never } } }, rules: { 'otel-context/instrumentation-first': 'error' } }], { filename: file })
    .filter((m) => !lines.slice(0, m.line).some((l) => l.includes('TODO(otel-context): otel-context/instrumentation-first')))
    .map((m) => `${m.line}:${m.column} ${m.message}`);
}

describe('codemod instrumentation-first: fixture projects', () => {
  it('is registered first, before the per-file codemods', () => {
    expect(findCodemod('instrumentation-first')).toBe(codemod);
  });

  for (const [name, mode] of Object.entries(CASES)) {
    describe(name, () => {
      const input = path.join(ROOT, name, 'input');
      const expected = path.join(ROOT, name, 'expected');

      it('turns the input project into the expected one', () => {
        const { results } = codemod.transformProject!(sources(input), { mode, createFiles: true });
        for (const file of walk(expected)) {
          const original = path.join(input, path.relative(expected, file));
          const out = results.get(original)?.output ?? (existsSync(original) ? readFileSync(original, 'utf8') : undefined);
          expect(out, path.relative(ROOT, file)).toBe(readFileSync(file, 'utf8'));
        }
        for (const file of results.keys()) expect(existsSync(path.join(expected, path.relative(input, file))), `unexpected output ${file}`).toBe(true);
      });

      it('is idempotent: a second run changes nothing', () => {
        const inputs = sources(expected);
        const { results } = codemod.transformProject!(inputs, { mode, createFiles: true });
        for (const [file, result] of results) expect(result.output, file).toBe(readFileSync(file, 'utf8'));
      });

      it('leaves nothing the rule reports (except TODO-marked places)', () => {
        for (const file of walk(expected).filter((f) => f.endsWith('.ts'))) expect(unmarkedReports(file), file).toEqual([]);
      });

      it('without a runner that writes new files, only marks an inline setup', () => {
        const { results } = codemod.transformProject!(sources(input), { mode });
        for (const [file, result] of results) {
          expect(existsSync(file), `created ${file}`).toBe(true);
          if (name !== 'cjs-move') expect(result.output).toMatch(/^\/\/ TODO\(otel-context\): otel-context\/instrumentation-first: /m);
        }
      });

      it('type-checks', () => {
        expect(typeCheck(walk(expected).filter((f) => f.endsWith('.ts')))).toEqual([]);
      });
    });
  }
});
