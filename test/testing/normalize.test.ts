import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InMemoryCollector, checkTraceIntegrity, normalizeSpans, relation } from '../../testing/index.js';
import { T1, id } from './spans.js';

const sdk2 = () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('unit', '1.0.0') };
};

/** parent → child → grandchild with explicit contexts (no global context manager needed). */
function makeTrace(tracer: ReturnType<typeof sdk2>['tracer'], setSpan = trace.setSpan, root = ROOT_CONTEXT) {
  const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: { 'http.route': '/x', n: 3 } }, root);
  const child = tracer.startSpan('child', { kind: SpanKind.CLIENT }, setSpan(root, parent));
  const grandchild = tracer.startSpan('grandchild', {}, setSpan(root, child));
  grandchild.end();
  child.end();
  parent.end();
  return { parent, child, grandchild };
}

describe('normalizeSpans', () => {
  it('reads SDK 2.x ReadableSpans (parentSpanContext, HrTime, ended, scope, attributes)', () => {
    const { exporter, tracer } = sdk2();
    const { parent, child } = makeTrace(tracer);
    const spans = normalizeSpans(exporter.getFinishedSpans());
    expect(spans).toHaveLength(3);
    const p = spans.find((s) => s.name === 'parent')!;
    const c = spans.find((s) => s.name === 'child')!;
    expect(p).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      kind: SpanKind.SERVER,
      ended: true,
      scope: 'unit',
      attributes: { 'http.route': '/x', n: 3 },
    });
    expect(p.parentSpanId).toBeUndefined();
    expect(c.parentSpanId).toBe(parent.spanContext().spanId);
    expect(c.spanId).toBe(child.spanContext().spanId);
    expect(typeof p.startTimeUnixNano).toBe('bigint');
    expect(p.endTimeUnixNano! >= p.startTimeUnixNano!).toBe(true);
    // the exporter object itself works too
    expect(normalizeSpans(exporter)).toEqual(spans);
    expect(relation(exporter, 'grandchild', 'child')).toBe('child');
  });

  it('reads SDK 3.x ReadableSpans (harness/sdk3: TracerProvider, SimpleSpanProcessor({ exporter }))', async () => {
    const sdk3Root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../harness/sdk3/node_modules/@opentelemetry');
    const api3 = (await import(pathToFileURL(path.join(sdk3Root, 'api/dist/index.mjs')).href)) as typeof import('@opentelemetry/api');
    const { TracerProvider, InMemorySpanExporter: Exporter3, SimpleSpanProcessor: Processor3 } = (await import(
      pathToFileURL(path.join(sdk3Root, 'sdk-trace/dist/index.mjs')).href
    )) as {
      TracerProvider: new (o: unknown) => { getTracer(n: string): ReturnType<typeof sdk2>['tracer'] };
      InMemorySpanExporter: new () => InMemorySpanExporter;
      SimpleSpanProcessor: new (o: unknown) => unknown;
    };
    const exporter = new Exporter3();
    const tracer = new TracerProvider({ spanProcessors: [new Processor3({ exporter })] }).getTracer('unit3');
    const { parent } = makeTrace(tracer, api3.trace.setSpan, api3.ROOT_CONTEXT);
    const spans = normalizeSpans(exporter.getFinishedSpans());
    expect(spans).toHaveLength(3);
    expect(spans.find((s) => s.name === 'child')!.parentSpanId).toBe(parent.spanContext().spanId);
    expect(spans.every((s) => s.ended === true && s.scope === 'unit3')).toBe(true);
    expect(checkTraceIntegrity(spans, { expectedTraces: 1 }).ok).toBe(true);
  });

  it('reads 1.x-style spans (parentSpanId, instrumentationLibrary)', () => {
    const legacy = {
      name: 'old',
      kind: 0,
      spanContext: () => ({ traceId: T1, spanId: id(2), traceFlags: 1 }),
      parentSpanId: id(1),
      startTime: [1700000000, 5],
      endTime: [1700000001, 0],
      ended: true,
      attributes: {},
      instrumentationLibrary: { name: 'legacy' },
    };
    expect(normalizeSpans([legacy])).toEqual([
      {
        name: 'old',
        traceId: T1,
        spanId: id(2),
        parentSpanId: id(1),
        kind: 0,
        startTimeUnixNano: 1_700_000_000_000_000_005n,
        endTimeUnixNano: 1_700_000_001_000_000_000n,
        ended: true,
        attributes: {},
        scope: 'legacy',
      },
    ]);
  });

  it('reads OTLP JSON from the real JSON serializer (hex ids, string nanos, shifted kinds)', () => {
    const { exporter, tracer } = sdk2();
    const { parent, child } = makeTrace(tracer);
    const finished = exporter.getFinishedSpans();
    const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(finished));
    const fromJson = normalizeSpans(JSON.parse(json));
    expect(fromJson).toHaveLength(3);
    const c = fromJson.find((s) => s.name === 'child')!;
    expect(c).toMatchObject({ kind: SpanKind.CLIENT, parentSpanId: parent.spanContext().spanId, spanId: child.spanContext().spanId, scope: 'unit' });
    expect(fromJson.find((s) => s.name === 'parent')!.kind).toBe(SpanKind.SERVER);
    expect(fromJson.find((s) => s.name === 'parent')!.attributes).toEqual({ 'http.route': '/x', n: 3 });
    // the same spans, read from the SDK objects, agree on everything the OTLP form carries
    const direct = normalizeSpans(finished).map(({ ended: _e, ...rest }) => rest);
    expect(fromJson).toEqual(direct);
    // a JSON string, and JSON lines of several requests
    expect(normalizeSpans(json)).toEqual(fromJson);
    expect(normalizeSpans(`${json}\n${json}\n`)).toEqual(fromJson); // duplicates merged
  });

  it('reads OTLP JSON with base64 ids, number nanos, SPAN_KIND names and instrumentationLibrarySpans', () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const request = {
      resourceSpans: [
        {
          instrumentationLibrarySpans: [
            {
              instrumentationLibrary: { name: 'old-lib' },
              spans: [
                { traceId: b64(T1), spanId: b64(id(1)), parentSpanId: '', name: 'root', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: 1000, endTimeUnixNano: 3000 },
                {
                  traceId: b64(T1),
                  spanId: b64(id(2)),
                  parentSpanId: b64(id(1)),
                  name: 'child',
                  kind: 3,
                  startTimeUnixNano: { low: 2000, high: 0 },
                  endTimeUnixNano: '2500',
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'ok', value: { boolValue: true } },
                    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { doubleValue: 1.5 }] } } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const spans = normalizeSpans([request]);
    expect(spans).toEqual([
      { name: 'root', traceId: T1, spanId: id(1), kind: 1, startTimeUnixNano: 1000n, endTimeUnixNano: 3000n, scope: 'old-lib' },
      {
        name: 'child',
        traceId: T1,
        spanId: id(2),
        parentSpanId: id(1),
        kind: 2,
        startTimeUnixNano: 2000n,
        endTimeUnixNano: 2500n,
        attributes: { big: 9007199254740993n, ok: true, list: ['a', 1.5] },
        scope: 'old-lib',
      },
    ]);
  });

  it('reads TraceSpan-shaped objects (upper-case hex, string nanos, all-zero parent = root, Buffer JSON ids)', () => {
    const spans = normalizeSpans({
      spans: [
        { name: 'a', traceId: T1.toUpperCase(), spanId: id(1).toUpperCase(), parentSpanId: '0000000000000000', startTimeUnixNano: '5' },
        { name: 'b', traceId: { type: 'Buffer', data: [...Buffer.from(T1, 'hex')] }, spanId: new Uint8Array(Buffer.from(id(2), 'hex')), parentSpanId: id(1), ended: false },
      ],
    });
    expect(spans).toEqual([
      { name: 'a', traceId: T1, spanId: id(1), startTimeUnixNano: 5n },
      { name: 'b', traceId: T1, spanId: id(2), parentSpanId: id(1), ended: false },
    ]);
  });

  it('merges duplicates, preferring the ended copy', () => {
    const open = { name: 'x', traceId: T1, spanId: id(1), ended: false };
    const done = { name: 'x', traceId: T1, spanId: id(1), ended: true };
    expect(normalizeSpans([open, done])).toEqual([done]);
    expect(normalizeSpans([done, open])).toEqual([done]);
  });

  it('rejects input it cannot read, with a useful message', () => {
    expect(() => normalizeSpans(42)).toThrow(/cannot read spans from a number/);
    expect(() => normalizeSpans([{ foo: 1 }])).toThrow(/unrecognised input object.*keys: foo/);
    expect(() => normalizeSpans([{ name: 'x', traceId: 'zz', spanId: id(1) }])).toThrow(/traceId "zz"/);
    expect(() => normalizeSpans('not json\n{')).toThrow(/line 1 is not JSON/);
    expect(normalizeSpans(undefined)).toEqual([]);
    expect(normalizeSpans('')).toEqual([]);
  });
});

describe('InMemoryCollector (a span processor that also sees unended spans)', () => {
  it('records started and ended spans from a real SDK; the checker reports the unended one', () => {
    const collector = new InMemoryCollector();
    const tracer = new BasicTracerProvider({ spanProcessors: [collector] }).getTracer('unit');
    const parent = tracer.startSpan('never-ended');
    tracer.startSpan('child', {}, trace.setSpan(context.active(), parent)).end();
    expect(collector.getSpans()).toHaveLength(2);
    expect(collector.getFinishedSpans().map((s) => s.name)).toEqual(['child']);
    const report = checkTraceIntegrity(collector);
    expect(report.problems.map((p) => `${p.kind}:${p.span.name}`)).toEqual(['unended:never-ended']);
    // what an exporter alone would show: an orphan
    expect(checkTraceIntegrity(collector.getFinishedSpans()).orphans).toHaveLength(1);
    parent.end();
    expect(checkTraceIntegrity(collector).ok).toBe(true);
    expect(collector.getTraceSpans().every((s) => s.ended)).toBe(true);
    collector.reset();
    expect(collector.getSpans()).toEqual([]);
  });
});
