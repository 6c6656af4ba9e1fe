import { describe, expect, it } from 'vitest';
import { TraceIntegrityError, assertTraceConnected } from '../../testing/index.js';
import { T1, T2, span } from './spans.js';

describe('assertTraceConnected', () => {
  it('passes a single connected trace and returns the report', () => {
    const report = assertTraceConnected([span('root', T1, 1, undefined, 0, 5), span('child', T1, 2, 1, 1)]);
    expect(report.ok).toBe(true);
  });

  it('throws a TraceIntegrityError whose message is the report followed by the tree', () => {
    const spans = [span('CreateOrder', T1, 1, undefined, 0, 5), span('CheckStock', T2, 2, undefined, 1, 2)];
    let error: unknown;
    try {
      assertTraceConnected(spans);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceIntegrityError);
    expect(error).toBeInstanceOf(Error);
    const { message, report } = error as TraceIntegrityError;
    expect(report.problems.map((p) => p.kind)).toEqual(['unexpected-root']);
    expect(message).toBe(
      [
        'trace integrity FAILED: 2 span(s) in 2 trace(s), 2 root(s), expected 1 trace(s)',
        `  - unexpected-root: "CheckStock" (${spans[1].spanId}) starts a new trace ${T2}; expected 1 trace(s) (rooted at "CreateOrder" (${spans[0].spanId}))`,
        '',
        `trace ${T1} (1 span)`,
        '└─ CreateOrder 5.00 ms',
        `trace ${T2} (1 span)`,
        '└─ CheckStock 2.00 ms',
      ].join('\n'),
    );
  });

  it('fails on no spans, orphans and unended spans; options pass through', () => {
    expect(() => assertTraceConnected([])).toThrow(/no spans at all/);
    expect(() => assertTraceConnected([span('root', T1, 1, undefined, 0), span('x', T1, 2, 9, 1)])).toThrow(/orphan: "x"/);
    expect(() => assertTraceConnected([{ ...span('root', T1, 1, undefined, 0), ended: false }])).toThrow(/unended/);
    const two = [span('a', T1, 1, undefined, 0), span('b', T2, 2, undefined, 1)];
    expect(() => assertTraceConnected(two, { expectedTraces: 2 })).not.toThrow();
    expect(() => assertTraceConnected(two, { allowRoots: 'b' })).not.toThrow();
    expect(() => assertTraceConnected(two, { tree: { durations: false } })).toThrow(/└─ b\n?$/);
  });
});
