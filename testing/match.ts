import type { SpanMatcher, TraceSpan } from './types.js';

/** Does `span` match any of the matchers (exact name, name pattern, predicate)? */
export function matches(span: TraceSpan, matcher: SpanMatcher | SpanMatcher[] | undefined): boolean {
  if (matcher === undefined) return false;
  const list = Array.isArray(matcher) ? matcher : [matcher];
  return list.some((m) => {
    if (typeof m === 'string') return span.name === m;
    if (m instanceof RegExp) {
      m.lastIndex = 0;
      return m.test(span.name);
    }
    return m(span);
  });
}

/** Orders spans by start time (unknown times last), keeping input order for ties. */
export function byStart(a: TraceSpan, b: TraceSpan): number {
  const sa = a.startTimeUnixNano;
  const sb = b.startTimeUnixNano;
  if (sa === undefined && sb === undefined) return 0;
  if (sa === undefined) return 1;
  if (sb === undefined) return -1;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const SAME_START_NS = 1_000_000n;

/**
 * Orders root spans of different traces: by start time, except that roots starting within
 * 1 ms of each other are ordered longest first (the enclosing operation first). SDK 2.x/3.x
 * take span start times from `Date.now()` (whole milliseconds), so unrelated roots often tie.
 */
export function byRootRank(a: TraceSpan, b: TraceSpan): number {
  const sa = a.startTimeUnixNano;
  const sb = b.startTimeUnixNano;
  if (sa === undefined || sb === undefined) return byStart(a, b);
  const diff = sa - sb;
  if (diff > SAME_START_NS || diff < -SAME_START_NS) return diff < 0n ? -1 : 1;
  const da = duration(a);
  const db = duration(b);
  if (da !== db) return da > db ? -1 : 1;
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

function duration(span: TraceSpan): bigint {
  return span.startTimeUnixNano !== undefined && span.endTimeUnixNano !== undefined
    ? span.endTimeUnixNano - span.startTimeUnixNano
    : -1n;
}

/** Orders trace groups by their first root (by `byRootRank`), else by their earliest span. */
export function orderTraces<T extends { spans: TraceSpan[] }>(groups: T[]): T[] {
  const key = (g: T): TraceSpan => g.spans.filter((s) => !s.parentSpanId).sort(byRootRank)[0] ?? g.spans[0];
  return groups.slice().sort((a, b) => byRootRank(key(a), key(b)));
}

/** Milliseconds between two nanosecond timestamps, as a float. */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos) / 1e6;
}

/** A short label for a span in messages: `"name" (spanId)`. */
export function label(span: TraceSpan): string {
  return `"${span.name}" (${span.spanId})`;
}
