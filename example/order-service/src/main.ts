import express from 'express';
import type { Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { trace } from '@opentelemetry/api';
import './tracing';
import { createOrder } from './orders';

const tracer = trace.getTracer('order-service');

/** Times every request in its own span. */
function requestTiming(req: Request, res: Response, next: NextFunction): void {
  tracer.startActiveSpan(`timing ${req.method}`, (span) => {
    res.on('finish', () => span.end());
    next();
  });
}

export function startOrderApi(inventoryUrl: string): Promise<Server> {
  const app = express();
  app.use(express.json());
  app.post('/orders', async (req, res) => {
    res.json(await createOrder(req.body, inventoryUrl, req.headers));
  });
  app.use(requestTiming);
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}
