// Tracing setup of the order service. Like many hand-written setups, it instruments node:http
// and express, but not undici, so the global fetch sends no trace context.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

// The demo reads the finished spans from here; a real service would use an OTLP exporter.
export const exporter = new InMemorySpanExporter();

export const sdk = new NodeSDK({
  serviceName: 'order-service',
  spanProcessors: [new SimpleSpanProcessor(exporter)],
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();
