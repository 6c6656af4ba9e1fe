import { describe, expect, it } from 'vitest';
import { formatTraceTree } from '../../testing/index.js';
import { T1, T2, id, span } from './spans.js';

describe('formatTraceTree', () => {
  it('draws one tree per trace, children in start order, with kinds and durations', () => {
    const spans = [
      { ...span('GET /checkout', T1, 1, undefined, 0, 12.4), kind: 1 },
      span('CreateOrder', T1, 2, 1, 1, 10.1),
      { ...span('CheckStock', T1, 4, 2, 3, 2.05), kind: 2 },
      span('validate', T1, 3, 2, 2, 0.5),
      span('audit', T1, 5, 1, 12, 1500),
    ];
    expect(formatTraceTree(spans)).toBe(
      [
        `trace ${T1} (5 spans)`,
        '└─ GET /checkout [server] 12.4 ms',
        '   ├─ CreateOrder 10.1 ms',
        '   │  ├─ validate 0.50 ms',
        '   │  └─ CheckStock [client] 2.05 ms',
        '   └─ audit 1.50 s',
      ].join('\n'),
    );
  });

  it('marks orphans, parents in other traces, unended spans and children that start first', () => {
    const spans = [
      span('CreateOrder', T1, 1, undefined, 0, 5),
      span('CheckStock', T2, 2, 0xdead, 1, 2),
      span('job', T2, 3, 1, 2, 1),
      { ...span('open', T1, 4, 1, 3), ended: false, endTimeUnixNano: undefined },
      span('early', T1, 5, 1, -1, 1),
    ];
    expect(formatTraceTree(spans)).toBe(
      [
        `trace ${T1} (3 spans)`,
        '└─ CreateOrder 5.00 ms',
        '   ├─ early 1.00 ms  ⚠ starts before its parent',
        '   └─ open (not ended)',
        `trace ${T2} (2 spans)`,
        `├─ CheckStock 2.00 ms  ⚠ orphan: parent ${id(0xdead)} not found`,
        `└─ job 1.00 ms  ⚠ parent in other trace: "CreateOrder" (trace ${T1})`,
      ].join('\n'),
    );
  });

  it('options: durations off, ids on, kinds off', () => {
    const spans = [{ ...span('a', T1, 1, undefined, 0), kind: 1 }, span('b', T1, 2, 1, 1)];
    expect(formatTraceTree(spans, { durations: false, ids: true, kinds: false })).toBe(
      [`trace ${T1} (2 spans)`, `└─ a #${id(1)}`, `   └─ b #${id(2)}`].join('\n'),
    );
  });

  it('survives parent cycles and empty input', () => {
    const spans = [span('root', T1, 1, undefined, 0), span('x', T1, 2, 3, 1), span('y', T1, 3, 2, 2)];
    const text = formatTraceTree(spans, { durations: false });
    expect(text).toBe(
      [
        `trace ${T1} (3 spans)`,
        '├─ root',
        '├─ x  ⚠ starts before its parent; ⚠ in a parent cycle',
        '└─ y  ⚠ in a parent cycle',
      ].join('\n'),
    );
    expect(formatTraceTree([])).toBe('(no spans)');
  });
});
