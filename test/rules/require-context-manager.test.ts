import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleTester } from '@typescript-eslint/rule-tester';
import rule from '../../rules/require-context-manager.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A file here resolves the SDK 3.x packages of harness/sdk3/node_modules. */
const SDK3_DIR = path.join(ROOT, 'harness/sdk3/.tmp/require-context-manager');
const sdk3File = path.join(SDK3_DIR, 'setup.case.ts');

/** A typed test file name that is not on disk, so the default project serves it. */
const typedFile = path.join(typedRoot, 'require-context-manager.case.ts');

const BASIC = `import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const provider = new BasicTracerProvider();
trace.setGlobalTracerProvider(provider);
`;

untypedRuleTester.run('require-context-manager', rule, {
  valid: [
    // NodeTracerProvider#register() installs the ALS context manager and the W3C propagators.
    `import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
const provider = new NodeTracerProvider();
provider.register();`,
    // By hand, with a context manager.
    `import { trace, context } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
trace.setGlobalTracerProvider(new BasicTracerProvider());
context.setGlobalContextManager(new AsyncLocalStorageContextManager());`,
    // NodeSDK installs both.
    `import { NodeSDK } from '@opentelemetry/sdk-node';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
const sdk = new NodeSDK();
sdk.start();
trace.setGlobalTracerProvider(new BasicTracerProvider());`,
    // A null context manager replaced by one set by hand.
    `import { context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
const provider = new NodeTracerProvider();
provider.register({ contextManager: null });
context.setGlobalContextManager(new AsyncLocalStorageContextManager());`,
    // A provider this file did not build from the SDK: the rule cannot tell what it is.
    `import { trace } from '@opentelemetry/api';
import { makeProvider } from './vendor';
trace.setGlobalTracerProvider(makeProvider());`,
    // The settings say a context manager is registered elsewhere.
    { code: BASIC, settings: { 'otel-context': { contextManager: 'async-local-storage' } } },
    // Not a tracer provider's register().
    `import { register } from 'node:module';
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
app.register({ contextManager: null });`,
    // SDK 2.x takes the exporter itself (root node_modules has sdk-trace-base 2.x).
    `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
const exporter = new InMemorySpanExporter();
new SimpleSpanProcessor(exporter);`,
    // SDK 3.x with its options object.
    {
      filename: sdk3File,
      code: `import { SimpleSpanProcessor, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
declare const exporter: any;
new SimpleSpanProcessor({ exporter });
new BatchSpanProcessor({ exporter, maxQueueSize: 10 });`,
    },
    // Propagation used, propagator registered.
    `import { trace, context, propagation } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
trace.setGlobalTracerProvider(new BasicTracerProvider());
context.setGlobalContextManager(cm);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
propagation.inject(context.active(), headers);`,
    // A test that passes every parent explicitly asserts what it gets without a context manager
    // (pattern from span-processor unit tests).
    {
      filename: 'src/otel/processor.test.ts',
      code: `import { trace, context } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
const provider = new BasicTracerProvider();
trace.setGlobalTracerProvider(provider);
const root = provider.getTracer('t').startSpan('root');
provider.getTracer('t').startSpan('child', undefined, trace.setSpan(context.active(), root)).end();`,
    },
  ],
  invalid: [
    // A test that relies on the active context gets new roots without a context manager.
    {
      filename: 'test/nested.spec.ts',
      code: `import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
trace.setGlobalTracerProvider(new BasicTracerProvider());
trace.getTracer('t').startActiveSpan('parent', (span) => { trace.getTracer('t').startSpan('child').end(); span.end(); });`,
      errors: [
        {
          messageId: 'noContextManager',
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 57,
          suggestions: [
            {
              messageId: 'addAsyncLocalStorage',
              output: `import { trace, context } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
trace.setGlobalTracerProvider(new BasicTracerProvider());
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
trace.getTracer('t').startActiveSpan('parent', (span) => { trace.getTracer('t').startSpan('child').end(); span.end(); });`,
            },
          ],
        },
      ],
    },
    {
      code: BASIC,
      errors: [
        {
          messageId: 'noContextManager',
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 40,
          suggestions: [
            {
              messageId: 'addAsyncLocalStorage',
              output: `import { trace, context } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const provider = new BasicTracerProvider();
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
`,
            },
          ],
        },
      ],
    },
    {
      // CommonJS, namespace access, inside a function; the program also injects.
      code: `const api = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
function setup() {
  api.trace.setGlobalTracerProvider(new BasicTracerProvider());
}
function call(headers) {
  api.propagation.inject(api.context.active(), headers);
}`,
      errors: [
        {
          messageId: 'noContextManager',
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 63,
          suggestions: [
            {
              messageId: 'addAsyncLocalStorage',
              output: `const api = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
function setup() {
  api.trace.setGlobalTracerProvider(new BasicTracerProvider());
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager());
}
function call(headers) {
  api.propagation.inject(api.context.active(), headers);
}`,
            },
          ],
        },
        {
          messageId: 'noPropagator',
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 63,
          suggestions: [
            {
              messageId: 'addW3CPropagators',
              output: `const api = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } = require('@opentelemetry/core');
function setup() {
  api.trace.setGlobalTracerProvider(new BasicTracerProvider());
  api.propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
}
function call(headers) {
  api.propagation.inject(api.context.active(), headers);
}`,
            },
          ],
        },
      ],
    },
    {
      code: `import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
const provider = new NodeTracerProvider();
provider.register({ contextManager: null, propagator: undefined });`,
      errors: [
        {
          messageId: 'contextManagerDisabled',
          line: 3,
          column: 21,
          endLine: 3,
          endColumn: 41,
          suggestions: [
            {
              messageId: 'removeNullContextManager',
              output: `import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
const provider = new NodeTracerProvider();
provider.register({ propagator: undefined });`,
            },
          ],
        },
      ],
    },
    {
      code: `import { propagation, context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
const tracerProvider = new NodeTracerProvider();
tracerProvider.register({ propagator: null });
export const carrier = (h: Record<string, string>) => propagation.inject(context.active(), h);`,
      errors: [
        {
          messageId: 'noPropagator',
          line: 4,
          column: 27,
          endLine: 4,
          endColumn: 43,
          suggestions: [
            {
              messageId: 'addW3CPropagators',
              output: `import { propagation, context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } from '@opentelemetry/core';
const tracerProvider = new NodeTracerProvider();
tracerProvider.register({ propagator: null });
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
export const carrier = (h: Record<string, string>) => propagation.inject(context.active(), h);`,
            },
          ],
        },
      ],
    },
    {
      // @opentelemetry/sdk-trace 2.x already takes \`{ exporter }\`: only the sdk-trace-base shims kept the old form.
      code: `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
const exporter = new InMemorySpanExporter();
export const processor = new SimpleSpanProcessor(exporter);`,
      output: `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
const exporter = new InMemorySpanExporter();
export const processor = new SimpleSpanProcessor({ exporter });`,
      errors: [{ messageId: 'exporterNotWrapped', data: { processor: 'SimpleSpanProcessor', pkg: '@opentelemetry/sdk-trace', version: '2.12.0' }, line: 3, column: 50, endLine: 3, endColumn: 58 }],
    },
    {
      // SDK 3.x: the obvious hand-wired setup, and the 2.x processor form.
      filename: sdk3File,
      code: `import { trace } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
const exporter = new OTLPTraceExporter();
const provider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter), new BatchSpanProcessor(new OTLPTraceExporter(), { maxQueueSize: 10 })],
});
trace.setGlobalTracerProvider(provider);`,
      output: `import { trace } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
const exporter = new OTLPTraceExporter();
const provider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter }), new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), maxQueueSize: 10 })],
});
trace.setGlobalTracerProvider(provider);`,
      errors: [
        { messageId: 'exporterNotWrapped', data: { processor: 'SimpleSpanProcessor', pkg: '@opentelemetry/sdk-trace', version: '3.1.0' }, line: 6, column: 44, endLine: 6, endColumn: 52 },
        { messageId: 'exporterNotWrapped', line: 6, column: 78, endLine: 6, endColumn: 101 },
        {
          messageId: 'noContextManager',
          line: 8,
          column: 1,
          endLine: 8,
          endColumn: 40,
          suggestions: [
            {
              messageId: 'addAsyncLocalStorage',
              output: `import { trace, context } from '@opentelemetry/api';
import { TracerProvider, SimpleSpanProcessor, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
const exporter = new OTLPTraceExporter();
const provider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter), new BatchSpanProcessor(new OTLPTraceExporter(), { maxQueueSize: 10 })],
});
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager());`,
            },
          ],
        },
      ],
    },
  ],
});

