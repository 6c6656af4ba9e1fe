/**
 * Runtime proof for middleware-order: a hand-written tracing middleware registered after a route,
 * or after middleware that answers requests itself, misses those requests (no request span; the
 * route's work becomes a root); registered first, every request gets a span and the work hangs
 * under it. express and koa, both SDK lines; the rule runs on the same files.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { runFixture } from '../../harness/run-fixture.js';
import { relation, relations } from '../../testing/index.js';
import rule from '../../rules/middleware-order.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(ROOT, 'fixtures/runtime/middleware-order', name);

function ruleMessages(name: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  return linter
    .verify(
      readFileSync(fixture(name), 'utf8'),
      [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { 'otel-context': { rules: { 'middleware-order': rule as never } } }, rules: { 'otel-context/middleware-order': 'error' } }],
      { filename: fixture(name) },
    )
    .map((m) => m.messageId ?? m.message);
}

describe('middleware-order: the rule on the runtime fixtures', () => {
  it('reports the misordered apps', () => {
    expect(ruleMessages('express-misordered.ts')).toEqual(['tracingAfterRoutes']);
    expect(ruleMessages('koa-misordered.ts')).toEqual(['tracingAfterMiddleware']);
  });
  it('is silent on the fixed ones', () => {
    expect(ruleMessages('express-fixed.ts')).toEqual([]);
    expect(ruleMessages('koa-fixed.ts')).toEqual([]);
  });
});

for (const sdk of [2, 3] as const) {
  describe(`middleware-order at runtime, SDK ${sdk}.x`, () => {
    it('express, misordered: the route before it and the 401 get no request span; that work is a root', async () => {
      const { spans, exitCode, stderr, returnValue } = await runFixture(fixture('express-misordered.ts'), { sdk });
      expect(exitCode, stderr).toBe(0);
      expect(returnValue).toEqual([200, 401, 200]);
      expect(spans.filter((s) => s.name === 'request /public')).toHaveLength(0);
      expect(relation(spans, 'work /public', /^request/)).toBe('new-root');
      expect(spans.filter((s) => s.name === 'request /private')).toHaveLength(1);
      expect(relation(spans, 'work /private', 'request /private')).toBe('child');
    });
    it('express, fixed: every request has a span and the work is its child', async () => {
      const { spans, exitCode, stderr, returnValue } = await runFixture(fixture('express-fixed.ts'), { sdk });
      expect(exitCode, stderr).toBe(0);
      expect(returnValue).toEqual([200, 401, 200]);
      expect(relation(spans, 'work /public', 'request /public')).toBe('child');
      expect(spans.filter((s) => s.name === 'request /private')).toHaveLength(2);
      expect(relations(spans, 'work /private', 'request /private')).toEqual(['child']);
    });
    it('koa, misordered: the request the auth middleware answers gets no span', async () => {
      const { spans, exitCode, stderr, returnValue } = await runFixture(fixture('koa-misordered.ts'), { sdk });
      expect(exitCode, stderr).toBe(0);
      expect(returnValue).toEqual([401, 200]);
      expect(spans.filter((s) => s.name === 'request /private')).toHaveLength(1);
      expect(relation(spans, 'work /private', 'request /private')).toBe('child');
    });
    it('koa, fixed: both requests get a span', async () => {
      const { spans, exitCode, stderr, returnValue } = await runFixture(fixture('koa-fixed.ts'), { sdk });
      expect(exitCode, stderr).toBe(0);
      expect(returnValue).toEqual([401, 200]);
      expect(spans.filter((s) => s.name === 'request /private')).toHaveLength(2);
      expect(relation(spans, 'work /private', 'request /private')).toBe('child');
    });
  });
}
