// The runtime harness's span collection. SDK-free: it reads SDK spans structurally, so the same
// module serves the 2.x and the 3.x line, and fixtures that do their own SDK setup
// (runFixture(..., { setup: 'none' })) use it too:
//
//   import { collectingSpanProcessor, collectingExporter } from '../../../harness/collect.mjs';
//   const provider = new NodeTracerProvider({ spanProcessors: [collectingSpanProcessor()] });
//   // or: new SimpleSpanProcessor(collectingExporter())            (2.x)
//   //     new SimpleSpanProcessor({ exporter: collectingExporter() }) (3.x)
//
// (The harness rewrites that relative import to this file's absolute URL when it copies the
// fixture; `await import(process.env.OTEL_CONTEXT_HARNESS_COLLECT)` works too.)
//
// Every span event is appended synchronously, as one JSON line, to the file named by
// OTEL_CONTEXT_HARNESS_SPANS_FILE. Each thread opens the file once with O_APPEND and writes each
// line with a single write(2), so the main thread, worker threads and child processes (which
// inherit the environment) can all record into the same file without interleaving.
import fs from 'node:fs';
import { threadId } from 'node:worker_threads';

export const SPANS_FILE_ENV = 'OTEL_CONTEXT_HARNESS_SPANS_FILE';

const STATE_KEY = Symbol.for('otel-context-harness.collect');

/** Per-thread state (each worker thread has its own globalThis). */
function state() {
  let s = globalThis[STATE_KEY];
  if (!s) {
    s = { fd: undefined, file: undefined, warned: false, open: new Set() };
    globalThis[STATE_KEY] = s;
  }
  return s;
}

function hrToNanos(hr) {
  if (!Array.isArray(hr) || hr.length !== 2) return undefined;
  return (BigInt(Math.trunc(hr[0])) * 1_000_000_000n + BigInt(Math.round(hr[1]))).toString();
}

function jsonSafe(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** One SDK span (ReadableSpan / Span, any SDK line) as the harness's JSON record. */
export function spanRecord(span, event) {
  const ctx = span.spanContext();
  const ended = event === 'end';
  const record = {
    event,
    name: span.name,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? span.parentSpanId ?? undefined,
    kind: span.kind,
    startTimeUnixNano: hrToNanos(span.startTime),
    endTimeUnixNano: ended ? hrToNanos(span.endTime) : undefined,
    ended,
    scope: span.instrumentationScope?.name ?? span.instrumentationLibrary?.name,
    attributes: { ...span.attributes, 'process.pid': process.pid, 'thread.id': threadId },
  };
  if (ended && span.status && span.status.code !== 0) record.status = span.status;
  return record;
}

/** Appends one record to the spans file (no-op, with one warning, when not run by the harness). */
export function writeRecord(record) {
  const s = state();
  const file = process.env[SPANS_FILE_ENV];
  if (!file) {
    if (!s.warned) {
      s.warned = true;
      process.emitWarning(`${SPANS_FILE_ENV} is not set: spans are not recorded (run this file with harness/run-fixture.ts)`);
    }
    return;
  }
  if (s.fd === undefined || s.file !== file) {
    s.fd = fs.openSync(file, 'a');
    s.file = file;
  }
  fs.writeSync(s.fd, JSON.stringify(record, jsonSafe) + '\n');
}

/**
 * A span processor that records every span when it starts and when it ends, so the harness also
 * sees spans that are never ended. Pass it in `spanProcessors: [...]` (2.x and 3.x).
 */
export function collectingSpanProcessor() {
  const s = state();
  return {
    onStart(span) {
      s.open.add(span);
      writeRecord(spanRecord(span, 'start'));
    },
    onEnd(span) {
      s.open.delete(span);
      writeRecord(spanRecord(span, 'end'));
    },
    forceFlush() {
      return Promise.resolve();
    },
    shutdown() {
      return Promise.resolve();
    },
  };
}

/**
 * A span exporter that records each exported span (ended spans only). Use it where the setup under
 * test needs an exporter: `new SimpleSpanProcessor(collectingExporter())` (2.x),
 * `new SimpleSpanProcessor({ exporter: collectingExporter() })` (3.x).
 */
export function collectingExporter() {
  return {
    export(spans, resultCallback) {
      try {
        for (const span of spans) writeRecord(spanRecord(span, 'end'));
        resultCallback({ code: 0 });
      } catch (error) {
        resultCallback({ code: 1, error });
      }
    },
    forceFlush() {
      return Promise.resolve();
    },
    shutdown() {
      return Promise.resolve();
    },
  };
}

/** How many spans started through a collectingSpanProcessor in this thread have not ended yet. */
export function openSpanCount() {
  return state().open.size;
}
