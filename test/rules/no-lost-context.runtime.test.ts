// Runtime proofs for no-lost-context (DESIGN.md §6): what each context manager does to each kind
// of callback, and that the code the rule accepts runs connected, on both SDK lines.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFixture, SDK_LINES, type RunResult } from '../../harness/run-fixture.js';
import { assertTraceConnected, formatTraceTree, relation } from '../../testing/index.js';
import { unmarkedReports } from '../helpers/codemod-fixtures.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runtime/no-lost-context');
const fixture = (name: string) => path.join(DIR, name);
const reports = (name: string) => unmarkedReports(['no-lost-context'], fixture(name), readFileSync(fixture(name), 'utf8')).map((m) => `${m.line}:${m.column} ${m.message}`);

const KINDS = ['sync', 'setTimeout', 'setImmediate', 'queueMicrotask', 'nextTick', 'then', 'await', 'emitter'] as const;

/** How `child:<kind>` relates to its `parent:child:<kind>`, and `bound:<kind>` to `parent:bound:<kind>`. */
const EXPECTED: Record<'als' | 'stack' | 'none', { child: (kind: (typeof KINDS)[number]) => string; bound: string }> = {
  // AsyncLocalStorage follows every async callback; only a listener runs in the emit() caller's context.
  als: { child: (kind) => (kind === 'emitter' ? 'new-root' : 'child'), bound: 'child' },
  // The StackContextManager follows synchronous code only; context.bind restores the rest.
  stack: { child: (kind) => (kind === 'sync' ? 'child' : 'new-root'), bound: 'child' },
  // No manager: nothing is connected, not even synchronous code, and context.bind cannot help.
  none: { child: () => 'new-root', bound: 'new-root' },
};

describe.each(SDK_LINES)('no-lost-context: runtime, SDK %s.x', (sdk) => {
  for (const mode of ['als', 'stack', 'none'] as const) {
    it(`callbacks under ${mode === 'als' ? 'AsyncLocalStorage' : mode === 'stack' ? 'the StackContextManager' : 'no context manager'}`, async () => {
      const run = await runFixture(fixture('callbacks-by-context-manager.ts'), { sdk, setup: 'none', args: [mode] });
      expect(run.exitCode, run.stderr).toBe(0);
      const tree = formatTraceTree(run.spans);
      for (const kind of KINDS) {
        expect(relation(run.spans, `child:${kind}`, `parent:child:${kind}`), `${mode} child:${kind}\n${tree}`).toBe(EXPECTED[mode].child(kind));
        expect(relation(run.spans, `bound:${kind}`, `parent:bound:${kind}`), `${mode} bound:${kind}\n${tree}`).toBe(EXPECTED[mode].bound);
      }
    });
  }

  it('context.bind(ctx, emitter) after the .on() call does not help: the reply stays in request B', async () => {
    const run = await runFixture(fixture('emitter-bound-after-on.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'handle-reply', 'request-b'), formatTraceTree(run.spans)).toBe('child');
    expect(relation(run.spans, 'handle-reply', 'request-a')).toBe('other-trace');
  });

  const connected = (check: (spans: RunResult['spans']) => void) => check;
  const VALID: Record<string, (spans: RunResult['spans']) => void> = {
    'valid-emitter-dispatch.ts': connected((spans) => {
      expect(relation(spans, 'handle-job', 'request'), formatTraceTree(spans)).toBe('child');
      assertTraceConnected(spans);
    }),
    'valid-interval-cleared.ts': connected((spans) => {
      const beats = spans.filter((s) => s.name === 'heartbeat');
      expect(beats.length, formatTraceTree(spans)).toBeGreaterThan(0);
      // Span timestamps mix Date.now() and performance.now(), so comparing them across spans is off by
      // up to a millisecond; each tick records instead whether the request span was still recording.
      for (const beat of beats) expect(beat.attributes?.['request.open'], formatTraceTree(spans)).toBe(true);
      assertTraceConnected(spans);
    }),
    'valid-worker-cpu.ts': connected((spans) => {
      expect(spans.map((s) => s.name)).toEqual(['request']);
      assertTraceConnected(spans);
    }),
  };
  for (const [name, check] of Object.entries(VALID)) {
    it(`${name}: runs connected`, async () => {
      const run = await runFixture(fixture(name), { sdk });
      expect(run.exitCode, run.stderr).toBe(0);
      check(run.spans);
    });
  }
});

describe('no-lost-context on the runtime fixtures', () => {
  it('is silent on the valid ones and on the callbacks fixture', () => {
    for (const name of ['valid-emitter-dispatch.ts', 'valid-interval-cleared.ts', 'valid-worker-cpu.ts', 'callbacks-by-context-manager.ts']) {
      expect(reports(name), name).toEqual([]);
    }
  });

  it('reports the listener of emitter-bound-after-on.ts', () => {
    expect(reports('emitter-bound-after-on.ts')).toEqual([
      '12:25 This listener runs in the context of whoever calls `bus.emit()`, not in the span it was registered in, so the spans it starts get the wrong parent; bind it with `context.bind(context.active(), listener)`.',
    ]);
  });
});
