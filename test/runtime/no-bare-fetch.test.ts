// Runtime proofs for no-bare-fetch / propagate-fetch (DESIGN.md §6), on both SDK lines: each
// codemod input shows the disconnect (CheckStock starts a new trace), each output is connected
// with the intended parent links, and the fixtures the rule accepts run connected as they are.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFixture, type RunOptions, type RunResult, type SdkLine } from '../../harness/run-fixture.js';
import { unmarkedReports } from '../helpers/codemod-fixtures.js';
import { checkStockRelations, expectChildOfClient, httpClient, undiciClient } from '../helpers/outbound-trace.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pair = (name: string, side: 'input' | 'output') => path.join(ROOT, 'fixtures/codemods/propagate-fetch', `${name}.${side}.ts`);
const valid = (name: string) => path.join(ROOT, 'fixtures/runtime/no-bare-fetch', `${name}.ts`);
const SDK_LINES: SdkLine[] = [2, 3];
const W3C = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

async function run(file: string, options: RunOptions): Promise<RunResult & { received: Array<string | null> }> {
  const result = await runFixture(file, options);
  expect(result.exitCode, result.stderr).toBe(0);
  return { ...result, received: (result.returnValue as { received: Array<string | null> }).received };
}

/** Project-mode pairs carry their own setup; the harness provides only what they do not (see `options`). */
const PROJECT_PAIRS: Array<{ name: string; options: Partial<RunOptions>; sdk2Only?: boolean }> = [
  // registerInstrumentations against the harness's global provider
  { name: 'register-instrumentations', options: {} },
  // the list in a variable, passed as a shorthand property: the codemod nests it
  { name: 'shorthand-list', options: {} },
  // NodeSDK sets up its own provider, context manager and propagator
  { name: 'node-sdk', options: { setup: 'none' } },
  { name: 'node-sdk-without-list', options: { setup: 'none' } },
  // NodeTracerProvider exists on the 2.x line only
  { name: 'provider-without-list', options: { setup: 'none' }, sdk2Only: true },
];

const INJECT_PAIRS = ['plain-headers', 'no-init', 'variable-init', 'headers-instance', 'arrow-body', 'undici-request'];

