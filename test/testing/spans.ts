// Hand-made span lists for the checker's unit tests.
import type { TraceSpan } from '../../testing/index.js';

export const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
export const T2 = '0af7651916cd43dd8448eb211c80319c';
export const T3 = '5b8aa5a2d2c872e8321cf37308d69df2';

let counter = 0;
/** A span id from a readable suffix: id('a') → '00000000000000a0'-ish unique hex. */
export const id = (n: number): string => n.toString(16).padStart(16, '0');

/** ms → bigint nanos from a fixed epoch. */
export const at = (ms: number): bigint => 1_700_000_000_000_000_000n + BigInt(Math.round(ms * 1e6));

export function span(name: string, traceId: string, spanId: number, parent?: number, startMs = counter++, durationMs = 1): TraceSpan {
  const s: TraceSpan = {
    name,
    traceId,
    spanId: id(spanId),
    startTimeUnixNano: at(startMs),
    endTimeUnixNano: at(startMs + durationMs),
  };
  if (parent !== undefined) s.parentSpanId = id(parent);
  return s;
}
