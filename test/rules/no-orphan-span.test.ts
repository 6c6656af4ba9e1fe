import path from 'node:path';
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../rules/no-orphan-span.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

/** A typed case's file: not on disk, so the default project serves it with fixtures/typed/tsconfig.json. */
const typedFile = path.join(typedRoot, 'no-orphan-span.case.ts');
const typedValid = (cases: Array<string | ValidTestCase<Options>>): Array<ValidTestCase<Options>> =>
  cases.map((c) => (typeof c === 'string' ? { code: c, filename: typedFile } : { ...c, filename: typedFile }));
const typedInvalid = (cases: Array<InvalidTestCase<MessageIds, Options>>): Array<InvalidTestCase<MessageIds, Options>> =>
  cases.map((c) => ({ ...c, filename: typedFile }));

const HEAD = `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
`;

untypedRuleTester.run('no-orphan-span', rule, {
  valid: [
    // An explicit parent context.
    `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
  child.end();
  parent.end();
}`,
    // { root: true } deliberately starts a new trace.
    `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  const other = tracer.startSpan('detached', { root: true });
  other.end();
  parent.end();
}`,
    // Options the rule cannot see may say root: true.
    `${HEAD}function work(options) {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', options).end();
  parent.end();
}`,
    `${HEAD}function work(extra) {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', { ...extra }).end();
  parent.end();
}`,
    // Nested startActiveSpan: each span is active for its callback.
    `${HEAD}tracer.startActiveSpan('outer', (outer) => {
  tracer.startActiveSpan('inner', (inner) => {
    tracer.startSpan('leaf').end();
    inner.end();
  });
  outer.end();
});`,
    // A module-level tracer obtained before the SDK starts is a proxy that resolves later.
    `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('early');
export async function handle() {
  const span = tracer.startSpan('handle');
  span.end();
}`,
    // Sequential siblings: the first span ended before the second started.
    `${HEAD}function work() {
  const first = tracer.startSpan('first');
  first.end();
  const second = tracer.startSpan('second');
  second.end();
}`,
    // The parent is made active around the child.
    `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  context.with(trace.setSpan(context.active(), parent), () => {
    tracer.startSpan('child').end();
  });
  parent.end();
}`,
    // The span escapes: stored on the request, returned, pushed, turned into a context elsewhere.
    `${HEAD}function middleware(req, res, next) {
  const span = tracer.startSpan('request');
  req.span = span;
  res.on('finish', () => span.end());
  next();
}`,
    `${HEAD}function begin() {
  const span = tracer.startSpan('op');
  tracer.startSpan('other').end();
  return span;
}`,
    `${HEAD}function work(spans) {
  const span = tracer.startSpan('op');
  spans.push(span);
  tracer.startSpan('other').end();
}`,
    `${HEAD}function work() {
  const span = tracer.startSpan('op');
  const ctx = trace.setSpan(context.active(), span);
  tracer.startSpan('other').end();
  span.end();
}`,
    `${HEAD}function work() {
  const batch = tracer.startSpan('batch');
  const item = tracer.startSpan('item', { links: [{ context: batch.spanContext() }] });
  item.end();
  batch.end();
}`,
    // Reassigned: which span the variable holds at the child is not known.
    `${HEAD}function work() {
  let span = tracer.startSpan('page-1');
  span.end();
  span = tracer.startSpan('page-2');
  tracer.startSpan('other').end();
}`,
    // Ended in a callback or a branch that may have run before the child.
    `${HEAD}async function work(promise) {
  const span = tracer.startSpan('op');
  await promise.finally(() => span.end());
  tracer.startSpan('next').end();
}`,
    `${HEAD}function work(failed) {
  const span = tracer.startSpan('op');
  if (failed) span.end();
  tracer.startSpan('next').end();
}`,
    `${HEAD}function work() {
  const span = tracer.startSpan('op');
  try {
    step();
    span.end();
  } catch (e) {
    span.end();
    throw e;
  }
  tracer.startSpan('next').end();
}`,
    // Two concurrent operations: both end after both started, the first one first.
    `${HEAD}async function work() {
  const users = tracer.startSpan('load-users');
  const orders = tracer.startSpan('load-orders');
  await Promise.all([loadUsers(), loadOrders()]);
  users.end();
  orders.end();
}`,
    // The same, ended in one `finally` as end-spans writes it.
    `${HEAD}async function work() {
  const users = tracer.startSpan('load-users');
  const orders = tracer.startSpan('load-orders');
  try {
    await Promise.all([loadUsers(), loadOrders()]);
  } finally {
    users.end();
    orders.end();
  }
}`,
    // A callback that runs later (a listener, a handler) is not inside the span's block.
    `${HEAD}function boot(server) {
  const span = tracer.startSpan('boot');
  server.on('request', () => {
    tracer.startSpan('request').end();
  });
  span.end();
}`,
    // Declared in another block.
    `${HEAD}function work(flag) {
  if (flag) {
    const span = tracer.startSpan('a');
    span.end();
  }
  tracer.startSpan('b').end();
}`,
    // Not a tracer (no OpenTelemetry import, no getTracer).
    `function work(stopwatch) {
  const lap = stopwatch.startSpan('lap');
  const next = stopwatch.startSpan('next');
  next.end();
  lap.end();
}`,
    // Arguments that cannot be read by position.
    `${HEAD}function work(args) {
  const parent = tracer.startSpan('parent');
  tracer.startSpan(...args).end();
  parent.end();
}`,
    // A spread of iteration callbacks' kind: next() of async.js is not a middleware's next.
    `${HEAD}function each(item, next) {
  const span = tracer.startSpan('item');
  span.end();
  next();
}
function eachOpen(item, next) {
  const span = tracer.startSpan('item');
  next();
  span.end();
}`,
    // Calls of the http module that send nothing, and awaited calls of non-client code.
    `${HEAD}import http from 'node:http';
async function start(app) {
  const span = tracer.startSpan('startup');
  const server = http.createServer(app);
  await new Promise((resolve) => server.listen(0, resolve));
  await server.close();
  await loadConfig();
  span.end();
}`,
    // The work runs after the span ended.
    `${HEAD}async function work() {
  const span = tracer.startSpan('prepare');
  span.end();
  await fetch('http://127.0.0.1:1/');
}`,
    // The settings say fetch is not instrumented: it creates no span and sends no context.
    {
      code: `${HEAD}async function work() {
  const span = tracer.startSpan('op');
  await fetch('http://127.0.0.1:1/');
  span.end();
}`,
      settings: { 'otel-context': { instrumented: ['http'] } },
    },
    // Options turn the work checks off.
    {
      code: `${HEAD}async function work() {
  const span = tracer.startSpan('op');
  await fetch('http://127.0.0.1:1/');
  span.end();
}`,
      options: [{ checkClientCalls: false }],
    },
    {
      code: `${HEAD}function mw(req, res, next) {
  const span = tracer.startSpan('mw');
  res.on('finish', () => span.end());
  next();
}`,
      options: [{ checkMiddlewareNext: false }],
    },
    // Context arguments that are contexts.
    `${HEAD}function work(ctx) {
  const parent = tracer.startSpan('parent');
  const parentCtx = trace.setSpan(context.active(), parent);
  context.with(parentCtx, () => {});
  tracer.startSpan('child', {}, ctx).end();
}`,
    // Activated around a block of work: what runs outside the block is outside on purpose
    // (pattern from opentelemetry-js-contrib's pg-pool and oracledb tests).
    `import { trace, context } from '@opentelemetry/api';
import { Pool } from 'pg';
const tracer = trace.getTracer('app');
export async function run(config) {
  const pool = new Pool(config);
  const span = tracer.startSpan('test span');
  await context.with(trace.setSpan(context.active(), span), async () => {
    const client = await pool.connect();
    client.release();
  });
  await pool.end();
}`,
    // A helper that ends the span given to it, and a span handed to context.with with a named callback.
    `${HEAD}function handle(req, res, next) {
  const span = tracer.startSpan('request');
  context.with(trace.setSpan(context.active(), span), next);
}`,
    // A span kept as a class field is not a local the rule can follow.
    `${HEAD}class Job {
  start() {
    this.span = tracer.startSpan('job');
    tracer.startSpan('step').end();
  }
}`,
    // An abandoned span that nothing ends is no evident parent (pattern from a span processor's tests).
    `${HEAD}async function flushTest(processor) {
  const span = tracer.startSpan('ai.generateText');
  await processor.forceFlush();
  const newSpan = tracer.startSpan('ai.generateText');
  newSpan.end();
}`,
    // A span the author names the root is meant to start a trace, whatever else is open.
    `${HEAD}function aggregate() {
  const other = tracer.startSpan('http-request');
  const rootSpan = tracer.startSpan('ai.generateText');
  rootSpan.end();
  other.end();
}`,
  ],
  invalid: [
    // 6a: the parent is never active; the child becomes a new root.
    {
      code: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  const child = tracer.startSpan('child');
  child.end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          data: { parent: 'parent' },
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 33,
          suggestions: [
            {
              messageId: 'passParentContext',
              data: { parent: 'parent' },
              output: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
  child.end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // 6h: inside an outer active span, the child becomes the parent's sibling; options kept.
    {
      code: `import { trace, context, SpanKind } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('outer', (outer) => {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', { kind: SpanKind.CLIENT }).end();
  parent.end();
  outer.end();
});`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 10,
          endLine: 5,
          endColumn: 19,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `import { trace, context, SpanKind } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('outer', (outer) => {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), parent)).end();
  parent.end();
  outer.end();
});`,
            },
          ],
        },
      ],
    },
    // startActiveSpan under an inactive parent, with and without options; `root: false` is a child.
    {
      code: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  tracer.startActiveSpan('a', (a) => a.end());
  tracer.startActiveSpan('b', { root: false }, (b) => b.end());
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 10,
          endLine: 5,
          endColumn: 25,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  tracer.startActiveSpan('a', {}, trace.setSpan(context.active(), parent), (a) => a.end());
  tracer.startActiveSpan('b', { root: false }, (b) => b.end());
  parent.end();
}`,
            },
          ],
        },
        {
          messageId: 'parentSkipped',
          line: 6,
          column: 10,
          endLine: 6,
          endColumn: 25,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  tracer.startActiveSpan('a', (a) => a.end());
  tracer.startActiveSpan('b', { root: false }, trace.setSpan(context.active(), parent), (b) => b.end());
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // A span ended in a `finally` or an event listener is open during the block; an ended sibling
    // is skipped and the still-open request span is the parent.
    {
      code: `${HEAD}async function handle(res) {
  const request = tracer.startSpan('request');
  res.on('close', () => request.end());
  try {
    const parse = tracer.startSpan('parse');
    parse.end();
    const save = tracer.startSpan('save');
    save.end();
  } finally {
    request.end();
  }
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          data: { parent: 'request' },
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 35,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}async function handle(res) {
  const request = tracer.startSpan('request');
  res.on('close', () => request.end());
  try {
    const parse = tracer.startSpan('parse', {}, trace.setSpan(context.active(), request));
    parse.end();
    const save = tracer.startSpan('save');
    save.end();
  } finally {
    request.end();
  }
}`,
            },
          ],
        },
        {
          messageId: 'parentSkipped',
          data: { parent: 'request' },
          line: 9,
          column: 25,
          endLine: 9,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}async function handle(res) {
  const request = tracer.startSpan('request');
  res.on('close', () => request.end());
  try {
    const parse = tracer.startSpan('parse');
    parse.end();
    const save = tracer.startSpan('save', {}, trace.setSpan(context.active(), request));
    save.end();
  } finally {
    request.end();
  }
}`,
            },
          ],
        },
      ],
    },
    // An early return that ends the span does not reach the child.
    {
      code: `${HEAD}function work(err) {
  const span = tracer.startSpan('op');
  if (err) {
    span.end();
    return;
  }
  tracer.startSpan('step').end();
  span.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 9,
          column: 10,
          endLine: 9,
          endColumn: 19,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}function work(err) {
  const span = tracer.startSpan('op');
  if (err) {
    span.end();
    return;
  }
  tracer.startSpan('step', {}, trace.setSpan(context.active(), span)).end();
  span.end();
}`,
            },
          ],
        },
      ],
    },
    // Callbacks that run during the call: items.map(async ...) under an open batch span.
    {
      code: `${HEAD}async function work(items) {
  const batch = tracer.startSpan('batch');
  await Promise.all(items.map(async (item) => {
    const span = tracer.startSpan('item');
    span.end();
  }));
  batch.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          data: { parent: 'batch' },
          line: 6,
          column: 25,
          endLine: 6,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}async function work(items) {
  const batch = tracer.startSpan('batch');
  await Promise.all(items.map(async (item) => {
    const span = tracer.startSpan('item', {}, trace.setSpan(context.active(), batch));
    span.end();
  }));
  batch.end();
}`,
            },
          ],
        },
      ],
    },
    // The parent's name is shadowed where the child starts: reported, no suggestion.
    {
      code: `${HEAD}function work(items) {
  const span = tracer.startSpan('batch');
  items.forEach((span) => {
    tracer.startSpan('item').end();
  });
  span.end();
}`,
      errors: [{ messageId: 'parentSkipped', line: 6, column: 12, suggestions: [] }],
    },
    // A startSpan that was not active: options read through a const.
    {
      code: `${HEAD}const CHILD = { attributes: { step: 1 } };
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', CHILD).end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 6,
          column: 10,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `${HEAD}const CHILD = { attributes: { step: 1 } };
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', CHILD, trace.setSpan(context.active(), parent)).end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // Express middleware: startSpan then next() leaves every span of the handler a root.
    {
      code: `${HEAD}export function tracing(req, res, next) {
  const span = tracer.startSpan('http.request');
  res.on('finish', () => span.end());
  next();
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          data: { call: 'next', parent: 'span' },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 7,
          suggestions: [
            {
              messageId: 'runInParentContext',
              data: { call: 'next', parent: 'span' },
              output: `${HEAD}export function tracing(req, res, next) {
  const span = tracer.startSpan('http.request');
  res.on('finish', () => span.end());
  context.with(trace.setSpan(context.active(), span), () => next());
}`,
            },
          ],
        },
      ],
    },
    // A discarded `trace.setSpan(...)` activates nothing: next() still runs outside the span.
    {
      code: `import api from '@opentelemetry/api';
const tracer = api.trace.getTracer('quotes');
export function traceRequests(_, __, next) {
  const span = tracer.startSpan('request');
  api.trace.setSpan(api.context.active(), span);
  next();
  span.end();
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          data: { call: 'next', parent: 'span' },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 7,
          suggestions: [
            {
              messageId: 'runInParentContext',
              output: `import api from '@opentelemetry/api';
const tracer = api.trace.getTracer('quotes');
export function traceRequests(_, __, next) {
  const span = tracer.startSpan('request');
  api.trace.setSpan(api.context.active(), span);
  api.context.with(api.trace.setSpan(api.context.active(), span), () => next());
  span.end();
}`,
            },
          ],
        },
      ],
    },
    // Koa middleware whose `context` parameter shadows the API's: the import gains an alias.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function tracing(context, next) {
  const span = tracer.startSpan(context.path);
  try {
    await next();
  } finally {
    span.end();
  }
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          line: 6,
          column: 11,
          endLine: 6,
          endColumn: 15,
          suggestions: [
            {
              messageId: 'runInParentContext',
              output: `import { trace, context as otelContext } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function tracing(context, next) {
  const span = tracer.startSpan(context.path);
  try {
    await otelContext.with(trace.setSpan(otelContext.active(), span), () => next());
  } finally {
    span.end();
  }
}`,
            },
          ],
        },
      ],
    },
    // The API's `context` is imported but shadowed where the fix writes it.
    {
      code: `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function handler(event, context) {
  const parent = tracer.startSpan('handler');
  tracer.startSpan('child').end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 10,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `import { trace, context, context as otelContext } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function handler(event, context) {
  const parent = tracer.startSpan('handler');
  tracer.startSpan('child', {}, trace.setSpan(otelContext.active(), parent)).end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // Awaited instrumented clients: global fetch, axios, a pg pool, and node:http's request.
    {
      code: `import { trace } from '@opentelemetry/api';
import axios from 'axios';
import { Pool } from 'pg';
import http from 'node:http';
const tracer = trace.getTracer('app');
const pool = new Pool();
export async function checkout(url) {
  const span = tracer.startSpan('checkout');
  try {
    const stock = await fetch(url).then((r) => r.json());
    await axios.post(url, stock);
    await pool.query('select 1');
    http.get(url, (res) => res.resume());
  } finally {
    span.end();
  }
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          data: { call: 'fetch', parent: 'span' },
          line: 10,
          column: 25,
          endLine: 10,
          endColumn: 30,
          suggestions: [
            {
              messageId: 'runInParentContext',
              output: `import { trace, context } from '@opentelemetry/api';
import axios from 'axios';
import { Pool } from 'pg';
import http from 'node:http';
const tracer = trace.getTracer('app');
const pool = new Pool();
export async function checkout(url) {
  const span = tracer.startSpan('checkout');
  try {
    const stock = await context.with(trace.setSpan(context.active(), span), () => fetch(url)).then((r) => r.json());
    await axios.post(url, stock);
    await pool.query('select 1');
    http.get(url, (res) => res.resume());
  } finally {
    span.end();
  }
}`,
            },
          ],
        },
        { messageId: 'workOutsideParent', data: { call: 'axios.post', parent: 'span' }, line: 11, column: 11, endLine: 11, endColumn: 21, suggestions: [{ messageId: 'runInParentContext', output: `import { trace, context } from '@opentelemetry/api';
import axios from 'axios';
import { Pool } from 'pg';
import http from 'node:http';
const tracer = trace.getTracer('app');
const pool = new Pool();
export async function checkout(url) {
  const span = tracer.startSpan('checkout');
  try {
    const stock = await fetch(url).then((r) => r.json());
    await context.with(trace.setSpan(context.active(), span), () => axios.post(url, stock));
    await pool.query('select 1');
    http.get(url, (res) => res.resume());
  } finally {
    span.end();
  }
}` }] },
        { messageId: 'workOutsideParent', data: { call: 'pool.query', parent: 'span' }, line: 12, column: 11, endLine: 12, endColumn: 21, suggestions: [{ messageId: 'runInParentContext', output: `import { trace, context } from '@opentelemetry/api';
import axios from 'axios';
import { Pool } from 'pg';
import http from 'node:http';
const tracer = trace.getTracer('app');
const pool = new Pool();
export async function checkout(url) {
  const span = tracer.startSpan('checkout');
  try {
    const stock = await fetch(url).then((r) => r.json());
    await axios.post(url, stock);
    await context.with(trace.setSpan(context.active(), span), () => pool.query('select 1'));
    http.get(url, (res) => res.resume());
  } finally {
    span.end();
  }
}` }] },
        { messageId: 'workOutsideParent', data: { call: 'http.get', parent: 'span' }, line: 13, column: 5, endLine: 13, endColumn: 13, suggestions: [{ messageId: 'runInParentContext', output: `import { trace, context } from '@opentelemetry/api';
import axios from 'axios';
import { Pool } from 'pg';
import http from 'node:http';
const tracer = trace.getTracer('app');
const pool = new Pool();
export async function checkout(url) {
  const span = tracer.startSpan('checkout');
  try {
    const stock = await fetch(url).then((r) => r.json());
    await axios.post(url, stock);
    await pool.query('select 1');
    context.with(trace.setSpan(context.active(), span), () => http.get(url, (res) => res.resume()));
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // Work whose arguments await cannot move into an arrow: reported without a suggestion.
    {
      code: `${HEAD}async function work(url, body) {
  const span = tracer.startSpan('op');
  await fetch(url, { body: await body });
  span.end();
}`,
      errors: [{ messageId: 'workOutsideParent', line: 5, column: 9, suggestions: [] }],
    },
    // The API's exports imported under other names are reused as they are.
    {
      code: `import { trace as tracing, context as otelCtx } from '@opentelemetry/api';
const tracer = tracing.getTracer('app');
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child').end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 10,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `import { trace as tracing, context as otelCtx } from '@opentelemetry/api';
const tracer = tracing.getTracer('app');
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', {}, tracing.setSpan(otelCtx.active(), parent)).end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // Namespace import: the fix writes api.trace / api.context.
    {
      code: `import * as api from '@opentelemetry/api';
const tracer = api.trace.getTracer('app');
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child').end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 10,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `import * as api from '@opentelemetry/api';
const tracer = api.trace.getTracer('app');
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', {}, api.trace.setSpan(api.context.active(), parent)).end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // CommonJS: the require's destructuring gains `context`.
    {
      code: `const { trace } = require("@opentelemetry/api")
const tracer = trace.getTracer('app')
function work() {
  const parent = tracer.startSpan('parent')
  tracer.startSpan('child').end()
  parent.end()
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 10,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `const { trace, context } = require("@opentelemetry/api")
const tracer = trace.getTracer('app')
function work() {
  const parent = tracer.startSpan('parent')
  tracer.startSpan('child', {}, trace.setSpan(context.active(), parent)).end()
  parent.end()
}`,
            },
          ],
        },
      ],
    },
    // CommonJS without an API binding: a require is added in the file's quote and semicolon style.
    {
      code: `'use strict';
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const tracer = new NodeTracerProvider().getTracer('app');
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child').end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 6,
          column: 10,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `'use strict';
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { context, trace } = require('@opentelemetry/api');
const tracer = new NodeTracerProvider().getTracer('app');
function work() {
  const parent = tracer.startSpan('parent');
  tracer.startSpan('child', {}, trace.setSpan(context.active(), parent)).end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // A Span where a Context is expected (opentelemetry-js #2161).
    {
      code: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  const child = tracer.startSpan('child', {}, parent);
  child.end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'spanAsContext',
          data: { callee: 'tracer.startSpan', span: 'parent' },
          line: 5,
          column: 47,
          endLine: 5,
          endColumn: 53,
          suggestions: [
            {
              messageId: 'wrapSpanInContext',
              data: { callee: 'tracer.startSpan', span: 'parent' },
              output: `${HEAD}function work() {
  const parent = tracer.startSpan('parent');
  const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
  child.end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    {
      code: `${HEAD}tracer.startActiveSpan('job', (span) => {
  context.with(span, () => tracer.startSpan('step').end());
  span.end();
});`,
      errors: [
        {
          messageId: 'spanAsContext',
          data: { callee: 'context.with', span: 'span' },
          line: 4,
          column: 16,
          endLine: 4,
          endColumn: 20,
          suggestions: [
            {
              messageId: 'wrapSpanInContext',
              output: `${HEAD}tracer.startActiveSpan('job', (span) => {
  context.with(trace.setSpan(context.active(), span), () => tracer.startSpan('step').end());
  span.end();
});`,
            },
          ],
        },
      ],
    },
    {
      code: `import { trace, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function send(headers) {
  const span = tracer.startSpan('send');
  const ctx = trace.setSpan(span);
  propagation.inject(trace.getActiveSpan(), headers);
  trace.setSpan(span, span);
  span.end();
  return ctx;
}`,
      errors: [
        {
          messageId: 'spanAsContext',
          data: { callee: 'trace.setSpan', span: 'span' },
          line: 5,
          column: 29,
          suggestions: [
            {
              messageId: 'wrapSpanInContext',
              output: `import { trace, propagation, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function send(headers) {
  const span = tracer.startSpan('send');
  const ctx = trace.setSpan(context.active(), span);
  propagation.inject(trace.getActiveSpan(), headers);
  trace.setSpan(span, span);
  span.end();
  return ctx;
}`,
            },
          ],
        },
        {
          messageId: 'spanAsContext',
          data: { callee: 'propagation.inject', span: 'trace.getActiveSpan()' },
          line: 6,
          column: 22,
          endLine: 6,
          endColumn: 43,
          suggestions: [
            {
              messageId: 'wrapSpanInContext',
              output: `import { trace, propagation, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function send(headers) {
  const span = tracer.startSpan('send');
  const ctx = trace.setSpan(span);
  propagation.inject(trace.setSpan(context.active(), trace.getActiveSpan()), headers);
  trace.setSpan(span, span);
  span.end();
  return ctx;
}`,
            },
          ],
        },
        // Which of the two spans was meant is a guess: no suggestion.
        { messageId: 'spanAsContext', line: 7, column: 17, endLine: 7, endColumn: 21, suggestions: [] },
      ],
    },
  ],
});

// With type information: tracers and spans are recognised by type, through other files and annotations.
typedRuleTester.run('no-orphan-span (typed)', rule, {
  valid: typedValid([
    // A class named Tracer that is not OpenTelemetry's.
    `interface Tracer { startSpan(name: string): { end(): void } }
declare const tracer: Tracer;
export function work() {
  const a = tracer.startSpan('a');
  const b = tracer.startSpan('b');
  b.end();
  a.end();
}`,
    // A Context typed value as the context argument.
    `import { context, type Context } from '@opentelemetry/api';
import { appTracer } from './tracing.js';
export function work(ctx: Context) {
  const parent = appTracer.startSpan('parent');
  appTracer.startSpan('child', {}, ctx).end();
  context.with(ctx, () => undefined);
  parent.end();
}`,
    // A typed `(item, next)` callback that is not a middleware.
    `import { appTracer } from './tracing.js';
export function each(item: string, next: () => void) {
  const span = appTracer.startSpan(item);
  next();
  span.end();
}`,
  ]),
  invalid: typedInvalid([
    // The tracer comes from another file; this file imports nothing from the API yet.
    {
      code: `import { appTracer } from './tracing.js';

export function work() {
  const parent = appTracer.startSpan('parent');
  appTracer.startSpan('child').end();
  parent.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 5,
          column: 13,
          endLine: 5,
          endColumn: 22,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `import { appTracer } from './tracing.js';
import { context, trace } from '@opentelemetry/api';

export function work() {
  const parent = appTracer.startSpan('parent');
  appTracer.startSpan('child', {}, trace.setSpan(context.active(), parent)).end();
  parent.end();
}`,
            },
          ],
        },
      ],
    },
    // A Tracer parameter, and a Span parameter passed as a Context.
    {
      code: `import type { Span, Tracer } from '@opentelemetry/api';
export function work(t: Tracer, parentSpan: Span) {
  const a = t.startSpan('a');
  t.startSpan('b').end();
  t.startSpan('c', {}, parentSpan).end();
  a.end();
}`,
      errors: [
        {
          messageId: 'parentSkipped',
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 14,
          suggestions: [
            {
              messageId: 'passParentContext',
              output: `import type { Span, Tracer } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
export function work(t: Tracer, parentSpan: Span) {
  const a = t.startSpan('a');
  t.startSpan('b', {}, trace.setSpan(context.active(), a)).end();
  t.startSpan('c', {}, parentSpan).end();
  a.end();
}`,
            },
          ],
        },
        {
          messageId: 'spanAsContext',
          data: { callee: 'tracer.startSpan', span: 'parentSpan' },
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'wrapSpanInContext',
              output: `import type { Span, Tracer } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
export function work(t: Tracer, parentSpan: Span) {
  const a = t.startSpan('a');
  t.startSpan('b').end();
  t.startSpan('c', {}, trace.setSpan(context.active(), parentSpan)).end();
  a.end();
}`,
            },
          ],
        },
      ],
    },
    // An Express middleware whose next is recognised by its type, whatever its name.
    {
      code: `import type { NextFunction, Request, Response } from 'express';
import { appTracer } from './tracing.js';
export function mw(req: Request, res: Response, proceed: NextFunction) {
  const span = appTracer.startSpan(req.path);
  res.on('finish', () => span.end());
  proceed();
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          data: { call: 'proceed', parent: 'span' },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 10,
          suggestions: [
            {
              messageId: 'runInParentContext',
              output: `import type { NextFunction, Request, Response } from 'express';
import { appTracer } from './tracing.js';
import { context, trace } from '@opentelemetry/api';
export function mw(req: Request, res: Response, proceed: NextFunction) {
  const span = appTracer.startSpan(req.path);
  res.on('finish', () => span.end());
  context.with(trace.setSpan(context.active(), span), () => proceed());
}`,
            },
          ],
        },
      ],
    },
    // A database client known by its type (@types/pg), here a parameter the untyped mode cannot follow;
    // connection teardown is not work.
    {
      code: `import type { Pool } from 'pg';
import { appTracer } from './tracing.js';
export async function count(pool: Pool) {
  const span = appTracer.startSpan('count');
  const { rows } = await pool.query('select count(*) from orders');
  await pool.end();
  span.end();
  return rows;
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          data: { call: 'pool.query', parent: 'span' },
          line: 5,
          column: 26,
          endLine: 5,
          endColumn: 36,
          suggestions: [
            {
              messageId: 'runInParentContext',
              output: `import type { Pool } from 'pg';
import { appTracer } from './tracing.js';
import { context, trace } from '@opentelemetry/api';
export async function count(pool: Pool) {
  const span = appTracer.startSpan('count');
  const { rows } = await context.with(trace.setSpan(context.active(), span), () => pool.query('select count(*) from orders'));
  await pool.end();
  span.end();
  return rows;
}`,
            },
          ],
        },
      ],
    },
    // node:http through a typed alias.
    {
      code: `import * as web from 'node:http';
import { appTracer } from './tracing.js';
export function ping(url: string) {
  const span = appTracer.startSpan('ping');
  const request = web.request(url);
  request.end();
  span.end();
}`,
      errors: [
        {
          messageId: 'workOutsideParent',
          data: { call: 'web.request', parent: 'span' },
          line: 5,
          column: 19,
          endLine: 5,
          endColumn: 30,
          suggestions: [
            {
              messageId: 'runInParentContext',
              output: `import * as web from 'node:http';
import { appTracer } from './tracing.js';
import { context, trace } from '@opentelemetry/api';
export function ping(url: string) {
  const span = appTracer.startSpan('ping');
  const request = context.with(trace.setSpan(context.active(), span), () => web.request(url));
  request.end();
  span.end();
}`,
            },
          ],
        },
      ],
    },
  ]),
});
