// The cheap-first tests (text gates, syntactic checks before the type checker) added for the typed
// lint overhead (docs/performance.md, findings 2–4) must not lose a report: these are the cases
// closest to their edges.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import noBareFetch from '../../rules/no-bare-fetch.js';
import noOrphanSpan from '../../rules/no-orphan-span.js';
import { mayLoseContext } from '../../rules/no-lost-context.js';
import { mayCallOutbound } from '../../analysis/outbound-http-calls.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = (name: string) => path.join(ROOT, 'fixtures/outbound-http', name, 'src/app.ts');

const LICENCE = `/*
 * Licensed under the Apache License, Version 2.0 (the "License");
 *      https://www.apache.org/licenses/LICENSE-2.0
 * See http://www.apache.org/licenses/LICENSE-2.0 for the details.
 */
`;

describe('text gates', () => {
  it('mayCallOutbound: a URL scheme in a comment is no client, the http module is', () => {
    expect(mayCallOutbound(`${LICENCE}export const x = pool.request();\n`)).toBe(false);
    for (const text of [
      `import http from 'node:http';`,
      `const https = require("https");`,
      `http.get(url);`,
      `import { client } from './http-client';`,
      `${LICENCE}await fetch(url);`,
      `import { request } from 'undici';`,
      `import axios from 'axios';`,
      `import got from 'got';`,
    ]) {
      expect(mayCallOutbound(text), text).toBe(true);
    }
  });

  it("no-lost-context: `cluster` counts as a module specifier, not as a word", () => {
    expect(mayLoseContext('// runs in cluster mode\nexport const ring = new HashRing();\n')).toBe(false);
    expect(mayLoseContext(`import cluster from 'node:cluster';`)).toBe(true);
    expect(mayLoseContext(`import cluster from "cluster";`)).toBe(true);
    expect(mayLoseContext(`const cluster = require('cluster');`)).toBe(true);
    expect(mayLoseContext(`const { fork } = await import('node:cluster');`)).toBe(true);
  });
});

const HTTP_SETUP = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
`;
const UNDICI_SETUP = `import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
registerInstrumentations({ instrumentations: [new UndiciInstrumentation()] });
`;

// Without `httpClients` only undici transports reach the checker; aliases are followed when their
// initializer would be a client callee itself.
untypedRuleTester.run('no-bare-fetch: aliases and transports', noBareFetch, {
  valid: [
    // http clients are not looked at without `httpClients`.
    {
      code: `${UNDICI_SETUP}import axios from 'axios';
const post = axios.post;
export async function send() { await post('/stock', {}); }
`,
      filename: pkg('undici-only'),
    },
    // An alias of something that is no client.
    {
      code: `${HTTP_SETUP}const cache = new Map<string, string>();
const read = cache.get;
export function look(key: string) { return read.call(cache, key); }
`,
      filename: pkg('http-only'),
    },
  ],
  invalid: [
    // A renamed undici import, aliased once more.
    {
      code: `${HTTP_SETUP}import { request as undiciRequest } from 'undici';
const send = undiciRequest;
export async function stock() { await send('http://inventory/stock'); }
`,
      filename: pkg('http-only'),
      errors: [
        {
          messageId: 'bareFetch',
          line: 6,
          column: 39,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `${HTTP_SETUP}import { request as undiciRequest } from 'undici';
import { context, propagation } from '@opentelemetry/api';
const send = undiciRequest;
export async function stock() { const traceHeaders: Record<string, string> = {}; propagation.inject(context.active(), traceHeaders); await send('http://inventory/stock', { headers: traceHeaders }); }
`,
            },
          ],
        },
      ],
    },
    // `globalThis.fetch` aliased.
    {
      code: `${HTTP_SETUP}const get = globalThis.fetch;
export async function stock() { await get('http://inventory/stock'); }
`,
      filename: pkg('http-only'),
      errors: [
        {
          messageId: 'bareFetch',
          line: 5,
          column: 39,
          suggestions: [
            {
              messageId: 'injectContext',
              output: `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { context, propagation } from '@opentelemetry/api';
new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();
const get = globalThis.fetch;
export async function stock() { const traceHeaders: Record<string, string> = {}; propagation.inject(context.active(), traceHeaders); await get('http://inventory/stock', { headers: traceHeaders }); }
`,
            },
          ],
        },
      ],
    },
    // With `httpClients`, an alias of an axios method.
    {
      code: `${UNDICI_SETUP}import axios from 'axios';
const post = axios.post;
export async function send() { await post('/stock', {}); }
`,
      filename: pkg('undici-only'),
      options: [{ httpClients: true }],
      errors: [{ messageId: 'bareHttpClient', line: 6, suggestions: [] }],
    },
  ],
});

const typedFile = path.join(typedRoot, 'cheap-first.case.ts');
const wrapped = (calls: string) => `import * as otel from './tracing.js';
import { ctxApi, tracing } from './tracing.js';
import { context, trace } from '@opentelemetry/api';
export function work(fn: () => void) {
  const span = tracing.getActiveSpan();
  if (!span) return;
${calls}
}`;

// The typed resolver answers receivers no import could name without the checker; names that an
// import could alias (a wrapper re-exporting the API under another name) still reach it.
typedRuleTester.run('no-orphan-span: API exports through wrappers (typed)', noOrphanSpan, {
  valid: [
    {
      code: `import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
export function run(fn: () => void, self: object) {
  const bound = fn.bind(self);
  context.with(context.active(), bound);
  context.with(trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId: '', spanId: '', traceFlags: 0 })), bound);
  return context.with(ROOT_CONTEXT, bound);
}`,
      filename: typedFile,
    },
  ],
  invalid: [
    {
      code: `import * as otel from './tracing.js';
import { ctxApi, tracing } from './tracing.js';
export function work(fn: () => void) {
  const span = tracing.getActiveSpan();
  if (!span) return;
  otel.ctxApi.with(span, fn);
  ctxApi.with(span, fn);
}`,
      filename: typedFile,
      errors: [
        {
          messageId: 'spanAsContext',
          data: { callee: 'context.with', span: 'span' },
          line: 6,
          column: 20,
          suggestions: [{ messageId: 'wrapSpanInContext', output: wrapped('  otel.ctxApi.with(trace.setSpan(context.active(), span), fn);\n  ctxApi.with(span, fn);') }],
        },
        {
          messageId: 'spanAsContext',
          data: { callee: 'context.with', span: 'span' },
          line: 7,
          column: 15,
          suggestions: [{ messageId: 'wrapSpanInContext', output: wrapped('  otel.ctxApi.with(span, fn);\n  ctxApi.with(trace.setSpan(context.active(), span), fn);') }],
        },
      ],
    },
  ],
});
