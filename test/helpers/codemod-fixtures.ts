import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { findCodemod } from '../../codemods/index.js';
import { rules } from '../../rules/index.js';
import type { CodemodOptions, CodemodResult } from '../../engine/types.js';

export const fixturesRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export interface FixtureCase {
  name: string;
  inputPath: string;
  outputPath: string;
  input: string;
  output: string;
}

const INPUT = /^(.*)\.input\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/** Fixture pairs `<case>.input.<ext>` / `<case>.output.<ext>` found in `fixtures/codemods/<id>/`. */
export function discoverFixtures(codemodId: string): FixtureCase[] {
  const dir = path.join(fixturesRoot, 'codemods', codemodId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => INPUT.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const inputPath = path.join(dir, m[0]);
      const outputPath = path.join(dir, `${m[1]}.output.${m[2]}`);
      return { name: m[1], inputPath, outputPath, input: readFileSync(inputPath, 'utf8'), output: readFileSync(outputPath, 'utf8') };
    });
}

export function runCodemod(codemodId: string, filePath: string, source: string, options: CodemodOptions = {}): CodemodResult {
  const codemod = findCodemod(codemodId);
  if (!codemod) throw new Error(`no codemod ${codemodId}`);
  if (codemod.transformFile) return codemod.transformFile({ path: filePath, source }, options);
  const { results } = codemod.transformProject!([{ path: filePath, source }], options);
  return results.get(filePath) ?? { output: source, todos: [] };
}

/** Reports of the given rules on `source` that have no `TODO(otel-context): <rule>` marker just above them. */
export function unmarkedReports(ruleIds: readonly string[], filePath: string, source: string, settings: Record<string, unknown> = {}): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  const ext = path.extname(filePath);
  const messages = linter.verify(
    source,
    [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: { parser: tsParser as unknown as Linter.Parser, parserOptions: { ecmaFeatures: { jsx: /x$/.test(ext) } } },
        plugins: { 'otel-context': { rules: rules as never } },
        settings,
        rules: Object.fromEntries(ruleIds.map((id) => [`otel-context/${id}`, 'error'])),
      },
    ],
    { filename: `file${ext}` },
  );
  const lines = source.split('\n');
  return messages.filter((m) => {
    if (m.fatal || !m.ruleId) return true;
    const here = lines[m.line - 1] ?? '';
    const above = lines[m.line - 2] ?? '';
    const tag = `TODO(otel-context): ${m.ruleId}`;
    return !(above.includes(tag) || here.includes(tag));
  });
}

/** Type-checks files with the strict settings a user project would have; returns readable diagnostics. */
export function typeCheck(files: readonly string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    jsx: ts.JsxEmit.ReactJSX,
    allowJs: true,
    checkJs: false,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || files.includes(path.resolve(d.file.fileName)) || files.includes(d.file.fileName))
    .map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

/**
 * The standard fixture-pair suite for a codemod (STYLE.md 7): for each pair, the codemod turns the
 * input into the output exactly; a second run changes nothing; the codemod's rules are silent on
 * the output (or marked with a TODO comment); and every output type-checks.
 */
export function describeCodemodFixtures(codemodId: string, options: { codemodOptions?: CodemodOptions; settings?: Record<string, unknown> } = {}): FixtureCase[] {
  const cases = discoverFixtures(codemodId);
  const codemod = findCodemod(codemodId);
  describe(`codemod ${codemodId}: fixture pairs`, () => {
    it('has fixture pairs and is registered', () => {
      expect(codemod, `codemod ${codemodId} is registered in codemods/index.ts`).toBeDefined();
      expect(cases.length).toBeGreaterThan(0);
    });
    const codemodOptions = { settings: options.settings, ...options.codemodOptions };
    for (const c of cases) {
      describe(c.name, () => {
        it('turns the input into the expected output', () => {
          expect(runCodemod(codemodId, c.inputPath, c.input, codemodOptions).output).toBe(c.output);
        });
        it('is idempotent: a second run changes nothing', () => {
          expect(runCodemod(codemodId, c.outputPath, c.output, codemodOptions).output).toBe(c.output);
        });
        it('leaves nothing its rules report (except TODO-marked places)', () => {
          expect(unmarkedReports(codemod!.rules, c.outputPath, c.output, options.settings).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`)).toEqual([]);
        });
      });
    }
    it('every output type-checks', () => {
      const outputs = cases.filter((c) => /\.(ts|tsx|mts|cts)$/.test(c.outputPath)).map((c) => c.outputPath);
      if (outputs.length === 0) return;
      expect(typeCheck(outputs)).toEqual([]);
    });
  });
  return cases;
}
