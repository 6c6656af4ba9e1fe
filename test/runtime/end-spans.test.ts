// Runtime proof for the end-spans codemod (DESIGN.md §6): each fixture pair's input leaves a span
// open on the path it takes, so the span is never exported and its ended child points at a parent
// that does not exist; the output ends it and runs as one connected trace, on both SDK lines.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFixture, SDK_LINES, type RunResult } from '../../harness/run-fixture.js';
import { assertTraceConnected, checkTraceIntegrity, relation } from '../../testing/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/codemods/end-spans');

interface PairCase {
  file: string;
  /** The span the input leaves open, and the ended span started under it. */
  parent: string;
  child: string;
  /** The codemod could not fix it (TODO marker): the output must still show the disconnect. */
  todo?: boolean;
}

const cases: PairCase[] = [
  { file: 'early-return', parent: 'lookup', child: 'probe' },
  { file: 'throw-caught-by-caller', parent: 'charge', child: 'validate' },
  { file: 'rejected-await', parent: 'loadConfig', child: 'readFile' },
  { file: 'active-span-callback', parent: 'handleOrder', child: 'reserve' },
  { file: 'catch-rethrows', parent: 'syncInventory', child: 'pushBatch' },
  { file: 'expression-body', parent: 'render', child: 'template' },
  { file: 'await-before-try', parent: 'handle', child: 'parse' },
  { file: 'await-after-end', parent: 'importBatch', child: 'readRows', todo: true },
];

/** The parent was started but never ended: not exported, and the child's parent id names it. */
function expectDanglingParent(run: RunResult, c: PairCase): void {
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.spans.map((s) => s.name)).toContain(c.child);
  expect(run.spans.map((s) => s.name)).not.toContain(c.parent);
  const open = run.unendedSpans.find((s) => s.name === c.parent);
  expect(open, `${c.parent} is recorded as started and never ended`).toBeDefined();
  expect(relation(run.spans, c.child, c.parent)).toBe('parent-missing');
  const orphan = checkTraceIntegrity(run.spans).orphans.find((o) => o.span.name === c.child);
  expect(orphan?.missingParentSpanId).toBe(open!.spanId);
}

describe.each(SDK_LINES)('end-spans fixture pairs at runtime, SDK %s.x', (sdk) => {
  for (const c of cases) {
    it(`${c.file}: the input never exports ${c.parent}, so ${c.child} has a dangling parent`, async () => {
      expectDanglingParent(await runFixture(path.join(dir, `${c.file}.input.ts`), { sdk }), c);
    });
    if (c.todo) {
      it(`${c.file}: the TODO-marked output is unchanged in behaviour: still a dangling parent`, async () => {
        expectDanglingParent(await runFixture(path.join(dir, `${c.file}.output.ts`), { sdk }), c);
      });
      continue;
    }
    it(`${c.file}: the output exports ${c.parent}, with ${c.child} as its child, in one trace`, async () => {
      const run = await runFixture(path.join(dir, `${c.file}.output.ts`), { sdk });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.unendedSpans).toEqual([]);
      assertTraceConnected(run.spans);
      expect(relation(run.spans, c.child, c.parent)).toBe('child');
    });
  }
});

// Sibling spans ended back to back in start order share one `finally` that keeps that order:
// exported, still siblings (neither becomes the other's child), each with its query under it.
describe.each(SDK_LINES)('end-spans overlapping siblings at runtime, SDK %s.x', (sdk) => {
  const siblings = ['load-users', 'load-orders'];
  const queries = [
    { child: 'select-users', parent: 'load-users' },
    { child: 'select-orders', parent: 'load-orders' },
  ];

  it('overlapping-siblings: the input never exports either span, so both queries have dangling parents', async () => {
    const run = await runFixture(path.join(dir, 'overlapping-siblings.input.ts'), { sdk });
    for (const q of queries) expectDanglingParent(run, { file: 'overlapping-siblings', ...q });
  });

  it('overlapping-siblings: the output exports both as siblings under the request, each with its query, in one trace', async () => {
    const run = await runFixture(path.join(dir, 'overlapping-siblings.output.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.unendedSpans).toEqual([]);
    assertTraceConnected(run.spans);
    for (const name of siblings) expect(relation(run.spans, name, 'dashboard'), name).toBe('child');
    expect(relation(run.spans, 'load-orders', 'load-users')).toBe('sibling');
    expect(relation(run.spans, 'load-users', 'load-orders')).toBe('sibling');
    for (const q of queries) expect(relation(run.spans, q.child, q.parent), q.child).toBe('child');
  });
});
