// Runtime proofs for no-traceparent-overwrite / strip-trace-headers (DESIGN.md §6), on both SDK
// lines, with a real inventory server on 127.0.0.1 that records the traceparent it receives and
// continues the trace (CheckStock). Before the codemod CheckStock is a new root (a doubled or
// rejected header, or none), dangles under a parent that does not exist, or is a sibling; after,
// it is the child of the caller's client span (or of CreateOrder where fetch has no client span).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFixture, type RunOptions, type RunResult, type SdkLine } from '../../harness/run-fixture.js';
import { unmarkedReports } from '../helpers/codemod-fixtures.js';
import { byId, checkStock, checkStockRelations, expectChildOfClient, gatewayServer, httpClient, relation, undiciClient } from '../helpers/outbound-trace.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pair = (name: string, side: 'input' | 'output') => path.join(ROOT, 'fixtures/codemods/strip-trace-headers', `${name}.${side}.ts`);
const valid = (name: string) => path.join(ROOT, 'fixtures/runtime/no-traceparent-overwrite', `${name}.ts`);
const SDK_LINES: SdkLine[] = [2, 3];
const W3C = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;
const DOUBLED = /^00-[0-9a-f-]+, 00-[0-9a-f-]+$/;
const PINNED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const UNDICI: Partial<RunOptions> = { instrumentations: ['http', 'undici'] };
const HTTP_ONLY: Partial<RunOptions> = { instrumentations: ['http'] };

async function run(file: string, options: RunOptions): Promise<RunResult & { received: Array<string | null> }> {
  const result = await runFixture(file, options);
  expect(result.exitCode, result.stderr).toBe(0);
  return { ...result, received: (result.returnValue as { received: Array<string | null> }).received };
}

/** Pairs run where the undici instrumentation is registered: what the caller adds is doubled. */
const DOUBLED_PAIRS = ['manual-inject', 'spread-carrier', 'headers-with-setter', 'hand-built-traceparent', 'constant-traceparent', 'headers-set', 'undici-request'];

