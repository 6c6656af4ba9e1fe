import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-bare-fetch.js';
import { typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Packages whose package.json the rule reads (dependencies, start-script preloads). */
const pkg = (name: string, file = 'src/app.ts') => path.join(ROOT, 'fixtures/outbound-http', name, file);
const HTTP_ONLY = pkg('http-only');

const HTTP_SETUP = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
`;
const UNDICI_SETUP = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
new NodeSDK({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] }).start();
`;
const CALL = `export async function checkStock(sku: string) {
  const res = await fetch(\`http://inventory/stock/\${sku}\`);
  return res.json();
}
`;
const HTTP_SETTING = { 'otel-context': { instrumented: ['http'] } };

untypedRuleTester.run('no-bare-fetch', rule, {
  valid: [
    // The setup registers the undici instrumentation.
    { code: UNDICI_SETUP + CALL, filename: HTTP_ONLY },
    // getNodeAutoInstrumentations() registers it by default.
    {
      code: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
new NodeSDK({ instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })] }).start();
${CALL}`,
      filename: HTTP_ONLY,
    },
    // No setup in sight: tracing is set up outside the code (a --require in a Dockerfile).
    { code: CALL, filename: HTTP_ONLY },
    // The start script preloads auto-instrumentations-node/register, which includes undici.
    { code: HTTP_SETUP + CALL, filename: pkg('auto-preload') },
    // The package depends on the undici instrumentation and this file does not import it: it may be registered elsewhere.
    { code: HTTP_SETUP + CALL, filename: pkg('undici-dependency') },
    // An instrumentation list the rule cannot read.
    {
      code: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { instrumentations } from './instrumentations';
new NodeSDK({ instrumentations }).start();
${CALL}`,
      filename: HTTP_ONLY,
    },
    // An instrumentation class of unknown origin in the list may instrument fetch.
    {
      code: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OutboundInstrumentation } from '@acme/telemetry';
new NodeSDK({ instrumentations: [new HttpInstrumentation(), new OutboundInstrumentation()] }).start();
${CALL}`,
      filename: HTTP_ONLY,
    },
    // The setting says undici is instrumented.
    { code: HTTP_SETUP + CALL, filename: HTTP_ONLY, settings: { 'otel-context': { instrumented: ['http', 'undici'] } } },
    // The setting omits undici but the code in sight registers it (propagate-fetch added it): the setting is stale.
    { code: UNDICI_SETUP + CALL, filename: HTTP_ONLY, settings: HTTP_SETTING },
    // Browser code: a web tracer provider.
    {
      code: `import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
new WebTracerProvider().register();
${CALL}`,
      filename: HTTP_ONLY,
    },
    // A client component runs in the browser.
    { code: `'use client';\n${CALL}`, filename: HTTP_ONLY, settings: HTTP_SETTING },
    // At module top level nothing is traced yet: startup calls start their own traces anyway.
    { code: `${HTTP_SETUP}const config = await (await fetch('http://config/service.json')).json();\nexport default config;`, filename: HTTP_ONLY },
    // Not the global fetch: a parameter, a local function, a method, node-fetch/axios/got (http-based).
    { code: `export function get(fetch: (url: string) => Promise<unknown>) { return fetch('http://x'); }`, filename: HTTP_ONLY, settings: HTTP_SETTING },
    { code: `function fetch(url: string) { return url; }\nexport function get() { return fetch('http://x'); }`, filename: HTTP_ONLY, settings: HTTP_SETTING },
    { code: `export function get(api: { fetch(u: string): Promise<unknown> }) { return api.fetch('http://x'); }`, filename: HTTP_ONLY, settings: HTTP_SETTING },
    {
      code: `import fetch from 'node-fetch';
import axios from 'axios';
import got from 'got';
export async function get() { await fetch('http://x'); await axios.get('http://y'); await got('http://z'); }`,
      filename: HTTP_ONLY,
      settings: HTTP_SETTING,
    },
    // The request already carries an injected context (right where no undici instrumentation runs).
    {
      code: `import { context, propagation } from '@opentelemetry/api';
export async function get(url: string) {
  const headers: Record<string, string> = { accept: 'application/json' };
  propagation.inject(context.active(), headers);
  return fetch(url, { headers: { ...headers, 'x-id': '1' } });
}`,
      filename: HTTP_ONLY,
      settings: HTTP_SETTING,
    },
    // Headers from a helper that injects (here, or by its name, or listed in propagatingWrappers).
    {
      code: `import { context, propagation } from '@opentelemetry/api';
import { authHeaders } from './auth';
function contextHeaders() {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
export async function get(url: string) {
  await fetch(url, { headers: { ...contextHeaders(), accept: 'application/json' } });
  await fetch(url, { headers: await getTraceHeaders() });
  await fetch(url, { headers: authHeaders() });
}
declare function getTraceHeaders(): Promise<Record<string, string>>;`,
      filename: HTTP_ONLY,
      settings: { 'otel-context': { instrumented: ['http'], propagatingWrappers: ['authHeaders'] } },
    },
    // A trace header set by hand: no-traceparent-overwrite judges it.
    { code: `export function get(url: string, tp: string) { return fetch(url, { headers: { traceparent: tp } }); }`, filename: HTTP_ONLY, settings: HTTP_SETTING },
    // Inside a function known to carry context, or in a callback given to one.
    {
      code: `export async function tracedFetch(url: string) { return fetch(url); }
export const viaWrapper = () => withPropagation(() => fetch('http://x'));
declare function withPropagation<T>(fn: () => T): T;`,
      filename: HTTP_ONLY,
      settings: { 'otel-context': { instrumented: ['http'], propagatingWrappers: ['tracedFetch', 'withPropagation'] } },
    },
    // Browser code: a hook, a hook's callback, a JSX handler, a component of a module using client
    // hooks, a relative URL, a Remix `.client` module. The page's fetch is no undici request.
    {
      code: `import { useCallback, useEffect, useState } from 'react';
export function useQuota(path: string) {
  useEffect(() => { void fetch(path); }, [path]);
}
export function Panel({ actionPath }: { actionPath: string }) {
  const [rows, setRows] = useState<unknown[]>([]);
  const reload = useCallback(async () => setRows(await (await fetch(actionPath)).json()), [actionPath]);
  const save = async () => { await fetch(actionPath, { method: 'POST' }); };
  return <button onClick={() => fetch(actionPath)} onBlur={save}>{rows.length}</button>;
}
export const poll = () => fetch('/resources/metric', { method: 'POST' });`,
      filename: pkg('http-only', 'src/panel.tsx'),
      settings: HTTP_SETTING,
    },
    { code: `export async function load(url: string) { return fetch(url); }`, filename: pkg('http-only', 'src/api.client.ts'), settings: HTTP_SETTING },
    // Tests call the services they test, outside any production trace.
    { code: HTTP_SETUP + CALL, filename: pkg('http-only', 'test/inventory.test.ts') },
    // http clients are checked only with the option, and then only without the http instrumentation.
    { code: `import http from 'node:http';\nexport function get() { http.get('http://x'); }`, filename: HTTP_ONLY, settings: HTTP_SETTING },
    { code: `import http from 'node:http';\nexport function get() { http.get('http://x'); }`, filename: HTTP_ONLY, settings: HTTP_SETTING, options: [{ httpClients: true }] },
  ],
  invalid: [
    // Server code next to components: a Remix loader in a module that uses client hooks, and a
    // server component (renders JSX, no client hooks) whose fetch runs in Node.
    {
      code: `import { useState } from 'react';
export async function loader({ request }: { request: Request }) {
  return fetch('https://api.vercel.com/v2/teams', { headers: { authorization: request.headers.get('authorization') ?? '' } });
}
export default function Page() {
  const [n] = useState(0);
  return <p>{n}</p>;
}`,
      filename: pkg('http-only', 'src/route.tsx'),
      settings: HTTP_SETTING,
      errors: [
        {
          messageId: 'bareFetch',
          line: 3,
          column: 10,
          endLine: 3,
          endColumn: 126,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { useState } from 'react';
import { context, propagation } from '@opentelemetry/api';
export async function loader({ request }: { request: Request }) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  return fetch('https://api.vercel.com/v2/teams', { headers: { authorization: request.headers.get('authorization') ?? '', ...traceHeaders } });
}
export default function Page() {
  const [n] = useState(0);
  return <p>{n}</p>;
}`,
            },
          ],
        },
      ],
    },
    {
      code: `export default async function Page() {
  const res = await fetch('https://inventory/stock');
  return <p>{await res.text()}</p>;
}`,
      filename: pkg('http-only', 'src/page.tsx'),
      settings: HTTP_SETTING,
      errors: [
        {
          messageId: 'bareFetch',
          line: 2,
          column: 21,
          endLine: 2,
          endColumn: 53,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { context, propagation } from '@opentelemetry/api';
export default async function Page() {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const res = await fetch('https://inventory/stock', { headers: traceHeaders });
  return <p>{await res.text()}</p>;
}`,
            },
          ],
        },
      ],
    },
    // A forwarded or constant traceparent is no context of ours (no-traceparent-overwrite reports it too).
    {
      code: `import type { IncomingHttpHeaders } from 'node:http';
export async function checkStock(baseUrl: string, incoming: IncomingHttpHeaders) {
  await fetch(baseUrl, { headers: { traceparent: String(incoming['traceparent'] ?? '') } });
  const h = new Headers();
  h.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  await fetch(baseUrl, { headers: h });
  await fetch(baseUrl, { headers: { tracestate: 'vendor=1' } });
}`,
      filename: HTTP_ONLY,
      settings: HTTP_SETTING,
      errors: [
        { messageId: 'bareFetch', line: 3, column: 9, endLine: 3, endColumn: 92, suggestions: [{ messageId: 'injectContext', output: `import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation } from '@opentelemetry/api';
export async function checkStock(baseUrl: string, incoming: IncomingHttpHeaders) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await fetch(baseUrl, { headers: { traceparent: String(incoming['traceparent'] ?? ''), ...traceHeaders } });
  const h = new Headers();
  h.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  await fetch(baseUrl, { headers: h });
  await fetch(baseUrl, { headers: { tracestate: 'vendor=1' } });
}` }] },
        { messageId: 'bareFetch', line: 6, column: 9, endLine: 6, endColumn: 39, suggestions: [{ messageId: 'injectContext', output: `import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation } from '@opentelemetry/api';
