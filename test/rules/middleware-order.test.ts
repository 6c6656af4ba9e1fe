import path from 'node:path';
import rule from '../../rules/middleware-order.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

const TRACING_FN = `import express from 'express';
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('app');
const app = express();

function tracing(req, res, next) {
  tracer.startActiveSpan('request', (span) => {
    res.on('finish', () => span.end());
    next();
  });
}
`;

untypedRuleTester.run('middleware-order', rule, {
  valid: [
    // Tracing first, routes after, error handler last.
    `${TRACING_FN}
app.use(tracing);
app.use(express.json());
app.get('/a', (req, res) => res.send('a'));
app.use((err, req, res, next) => res.status(500).send(String(err)));`,
    // Middleware before tracing that never answers a request itself.
    `${TRACING_FN}
import helmet from 'helmet';
app.use(helmet());
app.use((req, res, next) => { req.startedAt = Date.now(); next(); });
app.use(tracing);
app.get('/a', (req, res) => res.send('a'));`,
    // \`app.get('env')\` reads a setting; it is not a route.
    `${TRACING_FN}
const env = app.get('env');
app.use(tracing);`,
    // Not a framework app.
    `const registry = makeRegistry();
registry.get('/x', handler);
registry.use(function tracing(req, res, next) { tracer.startActiveSpan('x', (s) => { next(); s.end(); }); });`,
    // Routes registered in another function: their order relative to the tracing middleware is not visible.
    `${TRACING_FN}
function routes() {
  app.get('/a', (req, res) => res.send('a'));
}
app.use(tracing);
routes();`,
    // fastify: the tracing plugin awaited before the routes.
    `import Fastify from 'fastify';
import { FastifyOtelInstrumentation } from '@fastify/otel';
const otel = new FastifyOtelInstrumentation();
const app = Fastify();
await app.register(otel.plugin());
app.get('/', async () => 'ok');`,
    // A middleware that starts a span but has no \`next\` is not tracing middleware.
    `import Koa from 'koa';
const app = new Koa();
app.use(async (ctx) => { ctx.body = 'hi'; });
app.use(async function log(ctx) { tracer.startSpan('log').end(); });`,
    // hono: tracing first, the other middleware in the same call after it.
    `import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { httpInstrumentationMiddleware } from '@hono/otel';
const app = new Hono();
app.use('*', httpInstrumentationMiddleware({ serviceName: 'api' }), cors());
app.get('/', (c) => c.text('hi'));`,
    // An error handler on one router, routes on another.
    `import express from 'express';
const api = express.Router();
const admin = express.Router();
api.use((err, req, res, next) => res.status(500).end());
admin.get('/x', (req, res) => res.send('x'));`,
  ],
  invalid: [
    {
      code: `${TRACING_FN}
app.get('/health', (req, res) => res.send('ok'));
// traces every request
app.use(tracing);
app.listen(3000);
`,
      errors: [
        {
          messageId: 'tracingAfterRoutes',
          data: { name: 'tracing', line: '14' },
          line: 16,
          column: 9,
          endLine: 16,
          endColumn: 16,
          suggestions: [
            {
              messageId: 'moveTracingFirst',
              data: { name: 'tracing', line: '14' },
              output: `${TRACING_FN}
// traces every request
app.use(tracing);
app.get('/health', (req, res) => res.send('ok'));
app.listen(3000);
`,
            },
          ],
        },
      ],
    },
    {
      // A middleware that ends requests (static files) before the tracing middleware named in the settings.
      code: `const express = require('express');
const { otelMiddleware } = require('./otel');
const app = express();
app.use(express.static('public'));
app.use(otelMiddleware());
app.post('/orders', (req, res) => res.json({}));`,
      settings: { 'otel-context': { tracingMiddleware: ['otelMiddleware'] } },
      errors: [
        {
          messageId: 'tracingAfterMiddleware',
          data: { name: 'otelMiddleware()', line: '4' },
          line: 5,
          column: 9,
          endLine: 5,
          endColumn: 25,
          suggestions: [
            {
              messageId: 'moveTracingFirst',
              output: `const express = require('express');
const { otelMiddleware } = require('./otel');
const app = express();
app.use(otelMiddleware());
app.use(express.static('public'));
app.post('/orders', (req, res) => res.json({}));`,
            },
          ],
        },
      ],
    },
    {
      // The rule option works like the setting.
      code: `import express from 'express';
import { requestTracing } from './tracing';
const app = express();
app.use(function auth(req, res, next) {
  if (!req.headers.authorization) return res.sendStatus(401);
  next();
});
app.use(requestTracing);`,
      options: [{ tracingMiddleware: ['requestTracing'] }],
      errors: [
        {
          messageId: 'tracingAfterMiddleware',
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'moveTracingFirst',
              output: `import express from 'express';
import { requestTracing } from './tracing';
const app = express();
app.use(requestTracing);
app.use(function auth(req, res, next) {
  if (!req.headers.authorization) return res.sendStatus(401);
  next();
});
`,
            },
          ],
        },
      ],
    },
    {
      code: `import express from 'express';
const app = express();
app.use(express.json());
app.use((err, req, res, next) => {
  res.status(500).send('error');
});
app.get('/a', (req, res) => res.send('a'));
app.post('/b', (req, res) => res.send('b'));
app.listen(3000);`,
      errors: [
        {
          messageId: 'errorHandlerBeforeRoutes',
          data: { line: '8' },
          line: 4,
          column: 9,
          endLine: 6,
          endColumn: 2,
          suggestions: [
            {
              messageId: 'moveErrorHandlerAfterRoutes',
              output: `import express from 'express';
const app = express();
app.use(express.json());
app.get('/a', (req, res) => res.send('a'));
app.post('/b', (req, res) => res.send('b'));
app.use((err, req, res, next) => {
  res.status(500).send('error');
});
app.listen(3000);`,
            },
          ],
        },
      ],
    },
    {
      // hono: @hono/otel after a route, and after CORS in the same call.
      code: `import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { httpInstrumentationMiddleware } from '@hono/otel';
const app = new Hono();
app.use('*', cors(), httpInstrumentationMiddleware({ serviceName: 'api' }));
app.get('/', (c) => c.text('hi'));`,
      errors: [
        {
          messageId: 'tracingAfterMiddleware',
          data: { name: "httpInstrumentationMiddleware({ serviceName: 'api' })", line: '5' },
          line: 5,
          column: 22,
          endLine: 5,
          endColumn: 75,
          suggestions: [
            {
              messageId: 'moveTracingFirst',
              output: `import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { httpInstrumentationMiddleware } from '@hono/otel';
const app = new Hono();
app.use('*', httpInstrumentationMiddleware({ serviceName: 'api' }), cors());
app.get('/', (c) => c.text('hi'));`,
            },
          ],
        },
      ],
    },
    {
      // koa: a hand-written tracing middleware after the router's routes.
      code: `import Koa from 'koa';
import Router from '@koa/router';
import { trace } from '@opentelemetry/api';
const app = new Koa();
const router = new Router();
router.get('/', (ctx) => { ctx.body = 'hi'; });
app.use(router.routes());
app.use(async (ctx, next) => trace.getTracer('koa').startActiveSpan(ctx.path, async (span) => {
  try { await next(); } finally { span.end(); }
}));`,
      errors: [
        {
          messageId: 'tracingAfterRoutes',
          data: { name: 'async (ctx, next) => trace.getTracer(\'ko…', line: '7' },
          line: 8,
          column: 9,
          endLine: 10,
          endColumn: 3,
          suggestions: [
            {
              messageId: 'moveTracingFirst',
              output: `import Koa from 'koa';
import Router from '@koa/router';
import { trace } from '@opentelemetry/api';
const app = new Koa();
const router = new Router();
router.get('/', (ctx) => { ctx.body = 'hi'; });
app.use(async (ctx, next) => trace.getTracer('koa').startActiveSpan(ctx.path, async (span) => {
  try { await next(); } finally { span.end(); }
}));
app.use(router.routes());
`,
            },
          ],
        },
      ],
    },
    {
      // fastify, ESM top level: the plugin is not awaited before the routes.
      code: `import Fastify from 'fastify';
import { FastifyOtelInstrumentation } from '@fastify/otel';
const otel = new FastifyOtelInstrumentation();
const app = Fastify();
app.register(otel.plugin());
app.get('/', async () => 'ok');`,
      errors: [
        {
          messageId: 'fastifyPluginNotAwaited',
          data: { name: 'otel.plugin()', line: '6' },
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 28,
          suggestions: [
            {
              messageId: 'awaitRegister',
              output: `import Fastify from 'fastify';
import { FastifyOtelInstrumentation } from '@fastify/otel';
const otel = new FastifyOtelInstrumentation();
const app = Fastify();
await app.register(otel.plugin());
app.get('/', async () => 'ok');`,
            },
          ],
        },
      ],
    },
    {
      // fastify in a CommonJS file, not in an async function: no top-level await to offer.
      filename: 'server.cjs',
      code: `const fastify = require('fastify')();
const otelPlugin = require('@autotelic/fastify-opentelemetry');
fastify.register(otelPlugin, { wrapRoutes: true });
fastify.get('/', async () => 'ok');`,
      errors: [{ messageId: 'fastifyPluginNotAwaited', line: 3, column: 1, endLine: 3, endColumn: 51, suggestions: [] }],
    },
    {
      // Chained and declared after the first route: reported, but no safe move.
      code: `import connect from 'connect';
import { makeTracing } from './otel';
const app = connect();
app.use(function answer(req, res) { res.end('x'); });
const tracing = makeTracing();
app.use(tracing);`,
      settings: { 'otel-context': { tracingMiddleware: ['makeTracing'] } },
      errors: [{ messageId: 'tracingAfterMiddleware', line: 6, column: 9, endLine: 6, endColumn: 16, suggestions: [] }],
    },
  ],
});

