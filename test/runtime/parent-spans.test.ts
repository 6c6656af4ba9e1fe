// Runtime proof for the parent-spans codemod (DESIGN.md §6): each fixture pair's input shows the
// disconnect no-orphan-span reports, and its output is one connected trace with the intended
// parent links, on both SDK lines.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFixture, SDK_LINES, type RunOptions, type RunResult } from '../../harness/run-fixture.js';
import { assertTraceConnected, relation, relations } from '../../testing/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/codemods/parent-spans');
const SERVER = 1;
const CLIENT = 2;
const isClient = (s: { kind?: number }) => s.kind === CLIENT;

type Check = (run: RunResult) => void;
interface PairCase {
  file: string;
  options?: Omit<RunOptions, 'sdk'>;
  input: Check;
  output: Check;
}

const ok = (run: RunResult) => expect(run.exitCode, run.stderr).toBe(0);

const cases: PairCase[] = [
  {
    file: 'nested-spans',
    input: (run) => {
      ok(run);
      expect(relation(run.spans, 'apply-discounts', 'price')).toBe('sibling');
      expect(relations(run.spans, /^reserve [ab]$/, 'reserve-batch')).toEqual(['sibling', 'sibling']);
      expect(relation(run.spans, 'validate', 'CreateOrder')).toBe('child');
      expect(relation(run.spans, 'persist', 'CreateOrder')).toBe('child');
    },
    output: (run) => {
      ok(run);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, 'apply-discounts', 'price')).toBe('child');
      expect(relations(run.spans, /^reserve [ab]$/, 'reserve-batch')).toEqual(['child', 'child']);
      for (const name of ['price', 'reserve-batch', 'validate', 'persist']) expect(relation(run.spans, name, 'CreateOrder')).toBe('child');
    },
  },
  {
    file: 'new-root',
    input: (run) => {
      ok(run);
      expect(relations(run.spans, 'audit-write', 'audit')).toEqual(['new-root', 'new-root']);
    },
    output: (run) => {
      ok(run);
      assertTraceConnected(run.spans);
      expect(relations(run.spans, 'audit-write', 'audit')).toEqual(['child', 'child']);
    },
  },
  {
    file: 'express-middleware',
    input: (run) => {
      ok(run);
      expect(relation(run.spans, 'load-order', 'GET /orders/7')).toBe('new-root');
    },
    output: (run) => {
      ok(run);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, 'load-order', 'GET /orders/7')).toBe('child');
    },
  },
  {
    file: 'koa-context-param',
    input: (run) => {
      ok(run);
      expect(relation(run.spans, 'load-order', 'GET /orders/7')).toBe('new-root');
    },
    output: (run) => {
      ok(run);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, 'load-order', 'GET /orders/7')).toBe('child');
    },
  },
  {
    file: 'check-stock',
    options: { instrumentations: ['http', 'undici'] },
    input: (run) => {
      ok(run);
      expect(relation(run.spans, isClient, 'CheckStock')).toBe('sibling');
      expect(relation(run.spans, (s) => s.kind === SERVER, isClient)).toBe('child');
    },
    output: (run) => {
      ok(run);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, 'CheckStock', 'CreateOrder')).toBe('child');
      expect(relation(run.spans, isClient, 'CheckStock')).toBe('child');
      expect(relation(run.spans, (s) => s.kind === SERVER, isClient)).toBe('child');
    },
  },
  {
    file: 'span-as-context',
    input: (run) => {
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('getValue is not a function');
      expect(relation(run.spans, 'print-label', 'ship')).toBe('missing');
    },
    output: (run) => {
      ok(run);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, 'print-label', 'ship')).toBe('child');
    },
  },
];

const fileOf = (name: string, side: 'input' | 'output') => {
  const ext = name === 'span-as-context' ? 'js' : 'ts';
  return path.join(dir, `${name}.${side}.${ext}`);
};

describe.each(SDK_LINES)('parent-spans fixture pairs at runtime, SDK %s.x', (sdk) => {
  for (const c of cases) {
    it(`${c.file}: the input shows the disconnect`, async () => {
      c.input(await runFixture(fileOf(c.file, 'input'), { sdk, ...c.options }));
    });
    it(`${c.file}: the output is one connected trace`, async () => {
      c.output(await runFixture(fileOf(c.file, 'output'), { sdk, ...c.options }));
    });
  }
});
