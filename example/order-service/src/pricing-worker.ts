import { parentPort, workerData } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('pricing-worker');

const { sku, quantity } = workerData as { sku: string; quantity: number };
const span = tracer.startSpan('ComputePrice');
span.setAttribute('sku', sku);
parentPort!.postMessage(quantity * 9.99);
span.end();
