import path from 'node:path';
import rule from '../../rules/no-lost-context.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

/** Files of the `fixtures/typed/no-lost-context` project: typed cases lint `case.ts`, worker paths resolve to its modules. */
const besideFixtures = (name: string) => path.join(typedRoot, 'no-lost-context', name);
const CASE = besideFixtures('case.ts');
const STACK = { 'otel-context': { contextManager: 'stack' } };
const ZONE = { 'otel-context': { contextManager: 'zone' } };

untypedRuleTester.run('no-lost-context', rule, {
  valid: [
    // Under AsyncLocalStorage (the default) timers, immediates, microtasks, promise callbacks and
    // code after await keep the context they were scheduled in.
    `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function handle() {
  await tracer.startActiveSpan('request', async (span) => {
    setTimeout(() => tracer.startSpan('timeout').end(), 1);
    setImmediate(() => tracer.startSpan('immediate').end());
    queueMicrotask(() => tracer.startSpan('microtask').end());
    process.nextTick(() => trace.getActiveSpan()?.addEvent('tick'));
    await Promise.resolve().then(() => tracer.startSpan('then').end());
    await new Promise((resolve) => setTimeout(resolve, 1));
    tracer.startSpan('after-await', {}, context.active()).end();
    span.end();
  });
}`,
    // Zones follow timers and promise callbacks, and zone.js runs Node listeners in their registration zone.
    {
      code: `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const bus = new EventEmitter();
tracer.startActiveSpan('click', (span) => {
  setTimeout(() => tracer.startSpan('timer').end(), 1);
  Promise.resolve().then(() => tracer.startSpan('then').end());
  bus.once('done', () => tracer.startSpan('done').end());
  span.end();
});`,
      settings: ZONE,
    },
    // Under the StackContextManager: a timer scheduled outside any span, a callback that starts no
    // span, one already bound, and a span given its parent explicitly after an await.
    {
      code: `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
setTimeout(() => tracer.startSpan('boot').end(), 1);
tracer.startActiveSpan('click', async (span) => {
  setTimeout(() => console.log('no span'), 1);
  setTimeout(context.bind(context.active(), () => tracer.startSpan('bound').end()), 1);
  const ctx = context.active();
  await fetch('/x');
  tracer.startSpan('explicit', {}, ctx).end();
  span.end();
});`,
      settings: STACK,
    },
    // Without a context manager nothing is connected, not even synchronous code: that is a setup
    // bug (require-context-manager), and binding would not help.
    {
      code: `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const bus = new EventEmitter();
tracer.startActiveSpan('x', (span) => {
  bus.on('y', () => tracer.startSpan('y').end());
  setInterval(() => tracer.startSpan('tick').end(), 10);
  span.end();
});`,
      settings: { 'otel-context': { contextManager: 'none' } },
    },
    // Listeners: registered at boot (emit-time context is what is wanted), on an emitter made in
    // the span, starting no span, emitted in the same span, bound, with an explicit parent or root,
    // on a parameter emitter (strict only), on a signal, or after the emitter itself was bound.
    `import { EventEmitter } from 'node:events';
import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const bus = new EventEmitter();
bus.on('job', () => tracer.startActiveSpan('job', (s) => s.end()));
export function handle(req: EventEmitter) {
  tracer.startActiveSpan('request', (span) => {
    const local = new EventEmitter();
    local.on('x', () => tracer.startSpan('local').end());
    bus.on('log', () => console.log('no span'));
    bus.on('ping', () => tracer.startSpan('ping').end());
    bus.emit('ping');
    bus.on('bound', context.bind(context.active(), () => tracer.startSpan('bound').end()));
    bus.on('explicit', () => tracer.startSpan('explicit', {}, ROOT_CONTEXT).end());
    bus.on('root', () => tracer.startSpan('root', { root: true }).end());
    req.on('data', () => tracer.startSpan('data').end());
    process.on('SIGTERM', () => tracer.startSpan('term').end());
    span.end();
  });
}
const early = new EventEmitter();
tracer.startActiveSpan('setup', (span) => {
  context.bind(context.active(), early);
  early.on('x', () => tracer.startSpan('x').end());
  span.end();
});`,
    // An `on()` listener set up inside a startup span stays for the process: emit-time context is
    // what it needs (reported only with `persistentListeners`).
    `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export const jobs = new EventEmitter();
tracer.startActiveSpan('startup', (span) => {
  jobs.on('job', (id: number) => tracer.startActiveSpan('job', (s) => s.end()));
  span.end();
});`,
    // A message that carries a context: injected carrier, a field named for one, or sent in the root context on purpose.
    `import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (!isMainThread) {
  parentPort!.on('message', (msg: any) => {
    context.with(propagation.extract(ROOT_CONTEXT, msg.carrier), () => tracer.startSpan('task').end());
  });
}
export function send() {
  tracer.startActiveSpan('main', (span) => {
    const worker = new Worker(new URL(import.meta.url));
    const carrier = {};
    propagation.inject(context.active(), carrier);
    worker.postMessage({ n: 1, carrier });
    worker.postMessage({ n: 2, headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    context.with(ROOT_CONTEXT, () => worker.postMessage({ n: 3 }));
    span.end();
  });
}`,
    // A worker pool whose task does no tracing (same file, or another file): nothing to connect.
    `import { Piscina } from 'piscina';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
export default async function main() {
  const pool = new Piscina({ filename: import.meta.url, name: 'fib' });
  await tracer.startActiveSpan('main', async (span) => {
    await pool.run(30);
    span.end();
  });
}`,
    {
      code: `import { Piscina } from 'piscina';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const pool = new Piscina({ filename: new URL('./hash-worker.js', import.meta.url).href });
export async function hash(text: string) {
  return tracer.startActiveSpan('hash', async (span) => {
    const h = await pool.run({ text });
    span.end();
    return h;
  });
}`,
      filename: besideFixtures('sender.ts'),
    },
    // The receiving side cannot be seen (a path from a parameter, a processor in another service),
    // or the payload is of unknown shape: reported only with `unknownReceivers` / types.
    `import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { Queue } from 'bullmq';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails');
const pool = new Piscina({ filename: new URL('./task.js', import.meta.url).href });
export function start(file: string, task: unknown) {
  const worker = new Worker(file);
  tracer.startActiveSpan('x', async (span) => {
    worker.postMessage({ a: 1 });
    await queue.add('welcome', { to: 'a@b.c' });
    await pool.run(task);
    span.end();
  });
}`,
    // bullmq's own telemetry option propagates the context.
    `import { Queue, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails', { telemetry: new BullMQOtel('app') });
export async function signup(email: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    await queue.add('welcome', { email });
    span.end();
  });
}
new Worker('emails', async (job) => tracer.startActiveSpan('send', (s) => s.end()), { telemetry: new BullMQOtel('app') });`,
    // Receivers that start deliberate roots, link, pass an explicit parent, or start no span.
    `import { parentPort } from 'node:worker_threads';
import { trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('worker');
parentPort!.on('message', (msg: any) => tracer.startSpan('batch', { root: true }).end());
parentPort!.on('message', (msg: any) => tracer.startSpan('linked', { links: [{ context: msg.spanContext }] }).end());
parentPort!.on('message', (msg: any) => tracer.startSpan('explicit', {}, propagation.extract(ROOT_CONTEXT, msg.carrier)).end());
parentPort!.on('message', (msg: any) => console.log(msg));
process.on('message', (msg) => console.log(msg));`,
    // A worker entry that extracts the context at its top level.
    `import { workerData } from 'node:worker_threads';
import { context, propagation, trace, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('worker');
context.with(propagation.extract(ROOT_CONTEXT, workerData.carrier), () => {
  tracer.startActiveSpan('work', (span) => span.end());
});`,
    // Intervals: started at boot, cleared within the request, starting no span, or deliberately in the root context.
    `import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
setInterval(() => tracer.startSpan('boot-tick').end(), 1000);
export async function sse(res: { on(event: string, listener: () => void): void }) {
  await tracer.startActiveSpan('request', async (span) => {
    const heartbeat = setInterval(() => tracer.startSpan('heartbeat').end(), 1000);
    res.on('close', () => clearInterval(heartbeat));
    setInterval(() => console.log('no span'), 1000);
    context.with(ROOT_CONTEXT, () => setInterval(() => tracer.startSpan('root-tick').end(), 1000));
    setInterval(context.bind(ROOT_CONTEXT, () => tracer.startSpan('bound').end()), 1000);
    span.end();
  });
}`,
    // Long-lived work that is not a leak: a conditional reschedule (poll until done) started in a
    // span, a parameterless idempotent init() guard (boot code), an endless loop started at boot.
    `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
function poll(id: string) {
  tracer.startSpan('poll').end();
  if (id) setTimeout(() => poll(id), 1000);
}
let timer: ReturnType<typeof setInterval> | undefined;
export function init() {
  if (!timer) timer = setInterval(() => tracer.startSpan('metrics').end(), 1000);
}
void (async () => {
  for (;;) {
    tracer.startSpan('sweep').end();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
})();
export function request(id: string) {
  tracer.startActiveSpan('request', (span) => {
    poll(id);
    span.end();
  });
}`,
    // Child processes: a `fork` the file also sends messages to (the message is the channel), a
    // top-level `process.env` branch with no fork of this file, and a spawned tool that is not a
    // Node script of this project.
    `import { fork, spawn } from 'node:child_process';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.DEBUG) {
  tracer.startSpan('debug').end();
}
export function run() {
  tracer.startActiveSpan('run', (span) => {
    const child = fork(new URL('./child.js', import.meta.url));
    child.send({ job: 1 });
    spawn('ffmpeg', ['-i', 'in.mp4', 'out.webm']);
    span.end();
  });
}`,
    // A file that uses no tracing at all.
    `import { Worker } from 'node:worker_threads';
const worker = new Worker(new URL(import.meta.url));
worker.postMessage({ a: 1 });`,
    // An emitter made in the span, though kept in an outer \`let\`: its events belong to the span
    // (pattern from the redis and ioredis instrumentation tests).
    {
      code: `import { trace, context } from '@opentelemetry/api';
import Redis from 'ioredis';
const tracer = trace.getTracer('app');
export function connect(done) {
  const span = tracer.startSpan('connect');
  let client;
  const onReady = () => {
    trace.getSpan(context.active())?.addEvent('ready');
    client.quit(done);
  };
  context.with(trace.setSpan(context.active(), span), () => {
    client = new Redis();
    client.on('ready', onReady);
  });
}`,
      options: [{ persistentListeners: true, parameterEmitters: true }],
    },
  ],
  invalid: [
    // An outer emitter assigned before the span started outlives it.
    {
      code: `import { trace } from '@opentelemetry/api';
import Redis from 'ioredis';
const tracer = trace.getTracer('app');
let client;
export function connect() {
  client = new Redis();
  tracer.startActiveSpan('connect', (span) => {
    client.once('ready', () => tracer.startSpan('ready').end());
    span.end();
  });
}`,
      errors: [{ messageId: 'listenerLosesContext', line: 8, suggestions: [{ messageId: 'suggestBindListener', output: `import { trace, context } from '@opentelemetry/api';
import Redis from 'ioredis';
const tracer = trace.getTracer('app');
let client;
export function connect() {
  client = new Redis();
  tracer.startActiveSpan('connect', (span) => {
    client.once('ready', context.bind(context.active(), () => tracer.startSpan('ready').end()));
    span.end();
  });
}` }] }],
    },
    // worker_threads: the message and the handler in this file.
    {
      code: `import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (!isMainThread) {
  parentPort!.on('message', (msg: { n: number }) => {
    tracer.startActiveSpan('task', (span) => span.end());
  });
} else {
  tracer.startActiveSpan('main', (span) => {
    const worker = new Worker(new URL(import.meta.url));
    worker.postMessage({ n: 1 });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'worker message handler', unit: 'message' },
          line: 5,
          column: 50,
          endLine: 5,
          endColumn: 52,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'msg.otelCarrier' },
              output: `import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (!isMainThread) {
  parentPort!.on('message', (msg: { n: number; otelCarrier?: Record<string, string> }) => context.with(propagation.extract(ROOT_CONTEXT, msg.otelCarrier ?? {}), () => {
    tracer.startActiveSpan('task', (span) => span.end());
  }));
} else {
  tracer.startActiveSpan('main', (span) => {
    const worker = new Worker(new URL(import.meta.url));
    worker.postMessage({ n: 1 });
    span.end();
  });
}`,
            },
          ],
        },
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This `postMessage()` payload', where: 'a worker thread', partner: '' },
          line: 11,
          column: 24,
          endLine: 11,
          endColumn: 32,
          suggestions: [
            {
              messageId: 'suggestInject',
              data: { key: 'otelCarrier' },
              output: `import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (!isMainThread) {
  parentPort!.on('message', (msg: { n: number }) => {
    tracer.startActiveSpan('task', (span) => span.end());
  });
} else {
  tracer.startActiveSpan('main', (span) => {
    const worker = new Worker(new URL(import.meta.url));
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    worker.postMessage({ n: 1, otelCarrier });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // worker_threads in CommonJS: the import is added to the existing require namespace.
    {
      code: `const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('app');
if (!isMainThread) {
  parentPort.on('message', function (msg) {
    tracer.startActiveSpan('task', (span) => span.end());
  });
} else {
  tracer.startActiveSpan('main', (span) => {
    const msg = { n: 1 };
    new Worker(__filename).postMessage(msg);
    span.end();
  });
}`,
      filename: 'worker.cjs',
      languageOptions: { parserOptions: { sourceType: 'script' } },
      errors: [
        {
          messageId: 'receiverWithoutContext',
          line: 5,
          column: 28,
          endLine: 5,
          endColumn: 37,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'msg.otelCarrier' },
              output: `const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('app');
if (!isMainThread) {
  parentPort.on('message', function (msg) {
    return api.context.with(api.propagation.extract(api.ROOT_CONTEXT, msg.otelCarrier ?? {}), () => {
      tracer.startActiveSpan('task', (span) => span.end());
    });
  });
} else {
  tracer.startActiveSpan('main', (span) => {
    const msg = { n: 1 };
    new Worker(__filename).postMessage(msg);
    span.end();
  });
}`,
            },
          ],
        },
        {
          messageId: 'messageWithoutContext',
          line: 11,
          column: 40,
          endLine: 11,
          endColumn: 43,
          suggestions: [
            {
              messageId: 'suggestInject',
              data: { key: 'otelCarrier' },
              output: `const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('app');
if (!isMainThread) {
  parentPort.on('message', function (msg) {
    tracer.startActiveSpan('task', (span) => span.end());
  });
} else {
  tracer.startActiveSpan('main', (span) => {
    const msg = { n: 1, otelCarrier: {} };
    api.propagation.inject(api.context.active(), msg.otelCarrier);
    new Worker(__filename).postMessage(msg);
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // workerData read by the worker's entry function.
    {
      code: `import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
async function runWorker() {
  await tracer.startActiveSpan('work', async (span) => {
    span.setAttribute('n', workerData.n);
    span.end();
  });
}
if (!isMainThread) void runWorker();
export function start() {
  tracer.startActiveSpan('main', (span) => {
    new Worker(new URL(import.meta.url), { workerData: { n: 1 } });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'worker code reading `workerData`', unit: 'worker' },
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 25,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'workerData.otelCarrier' },
              output: `import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
async function runWorker() {
  return context.with(propagation.extract(ROOT_CONTEXT, workerData.otelCarrier ?? {}), async () => {
    await tracer.startActiveSpan('work', async (span) => {
      span.setAttribute('n', workerData.n);
      span.end();
    });
  });
}
if (!isMainThread) void runWorker();
export function start() {
  tracer.startActiveSpan('main', (span) => {
    new Worker(new URL(import.meta.url), { workerData: { n: 1 } });
    span.end();
  });
}`,
            },
          ],
        },
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This `workerData`', where: 'a worker thread', partner: '' },
          line: 13,
          column: 56,
          endLine: 13,
          endColumn: 64,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
async function runWorker() {
  await tracer.startActiveSpan('work', async (span) => {
    span.setAttribute('n', workerData.n);
    span.end();
  });
}
if (!isMainThread) void runWorker();
export function start() {
  tracer.startActiveSpan('main', (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    new Worker(new URL(import.meta.url), { workerData: { n: 1, otelCarrier } });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // piscina: the task export of this file, called from an arrow's expression body; the task's
    // destructured, typed parameter gets the carrier too.
    {
      code: `import { Piscina } from 'piscina';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const pool = new Piscina({ filename: new URL(import.meta.url).href, name: 'hashTask' });
export function hash(input: string) {
  return tracer.startActiveSpan('hash', (span) => pool.run({ input }).finally(() => span.end()));
}
export function hashTask({ input }: { input: string }) {
  return tracer.startActiveSpan('hash-task', (span) => {
    span.end();
    return input.length;
  });
}`,
      errors: [
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This piscina task', where: 'a piscina worker thread', partner: '' },
          line: 6,
          column: 60,
          endLine: 6,
          endColumn: 69,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import { Piscina } from 'piscina';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const pool = new Piscina({ filename: new URL(import.meta.url).href, name: 'hashTask' });
export function hash(input: string) {
  return tracer.startActiveSpan('hash', (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    return pool.run({ input, otelCarrier }).finally(() => span.end());
  });
}
export function hashTask({ input }: { input: string }) {
  return tracer.startActiveSpan('hash-task', (span) => {
    span.end();
    return input.length;
  });
}`,
            },
          ],
        },
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'piscina task', unit: 'task' },
          line: 8,
          column: 8,
          endLine: 8,
          endColumn: 25,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'otelCarrier' },
              output: `import { Piscina } from 'piscina';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const pool = new Piscina({ filename: new URL(import.meta.url).href, name: 'hashTask' });
export function hash(input: string) {
  return tracer.startActiveSpan('hash', (span) => pool.run({ input }).finally(() => span.end()));
}
export function hashTask({ input, otelCarrier }: { input: string; otelCarrier?: Record<string, string> }) {
  return context.with(propagation.extract(ROOT_CONTEXT, otelCarrier ?? {}), () => {
    return tracer.startActiveSpan('hash-task', (span) => {
      span.end();
      return input.length;
    });
  });
}`,
            },
          ],
        },
      ],
    },
    // child_process.fork: the message and the child's handler (Node types the message `unknown`).
    {
      code: `import { fork } from 'node:child_process';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD) {
  process.on('message', (message) => {
    tracer.startSpan('child-task').end();
  });
}
export function run(child = fork(__filename)) {
  const job = fork(__filename);
  tracer.startActiveSpan('run', (span) => {
    job.send({ id: 1 });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'process message handler', unit: 'message' },
          line: 5,
          column: 35,
          endLine: 5,
          endColumn: 37,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: '(message as { otelCarrier?: Record<string, string> }).otelCarrier' },
              output: `import { fork } from 'node:child_process';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD) {
  process.on('message', (message) => context.with(propagation.extract(ROOT_CONTEXT, (message as { otelCarrier?: Record<string, string> }).otelCarrier ?? {}), () => {
    tracer.startSpan('child-task').end();
  }));
}
export function run(child = fork(__filename)) {
  const job = fork(__filename);
  tracer.startActiveSpan('run', (span) => {
    job.send({ id: 1 });
    span.end();
  });
}`,
            },
          ],
        },
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This `send()` message', where: 'a child process', partner: '' },
          line: 12,
          column: 14,
          endLine: 12,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import { fork } from 'node:child_process';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD) {
  process.on('message', (message) => {
    tracer.startSpan('child-task').end();
  });
}
export function run(child = fork(__filename)) {
  const job = fork(__filename);
  tracer.startActiveSpan('run', (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    job.send({ id: 1, otelCarrier });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // A forked child that works at startup from its environment: TRACEPARENT and friends, the
    // specification's environment carrier, on both sides. Each send's suggestion declares its own
    // variable, as the codemod applies them together.
    {
      code: `import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD_JOB === '1') {
  tracer.startActiveSpan('child-job', (span) => span.end());
}
export function run() {
  tracer.startActiveSpan('request', (span) => {
    fork(fileURLToPath(import.meta.url));
    spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit' });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'child process code', unit: 'child process' },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 34,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'process.env' },
              output: `import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD_JOB === '1') {
  context.with(propagation.extract(ROOT_CONTEXT, process.env, { get: (carrier, key) => carrier[key.toUpperCase()], keys: (carrier) => Object.keys(carrier) }), () => {
    tracer.startActiveSpan('child-job', (span) => span.end());
  });
}
export function run() {
  tracer.startActiveSpan('request', (span) => {
    fork(fileURLToPath(import.meta.url));
    spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit' });
    span.end();
  });
}`,
            },
          ],
        },
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This child process environment', where: 'a child process', partner: '' },
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 41,
          suggestions: [
            {
              messageId: 'suggestInject',
              data: { key: 'TRACEPARENT' },
              output: `import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD_JOB === '1') {
  tracer.startActiveSpan('child-job', (span) => span.end());
}
export function run() {
  tracer.startActiveSpan('request', (span) => {
    const otelEnv: Record<string, string> = {};
    propagation.inject(context.active(), otelEnv, { set: (carrier, key, value) => { carrier[key.toUpperCase()] = value; } });
    fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, ...otelEnv } });
    spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit' });
    span.end();
  });
}`,
            },
          ],
        },
        {
          messageId: 'messageWithoutContext',
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 84,
          suggestions: [
            {
              messageId: 'suggestInject',
              data: { key: 'TRACEPARENT' },
              output: `import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (process.env.CHILD_JOB === '1') {
  tracer.startActiveSpan('child-job', (span) => span.end());
}
export function run() {
  tracer.startActiveSpan('request', (span) => {
    fork(fileURLToPath(import.meta.url));
    const otelEnv2: Record<string, string> = {};
    propagation.inject(context.active(), otelEnv2, { set: (carrier, key, value) => { carrier[key.toUpperCase()] = value; } });
    spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, ...otelEnv2 } });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // cluster: the primary sends to a worker process running this same file.
    {
      code: `import cluster from 'node:cluster';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (cluster.isPrimary) {
  tracer.startActiveSpan('dispatch', (span) => {
    cluster.fork().send({ job: 1 });
    span.end();
  });
} else {
  process.on('message', (msg: any) => tracer.startSpan('job').end());
}`,
      errors: [
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This `send()` message', where: 'a cluster worker process', partner: '' },
          line: 6,
          column: 25,
          endLine: 6,
          endColumn: 35,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import cluster from 'node:cluster';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (cluster.isPrimary) {
  tracer.startActiveSpan('dispatch', (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    cluster.fork().send({ job: 1, otelCarrier });
    span.end();
  });
} else {
  process.on('message', (msg: any) => tracer.startSpan('job').end());
}`,
            },
          ],
        },
        {
          messageId: 'receiverWithoutContext',
          line: 10,
          column: 36,
          endLine: 10,
          endColumn: 38,
          suggestions: [
            {
              messageId: 'suggestExtract',
              output: `import cluster from 'node:cluster';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
if (cluster.isPrimary) {
  tracer.startActiveSpan('dispatch', (span) => {
    cluster.fork().send({ job: 1 });
    span.end();
  });
} else {
  process.on('message', (msg: any) => context.with(propagation.extract(ROOT_CONTEXT, msg.otelCarrier ?? {}), () => tracer.startSpan('job').end()));
}`,
            },
          ],
        },
      ],
    },
    // bullmq: producer and processor of the same queue in one file.
    {
      code: `import { Queue, Worker } from 'bullmq';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails');
export async function signup(email: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    await queue.add('welcome', { email });
    span.end();
  });
}
new Worker('emails', async (job) => {
  await tracer.startActiveSpan('send-email', async (span) => span.end());
});`,
      errors: [
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This queued job', where: 'the `emails` queue processor', partner: '' },
          line: 7,
          column: 32,
          endLine: 7,
          endColumn: 41,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import { Queue, Worker } from 'bullmq';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails');
export async function signup(email: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    await queue.add('welcome', { email, otelCarrier });
    span.end();
  });
}
new Worker('emails', async (job) => {
  await tracer.startActiveSpan('send-email', async (span) => span.end());
});`,
            },
          ],
        },
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'queue processor', unit: 'job' },
          line: 11,
          column: 34,
          endLine: 11,
          endColumn: 36,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'job.data.otelCarrier' },
              output: `import { Queue, Worker } from 'bullmq';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails');
export async function signup(email: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    await queue.add('welcome', { email });
    span.end();
  });
}
new Worker('emails', async (job) => context.with(propagation.extract(ROOT_CONTEXT, job.data.otelCarrier ?? {}), async () => {
  await tracer.startActiveSpan('send-email', async (span) => span.end());
}));`,
            },
          ],
        },
      ],
    },
    // A configured queue client: listing it says its processor traces.
    {
      code: `import Queue from 'bee-queue';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('thumbnails');
export function upload(id: string) {
  tracer.startActiveSpan('upload', (span) => {
    queue.createJob({ id }).save();
    span.end();
  });
}`,
      options: [{ queues: [{ module: 'bee-queue', method: 'createJob', payloadArgument: 0 }] }],
      errors: [
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This queued job', where: 'the queue processor', partner: '' },
          line: 7,
          column: 21,
          endLine: 7,
          endColumn: 27,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import Queue from 'bee-queue';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('thumbnails');
export function upload(id: string) {
  tracer.startActiveSpan('upload', (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    queue.createJob({ id, otelCarrier }).save();
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // A worker module in another file that traces: the message names it.
    {
      code: `import { Worker } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const worker = new Worker(new URL('./image-worker.js', import.meta.url));
export function resize(width: number) {
  tracer.startActiveSpan('resize', (span) => {
    worker.postMessage({ width });
    span.end();
  });
}`,
      filename: besideFixtures('sender.ts'),
      errors: [
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This `postMessage()` payload', where: 'a worker thread', partner: ' (`image-worker.ts`)' },
          line: 7,
          column: 24,
          endLine: 7,
          endColumn: 33,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import { Worker } from 'node:worker_threads';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const worker = new Worker(new URL('./image-worker.js', import.meta.url));
export function resize(width: number) {
  tracer.startActiveSpan('resize', (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    worker.postMessage({ width, otelCarrier });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // The same, in a codemod run that does not process the worker's file: no suggestion.
    {
      code: `import { Worker } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const worker = new Worker(new URL('./image-worker.js', import.meta.url));
tracer.startActiveSpan('resize', (span) => {
  worker.postMessage({ width: 1 });
  span.end();
});`,
      filename: besideFixtures('sender.ts'),
      options: [{ processedFiles: [besideFixtures('sender.ts')] }],
      errors: [{ messageId: 'messageWithoutContext', line: 6, column: 22, endLine: 6, endColumn: 34, suggestions: [] }],
    },
    // `unknownReceivers`: a worker whose module cannot be resolved.
    {
      code: `import { Worker } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function start(file: string) {
  const worker = new Worker(file);
  tracer.startActiveSpan('resize', (span) => {
    worker.postMessage('go');
    span.end();
  });
}`,
      options: [{ unknownReceivers: true }],
      errors: [{ messageId: 'messageWithoutContext', line: 7, column: 24, endLine: 7, endColumn: 28, suggestions: [] }],
    },
    // A worker entry in its own file: the receiving side is reported on its own.
    {
      code: `import { parentPort } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('worker');
parentPort?.on('message', ({ width, height }) => {
  tracer.startActiveSpan('resize', (span) => {
    span.setAttribute('size', width * height);
    span.end();
  });
});`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          line: 4,
          column: 47,
          endLine: 4,
          endColumn: 49,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'otelCarrier' },
              output: `import { parentPort } from 'node:worker_threads';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('worker');
parentPort?.on('message', ({ width, height, otelCarrier }) => context.with(propagation.extract(ROOT_CONTEXT, otelCarrier ?? {}), () => {
  tracer.startActiveSpan('resize', (span) => {
    span.setAttribute('size', width * height);
    span.end();
  });
}));`,
            },
          ],
        },
      ],
    },
    // A worker entry of its own: spans started at its top level, and a function reading `workerData`.
    {
      code: `import { parentPort, workerData } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('pricing-worker');
const { sku } = workerData as { sku: string };
const span = tracer.startSpan('ComputePrice');
tracer.startActiveSpan('Validate', { attributes: { sku } }, (s) => s.end());
parentPort!.postMessage(1);
span.end();`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          data: { what: 'worker code reading `workerData`', unit: 'worker' },
          line: 5,
          column: 14,
          endLine: 5,
          endColumn: 46,
          suggestions: [
            {
              messageId: 'suggestExtract',
              data: { carrier: 'workerData.otelCarrier' },
              output: `import { parentPort, workerData } from 'node:worker_threads';
import { trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('pricing-worker');
const { sku } = workerData as { sku: string };
const span = tracer.startSpan('ComputePrice', {}, propagation.extract(ROOT_CONTEXT, workerData.otelCarrier ?? {}));
tracer.startActiveSpan('Validate', { attributes: { sku } }, (s) => s.end());
parentPort!.postMessage(1);
span.end();`,
            },
          ],
        },
        {
          messageId: 'receiverWithoutContext',
          line: 6,
          column: 1,
          endLine: 6,
          endColumn: 76,
          suggestions: [
            {
              messageId: 'suggestExtract',
              output: `import { parentPort, workerData } from 'node:worker_threads';
import { trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('pricing-worker');
const { sku } = workerData as { sku: string };
const span = tracer.startSpan('ComputePrice');
tracer.startActiveSpan('Validate', { attributes: { sku } }, propagation.extract(ROOT_CONTEXT, workerData.otelCarrier ?? {}), (s) => s.end());
parentPort!.postMessage(1);
span.end();`,
            },
          ],
        },
      ],
    },
    {
      code: `import { workerData } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('worker');
async function run(): Promise<void> {
  await tracer.startActiveSpan('work', async (span) => {
    span.setAttribute('n', workerData.n);
    span.end();
  });
}
void run();`,
      errors: [
        {
          messageId: 'receiverWithoutContext',
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 19,
          suggestions: [
            {
              messageId: 'suggestExtract',
              output: `import { workerData } from 'node:worker_threads';
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('worker');
async function run(): Promise<void> {
  return context.with(propagation.extract(ROOT_CONTEXT, workerData.otelCarrier ?? {}), async () => {
    await tracer.startActiveSpan('work', async (span) => {
      span.setAttribute('n', workerData.n);
      span.end();
    });
  });
}
void run();`,
            },
          ],
        },
      ],
    },
    // A listener registered in a span on a module-level emitter.
    {
      code: `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const bus = new EventEmitter();
export function request() {
  tracer.startActiveSpan('request', (span) => {
    bus.once('reply', (payload) => {
      tracer.startActiveSpan('handle-reply', (s) => s.end());
    });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'listenerLosesContext',
          data: { emitter: 'bus' },
          line: 7,
          column: 23,
          endLine: 9,
          endColumn: 6,
          suggestions: [
            {
              messageId: 'suggestBindListener',
              output: `import { EventEmitter } from 'node:events';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const bus = new EventEmitter();
export function request() {
  tracer.startActiveSpan('request', (span) => {
    bus.once('reply', context.bind(context.active(), (payload) => {
      tracer.startActiveSpan('handle-reply', (s) => s.end());
    }));
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // An `on()` subscription the span removes again is the span's own; the named listener is bound
    // where it is declared, so `on` and `off` keep one function.
    {
      code: `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const prices = new EventEmitter();
export function watchPrice(ms: number) {
  return tracer.startActiveSpan('watch', async (span) => {
    const onPrice = (price: number) => tracer.startSpan('price').setAttribute('price', price).end();
    prices.on('price', onPrice);
    await new Promise((resolve) => setTimeout(resolve, ms));
    prices.off('price', onPrice);
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'listenerLosesContext',
          data: { emitter: 'prices' },
          line: 8,
          column: 24,
          endLine: 8,
          endColumn: 31,
          suggestions: [
            {
              messageId: 'suggestBindListener',
              output: `import { EventEmitter } from 'node:events';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const prices = new EventEmitter();
export function watchPrice(ms: number) {
  return tracer.startActiveSpan('watch', async (span) => {
    const onPrice = context.bind(context.active(), (price: number) => tracer.startSpan('price').setAttribute('price', price).end());
    prices.on('price', onPrice);
    await new Promise((resolve) => setTimeout(resolve, ms));
    prices.off('price', onPrice);
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // On a class field; through a function the listener calls; and a bind of the emitter that
    // comes after the listener (it changes nothing for listeners already added).
    {
      code: `import { EventEmitter } from 'node:events';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
function ship(id: string) {
  tracer.startSpan('ship').setAttribute('id', id).end();
}
export class Orders {
  private readonly events = new EventEmitter();
  place(id: string) {
    context.with(context.active(), () => {
      tracer.startActiveSpan('place', (span) => {
        this.events.once('paid', () => ship(id));
        context.bind(context.active(), this.events);
        span.end();
      });
    });
  }
}`,
      errors: [
        {
          messageId: 'listenerLosesContext',
          data: { emitter: 'this.events' },
          line: 12,
          column: 34,
          endLine: 12,
          endColumn: 48,
          suggestions: [
            {
              messageId: 'suggestBindListener',
              output: `import { EventEmitter } from 'node:events';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
function ship(id: string) {
  tracer.startSpan('ship').setAttribute('id', id).end();
}
export class Orders {
  private readonly events = new EventEmitter();
  place(id: string) {
    context.with(context.active(), () => {
      tracer.startActiveSpan('place', (span) => {
        this.events.once('paid', context.bind(context.active(), () => ship(id)));
        context.bind(context.active(), this.events);
        span.end();
      });
    });
  }
}`,
            },
          ],
        },
      ],
    },
    // `persistentListeners`: an `on()` listener that stays after the span; named and also removed
    // elsewhere, so wrapping it would break the removal: no suggestion.
    {
      code: `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const bus = new EventEmitter();
function onTick() {
  tracer.startSpan('tick').end();
}
export function subscribe() {
  tracer.startActiveSpan('subscribe', (span) => {
    bus.on('tick', onTick);
    span.end();
  });
}
export function unsubscribe() {
  bus.off('tick', onTick);
}`,
      options: [{ persistentListeners: true }],
      errors: [{ messageId: 'listenerLosesContext', line: 10, column: 20, endLine: 10, endColumn: 26, suggestions: [] }],
    },
    // `parameterEmitters`: an emitter passed in by the caller.
    {
      code: `import type { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function watch(source: EventEmitter) {
  tracer.startActiveSpan('watch', (span) => {
    source.once('change', () => tracer.startSpan('on-change').end());
    span.end();
  });
}`,
      options: [{ parameterEmitters: true }],
      errors: [
        {
          messageId: 'listenerLosesContext',
          data: { emitter: 'source' },
          line: 6,
          column: 27,
          endLine: 6,
          endColumn: 68,
          suggestions: [
            {
              messageId: 'suggestBindListener',
              output: `import type { EventEmitter } from 'node:events';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function watch(source: EventEmitter) {
  tracer.startActiveSpan('watch', (span) => {
    source.once('change', context.bind(context.active(), () => tracer.startSpan('on-change').end()));
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // An interval started in a span and never cleared there.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
let flusher: ReturnType<typeof setInterval> | undefined;
export async function handle() {
  await tracer.startActiveSpan('request', async (span) => {
    flusher ??= setInterval(() => tracer.startActiveSpan('flush', (s) => s.end()), 1000);
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'longLivedWorkLeaksContext',
          data: { what: '`setInterval`', unit: 'tick', fix: 'context.bind(ROOT_CONTEXT, callback)' },
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 28,
          suggestions: [
            {
              messageId: 'suggestBindRoot',
              output: `import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
let flusher: ReturnType<typeof setInterval> | undefined;
export async function handle() {
  await tracer.startActiveSpan('request', async (span) => {
    flusher ??= setInterval(context.bind(ROOT_CONTEXT, () => tracer.startActiveSpan('flush', (s) => s.end())), 1000);
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // A timer loop and an endless async loop started inside a span.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
function tick() {
  tracer.startSpan('tick').end();
  setTimeout(tick, 1000);
}
tracer.startActiveSpan('request', (span) => {
  tick();
  void (async () => {
    while (true) {
      tracer.startSpan('sweep').end();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  span.end();
});`,
      errors: [
        {
          messageId: 'longLivedWorkLeaksContext',
          data: { what: 'timer loop', unit: 'tick', fix: 'context.with(ROOT_CONTEXT, () => ...)' },
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 7,
          suggestions: [
            {
              messageId: 'suggestBindRoot',
              output: `import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
function tick() {
  tracer.startSpan('tick').end();
  setTimeout(tick, 1000);
}
tracer.startActiveSpan('request', (span) => {
  context.with(ROOT_CONTEXT, () => tick());
  void (async () => {
    while (true) {
      tracer.startSpan('sweep').end();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  span.end();
});`,
            },
          ],
        },
        {
          messageId: 'longLivedWorkLeaksContext',
          data: { what: 'endless async loop', unit: 'iteration', fix: 'context.with(ROOT_CONTEXT, () => ...)' },
          line: 9,
          column: 18,
          endLine: 9,
          endColumn: 20,
          suggestions: [
            {
              messageId: 'suggestBindRoot',
              output: `import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
function tick() {
  tracer.startSpan('tick').end();
  setTimeout(tick, 1000);
}
tracer.startActiveSpan('request', (span) => {
  tick();
  void context.with(ROOT_CONTEXT, () => (async () => {
    while (true) {
      tracer.startSpan('sweep').end();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })());
  span.end();
});`,
            },
          ],
        },
      ],
    },
    // Started lazily by the first call of a method that takes arguments: that caller's context stays.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export class Metrics {
  private timer?: ReturnType<typeof setInterval>;
  record(name: string) {
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), 1000);
    }
  }
  flush() {
    tracer.startSpan('flush').end();
  }
}`,
      errors: [
        {
          messageId: 'lazyStartLeaksContext',
          data: { what: '`setInterval`', unit: 'tick', fix: 'context.bind(ROOT_CONTEXT, callback)', starter: '`record`' },
          line: 7,
          column: 20,
          endLine: 7,
          endColumn: 31,
          suggestions: [
            {
              messageId: 'suggestBindRoot',
              output: `import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export class Metrics {
  private timer?: ReturnType<typeof setInterval>;
  record(name: string) {
    if (!this.timer) {
      this.timer = setInterval(context.bind(ROOT_CONTEXT, () => this.flush()), 1000);
    }
  }
  flush() {
    tracer.startSpan('flush').end();
  }
}`,
            },
          ],
        },
      ],
    },
    // StackContextManager (from the settings): timer, microtask and promise callbacks are fixed;
    // the span after an await is reported.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('click', async (span) => {
  setTimeout(() => tracer.startSpan('later').end(), 10);
  queueMicrotask(() => trace.getActiveSpan()?.addEvent('queued'));
  Promise.resolve().then(() => tracer.startSpan('then').end());
  await fetch('/x');
  tracer.startSpan('after-await').end();
  span.end();
});`,
      settings: STACK,
      // Each fix adds the import, so the first pass applies one; the second applies the rest.
      output: [
        `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('click', async (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('later').end()), 10);
  queueMicrotask(() => trace.getActiveSpan()?.addEvent('queued'));
  Promise.resolve().then(() => tracer.startSpan('then').end());
  await fetch('/x');
  tracer.startSpan('after-await').end();
  span.end();
});`,
        `import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('click', async (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('later').end()), 10);
  queueMicrotask(context.bind(context.active(), () => trace.getActiveSpan()?.addEvent('queued')));
  Promise.resolve().then(context.bind(context.active(), () => tracer.startSpan('then').end()));
  await fetch('/x');
  tracer.startSpan('after-await').end();
  span.end();
});`,
      ],
      errors: [
        {
          messageId: 'callbackLosesContext',
          data: { manager: '`StackContextManager`', api: 'setTimeout' },
          line: 4,
          column: 14,
          endLine: 4,
          endColumn: 51,
        },
        { messageId: 'callbackLosesContext', data: { manager: '`StackContextManager`', api: 'queueMicrotask' }, line: 5, column: 18, endLine: 5, endColumn: 65 },
        { messageId: 'callbackLosesContext', data: { manager: '`StackContextManager`', api: '.then' }, line: 6, column: 26, endLine: 6, endColumn: 62 },
        { messageId: 'awaitLosesContext', data: { manager: '`StackContextManager`' }, line: 8, column: 3, endLine: 8, endColumn: 34 },
      ],
    },
    // The StackContextManager detected from this file's own setup (a WebTracerProvider's default).
    {
      code: `import { trace } from '@opentelemetry/api';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
new WebTracerProvider().register();
const tracer = trace.getTracer('app');
document.getElementById('buy')!.addEventListener('click', () => {
  tracer.startActiveSpan('click', (span) => {
    requestAnimationFrame(() => tracer.startSpan('paint').end());
    span.end();
  });
});`,
      output: `import { trace, context } from '@opentelemetry/api';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
new WebTracerProvider().register();
const tracer = trace.getTracer('app');
document.getElementById('buy')!.addEventListener('click', () => {
  tracer.startActiveSpan('click', (span) => {
    requestAnimationFrame(context.bind(context.active(), () => tracer.startSpan('paint').end()));
    span.end();
  });
});`,
      errors: [{ messageId: 'callbackLosesContext', data: { manager: '`StackContextManager`', api: 'requestAnimationFrame' }, line: 7, column: 27, endLine: 7, endColumn: 64 }],
    },
    // ZoneContextManager: native async/await loses the zone.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function load() {
  return tracer.startActiveSpan('load', async (span) => {
    for (const url of ['/a', '/b']) {
      trace.getActiveSpan()?.addEvent(url);
      await fetch(url);
    }
    span.end();
  });
}`,
      settings: ZONE,
      errors: [{ messageId: 'awaitLosesContext', data: { manager: '`ZoneContextManager`' }, line: 6, column: 7, endLine: 6, endColumn: 28 }],
    },
  ],
});

typedRuleTester.run('no-lost-context (typed)', rule, {
  valid: [
    // A `.on()` that is not an EventEmitter's.
    {
      code: `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
class Router { on(path: string, handler: () => void) {} }
const router = new Router();
tracer.startActiveSpan('setup', (span) => {
  router.on('/x', () => tracer.startSpan('route').end());
  span.end();
});`,
      filename: CASE,
    },
    // A payload whose declared type carries a context, or has an index signature (it may).
    {
      code: `import { Worker } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
interface Job { id: string; traceContext: Record<string, string> }
const tracer = trace.getTracer('app');
export function send(worker: Worker, job: Job, meta: Record<string, string>) {
  tracer.startActiveSpan('send', (span) => {
    worker.postMessage(job);
    worker.postMessage(meta);
    span.end();
  });
}`,
      filename: CASE,
      options: [{ unknownReceivers: true }],
    },
    // A bullmq processor in another file that traces, fed through bullmq's telemetry.
    {
      code: `import { Queue } from 'bullmq';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails', { telemetry: {} });
export async function signup(to: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    await queue.add('welcome', { to });
    span.end();
  });
}`,
      filename: CASE,
    },
  ],
  invalid: [
    // A bullmq processor elsewhere in the program (`email-processor.ts`) traces.
    {
      code: `import { Queue } from 'bullmq';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails');
export async function signup(to: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    await queue.add('welcome', { to });
    span.end();
  });
}`,
      filename: CASE,
      errors: [
        {
          messageId: 'messageWithoutContext',
          data: { what: 'This queued job', where: 'the `emails` queue processor', partner: ' (`email-processor.ts`)' },
          line: 7,
          column: 32,
          endLine: 7,
          endColumn: 38,
          suggestions: [
            {
              messageId: 'suggestInject',
              output: `import { Queue } from 'bullmq';
import { trace, context, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const queue = new Queue('emails');
export async function signup(to: string) {
  await tracer.startActiveSpan('signup', async (span) => {
    const otelCarrier = {};
    propagation.inject(context.active(), otelCarrier);
    await queue.add('welcome', { to, otelCarrier });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // Types recognise a Worker and a Piscina received from elsewhere, and a payload type without a
    // context field (with `unknownReceivers`, as the receiving modules cannot be seen).
    {
      code: `import type { Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { trace } from '@opentelemetry/api';
interface Resize { width: number; height: number }
const tracer = trace.getTracer('app');
export class Images {
  constructor(private readonly pool: Piscina, private readonly worker: Worker) {}
  resize(job: Resize) {
    return tracer.startActiveSpan('resize', async (span) => {
      this.worker.postMessage(job);
      await this.pool.run(job);
      span.end();
    });
  }
}`,
      filename: CASE,
      options: [{ unknownReceivers: true }],
      errors: [
        { messageId: 'messageWithoutContext', data: { what: 'This `postMessage()` payload', where: 'a worker thread', partner: '' }, line: 10, column: 31, endLine: 10, endColumn: 34, suggestions: [] },
        { messageId: 'messageWithoutContext', data: { what: 'This piscina task', where: 'a piscina worker thread', partner: '' }, line: 11, column: 27, endLine: 11, endColumn: 30, suggestions: [] },
      ],
    },
    // A socket is an EventEmitter by its type.
    {
      code: `import net from 'node:net';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const upstream = net.connect(6379, '127.0.0.1');
export function query(key: string) {
  tracer.startActiveSpan('query', (span) => {
    upstream.once('data', () => tracer.startSpan('reply').end());
    upstream.write(key);
    span.end();
  });
}`,
      filename: CASE,
      errors: [
        {
          messageId: 'listenerLosesContext',
          data: { emitter: 'upstream' },
          line: 7,
          column: 27,
          endLine: 7,
          endColumn: 64,
          suggestions: [
            {
              messageId: 'suggestBindListener',
              output: `import net from 'node:net';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
const upstream = net.connect(6379, '127.0.0.1');
export function query(key: string) {
  tracer.startActiveSpan('query', (span) => {
    upstream.once('data', context.bind(context.active(), () => tracer.startSpan('reply').end()));
    upstream.write(key);
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    // The program registers a StackContextManager (`browser-setup.ts`, imported here).
    {
      code: `import './browser-setup.js';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('click', (span) => {
  setTimeout(() => tracer.startSpan('later').end(), 10);
  span.end();
});`,
      filename: CASE,
      output: `import './browser-setup.js';
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('click', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('later').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'callbackLosesContext', line: 5, column: 14, endLine: 5, endColumn: 51 }],
    },
  ],
});
