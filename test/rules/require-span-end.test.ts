import path from 'node:path';
import rule from '../../rules/require-span-end.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

/** A typed case's file: not on disk, so the default project serves it with fixtures/typed/tsconfig.json. */
const typedFile = path.join(typedRoot, 'require-span-end.case.ts');

const HEAD = `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
`;

untypedRuleTester.run('require-span-end', rule, {
  valid: [
    // end() in finally
    `${HEAD}export async function handle() {
  const span = tracer.startSpan('handle');
  try {
    await work();
  } finally {
    span.end();
  }
}`,
    // end() in finally behind a guard on the span itself
    `${HEAD}export async function handle() {
  const span = tracer.startSpan('handle');
  try {
    await work();
  } finally {
    if (span.isRecording()) span.end();
  }
}`,
    // ended in a `.finally()` handler of the returned promise
    `${HEAD}export function handle() {
  const span = tracer.startSpan('handle');
  return work().finally(() => span.end());
}`,
    // startActiveSpan callback ending its span in finally
    `${HEAD}export function handle() {
  return tracer.startActiveSpan('handle', async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}`,
    // startActiveSpan callback returning a promise chain that ends the span in `.finally`
    `${HEAD}export function handle() {
  return tracer.startActiveSpan('handle', (span) => work().finally(() => span.end()));
}`,
    // ownership escapes: a listener ends it later
    `${HEAD}export function middleware(req: unknown, res: { on(e: string, f: () => void): void }, next: () => void) {
  const span = tracer.startSpan('request');
  res.on('finish', () => span.end());
  next();
}`,
    // ownership escapes: returned
    `${HEAD}export function begin() {
  const span = tracer.startSpan('begin');
  return span;
}`,
    // ownership escapes: stored in a collection
    `${HEAD}const open = new Map<string, unknown>();
export function track(id: string) {
  const span = tracer.startSpan('tracked');
  open.set(id, span);
}`,
    // ownership escapes: stored on an object
    `${HEAD}export class Job {
  span: unknown;
  start() {
    const span = tracer.startSpan('job');
    this.span = span;
  }
}`,
    // ownership escapes: passed to another function
    `${HEAD}export async function delegate() {
  const span = tracer.startSpan('delegate');
  await work();
  finish(span);
}`,
    // only synchronous calls between start and end: not counted as paths
    `${HEAD}export function compute() {
  const span = tracer.startSpan('compute');
  const value = heavy();
  span.setAttribute('value', value);
  span.end();
  return value;
}`,
    // every early return ends it first
    `${HEAD}export function lookup(key: string) {
  const span = tracer.startSpan('lookup');
  if (!key) {
    span.end();
    return undefined;
  }
  span.end();
  return key;
}`,
    // every switch branch ends it
    `${HEAD}export function pick(kind: string) {
  const span = tracer.startSpan('pick');
  switch (kind) {
    case 'a':
      span.end();
      return 1;
    default:
      span.end();
      return 2;
  }
}`,
    // a throw caught locally, then end()
    `${HEAD}export function tolerant(x: number) {
  const span = tracer.startSpan('tolerant');
  try {
    if (x < 0) throw new Error('negative');
  } catch (err) {
    span.recordException(err as Error);
  }
  span.end();
}`,
    // awaits that cannot reject (delays, a Promise without reject)
    `${HEAD}import { setTimeout as delay } from 'node:timers/promises';
export async function pause() {
  const span = tracer.startSpan('pause');
  await delay(10);
  await new Promise((resolve) => setImmediate(resolve));
  span.end();
}`,
    // a delay helper of this file: its promise has no reject
    `${HEAD}const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
function pause(ms: number) {
  return new Promise((done) => setTimeout(done, ms));
}
export async function poll() {
  const span = tracer.startSpan('poll');
  await sleep(5);
  await pause(5);
  span.end();
}`,
    // context.with / startActiveSpan return what their callback returns: here a promise that cannot reject
    `${HEAD}const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export async function step() {
  const span = tracer.startSpan('step');
  await context.with(trace.setSpan(context.active(), span), async () => {
    await sleep(1);
    tracer.startSpan('child').end();
  });
  span.end();
}
export function nested() {
  return tracer.startActiveSpan('outer', async (outer) => {
    await tracer.startActiveSpan('inner', async (inner) => {
      await sleep(1);
      inner.end();
    });
    outer.end();
  });
}`,
    // a promise without reject, kept in a const and awaited later
    `${HEAD}export async function handshake(port: { once(e: string, f: (v: unknown) => void): void; postMessage(m: unknown): void }) {
  const span = tracer.startSpan('handshake');
  const reply = new Promise((resolve) => port.once('message', resolve));
  port.postMessage('hello');
  await reply;
  span.end();
}`,
    // a promise continuation whose handler only starts and ends a span
    `${HEAD}export function handle() {
  return tracer.startActiveSpan('handle', async (span) => {
    await Promise.resolve().then(() => tracer.startActiveSpan('next', (task) => task.end()));
    span.end();
  });
}`,
    // the callback ends its span as the active one
    `${HEAD}tracer.startActiveSpan('ambient', (span) => {
  work();
  trace.getActiveSpan()?.end();
});`,
    // this file ends spans it reads back from a context, so `trace.setSpan` hands it over
    `${HEAD}export async function activate() {
  const span = tracer.startSpan('activate');
  await context.with(trace.setSpan(context.active(), span), () => work());
}
export function closeActive() {
  trace.getActiveSpan()?.end();
}`,
    // started and ended in one expression
    `${HEAD}tracer.startSpan('instant').end();`,
    // not an OpenTelemetry tracer (and the file does not import OpenTelemetry)
    `export function schedule(timeline: { startSpan(n: string): { end(): void } }) {
  const span = timeline.startSpan('x');
  if (Math.random() > 0.5) return;
  span.end();
}`,
    // nested try/finally: the merged return/throw path of ESLint's finally is kept apart
    `${HEAD}export async function nested(c: boolean) {
  const span = tracer.startSpan('nested');
  try {
    try {
      if (c) {
        span.end();
        return 1;
      }
      await step();
    } finally {
      cleanup();
    }
    span.end();
  } catch (err) {
    span.end();
    throw err;
  }
  return 2;
}`,
    // awaitRejections: false
    { code: `${HEAD}export async function lenient() {
  const span = tracer.startSpan('lenient');
  await work();
  span.end();
}`, options: [{"awaitRejections":false}] },
    // `span.end` handed over unbound-called
    `${HEAD}export function bound(p: Promise<void>) {
  const span = tracer.startSpan('bound');
  return p.then(span.end.bind(span));
}`,
    // a swallowing catch, then end()
    `${HEAD}export async function swallow() {
  const span = tracer.startSpan('swallow');
  try {
    await work();
  } catch {
    // ignored
  }
  span.end();
}`,
    // async generator ending in finally
    `${HEAD}export async function* stream() {
  const span = tracer.startSpan('stream');
  try {
    for await (const x of source()) yield x;
  } finally {
    span.end();
  }
}`,
    // a try/finally that does not end the span, with only synchronous work: an exception from a call is not a counted path
    `${HEAD}export function locked() {
  const span = tracer.startSpan('locked');
  try {
    doWork();
  } finally {
    release();
  }
  span.end();
}`,
    // the same, with an early return that ends the span
    `${HEAD}export function conditionalReturn(c: boolean) {
  const span = tracer.startSpan('c');
  try {
    if (c) {
      span.end();
      return 1;
    }
    doWork();
  } finally {
    release();
  }
  span.end();
  return 2;
}`,
    // ended inside a Promise executor's callbacks
    `${HEAD}export async function wrapped() {
  const span = tracer.startSpan('wrapped');
  return new Promise((resolve, reject) => {
    work().then(resolve, reject).finally(() => span.end());
  });
}`,
    // a guard on the span outside finally
    `${HEAD}export async function guardedOutside() {
  const span = tracer.startSpan('g');
  work();
  if (span) span.end();
}`,
    // The span is annotated from inside a transaction callback and ended in the outer finally.
    `${HEAD}export async function claim(db: { transaction<T>(fn: (tx: { select(): Promise<unknown[]> }) => Promise<T>): Promise<T> }) {
  const span = tracer.startSpan('claim');
  try {
    return await db.transaction(async (tx) => {
      const rows = await tx.select();
      span.setAttributes({ 'claim.rows': rows.length });
      return rows;
    });
  } finally {
    span.end();
  }
}`,
    // Synchronous work before the try of a startActiveSpan callback.
    `${HEAD}export function complete(id: string) {
  return tracer.startActiveSpan('complete', async (span) => {
    span.setAttributes({ 'record.id': id });
    try {
      return await update(id);
    } catch (error) {
      span.setStatus({ code: 2, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}`,
    // Promises that fulfil even when their work fails.
    `${HEAD}export async function fallback() {
  const span = tracer.startSpan('fallback');
  const cached = await readCache().catch(() => null);
  const fresh = await load().catch((err) => {
    console.error(err);
    return undefined;
  });
  await Promise.allSettled([cached, fresh].map(store));
  span.end();
}`,
    // CommonJS
    `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('app');
async function handle() {
  const span = tracer.startSpan('handle');
  try { await work(); } finally { span.end(); }
}
module.exports = { handle };`,
    // A span factory hands the span over inside the context it returns; its caller reads it back and
    // ends it (pattern from a GraphQL gateway's tracing plugin).
    `${HEAD}export function createParseSpan(input) {
  const span = input.tracer.startSpan('graphql.parse', { kind: 1 }, input.ctx);
  return trace.setSpan(input.ctx, span);
}
export function createHttpSpan(ctx) {
  const span = tracer.startSpan('http', {}, ctx);
  return { ctx: trace.setSpan(ctx, span) };
}
export function startStep(steps, ctx) {
  const span = tracer.startSpan('step', {}, ctx);
  const stepCtx = trace.setSpan(ctx, span);
  steps.set('step', stepCtx);
}`,
    // In a test, a span never ended is scaffolding for the spans under test, and a rejection fails
    // the test (patterns from instrumentation test suites).
    {
      filename: 'packages/db/test/query.test.ts',
      code: `${HEAD}it('parents the query span', (done) => {
  const span = tracer.startSpan('test span');
  context.with(trace.setSpan(context.active(), span), () => {
    connection.query('SELECT 1').on('end', () => done());
  });
});
it('parents the set', async () => {
  await tracer.startActiveSpan('manual', async (span) => {
    await redis.set('k', 'v');
    span.end();
  });
  tracer.startSpan('discarded');
});`,
    },
  ],
  invalid: [
    // An early return in a test passes silently with the span left open.
    {
      filename: 'src/cache.spec.ts',
      code: `${HEAD}it('caches', () => {
  const span = tracer.startSpan('lookup');
  if (skip) return;
  span.end();
});`,
      errors: [{ messageId: 'openOnReturn', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}it('caches', () => {
  const span = tracer.startSpan('lookup');
  try {
    if (skip) return;
  } finally {
    span.end();
  }
});` }] }],
    },
    // A context that stays in the function (handed to context.with and a helper) does not take the span with it.
    {
      code: `${HEAD}export async function run() {
  const span = tracer.startSpan('run');
  const ctx = trace.setSpan(context.active(), span);
  await context.with(ctx, () => work(ctx));
  span.end();
}`,
      errors: [{ messageId: 'openOnRejection', data: { name: 'span', line: 6 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function run() {
  const span = tracer.startSpan('run');
  try {
    const ctx = trace.setSpan(context.active(), span);
    await context.with(ctx, () => work(ctx));
  } finally {
    span.end();
  }
}` }] }],
    },
    // A helper of this file that returns a request's promise can reject.
    {
      code: `${HEAD}const get = (url: string) => fetch(url);
export async function load() {
  const span = tracer.startSpan('load');
  await get('http://inventory/stock');
  span.end();
}`,
      errors: [{ messageId: 'openOnRejection', data: { name: 'span', line: 6 }, line: 5, column: 9, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}const get = (url: string) => fetch(url);
export async function load() {
  const span = tracer.startSpan('load');
  try {
    await get('http://inventory/stock');
  } finally {
    span.end();
  }
}` }] }],
    },
    // A const that holds work which may reject; constants that refer to each other are not followed forever.
    {
      code: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  const pending = work();
  const a: Promise<void> = b, b: Promise<void> = a;
  await a;
  await pending;
  span.end();
}`,
      errors: [{ messageId: 'openOnRejection', data: { name: 'span', line: 7 }, line: 4, column: 9, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  try {
    const pending = work();
    const a: Promise<void> = b, b: Promise<void> = a;
    await a;
    await pending;
  } finally {
    span.end();
  }
}` }] }],
    },
    // A continuation of a promise that cannot reject, whose handler returns work that may.
    {
      code: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  await Promise.resolve().then(() => work());
  span.end();
}`,
      errors: [{ messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  try {
    await Promise.resolve().then(() => work());
  } finally {
    span.end();
  }
}` }] }],
    },
    // A context.with callback that awaits work which may reject; a helper calling itself is not followed.
    {
      code: `${HEAD}const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function crawl(url: string): Promise<void> {
  if (url.endsWith('/next')) await crawl(url.slice(0, -5));
  await fetch(url);
}
export async function step() {
  const span = tracer.startSpan('step');
  await context.with(trace.setSpan(context.active(), span), async () => {
    await sleep(1);
    await crawl('http://inventory/next');
  });
  span.end();
}`,
      errors: [{ messageId: 'openOnRejection', data: { name: 'span', line: 10 }, line: 9, column: 9, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function crawl(url: string): Promise<void> {
  if (url.endsWith('/next')) await crawl(url.slice(0, -5));
  await fetch(url);
}
export async function step() {
  const span = tracer.startSpan('step');
  try {
    await context.with(trace.setSpan(context.active(), span), async () => {
      await sleep(1);
      await crawl('http://inventory/next');
    });
  } finally {
    span.end();
  }
}` }] }],
    },
    // Never ended: the suggestion wraps the rest of the function.
    {
      code: `${HEAD}export async function handle() {
  const span = tracer.startSpan('handle');
  await work();
}`,
      errors: [
        { messageId: 'neverEnded', data: { name: 'span' }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function handle() {
  const span = tracer.startSpan('handle');
  try {
    await work();
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // A rejected await between start and end.
    {
      code: `${HEAD}export async function handle() {
  const span = tracer.startSpan('handle');
  await context.with(trace.setSpan(context.active(), span), () => work());
  span.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function handle() {
  const span = tracer.startSpan('handle');
  try {
    await context.with(trace.setSpan(context.active(), span), () => work());
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // An early return; the later `return hit` uses a wrapped declaration, so it moves into the try.
    {
      code: `${HEAD}export function lookup(cache: Map<string, string>, key: string) {
  const span = tracer.startSpan('lookup');
  const hit = cache.get(key);
  if (hit === undefined) {
    return undefined;
  }
  span.end();
  return hit;
}`,
      errors: [
        { messageId: 'openOnReturn', data: { name: 'span', line: 7 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export function lookup(cache: Map<string, string>, key: string) {
  const span = tracer.startSpan('lookup');
  try {
    const hit = cache.get(key);
    if (hit === undefined) {
      return undefined;
    }
    return hit;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // A throw that leaves the function.
    {
      code: `${HEAD}export function charge(amount: number) {
  const span = tracer.startSpan('charge');
  if (amount <= 0) throw new Error('invalid amount');
  span.end();
}`,
      errors: [
        { messageId: 'openOnThrow', data: { name: 'span', line: 5, scope: 'function' }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export function charge(amount: number) {
  const span = tracer.startSpan('charge');
  try {
    if (amount <= 0) throw new Error('invalid amount');
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // The catch rethrows without ending: the finally joins the existing try/catch, which stays as it is.
    {
      code: `${HEAD}export async function sync() {
  const span = tracer.startSpan('sync');
  try {
    await push();
    span.end();
  } catch (err) {
    span.recordException(err as Error);
    throw err;
  }
}`,
      errors: [
        { messageId: 'openOnThrow', data: { name: 'span', line: 10, scope: 'function' }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function sync() {
  const span = tracer.startSpan('sync');
  try {
    await push();
  } catch (err) {
    span.recordException(err as Error);
    throw err;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // A startActiveSpan callback whose await may reject.
    {
      code: `${HEAD}export function handleOrder() {
  return tracer.startActiveSpan('handleOrder', async (span) => {
    await reserve();
    span.end();
  });
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 55, endLine: 4, endColumn: 59, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export function handleOrder() {
  return tracer.startActiveSpan('handleOrder', async (span) => {
    try {
      await reserve();
    } finally {
      span.end();
    }
  });
}` }] },
      ],
    },
    // An expression-bodied async callback never ends its span: the returned promise is awaited inside the try.
    {
      code: `${HEAD}export const run = () => tracer.startActiveSpan('run', async (span) => process(span.spanContext().traceId));`,
      errors: [
        { messageId: 'neverEnded', data: { name: 'span' }, line: 3, column: 63, endLine: 3, endColumn: 67, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export const run = () => tracer.startActiveSpan('run', async (span) => {
  try {
    return await process(span.spanContext().traceId);
  } finally {
    span.end();
  }
});` }] },
      ],
    },
    // An expression-bodied callback returning an object, in a file without semicolons.
    {
      code: `import { trace } from '@opentelemetry/api'
const tracer = trace.getTracer('app')
export const status = () => tracer.startActiveSpan('status', (span) => ({ ok: check() }))`,
      errors: [
        { messageId: 'neverEnded', data: { name: 'span' }, line: 3, column: 63, endLine: 3, endColumn: 67, suggestions: [{ messageId: 'endInFinally', output: `import { trace } from '@opentelemetry/api'
const tracer = trace.getTracer('app')
export const status = () => tracer.startActiveSpan('status', (span) => {
  try {
    return { ok: check() }
  } finally {
    span.end()
  }
})` }] },
      ],
    },
    // Comments move with their lines; the comment on the end() line moves into the finally.
    {
      code: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  // read it
  const data = await fetchData(); // slow
  span.end(); // done
  return data;
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 6 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  try {
    // read it
    const data = await fetchData(); // slow
    return data;
  } finally {
    span.end(); // done
  }
}` }] },
      ],
    },
    // `data` is used after end() by more awaited work: no safe suggestion.
    {
      code: `${HEAD}export async function load() {
  const span = tracer.startSpan('load');
  const data = await fetchData();
  span.end();
  await save(data);
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [] },
      ],
    },
    // `return readCache()` in an async function becomes `return await readCache()`.
    {
      code: `${HEAD}export async function load(cached: boolean) {
  const span = tracer.startSpan('load');
  if (cached) {
    return readCache();
  }
  await refresh();
  span.end();
  return 1;
}`,
      errors: [
        { messageId: 'openOnReturn', data: { name: 'span', line: 6 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function load(cached: boolean) {
  const span = tracer.startSpan('load');
  try {
    if (cached) {
      return await readCache();
    }
    await refresh();
  } finally {
    span.end();
  }
  return 1;
}` }] },
      ],
    },
    // An await before the try/finally that ends the span: the try is widened (unwrapped into the new one).
    {
      code: `${HEAD}export async function handle(req: unknown) {
  const span = tracer.startSpan('handle');
  const input = await parse(req);
  try {
    const out = await work(input);
    return out;
  } finally {
    span.end();
  }
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function handle(req: unknown) {
  const span = tracer.startSpan('handle');
  try {
    const input = await parse(req);
    const out = await work(input);
    return out;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // The same with a catch: the emptied finally is dropped and the try/catch nests inside the new try.
    {
      code: `${HEAD}export async function handle(req: unknown) {
  const span = tracer.startSpan('handle');
  const input = await parse(req);
  try {
    return await work(input);
  } catch (err) {
    span.recordException(err as Error);
    throw err;
  } finally {
    span.end();
  }
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function handle(req: unknown) {
  const span = tracer.startSpan('handle');
  try {
    const input = await parse(req);
    try {
      return await work(input);
    } catch (err) {
      span.recordException(err as Error);
      throw err;
    }
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // A finally with other cleanup keeps it.
    {
      code: `${HEAD}export async function query() {
  const span = tracer.startSpan('query');
  const client = await connect();
  try {
    return await client.query();
  } finally {
    client.release();
    span.end();
  }
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function query() {
  const span = tracer.startSpan('query');
  try {
    const client = await connect();
    try {
      return await client.query();
    } finally {
      client.release();
    }
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // Template literal contents are not re-indented.
    {
      code: `${HEAD}export async function report() {
  const span = tracer.startSpan('report');
  const sql = \`
    SELECT 1
  \`;
  await run(sql);
  span.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 8 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function report() {
  const span = tracer.startSpan('report');
  try {
    const sql = \`
    SELECT 1
  \`;
    await run(sql);
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // End calls in a branch are removed; statements after the top-level end() stay after the finally.
    {
      code: `${HEAD}export async function step(skip: boolean) {
  const span = tracer.startSpan('step');
  if (skip) {
    span.end();
    return;
  }
  await go();
  span.end();
  console.log('after');
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 9 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function step(skip: boolean) {
  const span = tracer.startSpan('step');
  try {
    if (skip) {
      return;
    }
    await go();
  } finally {
    span.end();
  }
  console.log('after');
}` }] },
      ],
    },
    // Module top level.
    {
      code: `${HEAD}const span = tracer.startSpan('boot');
await init();
span.end();
export const ready = true;`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 4 }, line: 3, column: 7, endLine: 3, endColumn: 11, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}const span = tracer.startSpan('boot');
try {
  await init();
} finally {
  span.end();
}
export const ready = true;` }] },
      ],
    },
    // An export declaration cannot move into a block: no suggestion.
    {
      code: `${HEAD}const span = tracer.startSpan('boot');
export const config = await init();
span.end();`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 4 }, line: 3, column: 7, endLine: 3, endColumn: 11, suggestions: [] },
      ],
    },
    // Two overlapping spans: one report each.
    {
      code: `${HEAD}export async function pair() {
  const outer = tracer.startSpan('outer');
  const inner = tracer.startSpan('inner');
  await go();
  inner.end();
  outer.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'outer', line: 6 }, line: 4, column: 9, endLine: 4, endColumn: 14, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function pair() {
  const outer = tracer.startSpan('outer');
  try {
    const inner = tracer.startSpan('inner');
    await go();
    inner.end();
  } finally {
    outer.end();
  }
}` }] },
        { messageId: 'openOnRejection', data: { name: 'inner', line: 6 }, line: 5, column: 9, endLine: 5, endColumn: 14, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function pair() {
  const outer = tracer.startSpan('outer');
  const inner = tracer.startSpan('inner');
  try {
    await go();
  } finally {
    inner.end();
  }
  outer.end();
}` }] },
      ],
    },
    // Two sibling spans ended back to back in start order: nested blocks would reverse that order
    // (and the second would look like the first's child), so both reports offer one `finally` that
    // keeps it, their early ends removed.
    {
      code: `${HEAD}export async function load(cached: () => Promise<boolean>) {
  const users = tracer.startSpan('load-users');
  const orders = tracer.startSpan('load-orders');
  if (await cached()) {
    orders.end();
    users.end();
    return;
  }
  // both done
  users.end(); // first
  orders.end();
}`,
      errors: ['users', 'orders'].map((name, i) => ({
        messageId: 'openOnRejection' as const,
        data: { name, line: 6 },
        line: 4 + i,
        suggestions: [{ messageId: 'endInFinally' as const, data: { name }, output: `${HEAD}export async function load(cached: () => Promise<boolean>) {
  const users = tracer.startSpan('load-users');
  const orders = tracer.startSpan('load-orders');
  try {
    if (await cached()) {
      return;
    }
    // both done
  } finally {
    users.end(); // first
    orders.end();
  }
}` }],
      })),
    },
    // The same with a try/catch: the shared `finally` joins it.
    {
      code: `${HEAD}export async function load() {
  const users = tracer.startSpan('load-users');
  const orders = tracer.startSpan('load-orders');
  try { await go(); } catch (err) { log(err); throw err; }
  users.end();
  orders.end();
}`,
      errors: ['users', 'orders'].map((name, i) => ({
        messageId: 'openOnThrow' as const,
        line: 4 + i,
        suggestions: [{ messageId: 'endInFinally' as const, output: `${HEAD}export async function load() {
  const users = tracer.startSpan('load-users');
  const orders = tracer.startSpan('load-orders');
  try { await go(); } catch (err) { log(err); throw err; } finally { users.end(); orders.end(); }
}` }],
      })),
    },
    // A discarded span, and a callback that cannot end its span.
    {
      code: `${HEAD}tracer.startSpan('lost');
tracer.startActiveSpan('quiet', () => {
  work();
});`,
      errors: [
        { messageId: 'discarded', line: 3, column: 1, endLine: 3, endColumn: 25, suggestions: [] },
        { messageId: 'callbackIgnoresSpan', line: 4, column: 8, endLine: 4, endColumn: 23, suggestions: [] },
      ],
    },
    // `continue` skips the end(): reported at the end of the function.
    {
      code: `${HEAD}export function each(items: number[]) {
  for (const item of items) {
    const span = tracer.startSpan('item');
    if (item < 0) continue;
    span.end();
  }
}`,
      errors: [
        { messageId: 'openAtEnd', data: { name: 'span', line: 9, scope: 'function' }, line: 5, column: 11, endLine: 5, endColumn: 15, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export function each(items: number[]) {
  for (const item of items) {
    const span = tracer.startSpan('item');
    try {
      if (item < 0) continue;
    } finally {
      span.end();
    }
  }
}` }] },
      ],
    },
    // A generator closed at the yield never runs the end().
    {
      code: `${HEAD}export function* pages() {
  const span = tracer.startSpan('pages');
  yield 1;
  span.end();
}`,
      errors: [
        { messageId: 'openOnYield', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export function* pages() {
  const span = tracer.startSpan('pages');
  try {
    yield 1;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // A conditional end() that is not a statement of a block: no suggestion.
    {
      code: `${HEAD}export function maybe(ok: boolean) {
  const span = tracer.startSpan('maybe');
  work();
  if (ok) span.end();
}`,
      errors: [
        { messageId: 'openAtEnd', data: { name: 'span', line: 7, scope: 'function' }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [] },
      ],
    },
    // A catch that swallows the error after end() was skipped; a one-line try gets a one-line finally.
    {
      code: `${HEAD}export function parse(text: string) {
  const span = tracer.startSpan('parse');
  try { JSON.parse(text); span.end(); } catch (err) { console.error(err); }
}`,
      errors: [
        { messageId: 'openAtEnd', data: { name: 'span', line: 6, scope: 'function' }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export function parse(text: string) {
  const span = tracer.startSpan('parse');
  try { JSON.parse(text); } catch (err) { console.error(err); } finally { span.end(); }
}` }] },
      ],
    },
    // Nothing runs in the span.
    {
      code: `${HEAD}export function mark() {
  const span = tracer.startSpan('mark');
}`,
      errors: [
        { messageId: 'neverEnded', data: { name: 'span' }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endAfterStart', output: `${HEAD}export function mark() {
  const span = tracer.startSpan('mark');
  span.end();
}` }] },
      ],
    },
    // A tracer held in a class field.
    {
      code: `import { trace } from '@opentelemetry/api';
export class Service {
  private readonly tracer = trace.getTracer('svc');
  async run(): Promise<void> {
    const span = this.tracer.startSpan('run');
    await work();
    span.end();
  }
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 6 }, line: 5, column: 11, endLine: 5, endColumn: 15, suggestions: [{ messageId: 'endInFinally', output: `import { trace } from '@opentelemetry/api';
export class Service {
  private readonly tracer = trace.getTracer('svc');
  async run(): Promise<void> {
    const span = this.tracer.startSpan('run');
    try {
      await work();
    } finally {
      span.end();
    }
  }
}` }] },
      ],
    },
    // A `for await` loop may reject.
    {
      code: `${HEAD}export async function drain(source: AsyncIterable<number>) {
  const span = tracer.startSpan('drain');
  for await (const chunk of source) consume(chunk);
  span.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function drain(source: AsyncIterable<number>) {
  const span = tracer.startSpan('drain');
  try {
    for await (const chunk of source) consume(chunk);
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // The catch of an enclosing try cannot reach the span: the fix wraps the rest of the try block.
    {
      code: `${HEAD}export async function guarded() {
  try {
    const span = tracer.startSpan('guarded');
    await work();
    span.end();
  } catch (err) {
    console.error(err);
  }
}`,
      errors: [
        { messageId: 'openAtEnd', data: { name: 'span', line: 11, scope: 'function' }, line: 5, column: 11, endLine: 5, endColumn: 15, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function guarded() {
  try {
    const span = tracer.startSpan('guarded');
    try {
      await work();
    } finally {
      span.end();
    }
  } catch (err) {
    console.error(err);
  }
}` }] },
      ],
    },
    // CommonJS.
    {
      code: `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('app');
async function handle() {
  const span = tracer.startSpan('handle');
  await work();
  span.end();
}
module.exports = { handle };`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('app');
async function handle() {
  const span = tracer.startSpan('handle');
  try {
    await work();
  } finally {
    span.end();
  }
}
module.exports = { handle };` }] },
      ],
    },
    // With awaitRejections off, returns are still checked.
    {
      code: `${HEAD}export async function handle(x: boolean) {
  const span = tracer.startSpan('handle');
  await work();
  if (x) return;
  span.end();
}`,
      options: [{"awaitRejections":false}],
      errors: [
        { messageId: 'openOnReturn', data: { name: 'span', line: 6 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function handle(x: boolean) {
  const span = tracer.startSpan('handle');
  try {
    await work();
    if (x) return;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // Tab indentation.
    {
      code: `${HEAD}export async function tabbed() {
	const span = tracer.startSpan('tabbed');
	await work();
	span.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 8, endLine: 4, endColumn: 12, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function tabbed() {
	const span = tracer.startSpan('tabbed');
	try {
		await work();
	} finally {
		span.end();
	}
}` }] },
      ],
    },
    // A span in a case block.
    {
      code: `${HEAD}export async function route(kind: string) {
  switch (kind) {
    case 'a': {
      const span = tracer.startSpan('a');
      await work();
      span.end();
      break;
    }
  }
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 7 }, line: 6, column: 13, endLine: 6, endColumn: 17, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function route(kind: string) {
  switch (kind) {
    case 'a': {
      const span = tracer.startSpan('a');
      try {
        await work();
      } finally {
        span.end();
      }
      break;
    }
  }
}` }] },
      ],
    },
    // A declaration in the region is used by code before the span: no suggestion.
    {
      code: `${HEAD}export async function early() {
  const log = () => console.log(result);
  const span = tracer.startSpan('early');
  const result = await work();
  log();
  span.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 6 }, line: 5, column: 9, endLine: 5, endColumn: 13, suggestions: [] },
      ],
    },
    // End calls with different arguments cannot become one end() in finally: no suggestion.
    {
      code: `${HEAD}export async function timed(at: number) {
  const span = tracer.startSpan('timed');
  if (at > 0) {
    span.end(at);
    return;
  }
  await work();
  span.end();
}`,
      errors: [{ messageId: 'openOnRejection', data: { name: 'span', line: 9 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [] }],
    },
    // A catch handler that returns another promise can still reject.
    {
      code: `${HEAD}export async function retrying() {
  const span = tracer.startSpan('retrying');
  await load().catch((err) => retry(err));
  span.end();
}`,
      errors: [
        { messageId: 'openOnRejection', data: { name: 'span', line: 5 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function retrying() {
  const span = tracer.startSpan('retrying');
  try {
    await load().catch((err) => retry(err));
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    // A return inside an inner try/catch is not awaited (that would let the catch see the rejection).
    {
      code: `${HEAD}export async function nested(x: boolean) {
  const span = tracer.startSpan('nested');
  try {
    if (x) return fetchIt();
  } catch (err) {
    console.error(err);
  }
  span.end();
}`,
      errors: [
        { messageId: 'openOnReturn', data: { name: 'span', line: 6 }, line: 4, column: 9, endLine: 4, endColumn: 13, suggestions: [{ messageId: 'endInFinally', output: `${HEAD}export async function nested(x: boolean) {
  const span = tracer.startSpan('nested');
  try {
    if (x) return fetchIt();
  } catch (err) {
    console.error(err);
  } finally {
    span.end();
  }
}` }] },
      ],
    },

  ],
});

typedRuleTester.run('require-span-end (typed)', rule, {
  valid: [
    // A delay helper awaited inside context.with's callback: nothing on the way can reject.
    {
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export async function step() {
  const span = tracer.startSpan('step');
  await context.with(trace.setSpan(context.active(), span), async () => {
    await sleep(1);
  });
  span.end();
}`,
      filename: typedFile,
    },
    // A `Tracer` that is not OpenTelemetry's: without types its name alone would make it one.
    {
      code: `import { context } from '@opentelemetry/api';
interface Tracer { startSpan(name: string): { end(): void } }
declare const tracer: Tracer;
declare function work(): Promise<void>;
export async function handle() {
  const span = tracer.startSpan('handle');
  await context.with(context.active(), work);
  span.end();
}`,
      filename: typedFile,
    },
    // A tracer from another module, ended in finally.
    {
      code: `import { appTracer } from './tracing.js';
declare function work(): Promise<void>;
export async function handle() {
  const span = appTracer.startSpan('handle');
  try {
    await work();
  } finally {
    span.end();
  }
}`,
      filename: typedFile,
    },
  ],
  invalid: [
    // A tracer from another module: the file imports nothing from OpenTelemetry.
    {
      code: `import { appTracer } from './tracing.js';
declare function work(): Promise<void>;
export async function handle() {
  const span = appTracer.startSpan('handle');
  await work();
  span.end();
}`,
      filename: typedFile,
      errors: [
        {
          messageId: 'openOnRejection',
          data: { name: 'span', line: 5 },
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 13,
          suggestions: [
            {
              messageId: 'endInFinally',
              output: `import { appTracer } from './tracing.js';
declare function work(): Promise<void>;
export async function handle() {
  const span = appTracer.startSpan('handle');
  try {
    await work();
  } finally {
    span.end();
  }
}`,
            },
          ],
        },
      ],
    },
    // A tracer made by a wrapper function in another module.
    {
      code: `import { makeTracer } from './tracing.js';
const jobs = makeTracer('jobs');
export function run(items: string[]) {
  const span = jobs.startSpan('run');
  if (items.length === 0) return 0;
  span.end();
  return items.length;
}`,
      filename: typedFile,
      errors: [
        {
          messageId: 'openOnReturn',
          data: { name: 'span', line: 5 },
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 13,
          suggestions: [
            {
              messageId: 'endInFinally',
              output: `import { makeTracer } from './tracing.js';
const jobs = makeTracer('jobs');
export function run(items: string[]) {
  const span = jobs.startSpan('run');
  try {
    if (items.length === 0) return 0;
  } finally {
    span.end();
  }
  return items.length;
}`,
            },
          ],
        },
      ],
    },
    // startActiveSpan on a tracer from another module.
    {
      code: `import { appTracer } from './tracing.js';
declare function reserve(): Promise<void>;
export function order() {
  return appTracer.startActiveSpan('order', async (span) => {
    await reserve();
    span.end();
  });
}`,
      filename: typedFile,
      errors: [
        {
          messageId: 'openOnRejection',
          data: { name: 'span', line: 5 },
          line: 4,
          column: 52,
          endLine: 4,
          endColumn: 56,
          suggestions: [
            {
              messageId: 'endInFinally',
              output: `import { appTracer } from './tracing.js';
declare function reserve(): Promise<void>;
export function order() {
  return appTracer.startActiveSpan('order', async (span) => {
    try {
      await reserve();
    } finally {
      span.end();
    }
  });
}`,
            },
          ],
        },
      ],
    },
  ],
});