/** A provider made global with a context manager and no propagator. */
const MONOREPO_SETUP = `import { trace, context } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
trace.setGlobalTracerProvider(new BasicTracerProvider());
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
`;

typedRuleTester.run('require-context-manager (typed)', rule, {
  valid: [
    // register() on something that is not a tracer provider.
    { filename: typedFile, code: `const registry = { register(_o: { contextManager: null }) {} };
registry.register({ contextManager: null });` },
    { filename: typedFile, code: `import { trace, context } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
const make = () => new BasicTracerProvider();
trace.setGlobalTracerProvider(make());
context.setGlobalContextManager(new AsyncLocalStorageContextManager());` },
    // 2.x processor with the exporter itself.
    { filename: typedFile, code: `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
export const processor = new SimpleSpanProcessor(new InMemorySpanExporter());` },
    // One program over a workspace: the orders package injects, billing (this file's package) never
    // does, so billing's setup needs no propagator.
    { filename: 'outbound-http/monorepo/packages/billing/client.ts', code: MONOREPO_SETUP },
  ],
  invalid: [
    // The same setup in the orders package, which injects (carrier.ts): no propagator is a break.
    {
      filename: 'outbound-http/monorepo/packages/orders/client.ts',
      code: MONOREPO_SETUP,
      errors: [
        {
          messageId: 'noPropagator',
          line: 4,
          suggestions: [
            {
              messageId: 'addW3CPropagators',
              output: `import { trace, context, propagation } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } from '@opentelemetry/core';
trace.setGlobalTracerProvider(new BasicTracerProvider());
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
`,
            },
          ],
        },
      ],
    },
    {
      // The provider comes from a factory: only the checker sees that it is a BasicTracerProvider.
      filename: typedFile,
      code: `import { tracing } from './tracing.js';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
const make = () => new BasicTracerProvider();
tracing.setGlobalTracerProvider(make());`,
      errors: [
        {
          messageId: 'noContextManager',
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 40,
          suggestions: [
            {
              messageId: 'addAsyncLocalStorage',
              output: `import { tracing } from './tracing.js';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
const make = () => new BasicTracerProvider();
tracing.setGlobalTracerProvider(make());
context.setGlobalContextManager(new AsyncLocalStorageContextManager());`,
            },
          ],
        },
      ],
    },
  ],
});

