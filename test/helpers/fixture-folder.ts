import { describe, expect, it } from 'vitest';
import { findCodemod } from '../../codemods/index.js';
import type { CodemodOptions } from '../../engine/types.js';
import { discoverFixtures, runCodemod, typeCheck, unmarkedReports, type FixtureCase } from './codemod-fixtures.js';

/**
 * The standard fixture-pair checks (exact output, idempotency, rules silent or TODO-marked on the
 * output, outputs type-check) for pairs in a subfolder of `fixtures/codemods/<id>/`, where a
 * codemod needs other options or settings than the pairs of its main folder (another mode, another
 * instrumentation setup).
 */
export function describeFixtureFolder(
  codemodId: string,
  folder: string,
  options: { codemodOptions?: CodemodOptions; settings?: Record<string, unknown> } = {},
): FixtureCase[] {
  const cases = discoverFixtures(`${codemodId}/${folder}`);
  const codemod = findCodemod(codemodId);
  const codemodOptions = { settings: options.settings, ...options.codemodOptions };
  describe(`codemod ${codemodId}: fixture pairs in ${folder}/`, () => {
    it('has fixture pairs', () => expect(cases.length).toBeGreaterThan(0));
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
      expect(typeCheck(outputs)).toEqual([]);
    });
  });
  return cases;
}