const typedFile = path.join(typedRoot, 'middleware-order.case.ts');

typedRuleTester.run('middleware-order (typed)', rule, {
  valid: [
    {
      filename: typedFile,
      code: `import type { Express } from 'express';
import { requestSpans, onError } from './tracing-middleware.js';
export function setup(app: Express) {
  app.use(requestSpans);
  app.get('/a', (_req, res) => { res.send('a'); });
  app.use(onError);
}`,
    },
  ],
  invalid: [
    {
      // The app is a parameter and both middlewares live in another file: only the checker sees them.
      filename: typedFile,
      code: `import type { Express } from 'express';
import { requestSpans, onError } from './tracing-middleware.js';
export function setup(app: Express) {
  app.use(onError);
  app.get('/a', (_req, res) => { res.send('a'); });
  app.use(requestSpans);
}`,
      errors: [
        {
          messageId: 'errorHandlerBeforeRoutes',
          line: 4,
          column: 11,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            {
              messageId: 'moveErrorHandlerAfterRoutes',
              output: `import type { Express } from 'express';
import { requestSpans, onError } from './tracing-middleware.js';
export function setup(app: Express) {
  app.get('/a', (_req, res) => { res.send('a'); });
  app.use(onError);
  app.use(requestSpans);
}`,
            },
          ],
        },
        {
          messageId: 'tracingAfterRoutes',
          data: { name: 'requestSpans', line: '5' },
          line: 6,
          column: 11,
          endLine: 6,
          endColumn: 23,
          suggestions: [
            {
              messageId: 'moveTracingFirst',
              output: `import type { Express } from 'express';
import { requestSpans, onError } from './tracing-middleware.js';
export function setup(app: Express) {
  app.use(requestSpans);
  app.use(onError);
  app.get('/a', (_req, res) => { res.send('a'); });
}`,
            },
          ],
        },
      ],
    },
  ],
});
