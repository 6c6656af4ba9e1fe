// The vitest example of docs/trace-integrity-checker.md, run for real against the 2.x SDK:
// a correct service keeps CheckStock under CreateOrder; the broken one (startSpan never made
// active, FINDINGS 6a) is caught, and the error message is the one the doc shows.
import { trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceIntegrityError, assertTraceConnected, formatTraceTree, relation } from '../../testing/index.js';

const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
const tracer = trace.getTracer('orders');

async function checkStock(sku: string): Promise<boolean> {
  return tracer.startActiveSpan('CheckStock', { attributes: { sku } }, async (span: Span) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    span.end();
    return true;
  });
}

async function createOrder(sku: string): Promise<void> {
  await tracer.startActiveSpan('CreateOrder', async (span) => {
    await checkStock(sku);
    span.end();
  });
}

async function createOrderBroken(sku: string): Promise<void> {
  const span = tracer.startSpan('CreateOrder'); // never made active
  await checkStock(sku);
  span.end();
}

afterEach(() => exporter.reset());

describe('docs example', () => {
  it('CheckStock stays under CreateOrder', async () => {
    await createOrder('A-1');
    assertTraceConnected(exporter.getFinishedSpans());
    expect(relation(exporter.getFinishedSpans(), 'CheckStock', 'CreateOrder')).toBe('child');
    expect(formatTraceTree(exporter.getFinishedSpans(), { durations: false })).toMatch(/└─ CreateOrder\n {3}└─ CheckStock$/);
  });

  it('the broken service fails with the report and the tree', async () => {
    await createOrderBroken('A-1');
    expect(relation(exporter.getFinishedSpans(), 'CheckStock', 'CreateOrder')).toBe('new-root');
    let error: TraceIntegrityError | undefined;
    try {
      assertTraceConnected(exporter.getFinishedSpans());
    } catch (e) {
      error = e as TraceIntegrityError;
    }
    expect(error).toBeInstanceOf(TraceIntegrityError);
    const normalized = error!.message.replace(/[0-9a-f]{32}/g, '<trace>').replace(/[0-9a-f]{16}/g, '<span>').replace(/\d+\.\d+ ms/g, '<ms>');
    expect(normalized).toBe(
      [
        'trace integrity FAILED: 2 span(s) in 2 trace(s), 2 root(s), expected 1 trace(s)',
        '  - unexpected-root: "CheckStock" (<span>) starts a new trace <trace>; expected 1 trace(s) (rooted at "CreateOrder" (<span>))',
        '',
        'trace <trace> (1 span)',
        '└─ CreateOrder <ms>',
        'trace <trace> (1 span)',
        '└─ CheckStock <ms>',
      ].join('\n'),
    );
  });
});