describe.concurrent.each(SDK_LINES)('SDK %s.x', (sdk) => {
  describe('under the undici instrumentation (http + undici)', () => {
    for (const name of DOUBLED_PAIRS) {
      it(`${name}: before, the traceparent arrives doubled and CheckStock is a new root; after, it hangs under the undici client span`, async () => {
        const before = await run(pair(name, 'input'), { sdk, ...UNDICI });
        expect(before.received[0]).toMatch(DOUBLED);
        expect(checkStockRelations(before.spans)).toEqual(['new-root']);

        const after = await run(pair(name, 'output'), { sdk, ...UNDICI });
        expect(after.received[0]).toMatch(W3C);
        expectChildOfClient(after.spans, undiciClient);
      });
    }

    it('forwarded-headers: before, the gateway forwards the caller\'s traceparent with its own and CheckStock is a new root; after, it hangs under the gateway\'s client span', async () => {
      const before = await run(pair('forwarded-headers', 'input'), { sdk, ...UNDICI });
      expect(before.received[0]).toMatch(DOUBLED);
      expect(checkStockRelations(before.spans)).toEqual(['new-root']);

      const after = await run(pair('forwarded-headers', 'output'), { sdk, ...UNDICI });
      expect(after.received[0]).toMatch(W3C);
      expectChildOfClient(after.spans, undiciClient, gatewayServer(after.spans));
    });
  });

  describe('where only the http instrumentation is registered', () => {
    const httpOnly = (name: string, side: 'input' | 'output') => path.join(ROOT, 'fixtures/codemods/strip-trace-headers/http-only', `${name}.${side}.ts`);

    for (const name of ['replaced-carrier', 'headers-without-setter']) {
      it(`${name}: before, no traceparent is sent and CheckStock is a new root; after, it is the child of CreateOrder`, async () => {
        const before = await run(httpOnly(name, 'input'), { sdk, ...HTTP_ONLY });
        expect(before.received).toEqual([null]);
        expect(checkStockRelations(before.spans)).toEqual(['new-root']);

        const after = await run(httpOnly(name, 'output'), { sdk, ...HTTP_ONLY });
        expect(after.received[0]).toMatch(W3C);
        expect(checkStockRelations(after.spans)).toEqual(['child']);
      });
    }

    it('set-header-after-request: before, setHeader replaces the instrumentation\'s traceparent and CheckStock dangles; after, it hangs under the http client span', async () => {
      const before = await run(httpOnly('set-header-after-request', 'input'), { sdk, ...HTTP_ONLY });
      expect(before.received).toEqual([PINNED]);
      expect(checkStockRelations(before.spans)).toEqual(['dangling-parent']);

      const after = await run(httpOnly('set-header-after-request', 'output'), { sdk, ...HTTP_ONLY });
      expectChildOfClient(after.spans, httpClient);
    });

    it('constant-traceparent: before, CheckStock dangles in a foreign trace; stripped, fetch carries nothing until undici is registered, then it hangs under the undici client span', async () => {
      const before = await run(httpOnly('constant-traceparent', 'input'), { sdk, ...HTTP_ONLY });
      expect(before.received).toEqual([PINNED]);
      expect(checkStockRelations(before.spans)).toEqual(['dangling-parent']);

      const stripped = await run(httpOnly('constant-traceparent', 'output'), { sdk, ...HTTP_ONLY });
      expect(checkStockRelations(stripped.spans)).toEqual(['new-root']);
      const registered = await run(httpOnly('constant-traceparent', 'output'), { sdk, ...UNDICI });
      expectChildOfClient(registered.spans, undiciClient);
    });

    it('malformed-traceparent: before, the server rejects it and CheckStock is a new root; after stripping and registering undici, it hangs under the undici client span', async () => {
      const before = await run(httpOnly('malformed-traceparent', 'input'), { sdk, ...HTTP_ONLY });
      expect(before.received[0]).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}$/);
      expect(checkStockRelations(before.spans)).toEqual(['new-root']);

      const registered = await run(httpOnly('malformed-traceparent', 'output'), { sdk, ...UNDICI });
      expectChildOfClient(registered.spans, undiciClient);
    });

    it('forwarded-headers: before, CheckStock is a sibling of the gateway\'s span; after stripping and registering undici, it hangs under the gateway\'s client span', async () => {
      const before = await run(httpOnly('forwarded-headers', 'input'), { sdk, ...HTTP_ONLY });
      expect(relation(before.spans, byId(checkStock(before.spans)), byId(gatewayServer(before.spans)))).toBe('sibling');

      const stripped = await run(httpOnly('forwarded-headers', 'output'), { sdk, ...HTTP_ONLY });
      expect(stripped.received).toEqual([null]);
      const registered = await run(httpOnly('forwarded-headers', 'output'), { sdk, ...UNDICI });
      expectChildOfClient(registered.spans, undiciClient, gatewayServer(registered.spans));
    });
  });

  describe('fixtures no-traceparent-overwrite accepts run connected', () => {
    it('a stale traceparent in http.request options is overwritten by the http instrumentation', async () => {
      const result = await run(valid('http-request-overwritten'), { sdk, ...HTTP_ONLY });
      expectChildOfClient(result.spans, httpClient);
    });

    it('headers rebuilt with a spread keep what inject wrote (no undici instrumentation)', async () => {
      const result = await run(valid('spread-keeps-injected'), { sdk, ...HTTP_ONLY });
      expect(checkStockRelations(result.spans)).toEqual(['child']);
    });

    it('a traceparent built from the active span, where fetch is not instrumented', async () => {
      const result = await run(valid('hand-built-without-undici'), { sdk, ...HTTP_ONLY });
      expect(checkStockRelations(result.spans)).toEqual(['child']);
    });

    it('a gateway that reads and extracts the incoming trace headers and forwards the others', async () => {
      const result = await run(valid('gateway-reads-trace-headers'), { sdk, ...UNDICI });
      expect(result.received[0]).toMatch(W3C);
      expectChildOfClient(result.spans, undiciClient, gatewayServer(result.spans));
    });
  });
});

describe('the rule agrees with the runtime', () => {
  const lint = (file: string, instrumented: string[]) =>
    unmarkedReports(['no-traceparent-overwrite'], path.basename(file), readFileSync(file, 'utf8'), { 'otel-context': { instrumented } }).map((m) => m.messageId);

  it('reports every input it fixes', () => {
    for (const name of [...DOUBLED_PAIRS, 'forwarded-headers']) expect(lint(pair(name, 'input'), ['http', 'undici']).length, name).toBeGreaterThan(0);
    for (const name of ['replaced-carrier', 'headers-without-setter', 'set-header-after-request', 'constant-traceparent', 'malformed-traceparent', 'forwarded-headers']) {
      expect(lint(path.join(ROOT, 'fixtures/codemods/strip-trace-headers/http-only', `${name}.input.ts`), ['http']).length, name).toBeGreaterThan(0);
    }
  });

  it('is silent on the valid fixtures under the setup they run with', () => {
    expect(lint(valid('http-request-overwritten'), ['http'])).toEqual([]);
    expect(lint(valid('spread-keeps-injected'), ['http'])).toEqual([]);
    expect(lint(valid('hand-built-without-undici'), ['http'])).toEqual([]);
    expect(lint(valid('gateway-reads-trace-headers'), ['http', 'undici'])).toEqual([]);
  });
});
