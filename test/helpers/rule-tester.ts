import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** The folder typed rule tests resolve their files in (`fixtures/typed`, with its own tsconfig). */
export const typedRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/typed');

/** Rule tests without type information: the rules fall back to import tracking. */
export const untypedRuleTester = new RuleTester();

/**
 * Rule tests with type information. Test cases use `filename: 'file.ts'` (default) or any name
 * matched by `allowDefaultProject`; they may import the real `@opentelemetry/api` types and the
 * helper modules in `fixtures/typed/` (e.g. `./tracing` re-exporting a tracer).
 */
export const typedRuleTester = new RuleTester({
  languageOptions: {
    parserOptions: {
      projectService: { allowDefaultProject: ['*.ts', '*.tsx', '*.mts', '*.cts'] },
      tsconfigRootDir: typedRoot,
    },
  },
});