export async function checkStock(baseUrl: string, incoming: IncomingHttpHeaders) {
  await fetch(baseUrl, { headers: { traceparent: String(incoming['traceparent'] ?? '') } });
  const h = new Headers();
  h.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  const traceHeaders = new Headers(h);
  propagation.inject(context.active(), traceHeaders, { set: (carrier, key, value) => carrier.set(key, value) });
  await fetch(baseUrl, { headers: traceHeaders });
  await fetch(baseUrl, { headers: { tracestate: 'vendor=1' } });
}` }] },
        { messageId: 'bareFetch', line: 7, column: 9, endLine: 7, endColumn: 64, suggestions: [{ messageId: 'injectContext', output: `import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation } from '@opentelemetry/api';
export async function checkStock(baseUrl: string, incoming: IncomingHttpHeaders) {
  await fetch(baseUrl, { headers: { traceparent: String(incoming['traceparent'] ?? '') } });
  const h = new Headers();
  h.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  await fetch(baseUrl, { headers: h });
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await fetch(baseUrl, { headers: { tracestate: 'vendor=1', ...traceHeaders } });
}` }] },
      ],
    },
    {
      code: HTTP_SETUP + CALL,
      filename: HTTP_ONLY,
      errors: [
        {
          messageId: 'bareFetch',
          line: 5,
          column: 21,
          endLine: 5,
          endColumn: 59,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { context, propagation } from '@opentelemetry/api';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
export async function checkStock(sku: string) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const res = await fetch(\`http://inventory/stock/\${sku}\`, { headers: traceHeaders });
  return res.json();
}
`,
            },
          ],
        },
      ],
    },
    // The setting says undici is not instrumented: every call is reported, the API import is merged.
    {
      code: `import { trace } from '@opentelemetry/api';
export async function createOrder(url: string, order: unknown) {
  return trace.getTracer('orders').startActiveSpan('CreateOrder', async (span) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
      },
      body: JSON.stringify(order),
    });
    span.end();
    return res.status;
  });
}
`,
      filename: HTTP_ONLY,
      settings: HTTP_SETTING,
      errors: [
        {
          messageId: 'bareFetch',
          line: 4,
          column: 23,
          endLine: 10,
          endColumn: 7,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { trace, context, propagation } from '@opentelemetry/api';
export async function createOrder(url: string, order: unknown) {
  return trace.getTracer('orders').startActiveSpan('CreateOrder', async (span) => {
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...traceHeaders,
      },
      body: JSON.stringify(order),
    });
    span.end();
    return res.status;
  });
}
`,
            },
          ],
        },
      ],
    },
    // A start script that preloads auto-instrumentations with only http and express enabled.
    {
      code: CALL,
      filename: pkg('auto-preload-no-undici'),
      errors: [{ messageId: 'bareFetch', line: 2, column: 21, endLine: 2, endColumn: 59, suggestions: [{ messageId: 'injectContext', output: `import { context, propagation } from '@opentelemetry/api';
