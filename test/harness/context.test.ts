// The harness itself, on both SDK lines: the provider, context manager and propagator it
// installs behave as FINDINGS.md / DIFF.md describe.
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../harness/run-fixture.js';
import { assertTraceConnected, checkTraceIntegrity, relation } from '../../testing/index.js';
import { SDK_LINES, fixture } from './helpers.js';

describe.concurrent.each(SDK_LINES)('SDK %s.x', (sdk) => {
  it('runs the fixture under the requested SDK line with ALS + W3C propagators', async () => {
    const run = await runFixture(fixture('sdk-info.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    const info = run.returnValue as Record<string, unknown>;
    expect(info.apiVersion).toBe(sdk === 2 ? '1.9.1' : '1.10.0');
    expect(info.provider).toBe(sdk === 2 ? 'NodeTracerProvider' : 'TracerProvider');
    expect(info.contextManager).toBe('AsyncLocalStorageContextManager');
    expect(info.propagatorFields).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'baggage']));
    expect((info.injected as Record<string, string>).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(run.spans.map((s) => s.name)).toEqual(['probe']);
  });

  it('propagator: false registers no propagator (inject writes nothing)', async () => {
    const run = await runFixture(fixture('sdk-info.ts'), { sdk, propagator: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const info = run.returnValue as Record<string, unknown>;
    expect(info.propagatorFields).toEqual([]);
    expect(info.injected).toEqual({});
    expect(info.contextManager).toBe('AsyncLocalStorageContextManager');
  });

  it('(a) startActiveSpan with a nested child (also after an await) → one connected trace', async () => {
    const run = await runFixture(fixture('active-nested.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans);
    expect(relation(run.spans, 'child', 'parent')).toBe('child');
    expect(relation(run.spans, 'after-await', 'parent')).toBe('child');
    expect(run.spans).toHaveLength(3);
    expect(run.unendedSpans).toEqual([]);
  });

  it("(b) startSpan('a'); startSpan('b') → b is a new root", async () => {
    const run = await runFixture(fixture('startspan-siblings.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'b', 'a')).toBe('new-root');
    const report = checkTraceIntegrity(run.spans, { expectedTraces: 1 });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.kind, p.span.name])).toEqual([['unexpected-root', 'b']]);
  });

  it("(d) contextManager 'none' → even the synchronous child of startActiveSpan is a root", async () => {
    const run = await runFixture(fixture('active-nested.ts'), { sdk, contextManager: 'none' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'child', 'parent')).toBe('new-root');
    expect(relation(run.spans, 'after-await', 'parent')).toBe('new-root');
    expect(checkTraceIntegrity(run.spans).traces).toHaveLength(3);
  });

  it("contextManager 'none' keeps the global provider and the W3C propagator", async () => {
    const run = await runFixture(fixture('sdk-info.ts'), { sdk, contextManager: 'none' });
    const info = run.returnValue as Record<string, unknown>;
    expect(info.provider).toBe(sdk === 2 ? 'NodeTracerProvider' : 'TracerProvider');
    expect(info.contextManager).toBe('NoopContextManager');
    expect(info.propagatorFields).toEqual(expect.arrayContaining(['traceparent']));
    // no active span under NoopContextManager → nothing to inject
    expect(info.injected).toEqual({});
  });
});
