import { expect } from 'vitest';
import { formatTraceTree, relation } from '../../testing/index.js';
import type { TraceSpan } from '../../testing/index.js';

/**
 * Verdicts for the outbound-HTTP runtime fixtures: an order service's `CreateOrder` span calls the
 * inventory service, whose handler continues the trace it receives as `CheckStock`
 * (`propagation.extract` of the request headers). The question is always where `CheckStock` hangs.
 */
const SERVER = 1;
const CLIENT = 2;
const UNDICI_SCOPE = '@opentelemetry/instrumentation-undici';
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';

export const undiciClient = (s: TraceSpan): boolean => s.kind === CLIENT && s.scope === UNDICI_SCOPE;
export const httpClient = (s: TraceSpan): boolean => s.kind === CLIENT && s.scope === HTTP_SCOPE;
const byId = (span: TraceSpan) => (s: TraceSpan): boolean => s.spanId === span.spanId && s.traceId === span.traceId;

function one(spans: TraceSpan[], match: (s: TraceSpan) => boolean, what: string): TraceSpan {
  const found = spans.filter(match);
  expect(found, `exactly one ${what} in\n${formatTraceTree(spans)}`).toHaveLength(1);
  return found[0];
}

const parentOf = (spans: TraceSpan[], s: TraceSpan): TraceSpan | undefined =>
  spans.find((p) => p.traceId === s.traceId && p.spanId === s.parentSpanId);

/** CheckStock hangs under a client span of `scope`, itself under `caller` (default CreateOrder). */
export function expectChildOfClient(spans: TraceSpan[], client: (s: TraceSpan) => boolean, caller: TraceSpan | string = 'CreateOrder'): void {
  const tree = formatTraceTree(spans);
  for (const check of spans.filter((s) => s.name === 'CheckStock')) {
    const parent = parentOf(spans, check);
    expect(parent && client(parent), `CheckStock under the expected client span:\n${tree}`).toBe(true);
    const callerMatch = typeof caller === 'string' ? caller : byId(caller);
    expect(relation(spans, byId(parent!), callerMatch), tree).toBe('child');
  }
  expect(spans.some((s) => s.name === 'CheckStock'), tree).toBe(true);
}

/** The relation of (every) CheckStock to CreateOrder, e.g. 'new-root', 'child', 'dangling-parent'. */
export function checkStockRelations(spans: TraceSpan[]): string[] {
  return spans.filter((s) => s.name === 'CheckStock').map((s) => relation(spans, byId(s), 'CreateOrder'));
}

/** The gateway's server span: the server span for the request CreateOrder's client span sent. */
export function gatewayServer(spans: TraceSpan[]): TraceSpan {
  const firstHop = one(spans, (s) => s.kind === CLIENT && parentOf(spans, s)?.name === 'CreateOrder', 'client span under CreateOrder');
  const port = new URL(String(firstHop.attributes?.['url.full'])).port;
  return one(spans, (s) => s.kind === SERVER && String(s.attributes?.['server.port']) === port, 'gateway server span');
}

export function checkStock(spans: TraceSpan[]): TraceSpan {
  return one(spans, (s) => s.name === 'CheckStock', 'CheckStock span');
}

export { relation, byId };
