// Runtime proof for require-span-end's accepted shapes (DESIGN.md §6): programs the rule stays
// silent on (end() in finally, in a `.finally()` handler, or ownership handed to a listener, a
// collection or a helper) export every span, in one connected trace, on both SDK lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-span-end.js';
import { runFixture, SDK_LINES } from '../../harness/run-fixture.js';
import { assertTraceConnected, relation } from '../../testing/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runtime/require-span-end');

const cases = [
  { file: 'end-in-finally', parent: 'loadConfig', child: 'readFile' },
  { file: 'promise-finally', parent: 'fetchQuote', child: 'requestQuote' },
  { file: 'active-callback-chain', parent: 'handleOrder', child: 'reserve' },
  { file: 'ended-by-listener', parent: 'request', child: 'render' },
  { file: 'stored-and-ended-later', parent: 'job', child: 'step' },
  { file: 'ended-by-helper', parent: 'sendEmail', child: 'deliver' },
];

function lint(file: string) {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    readFileSync(file, 'utf8'),
    [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { 'otel-context': { rules: { 'require-span-end': rule as never } } }, rules: { 'otel-context/require-span-end': 'error' } }],
    { filename: file },
  );
}

describe('require-span-end accepts the valid runtime fixtures', () => {
  for (const c of cases) {
    it(`${c.file}: no report`, () => {
      expect(lint(path.join(dir, `${c.file}.ts`))).toEqual([]);
    });
  }
});

describe.each(SDK_LINES)('require-span-end valid fixtures at runtime, SDK %s.x', (sdk) => {
  for (const c of cases) {
    it(`${c.file}: every span is ended and exported, ${c.child} under ${c.parent}`, async () => {
      const run = await runFixture(path.join(dir, `${c.file}.ts`), { sdk });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.unendedSpans).toEqual([]);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, c.child, c.parent)).toBe('child');
    });
  }
});