// A typed project whose @opentelemetry/sdk-trace is the 3.x line (harness/sdk3/node_modules).
mkdirSync(SDK3_DIR, { recursive: true });
writeFileSync(
  path.join(SDK3_DIR, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'], noEmit: true }, include: ['*.ts'] }),
);
const sdk3TypedTester = new RuleTester({
  languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.ts'] }, tsconfigRootDir: SDK3_DIR } },
});

sdk3TypedTester.run('require-context-manager (typed, SDK 3.x)', rule, {
  valid: [
    {
      filename: sdk3File,
      code: `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
export const processor = new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() });`,
    },
  ],
  invalid: [
    {
      filename: sdk3File,
      // A cast silences tsc; the checker still sees a 3.x class given an exporter.
      code: `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
const memory = new InMemorySpanExporter();
export const processor = new SimpleSpanProcessor(memory as any);`,
      output: `import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
const memory = new InMemorySpanExporter();
export const processor = new SimpleSpanProcessor({ exporter: memory as any });`,
      errors: [{ messageId: 'exporterNotWrapped', data: { processor: 'SimpleSpanProcessor', pkg: '@opentelemetry/sdk-trace', version: '3.1.0' }, line: 3, column: 50, endLine: 3, endColumn: 63 }],
    },
  ],
});
