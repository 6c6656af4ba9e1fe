/**
 * Runtime proof for require-context-manager: a provider made global without a context manager
 * gives orphans and an empty carrier on both SDK lines; with what the rule suggests the trace is
 * connected; and the 2.x processor form exports nothing on 3.x. The rule runs on the same files.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { runFixture, tempRoot } from '../../harness/run-fixture.js';
import { checkTraceIntegrity, relation } from '../../testing/index.js';
import rule from '../../rules/require-context-manager.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(ROOT, 'fixtures/runtime/require-context-manager', name);

/** The rule's message ids on a fixture, linted as if it lived at `as` (which decides the installed SDK line). */
function ruleMessages(name: string, as = fixture(name)): string[] {
  const linter = new Linter({ configType: 'flat' });
  return linter
    .verify(
      readFileSync(fixture(name), 'utf8'),
      [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { 'otel-context': { rules: { 'require-context-manager': rule as never } } }, rules: { 'otel-context/require-context-manager': 'error' } }],
      { filename: as },
    )
    .map((m) => m.messageId ?? m.message);
}

describe('require-context-manager: the rule on the runtime fixtures', () => {
  it('reports the missing context manager and propagator', () => {
    expect(ruleMessages('no-context-manager.ts')).toEqual(['noContextManager', 'noPropagator']);
  });
  it('is silent on the fixed setup', () => {
    expect(ruleMessages('with-context-manager.ts')).toEqual([]);
  });
  it('reports the exporter passed to the sdk-trace processor, with either line installed', () => {
    expect(ruleMessages('processor-exporter-form.ts')).toEqual(['exporterNotWrapped']);
    expect(ruleMessages('processor-exporter-form.ts', path.join(tempRoot(3), 'processor-exporter-form.ts'))).toEqual(['exporterNotWrapped']);
  });
});

for (const sdk of [2, 3] as const) {
  describe(`require-context-manager at runtime, SDK ${sdk}.x`, () => {
    it('without a context manager every child is a new root and inject writes nothing', async () => {
      const { spans, exitCode, stderr, returnValue } = await runFixture(fixture('no-context-manager.ts'), { sdk, setup: 'none' });
      expect(exitCode, stderr).toBe(0);
      expect(relation(spans, 'child', 'parent')).toBe('new-root');
      expect(relation(spans, 'child after await', 'parent')).toBe('new-root');
      expect(checkTraceIntegrity(spans).rootCount).toBe(3);
      expect(returnValue).toEqual({});
    });
    it('with the ALS context manager and the W3C propagators the trace is connected', async () => {
      const { spans, exitCode, stderr, returnValue } = await runFixture(fixture('with-context-manager.ts'), { sdk, setup: 'none' });
      expect(exitCode, stderr).toBe(0);
      expect(relation(spans, 'child', 'parent')).toBe('child');
      expect(relation(spans, 'child after await', 'parent')).toBe('child');
      expect(checkTraceIntegrity(spans, { expectedTraces: 1 }).ok).toBe(true);
      const parent = spans.find((s) => s.name === 'parent')!;
      expect((returnValue as { traceparent?: string }).traceparent).toBe(`00-${parent.traceId}-${parent.spanId}-01`);
    });
    it('the exporter passed to the sdk-trace SimpleSpanProcessor itself exports nothing', async () => {
      const { spans, exitCode, stderr } = await runFixture(fixture('processor-exporter-form.ts'), { sdk, setup: 'none' });
      expect(exitCode, stderr).toBe(0);
      expect(spans).toEqual([]);
    });
  });
}
