// The runtime harness's SDK setup, loaded with `--import` (through NODE_OPTIONS, so worker threads
// and child processes started by a fixture run it too). Parameterised by environment variables
// that harness/run-fixture.ts sets:
//
//   OTEL_CONTEXT_HARNESS_SDK              2 | 3          which SDK line (2.x: repo root, 3.x: harness/sdk3)
//   OTEL_CONTEXT_HARNESS_SETUP            harness | none  none: install no provider at all
//   OTEL_CONTEXT_HARNESS_CONTEXT_MANAGER  als | none
//   OTEL_CONTEXT_HARNESS_PROPAGATOR       1 | 0          W3C trace-context + baggage propagator
//   OTEL_CONTEXT_HARNESS_INSTRUMENTATIONS comma list of http, undici, express
//   OTEL_CONTEXT_HARNESS_SPANS_FILE       where collect.mjs appends span records
//
// The SDK packages are loaded with require() from the chosen line's package root, so they are the
// copies the fixture's own `import '@opentelemetry/api'` resolves to (the fixture runs from a temp
// dir under that root). The API keeps its globals on a versioned global symbol, so the CommonJS
// copy loaded here and an ESM copy loaded by the fixture share one provider/context manager.
import { createRequire, register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { collectingSpanProcessor } from './collect.mjs';

const STATE_KEY = Symbol.for('otel-context-harness.preload');

if (!globalThis[STATE_KEY]) {
  globalThis[STATE_KEY] = { done: false };
  await setUp();
  globalThis[STATE_KEY].done = true;
}

async function setUp() {
  const env = process.env;
  const sdk = env.OTEL_CONTEXT_HARNESS_SDK === '3' ? 3 : 2;
  const setup = env.OTEL_CONTEXT_HARNESS_SETUP === 'none' ? 'none' : 'harness';
  const contextManager = env.OTEL_CONTEXT_HARNESS_CONTEXT_MANAGER === 'none' ? 'none' : 'als';
  const propagator = env.OTEL_CONTEXT_HARNESS_PROPAGATOR !== '0';
  const instrumentations = (env.OTEL_CONTEXT_HARNESS_INSTRUMENTATIONS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  const harnessDir = path.dirname(fileURLToPath(import.meta.url));
  const root = sdk === 3 ? path.join(harnessDir, 'sdk3') : path.dirname(harnessDir);
  const require = createRequire(path.join(root, 'package.json'));

  // The ESM loader hook first, so static `import express from 'express'` in the fixture is patched.
  if (instrumentations.length > 0) {
    register(pathToFileURL(require.resolve('@opentelemetry/instrumentation/hook.mjs')));
  }

  const api = require('@opentelemetry/api');
  let provider;
  if (setup === 'harness') {
    const processor = collectingSpanProcessor();
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    if (sdk === 2) {
      const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
      provider = new NodeTracerProvider({ spanProcessors: [processor] });
      provider.register({
        contextManager: contextManager === 'als' ? new AsyncLocalStorageContextManager() : null,
        propagator: propagator ? undefined : null,
      });
    } else {
      const { TracerProvider } = require('@opentelemetry/sdk-trace');
      const { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } = require('@opentelemetry/core');
      provider = new TracerProvider({ spanProcessors: [processor] });
      api.trace.setGlobalTracerProvider(provider);
      if (contextManager === 'als') {
        api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      }
      if (propagator) {
        api.propagation.setGlobalPropagator(
          new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
        );
      }
    }
  }

  if (instrumentations.length > 0) {
    const list = [];
    for (const name of instrumentations) {
      if (name === 'http') {
        const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
        list.push(new HttpInstrumentation());
      } else if (name === 'undici') {
        const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');
        list.push(new UndiciInstrumentation());
      } else if (name === 'express') {
        const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
        list.push(new ExpressInstrumentation());
      } else {
        throw new Error(`otel-context harness: unknown instrumentation ${JSON.stringify(name)}`);
      }
    }
    const { registerInstrumentations } = require('@opentelemetry/instrumentation');
    // Without a harness provider (setup 'none') the instrumentations use the global (proxy)
    // provider, i.e. whatever the fixture registers later.
    registerInstrumentations(provider ? { instrumentations: list, tracerProvider: provider } : { instrumentations: list });
  }
}