export async function checkStock(sku: string) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const res = await fetch(\`http://inventory/stock/\${sku}\`, { headers: traceHeaders });
  return res.json();
}
` }] }],
    },
    // A preloaded setup file (package.json `--import ./dist/instrumentation.js` → src/instrumentation.ts).
    {
      code: `import { request } from 'undici';
export async function get(init: RequestInit) {
  await fetch('http://x', init);
  await request('http://y');
}
`,
      filename: pkg('file-preload'),
      errors: [
        {
          messageId: 'bareFetch',
          line: 3,
          column: 9,
          endLine: 3,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { request } from 'undici';
import { context, propagation } from '@opentelemetry/api';
export async function get(init: RequestInit) {
  const traceHeaders = new Headers(init?.headers);
  propagation.inject(context.active(), traceHeaders, { set: (carrier, key, value) => carrier.set(key, value) });
  await fetch('http://x', { ...init, headers: traceHeaders });
  await request('http://y');
}
`,
            },
          ],
        },
        {
          messageId: 'bareFetch',
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 28,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { request } from 'undici';
import { context, propagation } from '@opentelemetry/api';
export async function get(init: RequestInit) {
  await fetch('http://x', init);
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await request('http://y', { headers: traceHeaders });
}
`,
            },
          ],
        },
      ],
    },
    // undici dispatchers, namespaces, globalThis.fetch and aliases; a Request input gets no suggestion.
    {
      code: `${HTTP_SETUP}import * as undici from 'undici';
import { Pool } from 'undici';
const pool = new Pool('http://inventory');
const get = globalThis.fetch;
export async function all(req: Request) {
  await pool.request({ path: '/stock', method: 'GET' });
  await undici.stream('http://x', { method: 'GET' }, () => process.stdout);
  await get('http://y');
  await fetch(req);
}
`,
      filename: HTTP_ONLY,
      errors: [
        { messageId: 'bareFetch', line: 9, column: 9, endLine: 9, endColumn: 56, suggestions: [{ messageId: 'injectContext', output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
import * as undici from 'undici';
import { Pool } from 'undici';
import { context, propagation } from '@opentelemetry/api';
const pool = new Pool('http://inventory');
const get = globalThis.fetch;
export async function all(req: Request) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await pool.request({ path: '/stock', method: 'GET', headers: traceHeaders });
  await undici.stream('http://x', { method: 'GET' }, () => process.stdout);
  await get('http://y');
  await fetch(req);
}
` }] },
        { messageId: 'bareFetch', line: 10, column: 9, endLine: 10, endColumn: 75, suggestions: [{ messageId: 'injectContext', output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
import * as undici from 'undici';
import { Pool } from 'undici';
import { context, propagation } from '@opentelemetry/api';
const pool = new Pool('http://inventory');
const get = globalThis.fetch;
export async function all(req: Request) {
  await pool.request({ path: '/stock', method: 'GET' });
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await undici.stream('http://x', { method: 'GET', headers: traceHeaders }, () => process.stdout);
  await get('http://y');
  await fetch(req);
}
` }] },
        { messageId: 'bareFetch', line: 11, column: 9, endLine: 11, endColumn: 24, suggestions: [{ messageId: 'injectContext', output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
import * as undici from 'undici';
import { Pool } from 'undici';
import { context, propagation } from '@opentelemetry/api';
const pool = new Pool('http://inventory');
const get = globalThis.fetch;
export async function all(req: Request) {
  await pool.request({ path: '/stock', method: 'GET' });
  await undici.stream('http://x', { method: 'GET' }, () => process.stdout);
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await get('http://y', { headers: traceHeaders });
  await fetch(req);
}
` }] },
        { messageId: 'bareFetch', line: 12, column: 9, endLine: 12, endColumn: 19, suggestions: [] },
      ],
    },
    // getNodeAutoInstrumentations with undici turned off.
    {
      code: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
new NodeSDK({ instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-undici': { enabled: false } })] }).start();
${CALL}`,
      filename: HTTP_ONLY,
      errors: [{ messageId: 'bareFetch', line: 5, column: 21, endLine: 5, endColumn: 59, suggestions: [{ messageId: 'injectContext', output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { context, propagation } from '@opentelemetry/api';
new NodeSDK({ instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-undici': { enabled: false } })] }).start();
export async function checkStock(sku: string) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const res = await fetch(\`http://inventory/stock/\${sku}\`, { headers: traceHeaders });
  return res.json();
}
` }] }],
    },
    // In an arrow body: the suggestion gives the arrow a block.
    {
      code: `${HTTP_SETUP}export const stock = (skus: string[]) => Promise.all(skus.map((sku) => fetch(\`http://inventory/\${sku}\`)));
`,
      filename: HTTP_ONLY,
      errors: [
        {
          messageId: 'bareFetch',
          line: 4,
          column: 72,
          endLine: 4,
          endColumn: 104,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { context, propagation } from '@opentelemetry/api';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
export const stock = (skus: string[]) => Promise.all(skus.map((sku) => {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  return fetch(\`http://inventory/\${sku}\`, { headers: traceHeaders });
}));
`,
            },
          ],
        },
      ],
    },
    // With `httpClients`, http-based clients where the setup lacks the http instrumentation.
    {
      code: `import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import https from 'node:https';
import axios from 'axios';
registerInstrumentations({ instrumentations: [new UndiciInstrumentation()] });
const api = axios.create({ baseURL: 'http://inventory' });
export async function get() {
  https.get('https://x');
  await api.post('/stock', { sku: '42' });
  await fetch('http://y');
}
`,
      filename: pkg('undici-only'),
      options: [{ httpClients: true }],
      errors: [
        { messageId: 'bareHttpClient', line: 8, column: 3, endLine: 8, endColumn: 25, suggestions: [] },
        { messageId: 'bareHttpClient', line: 9, column: 9, endLine: 9, endColumn: 42, suggestions: [] },
      ],
    },
  ],
});

/** Typed tests: each folder under fixtures/typed/outbound-http is its own program with its own setup file. */
const typedFile = (project: string) => `outbound-http/${project}/client.ts`;
const TYPED_CALL = `export async function checkStock(sku: string, base: string | URL) {
  const res = await fetch(new URL(\`/stock/\${sku}\`, base));
  return res.json();
}
`;

/** TYPED_CALL after the `injectContext` suggestion. */
const TYPED_CALL_INJECTED = `import { context, propagation } from '@opentelemetry/api';
export async function checkStock(sku: string, base: string | URL) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  const res = await fetch(new URL(\`/stock/\${sku}\`, base), { headers: traceHeaders });
  return res.json();
}
`;

typedRuleTester.run('no-bare-fetch (typed)', rule, {
  valid: [
    // The undici instrumentation is registered in another file of the program.
    { code: TYPED_CALL, filename: typedFile('undici') },
    // ... also when the `instrumented` setting omits it (a stale setting: the program shows the registration).
    { code: TYPED_CALL, filename: typedFile('undici'), settings: HTTP_SETTING },
    { code: TYPED_CALL, filename: typedFile('auto') },
    // No setup anywhere in the program.
    { code: TYPED_CALL, filename: typedFile('no-setup') },
    // One program over a workspace: the orders service registers the undici instrumentation itself.
    { code: TYPED_CALL, filename: 'outbound-http/monorepo/packages/orders/client.ts' },
    // The checker tells a parameter or a wrapper from the global fetch.
    {
      code: `export function get(fetch: typeof globalThis.fetch) { return fetch('http://x'); }
export const myFetch = (url: string, traceparent: string) => fetch(url, { headers: { traceparent } });
export async function viaWrapper(tp: string) { return myFetch('http://y', tp); }`,
      filename: typedFile('http-only'),
    },
  ],
  invalid: [
    // The setup lives in instrumentation.ts of the same program; the input is typed string | URL.
    {
      code: TYPED_CALL,
      filename: typedFile('http-only'),
      errors: [
        {
          messageId: 'bareFetch',
          line: 2,
          column: 21,
          endLine: 2,
          endColumn: 58,
          suggestions: [
            {
              messageId: 'injectContext',
              output: TYPED_CALL_INJECTED,
            },
          ],
        },
      ],
    },
    // One program over a workspace: the billing service's own setup registers only http; that the
    // orders package of the same program registers undici does not trace billing's fetch.
    {
      code: TYPED_CALL,
      filename: 'outbound-http/monorepo/packages/billing/client.ts',
      errors: [
        {
          messageId: 'bareFetch',
          line: 2,
          column: 21,
          suggestions: [
            {
              messageId: 'injectContext',
              output: TYPED_CALL_INJECTED,
            },
          ],
        },
      ],
    },
    // Aliases and instances the checker resolves; an input typed Request gets no suggestion.
    {
      code: `import { Client } from 'undici';
const send = fetch;
export async function all(client: Client, input: string, req: Request) {
  await send(input);
  await client.request({ path: '/stock', method: 'GET' });
  await fetch(req);
}
`,
      filename: typedFile('http-only'),
      errors: [
        { messageId: 'bareFetch', line: 4, column: 9, endLine: 4, endColumn: 20, suggestions: [{ messageId: 'injectContext', output: `import { Client } from 'undici';
import { context, propagation } from '@opentelemetry/api';
const send = fetch;
export async function all(client: Client, input: string, req: Request) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await send(input, { headers: traceHeaders });
  await client.request({ path: '/stock', method: 'GET' });
  await fetch(req);
}
` }] },
        { messageId: 'bareFetch', line: 5, column: 9, endLine: 5, endColumn: 58, suggestions: [{ messageId: 'injectContext', output: `import { Client } from 'undici';
import { context, propagation } from '@opentelemetry/api';
const send = fetch;
export async function all(client: Client, input: string, req: Request) {
  await send(input);
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await client.request({ path: '/stock', method: 'GET', headers: traceHeaders });
  await fetch(req);
}
` }] },
        { messageId: 'bareFetch', line: 6, column: 9, endLine: 6, endColumn: 19, suggestions: [] },
      ],
    },
    { code: TYPED_CALL, filename: typedFile('auto-undici-off'), errors: [{ messageId: 'bareFetch', line: 2, column: 21, endLine: 2, endColumn: 58, suggestions: [{ messageId: 'injectContext', output: TYPED_CALL_INJECTED }] }] },
  ],
});
