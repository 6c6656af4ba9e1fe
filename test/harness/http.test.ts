// (e) instrumentations through the preload, on both SDK lines.
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../harness/run-fixture.js';
import { assertTraceConnected, relation } from '../../testing/index.js';
import { SDK_LINES, fixture } from './helpers.js';

const SERVER = 1;
const CLIENT = 2;

describe.concurrent.each(SDK_LINES)('SDK %s.x', (sdk) => {
  it("http server + http.get client with ['http'] → parent → client → server → handler", async () => {
    const run = await runFixture(fixture('http-client-server.ts'), { sdk, instrumentations: ['http'] });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans);
    const client = run.spans.find((s) => s.kind === CLIENT)!;
    const server = run.spans.find((s) => s.kind === SERVER)!;
    expect(client.parentSpanId).toBe(run.spans.find((s) => s.name === 'parent')!.spanId);
    expect(server.parentSpanId).toBe(client.spanId);
    expect(relation(run.spans, 'handler', (s) => s.kind === SERVER)).toBe('child');
    expect((run.returnValue as { traceparent: string }).traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
  });

  it("fetch with ['http'] only → no client span, the server span is a new root", async () => {
    const run = await runFixture(fixture('fetch-client-server.ts'), { sdk, instrumentations: ['http'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.spans.some((s) => s.kind === CLIENT)).toBe(false);
    expect(relation(run.spans, (s) => s.kind === SERVER, 'parent')).toBe('new-root');
    expect((run.returnValue as { traceparent: string | null }).traceparent).toBeNull();
    expect(() => assertTraceConnected(run.spans)).toThrow(/unexpected-root/);
  });

  it("fetch with ['http', 'undici'] → parent → undici client span → server span", async () => {
    const run = await runFixture(fixture('fetch-client-server.ts'), { sdk, instrumentations: ['http', 'undici'] });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans);
    expect(relation(run.spans, (s) => s.kind === CLIENT, 'parent')).toBe('child');
    const client = run.spans.find((s) => s.kind === CLIENT)!;
    expect(relation(run.spans, (s) => s.kind === SERVER, (s) => s.spanId === client.spanId)).toBe('child');
  });

  it("a static ESM `import express` is patched: ['http', 'express'] → express spans under the server span", async () => {
    const run = await runFixture(fixture('express-app.ts'), { sdk, instrumentations: ['http', 'express'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.returnValue).toEqual({ body: 'hello' });
    // the fixture's http.get is instrumented too: client → server → express spans
    assertTraceConnected(run.spans);
    const server = run.spans.find((s) => s.kind === SERVER)!;
    const expressSpans = run.spans.filter((s) => s.scope?.includes('express'));
    expect(expressSpans.map((s) => s.name).sort()).toEqual(['middleware - mw1', 'request handler']);
    for (const span of expressSpans) expect(span.parentSpanId).toBe(server.spanId);
  });

  it('without instrumentations no http/express spans are recorded', async () => {
    const run = await runFixture(fixture('express-app.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.spans).toEqual([]);
  });
});