describe.concurrent.each(SDK_LINES)('SDK %s.x', (sdk) => {
  describe('propagate-fetch: the setup gets the undici instrumentation', () => {
    for (const { name, options, sdk2Only } of PROJECT_PAIRS) {
      if (sdk2Only && sdk !== 2) continue;
      it(`${name}: before, fetch sends no traceparent and CheckStock is a new root; after, it hangs under the undici client span`, async () => {
        const before = await run(pair(name, 'input'), { sdk, ...options });
        expect(before.received).toEqual([null]);
        expect(checkStockRelations(before.spans)).toEqual(['new-root']);
        expect(before.spans.filter(undiciClient)).toEqual([]);

        const after = await run(pair(name, 'output'), { sdk, ...options });
        expect(after.received).toHaveLength(1);
        expect(after.received[0]).toMatch(W3C);
        expectChildOfClient(after.spans, undiciClient);
      });
    }
  });

  describe('propagate-fetch removes the manual injections its registration would double', () => {
    it('register-with-manual-inject: before, the bare call is a new root and the injected one a child; after, both hang under undici client spans with one traceparent each', async () => {
      const before = await run(pair('register-with-manual-inject', 'input'), { sdk });
      expect(before.received[0]).toBeNull();
      expect(before.received[1]).toMatch(W3C);
      expect(checkStockRelations(before.spans)).toEqual(['new-root', 'child']);

      const after = await run(pair('register-with-manual-inject', 'output'), { sdk });
      expect(after.received).toHaveLength(2);
      for (const r of after.received) expect(r).toMatch(W3C);
      expectChildOfClient(after.spans, undiciClient);
      expect(after.spans.filter((s) => s.name === 'CheckStock')).toHaveLength(2);
    });

    it('...which the registration alone would have broken: the injected call\'s header is doubled', async () => {
      const text = readFileSync(pair('register-with-manual-inject', 'input'), 'utf8').replace(
        'new HttpInstrumentation()]',
        "new HttpInstrumentation(), new (await import('@opentelemetry/instrumentation-undici')).UndiciInstrumentation()]",
      );
      const file = path.join(ROOT, '.runtime-tmp', `register-only-${sdk}.ts`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      try {
        const registeredOnly = await run(file, { sdk });
        // the bare call now hangs under its undici client span; the injected one is rejected
        expect(registeredOnly.received[0]).toMatch(W3C);
        expect(registeredOnly.received[1]).toMatch(/^00-[0-9a-f-]+, 00-[0-9a-f-]+$/);
        expect(checkStockRelations(registeredOnly.spans)).toEqual(['other-parent', 'new-root']);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });

  describe('propagate-fetch --mode=inject, where no undici instrumentation runs (http only)', () => {
    for (const name of INJECT_PAIRS) {
      it(`${name}: before, CheckStock is a new root; after, it is the child of CreateOrder`, async () => {
        const before = await run(path.join(ROOT, 'fixtures/codemods/propagate-fetch/inject', `${name}.input.ts`), { sdk, instrumentations: ['http'] });
        expect(before.received.every((r) => r === null)).toBe(true);
        expect(new Set(checkStockRelations(before.spans))).toEqual(new Set(['new-root']));

        const after = await run(path.join(ROOT, 'fixtures/codemods/propagate-fetch/inject', `${name}.output.ts`), { sdk, instrumentations: ['http'] });
        expect(after.received.every((r) => W3C.test(r ?? ''))).toBe(true);
        expect(new Set(checkStockRelations(after.spans))).toEqual(new Set(['child']));
      });
    }

    it('request-input: a Request input is left as it is (TODO marker): still a new root', async () => {
      const after = await run(path.join(ROOT, 'fixtures/codemods/propagate-fetch/inject/request-input.output.ts'), { sdk, instrumentations: ['http'] });
      expect(after.received).toEqual([null]);
      expect(checkStockRelations(after.spans)).toEqual(['new-root']);
    });

    it('per-call injection becomes a bug the day the undici instrumentation is added: the header is doubled and rejected', async () => {
      const doubled = await run(path.join(ROOT, 'fixtures/codemods/propagate-fetch/inject/plain-headers.output.ts'), { sdk, instrumentations: ['http', 'undici'] });
      expect(doubled.received[0]).toMatch(/^00-[0-9a-f-]+, 00-[0-9a-f-]+$/);
      expect(checkStockRelations(doubled.spans)).toEqual(['new-root']);
      // ...which no-traceparent-overwrite reports there.
      const text = readFileSync(path.join(ROOT, 'fixtures/codemods/propagate-fetch/inject/plain-headers.output.ts'), 'utf8');
      const reports = unmarkedReports(['no-traceparent-overwrite'], 'plain-headers.output.ts', text, { 'otel-context': { instrumented: ['http', 'undici'] } });
      expect(reports.map((m) => m.messageId)).toEqual(['manualInjection']);
    });
  });

  describe('fixtures no-bare-fetch accepts run connected', () => {
    it('fetch under the undici instrumentation: CreateOrder → undici client → CheckStock', async () => {
      const result = await run(valid('fetch-under-undici'), { sdk, instrumentations: ['http', 'undici'] });
      expectChildOfClient(result.spans, undiciClient);
    });

    it('http.get under the http instrumentation: CreateOrder → http client → CheckStock', async () => {
      const result = await run(valid('http-get-under-http'), { sdk, instrumentations: ['http'] });
      expectChildOfClient(result.spans, httpClient);
    });

    it('an injected fetch without the undici instrumentation: CreateOrder → CheckStock', async () => {
      const result = await run(valid('injected-without-undici'), { sdk, instrumentations: ['http'] });
      expect(result.received[0]).toMatch(W3C);
      expect(checkStockRelations(result.spans)).toEqual(['child']);
    });
  });
});

describe('the rule agrees with the runtime', () => {
  const lint = (file: string, instrumented: string[], options: Record<string, unknown> = {}) =>
    unmarkedReports(['no-bare-fetch'], path.basename(file), readFileSync(file, 'utf8'), { 'otel-context': { instrumented, ...options } }).map((m) => m.messageId);

  it('reports the bare fetch of every project-mode input, and nothing in its output', () => {
    for (const name of [...PROJECT_PAIRS.map((p) => p.name), 'register-with-manual-inject']) {
      expect(lint(pair(name, 'input'), ['http']), name).toEqual(['bareFetch']);
      expect(unmarkedReports(['no-bare-fetch'], `${name}.output.ts`, readFileSync(pair(name, 'output'), 'utf8')), name).toEqual([]);
    }
  });

  it('is silent on the valid fixtures under the setup they run with', () => {
    expect(lint(valid('fetch-under-undici'), ['http', 'undici'])).toEqual([]);
    expect(lint(valid('http-get-under-http'), ['http'])).toEqual([]);
    expect(lint(valid('injected-without-undici'), ['http'])).toEqual([]);
  });
});
