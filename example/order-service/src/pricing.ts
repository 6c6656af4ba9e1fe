import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('order-service');

/** Prices an order on a worker thread, so the event loop stays free for requests. */
export function priceOrder(sku: string, quantity: number): Promise<number> {
  return tracer.startActiveSpan('PriceOrder', (span) =>
    new Promise<number>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'pricing-worker.js'), { workerData: { sku, quantity } });
      worker.once('message', (price: number) => {
        span.end();
        resolve(price);
      });
      worker.once('error', (error) => {
        span.recordException(error);
        span.end();
        reject(error);
      });
    }),
  );
}
