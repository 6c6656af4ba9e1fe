import { describe, expect, it } from 'vitest';
import { Linter } from 'eslint';
import plugin from '../../index.js';

/**
 * Every rule must run on files parsed by ESLint's default parser (espree), which gives no
 * typescript-eslint parser services: plain `.js`/`.mjs`/`.cjs` files, `eslint.config.mjs` itself.
 * A rule that throws there breaks `eslint .` for the whole project.
 */
const SOURCES: Record<string, string> = {
  'esm.mjs': `
import { trace, context, propagation } from '@opentelemetry/api';
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('x');
const bus = new EventEmitter();
export async function handler(req, res, next) {
  const span = tracer.startSpan('a');
  const child = tracer.startSpan('b');
  await fetch('http://127.0.0.1/x', { headers: { traceparent: req.headers.traceparent } });
  propagation.inject(context.active(), new Headers());
  new Worker('./w.js', { workerData: { a: 1 } });
  bus.on('x', () => tracer.startSpan('c').end());
  setInterval(() => tracer.startSpan('tick').end(), 1000);
  next();
  child.end();
  if (req.x) return;
  span.end();
}
`,
  'cjs.cjs': `
const express = require('express');
const { NodeSDK } = require('@opentelemetry/sdk-node');
new NodeSDK({ instrumentations: [] }).start();
const app = express();
app.get('/', (req, res) => res.end());
app.use((req, res, next) => next());
module.exports = app;
`,
  'eslint.config.mjs': `
import otelContext from 'eslint-plugin-otel-context';
export default [otelContext.configs.recommended];
`,
};

describe('every rule runs on plain JavaScript parsed by espree', () => {
  for (const [filename, code] of Object.entries(SOURCES)) {
    it(`${filename}: no rule throws`, () => {
      const linter = new Linter({ configType: 'flat' });
      const messages = linter.verify(code, [{ files: ['**/*.{js,mjs,cjs}'], ...plugin.configs.strict } as Linter.Config], { filename });
      expect(messages.filter((m) => m.fatal || !m.ruleId).map((m) => m.message)).toEqual([]);
    });
  }
});
