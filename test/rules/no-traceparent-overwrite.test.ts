import rule from '../../rules/no-traceparent-overwrite.js';
import { typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

const UNDICI = { 'otel-context': { instrumented: ['http', 'undici'] } };
const HTTP_ONLY = { 'otel-context': { instrumented: ['http'] } };
const UNDICI_NO_HTTP = { 'otel-context': { instrumented: ['undici'] } };
const API = `import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';\n`;
const CONST_TP = `'00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'`;

untypedRuleTester.run('no-traceparent-overwrite', rule, {
  valid: [
    // Reading trace headers and extracting the incoming context.
    {
      code: `${API}import http from 'node:http';
http.createServer((req, res) => {
  const ctx = propagation.extract(ROOT_CONTEXT, req.headers);
  console.log(req.headers.traceparent, req.headers['tracestate']);
  context.with(ctx, () => res.end());
});`,
      settings: UNDICI,
    },
    // A local type that happens to be called IncomingHttpHeaders, and a String() of our own value.
    {
      code: `type IncomingHttpHeaders = Record<string, string>;
export async function f(url: string, own: IncomingHttpHeaders, tp: string) {
  await fetch(url, { headers: { traceparent: String(own['traceparent'] ?? '') } });
  await fetch(url, { headers: { traceparent: String(tp ?? '') } });
}`,
      settings: HTTP_ONLY,
    },
    // A name that merely contains the word; tracestate alone names no parent.
    { code: `export const f = (u: string) => fetch(u, { headers: { 'x-traceparent-debug': '1', tracestate: 'vendor=1' } });`, settings: UNDICI },
    // The http instrumentation overwrites what the request options carry.
    { code: `import http from 'node:http';\nexport const f = () => http.get('http://x', { headers: { traceparent: ${CONST_TP} } });`, settings: HTTP_ONLY },
    { code: `import http from 'node:http';\nexport const f = () => http.get('http://x', { headers: { traceparent: ${CONST_TP} } });` },
    {
      code: `import http from 'node:http';
http.createServer((req, res) => {
  const out = http.request('http://down', { headers: req.headers }, (r) => r.pipe(res));
  out.end();
});`,
    },
    // Without the undici instrumentation, a correct manual injection is what carries the context.
    {
      code: `${API}export async function f(url: string) {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await fetch(url, { headers: { ...headers, 'x-other': '1' } });
  const h = new Headers();
  propagation.inject(context.active(), h, { set: (c, k, v) => c.set(k, v) });
  await fetch(url, { headers: h });
}`,
      settings: HTTP_ONLY,
    },
    // A traceparent built from the active span works where fetch is not instrumented.
    {
      code: `${API}export async function f(url: string) {
  const sc = trace.getActiveSpan()!.spanContext();
  await fetch(url, { headers: { traceparent: \`00-\${sc.traceId}-\${sc.spanId}-01\` } });
}`,
      settings: HTTP_ONLY,
    },
    // Nothing known about the setup: neither a manual injection nor a built traceparent is provably wrong.
    {
      code: `${API}export async function f(url: string, tp: string) {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await fetch(url, { headers });
  await fetch(url, { headers: { traceparent: tp } });
}`,
    },
    // Under the undici instrumentation a Headers inject without setter writes nothing, and the instrumentation propagates.
    {
      code: `${API}export async function f(url: string) {
  const headers = new Headers();
  propagation.inject(context.active(), headers);
  await fetch(url, { headers });
}`,
      settings: UNDICI,
    },
    // A carrier replaced after inject under the undici instrumentation: the request is still instrumented.
    {
      code: `${API}export async function f(url: string) {
  let headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  headers = { 'x-other': '1' };
  await fetch(url, { headers });
}`,
      settings: UNDICI,
    },
    // A carrier reset after it was used, and injected again.
    {
      code: `${API}export async function f(send: (c: object) => void) {
  let carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  send(carrier);
  carrier = {};
  propagation.inject(context.active(), carrier);
  send(carrier);
}`,
    },
    // A manual injection into a message (not a fetch) is the only propagation it gets.
    {
      code: `${API}import { Worker } from 'node:worker_threads';
export function f(worker: Worker) {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  worker.postMessage({ carrier });
}`,
      settings: UNDICI,
    },
    // Response headers are not outgoing request headers.
    { code: `import http from 'node:http';\nhttp.createServer((req, res) => { res.setHeader('traceparent', ${CONST_TP}); res.end(); });`, settings: UNDICI },
    // A proxy that injects its own context into the headers it forwards (without undici instrumentation).
    {
      code: `${API}import http from 'node:http';
http.createServer(async (req, res) => {
  propagation.inject(context.active(), req.headers);
  await fetch('http://down', { headers: req.headers as Record<string, string> });
  res.end();
});`,
      settings: HTTP_ONLY,
    },
    // An integration test sends a known traceparent on purpose.
    { code: `export const probe = (url: string) => fetch(url, { headers: { traceparent: ${CONST_TP} } });`, filename: 'orders.e2e.test.ts', settings: UNDICI },
    // Headers of a client response are not the incoming request's.
    {
      code: `import http from 'node:http';
http.get('http://up', async (res) => {
  await fetch('http://down', { headers: res.headers as Record<string, string> });
});`,
      settings: UNDICI,
    },
  ],
  invalid: [
    // (e) a manual injection into fetch under the undici instrumentation: doubled.
    {
      code: `${API}export async function checkStock(url: string) {
  const headers: Record<string, string> = { accept: 'application/json' };
  propagation.inject(context.active(), headers);
  return fetch(url, { headers });
}`,
      settings: UNDICI,
      output: `${API}export async function checkStock(url: string) {
  const headers: Record<string, string> = { accept: 'application/json' };
  return fetch(url, { headers });
}`,
      errors: [{ messageId: 'manualInjection', line: 4, column: 3, endLine: 4, endColumn: 48 }],
    },
    // (e) the carrier is also sent elsewhere: reported, not removed.
    {
      code: `${API}export async function f(url: string, log: (h: object) => void) {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  log(headers);
  return fetch(url, { headers });
}`,
      settings: UNDICI,
      output: null,
      errors: [{ messageId: 'manualInjection', line: 4, column: 3, endLine: 4, endColumn: 48 }],
    },
    // (a) a traceparent built by hand, under the undici instrumentation: doubled.
    {
      code: `${API}export async function f(url: string) {
  const { traceId, spanId } = trace.getActiveSpan()!.spanContext();
  await fetch(url, {
    headers: {
      accept: 'application/json',
      traceparent: \`00-\${traceId}-\${spanId}-01\`,
    },
  });
}`,
      settings: UNDICI,
      output: `${API}export async function f(url: string) {
  const { traceId, spanId } = trace.getActiveSpan()!.spanContext();
  await fetch(url, {
    headers: {
      accept: 'application/json',
    },
  });
}`,
      errors: [{ messageId: 'doubledHeader', line: 7, column: 7, endLine: 7, endColumn: 48 }],
    },
    // (a) Headers#set and bracket assignment under the undici instrumentation.
    {
      code: `export async function f(url: string, tp: string) {
  const headers = new Headers({ accept: 'application/json' });
  headers.set('traceparent', tp);
  const init = { headers: {} as Record<string, string> };
  init.headers['traceparent'] = tp;
  await fetch(url, { headers });
  await fetch(url, init);
}`,
      settings: UNDICI,
      output: `export async function f(url: string, tp: string) {
  const headers = new Headers({ accept: 'application/json' });
  const init = { headers: {} as Record<string, string> };
  await fetch(url, { headers });
  await fetch(url, init);
}`,
      errors: [
        { messageId: 'doubledHeader', line: 3, column: 3, endLine: 3, endColumn: 33 },
        { messageId: 'doubledHeader', line: 5, column: 3, endLine: 5, endColumn: 35 },
      ],
    },
    // (a) constant, malformed and B3 values, where nothing is known about the setup: suggestions.
    {
      code: `${API}export async function f(url: string) {
  const sc = trace.getActiveSpan()!.spanContext();
  await fetch(url, { headers: { traceparent: ${CONST_TP}, b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' } });
  await fetch(url, { headers: { traceparent: \`\${sc.traceId}-\${sc.spanId}\` } });
}`,
      errors: [
        {
          messageId: 'constantHeader',
          line: 4,
          column: 33,
          endLine: 4,
          endColumn: 103,
          suggestions: [
            {
              messageId: 'removeHeader',
              output: `${API}export async function f(url: string) {
  const sc = trace.getActiveSpan()!.spanContext();
  await fetch(url, { headers: { b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' } });
  await fetch(url, { headers: { traceparent: \`\${sc.traceId}-\${sc.spanId}\` } });
}`,
            },
          ],
        },
        {
          messageId: 'constantHeader',
          line: 4,
          column: 105,
          endLine: 4,
          endColumn: 162,
          suggestions: [
            {
              messageId: 'removeHeader',
              output: `${API}export async function f(url: string) {
  const sc = trace.getActiveSpan()!.spanContext();
  await fetch(url, { headers: { traceparent: ${CONST_TP} } });
  await fetch(url, { headers: { traceparent: \`\${sc.traceId}-\${sc.spanId}\` } });
}`,
            },
          ],
        },
        {
          messageId: 'malformedHeader',
          line: 5,
          column: 33,
          endLine: 5,
          endColumn: 74,
          suggestions: [
            {
              messageId: 'removeHeader',
              output: `${API}export async function f(url: string) {
  const sc = trace.getActiveSpan()!.spanContext();
  await fetch(url, { headers: { traceparent: ${CONST_TP}, b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' } });
  await fetch(url, { headers: {} });
}`,
            },
          ],
        },
      ],
    },
    // (a) setHeader after http.request: the instrumentation's header is replaced. It only restores when http is instrumented.
    {
      code: `import http from 'node:http';
export function f() {
  const req = http.request('http://inventory/stock');
  req.setHeader('traceparent', ${CONST_TP});
  req.end();
}`,
      settings: HTTP_ONLY,
      output: `import http from 'node:http';
export function f() {
  const req = http.request('http://inventory/stock');
  req.end();
}`,
      errors: [{ messageId: 'constantHeader', line: 4, column: 3, endLine: 4, endColumn: 90 }],
    },
    // (b) the incoming headers sent on by fetch: filtered copy (suggestion; autofix under the undici instrumentation).
    {
      code: `import http from 'node:http';
http.createServer(async (req, res) => {
  const { host, ...forwarded } = req.headers;
  const upstream = await fetch('http://inventory', { headers: forwarded as Record<string, string> });
  res.end(await upstream.text());
});`,
      errors: [
        {
          messageId: 'forwardedHeaders',
          line: 4,
          column: 63,
          endLine: 4,
          endColumn: 72,
          suggestions: [
            {
              messageId: 'dropTraceHeaders',
              output: `import http from 'node:http';
http.createServer(async (req, res) => {
  const { host, ...forwarded } = req.headers;
  const upstream = await fetch('http://inventory', { headers: Object.fromEntries(Object.entries(forwarded).filter(([name]) => !/^(?:traceparent|tracestate|b3|x-b3-[a-z]+|uber-trace-id)$/i.test(name))) as Record<string, string> });
  res.end(await upstream.text());
});`,
            },
          ],
        },
      ],
    },
    {
      code: `import express from 'express';
const app = express();
app.get('/orders/:id', async (req, res) => {
  const headers = { ...req.headers, 'x-forwarded-for': req.ip };
  res.json(await (await fetch('http://inventory', { headers: headers as Record<string, string> })).json());
});`,
      settings: UNDICI,
      output: `import express from 'express';
const app = express();
app.get('/orders/:id', async (req, res) => {
  const headers = { ...Object.fromEntries(Object.entries(req.headers).filter(([name]) => !/^(?:traceparent|tracestate|b3|x-b3-[a-z]+|uber-trace-id)$/i.test(name))), 'x-forwarded-for': req.ip };
  res.json(await (await fetch('http://inventory', { headers: headers as Record<string, string> })).json());
});`,
      errors: [{ messageId: 'forwardedHeaders', line: 4, column: 24, endLine: 4, endColumn: 35 }],
    },
    // (b) Hono: the raw request's Headers; Koa: ctx.request.headers to http.request without the http instrumentation.
    {
      code: `import { Hono } from 'hono';
const app = new Hono();
app.get('/stock/:sku', async (c) => fetch('http://inventory', { headers: c.req.raw.headers }));`,
      errors: [
        {
          messageId: 'forwardedHeaders',
          line: 3,
          column: 74,
          endLine: 3,
          endColumn: 91,
          suggestions: [
            {
              messageId: 'dropTraceHeaders',
              output: `import { Hono } from 'hono';
const app = new Hono();
app.get('/stock/:sku', async (c) => fetch('http://inventory', { headers: new Headers([...c.req.raw.headers].filter(([name]) => !/^(?:traceparent|tracestate|b3|x-b3-[a-z]+|uber-trace-id)$/i.test(name))) }));`,
            },
          ],
        },
      ],
    },
    {
      code: `import Koa from 'koa';
import https from 'node:https';
const app = new Koa();
app.use(async (ctx) => {
  https.get('https://inventory', { headers: ctx.request.headers });
});`,
      settings: UNDICI_NO_HTTP,
      errors: [{ messageId: 'forwardedHeaders', line: 5, column: 45, endLine: 5, endColumn: 64, suggestions: [{ messageId: 'dropTraceHeaders', output: `import Koa from 'koa';
import https from 'node:https';
const app = new Koa();
app.use(async (ctx) => {
  https.get('https://inventory', { headers: Object.fromEntries(Object.entries(ctx.request.headers).filter(([name]) => !/^(?:traceparent|tracestate|b3|x-b3-[a-z]+|uber-trace-id)$/i.test(name))) });
});` }] }],
    },
    // (b) a helper handed the incoming headers (annotated IncomingHttpHeaders from node:http), read with a
    // computed key and wrapped in String(... ?? ''): still the caller's traceparent.
    {
      code: `import type { IncomingHttpHeaders } from 'node:http';
export async function checkStock(baseUrl: string, incoming: IncomingHttpHeaders) {
  return fetch(baseUrl, {
    headers: {
      accept: 'application/json',
      traceparent: String(incoming['traceparent'] ?? ''),
    },
  });
}`,
      settings: HTTP_ONLY,
      errors: [
        {
          messageId: 'forwardedHeader',
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 57,
          suggestions: [
            {
              messageId: 'removeHeader',
              output: `import type { IncomingHttpHeaders } from 'node:http';
export async function checkStock(baseUrl: string, incoming: IncomingHttpHeaders) {
  return fetch(baseUrl, {
    headers: {
      accept: 'application/json',
    },
  });
}`,
            },
          ],
        },
      ],
    },
    {
      code: `import * as http from 'http';
export async function relay(url: string, h?: http.IncomingHttpHeaders) {
  await fetch(url, { headers: { traceparent: \`\${h?.traceparent}\` } });
  await fetch(url, { headers: { b3: h?.b3 ? String(h.b3) : '' } });
}`,
      settings: UNDICI,
      output: `import * as http from 'http';
export async function relay(url: string, h?: http.IncomingHttpHeaders) {
  await fetch(url, { headers: {} });
  await fetch(url, { headers: { b3: h?.b3 ? String(h.b3) : '' } });
}`,
      errors: [
        { messageId: 'doubledHeader', line: 3, column: 33, endLine: 3, endColumn: 65 },
        { messageId: 'forwardedHeader', line: 4, column: 33, endLine: 4, endColumn: 62, suggestions: [{ messageId: 'removeHeader', output: `import * as http from 'http';
export async function relay(url: string, h?: http.IncomingHttpHeaders) {
  await fetch(url, { headers: { traceparent: \`\${h?.traceparent}\` } });
  await fetch(url, { headers: {} });
}` }] },
      ],
    },
    // (b) one trace header copied from the incoming request.
    {
      code: `import http from 'node:http';
http.createServer(async (req, res) => {
  await fetch('http://inventory', { headers: { traceparent: req.headers.traceparent as string, accept: 'application/json' } });
  res.end();
});`,
      errors: [
        {
          messageId: 'forwardedHeader',
          line: 3,
          column: 48,
          endLine: 3,
          endColumn: 94,
          suggestions: [
            {
              messageId: 'removeHeader',
              output: `import http from 'node:http';
http.createServer(async (req, res) => {
  await fetch('http://inventory', { headers: { accept: 'application/json' } });
  res.end();
});`,
            },
          ],
        },
      ],
    },
    // (c) the carrier replaced after inject, where fetch is not instrumented: the inject moves after the last write.
    {
      code: `${API}export async function f(url: string, id: string) {
  let headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  headers = { accept: 'application/json', 'x-request-id': id };
  return fetch(url, { headers });
}`,
      settings: HTTP_ONLY,
      output: `${API}export async function f(url: string, id: string) {
  let headers: Record<string, string> = {};
  headers = { accept: 'application/json', 'x-request-id': id };
  propagation.inject(context.active(), headers);
  return fetch(url, { headers });
}`,
      errors: [{ messageId: 'carrierReplaced', line: 5, column: 3, endLine: 5, endColumn: 63 }],
    },
    // (c) a carrier meant for a message, rebuilt before it is returned: broken under any setup.
    {
      code: `${API}export function traceHeaders(): Record<string, string> {
  let carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  carrier = Object.assign({}, { 'content-type': 'application/json' });
  return carrier;
}`,
      output: `${API}export function traceHeaders(): Record<string, string> {
  let carrier: Record<string, string> = {};
  carrier = Object.assign({}, { 'content-type': 'application/json' });
  propagation.inject(context.active(), carrier);
  return carrier;
}`,
      errors: [{ messageId: 'carrierReplaced', line: 5, column: 3, endLine: 5, endColumn: 70 }],
    },
    // (d) inject into Headers/Map with the default setter writes nothing.
    {
      code: `${API}export async function f(url: string) {
  const headers = new Headers({ accept: 'application/json' });
  propagation.inject(context.active(), headers);
  return fetch(url, { headers });
}`,
      settings: HTTP_ONLY,
      errors: [
        {
          messageId: 'injectWritesNothing',
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 48,
          suggestions: [
            {
              messageId: 'addSetter',
              output: `${API}export async function f(url: string) {
  const headers = new Headers({ accept: 'application/json' });
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
  return fetch(url, { headers });
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${API}export function job(queue: { add(name: string, data: object): void }) {
  const carrier = new Map<string, string>();
  propagation.inject(context.active(), carrier);
  queue.add('reserve-stock', { carrier: Object.fromEntries(carrier) });
}`,
      settings: UNDICI,
      errors: [{ messageId: 'injectWritesNothing', line: 4, column: 3, endLine: 4, endColumn: 48, suggestions: [{ messageId: 'addSetter', output: `import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
export function job(queue: { add(name: string, data: object): void }) {
  const carrier = new Map<string, string>();
  propagation.inject(context.active(), carrier, { set: (carrier, key, value) => carrier.set(key, value) });
  queue.add('reserve-stock', { carrier: Object.fromEntries(carrier) });
}` }] }],
    },
  ],
});

/** A correct manual injection into fetch headers: right without the undici instrumentation, doubled with it. */
const MANUAL_INJECT = `import { context, propagation } from '@opentelemetry/api';
export async function f(url: string) {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return fetch(url, { headers });
}`;

/** Typed tests: the setup is in another file of the program (fixtures/typed/outbound-http/<project>/instrumentation.ts). */
typedRuleTester.run('no-traceparent-overwrite (typed)', rule, {
  valid: [
    // Without the undici instrumentation a correct manual injection is right.
    {
      code: MANUAL_INJECT,
      filename: 'outbound-http/http-only/client.ts',
    },
    // One program over a workspace: billing registers no undici instrumentation (orders, another
    // package of the program, does), so billing's manual injection is the only traceparent.
    {
      code: MANUAL_INJECT,
      filename: 'outbound-http/monorepo/packages/billing/client.ts',
    },
    // An express request's headers go to http.get, which the http instrumentation overwrites.
    {
      code: `import type { Request } from 'express';
import http from 'node:http';
export function forward(req: Request) {
  http.get('http://inventory', { headers: req.headers });
}`,
      filename: 'outbound-http/http-only/client.ts',
    },
    // A bare IncomingMessage named like a response is a client response: not forwarding.
    {
      code: `import type { IncomingMessage } from 'node:http';
export async function relay(res: IncomingMessage) {
  await fetch('http://audit', { headers: res.headers as Record<string, string> });
}`,
      filename: 'outbound-http/http-only/client.ts',
    },
  ],
  invalid: [
    // A parameter typed IncomingHttpHeaders (through an alias) is the incoming request's headers.
    {
      code: `import type { IncomingMessage } from 'node:http';
type Incoming = IncomingMessage['headers'];
export async function checkStock(url: string, incoming: Incoming) {
  return fetch(url, { headers: { traceparent: String(incoming['traceparent'] ?? '') } });
}`,
      filename: 'outbound-http/http-only/client.ts',
      errors: [
        {
          messageId: 'forwardedHeader',
          line: 4,
          column: 34,
          endLine: 4,
          endColumn: 84,
          suggestions: [
            {
              messageId: 'removeHeader',
              output: `import type { IncomingMessage } from 'node:http';
type Incoming = IncomingMessage['headers'];
export async function checkStock(url: string, incoming: Incoming) {
  return fetch(url, { headers: {} });
}`,
            },
          ],
        },
      ],
    },
    // The undici instrumentation is registered in instrumentation.ts: the manual injection doubles the header.
    {
      code: MANUAL_INJECT,
      filename: 'outbound-http/undici/client.ts',
      output: `import { context, propagation } from '@opentelemetry/api';
export async function f(url: string) {
  const headers: Record<string, string> = {};
  return fetch(url, { headers });
}`,
      errors: [{ messageId: 'manualInjection', line: 4, column: 3, endLine: 4, endColumn: 48 }],
    },
    // The checker knows the parameter is a Headers and an express request (the handler is registered elsewhere).
    {
      code: `import type { Request } from 'express';
import { context, propagation } from '@opentelemetry/api';
export async function withContext(url: string, headers: Headers) {
  propagation.inject(context.active(), headers);
  return fetch(url, { headers });
}
export async function forward(incoming: Request) {
  return fetch('http://inventory', { headers: incoming.headers as Record<string, string> });
}`,
      filename: 'outbound-http/http-only/client.ts',
      errors: [
        { messageId: 'injectWritesNothing', line: 4, column: 3, endLine: 4, endColumn: 48, suggestions: [{ messageId: 'addSetter', output: `import type { Request } from 'express';
import { context, propagation } from '@opentelemetry/api';
export async function withContext(url: string, headers: Headers) {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
  return fetch(url, { headers });
}
export async function forward(incoming: Request) {
  return fetch('http://inventory', { headers: incoming.headers as Record<string, string> });
}` }] },
        { messageId: 'forwardedHeaders', line: 8, column: 47, endLine: 8, endColumn: 63, suggestions: [{ messageId: 'dropTraceHeaders', output: `import type { Request } from 'express';
import { context, propagation } from '@opentelemetry/api';
export async function withContext(url: string, headers: Headers) {
  propagation.inject(context.active(), headers);
  return fetch(url, { headers });
}
export async function forward(incoming: Request) {
  return fetch('http://inventory', { headers: Object.fromEntries(Object.entries(incoming.headers).filter(([name]) => !/^(?:traceparent|tracestate|b3|x-b3-[a-z]+|uber-trace-id)$/i.test(name))) as Record<string, string> });
}` }] },
      ],
    },
  ],
});
