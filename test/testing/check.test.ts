import { describe, expect, it } from 'vitest';
import { checkTraceIntegrity } from '../../testing/index.js';
import { T1, T2, T3, id, span } from './spans.js';

describe('checkTraceIntegrity', () => {
  it('a connected trace is ok, with its roots and spans grouped', () => {
    const spans = [span('root', T1, 1, undefined, 0, 10), span('a', T1, 2, 1, 1), span('b', T1, 3, 2, 2)];
    const report = checkTraceIntegrity(spans);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.traces).toHaveLength(1);
    expect(report.traces[0].traceId).toBe(T1);
    expect(report.traces[0].roots.map((s) => s.name)).toEqual(['root']);
    expect(report.traces[0].spans.map((s) => s.name)).toEqual(['root', 'a', 'b']);
    expect(report.rootCount).toBe(1);
    expect(report.format()).toMatch(/^trace integrity OK: 3 span\(s\) in 1 trace\(s\), 1 root\(s\)/);
  });

  it('orphan: a parent id that no span has', () => {
    const spans = [span('root', T1, 1, undefined, 0), span('job', T1, 2, 99, 1)];
    const report = checkTraceIntegrity(spans);
    expect(report.ok).toBe(false);
    expect(report.orphans).toEqual([{ span: spans[1], missingParentSpanId: id(99) }]);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'orphan', span: spans[1] });
    expect(report.problems[0].detail).toContain(`has parent ${id(99)}, which is not among the spans`);
    expect(report.format()).toContain('orphan: "job"');
  });

  it('cross-trace-parent: the parent id belongs to a span of another trace', () => {
    const spans = [span('req1', T1, 1, undefined, 0), span('req2', T2, 2, undefined, 1), span('job2', T2, 3, 1, 2)];
    const report = checkTraceIntegrity(spans);
    expect(report.ok).toBe(false);
    expect(report.crossTraceParents).toEqual([{ span: spans[2], parent: spans[0] }]);
    expect(report.orphans).toEqual([]);
    expect(report.problems.map((p) => p.kind)).toEqual(['cross-trace-parent']);
    expect(report.problems[0].detail).toContain(`which is in trace ${T1}`);
  });

  it('child-before-parent, with an optional clock-skew tolerance', () => {
    const spans = [span('parent', T1, 1, undefined, 10), span('child', T1, 2, 1, 8)];
    const report = checkTraceIntegrity(spans);
    // default tolerance: 1 ms (SDK clocks disagree by up to a millisecond)
    expect(checkTraceIntegrity([span('parent', T1, 1, undefined, 10), span('child', T1, 2, 1, 9.2)]).ok).toBe(true);
    expect(checkTraceIntegrity([span('parent', T1, 1, undefined, 10), span('child', T1, 2, 1, 9.2)], { clockSkewToleranceMs: 0 }).ok).toBe(false);
    expect(report.childrenBeforeParent).toHaveLength(1);
    expect(report.childrenBeforeParent[0].earlierByMs).toBeCloseTo(2);
    expect(report.problems[0]).toMatchObject({ kind: 'child-before-parent', span: { name: 'child' } });
    expect(checkTraceIntegrity(spans, { clockSkewToleranceMs: 5 }).ok).toBe(true);
    // unknown times: nothing to compare
    const untimed = spans.map(({ startTimeUnixNano: _s, endTimeUnixNano: _e, ...rest }) => rest);
    expect(checkTraceIntegrity(untimed).ok).toBe(true);
  });

  it('unended: only where ended === false is known', () => {
    const open = { ...span('open', T1, 1, undefined, 0), ended: false, endTimeUnixNano: undefined };
    const done = { ...span('done', T1, 2, 1, 1), ended: true };
    const report = checkTraceIntegrity([open, done]);
    expect(report.unended.map((s) => s.name)).toEqual(['open']);
    expect(report.problems.map((p) => p.kind)).toEqual(['unended']);
    expect(checkTraceIntegrity([{ ...open, ended: undefined }, done]).ok).toBe(true);
  });

  it('without expectedTraces, roots are not counted', () => {
    const report = checkTraceIntegrity([span('a', T1, 1, undefined, 0), span('b', T2, 2, undefined, 1)]);
    expect(report.ok).toBe(true);
    expect(report.traces.map((t) => t.traceId)).toEqual([T1, T2]);
    expect(report.rootCount).toBe(2);
    expect(report.missingTraces).toBe(0);
  });

  it('expectedTraces: extra roots (latest first to go) are unexpected-root problems', () => {
    const spans = [span('a', T1, 1, undefined, 0), span('b', T2, 2, undefined, 1), span('c', T3, 3, undefined, 2)];
    const one = checkTraceIntegrity(spans, { expectedTraces: 1 });
    expect(one.ok).toBe(false);
    expect(one.problems.map((p) => [p.kind, p.span.name])).toEqual([
      ['unexpected-root', 'b'],
      ['unexpected-root', 'c'],
    ]);
    expect(one.problems[0].detail).toContain('expected 1 trace(s) (rooted at "a"');
    const two = checkTraceIntegrity(spans, { expectedTraces: 2 });
    expect(two.problems.map((p) => p.span.name)).toEqual(['c']);
    expect(checkTraceIntegrity(spans, { expectedTraces: 3 }).ok).toBe(true);
  });

  it('roots are ordered by start time, not input order', () => {
    const spans = [span('late', T1, 1, undefined, 50), span('early', T2, 2, undefined, 10)];
    const report = checkTraceIntegrity(spans, { expectedTraces: 1 });
    expect(report.problems.map((p) => p.span.name)).toEqual(['late']);
    expect(report.traces.map((t) => t.roots[0].name)).toEqual(['early', 'late']);
  });

  it('roots that start in the same millisecond: the longer (enclosing) one is the expected trace', () => {
    // SDK start times are Date.now() based: a lost child often ties with its would-be parent
    const spans = [span('CheckStock', T2, 2, undefined, 0.4, 2), span('CreateOrder', T1, 1, undefined, 0, 5)];
    const report = checkTraceIntegrity(spans, { expectedTraces: 1 });
    expect(report.problems.map((p) => p.span.name)).toEqual(['CheckStock']);
    expect(report.traces.map((t) => t.roots[0].name)).toEqual(['CreateOrder', 'CheckStock']);
    // more than 1 ms apart: plain start order
    const apart = [span('first', T1, 1, undefined, 0, 1), span('second', T2, 2, undefined, 1.5, 9)];
    expect(checkTraceIntegrity(apart, { expectedTraces: 1 }).problems.map((p) => p.span.name)).toEqual(['second']);
  });

  it('allowRoots: matched roots do not count (name, RegExp, predicate, list)', () => {
    const spans = [span('boot', T1, 1, undefined, 0), span('request', T2, 2, undefined, 1), span('cron:tick', T3, 3, undefined, 2)];
    expect(checkTraceIntegrity(spans, { expectedTraces: 1, allowRoots: ['boot', /^cron:/] }).ok).toBe(true);
    expect(checkTraceIntegrity(spans, { expectedTraces: 1, allowRoots: (s) => s.name !== 'request' }).ok).toBe(true);
    const report = checkTraceIntegrity(spans, { expectedTraces: 1, allowRoots: 'boot' });
    expect(report.problems.map((p) => p.span.name)).toEqual(['cron:tick']);
    expect(report.rootCount).toBe(2);
  });

  it('allowOrphans: accepted orphans are local roots, not problems', () => {
    const server = span('GET /x', T1, 2, 77, 0);
    const spans = [server, span('handler', T1, 3, 2, 1)];
    expect(checkTraceIntegrity(spans, { expectedTraces: 1 }).problems.map((p) => p.kind)).toEqual(['orphan']);
    const report = checkTraceIntegrity(spans, { expectedTraces: 1, allowOrphans: 'GET /x' });
    expect(report.ok).toBe(true);
    expect(report.rootCount).toBe(1);
  });

  it('fewer roots than expectedTraces fail: missingTraces, and an explicit message for no spans at all', () => {
    const empty = checkTraceIntegrity([], { expectedTraces: 1 });
    expect(empty.ok).toBe(false);
    expect(empty.missingTraces).toBe(1);
    expect(empty.problems).toEqual([]);
    expect(empty.format()).toContain('no spans at all');
    const orphanOnly = checkTraceIntegrity([span('x', T1, 1, 5)], { expectedTraces: 1 });
    expect(orphanOnly.missingTraces).toBe(1);
    expect(orphanOnly.format()).toContain('1 trace(s) missing: found 0 root span(s), expected 1');
    expect(checkTraceIntegrity([]).ok).toBe(true);
    expect(() => checkTraceIntegrity([], { expectedTraces: -1 })).toThrow(RangeError);
  });

  it('reports several problems at once, each once, in start order', () => {
    const spans = [
      span('root', T1, 1, undefined, 0, 20),
      span('orphan', T1, 2, 50, 1),
      span('other-root', T2, 3, undefined, 2),
      span('cross', T2, 4, 1, 3),
      { ...span('open', T1, 5, 1, 4), ended: false },
    ];
    const report = checkTraceIntegrity(spans, { expectedTraces: 1 });
    expect(report.problems.map((p) => `${p.kind}:${p.span.name}`)).toEqual([
      'orphan:orphan',
      'cross-trace-parent:cross',
      'unended:open',
      'unexpected-root:other-root',
    ]);
    const lines = report.format().split('\n');
    expect(lines[0]).toBe('trace integrity FAILED: 5 span(s) in 2 trace(s), 2 root(s), expected 1 trace(s)');
    expect(lines).toHaveLength(5);
  });
});
