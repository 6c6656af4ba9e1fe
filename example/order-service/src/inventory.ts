import express from 'express';
import type { Server } from 'node:http';
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('inventory-service');

/** The downstream inventory service (in the real system another deployment; here, another port). */
export function startInventory(delayMs: number): Promise<Server> {
  const app = express();
  app.get('/stock/:sku', (req, res) => {
    tracer.startActiveSpan('CheckStock', (span) => {
      span.setAttribute('sku', req.params.sku);
      setTimeout(() => {
        span.end();
        if (req.params.sku.startsWith('UNKNOWN')) res.status(404).json({ error: 'unknown sku' });
        else res.json({ sku: req.params.sku, available: 7 });
      }, delayMs);
    });
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}
