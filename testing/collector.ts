import type { TraceSpan } from './types.js';
import { COLLECTOR_BRAND, normalizeSpans } from './normalize.js';

/** The part of an SDK `ReadableSpan` the collector needs (declared structurally: no SDK dependency). */
export interface ReadableSpanLike {
  readonly name: string;
  spanContext(): { traceId: string; spanId: string };
  readonly ended?: boolean;
}

/**
 * A span processor that keeps every span it sees, started or ended, in memory. Unlike an
 * exporter, it also sees spans that are never ended, so `checkTraceIntegrity` can report them
 * as `unended` (their children would otherwise just look like orphans). Works with SDK 1.x, 2.x
 * and 3.x (`spanProcessors: [collector]`, or `addSpanProcessor(collector)` on 1.x).
 *
 * ```ts
 * const collector = new InMemoryCollector();
 * const provider = new NodeTracerProvider({ spanProcessors: [collector] });
 * ...
 * assertTraceConnected(collector);   // or collector.getSpans()
 * ```
 */
export class InMemoryCollector {
  readonly [COLLECTOR_BRAND] = true;
  private spans: ReadableSpanLike[] = [];
  private seen = new Set<ReadableSpanLike>();

  onStart(span: ReadableSpanLike, _parentContext?: unknown): void {
    this.add(span);
  }

  onEnd(span: ReadableSpanLike): void {
    this.add(span);
  }

  /** Every span seen so far (live SDK span objects; `ended` reflects their current state). */
  getSpans(): ReadableSpanLike[] {
    return this.spans.slice();
  }

  /** The spans as `TraceSpan`s (a snapshot). */
  getTraceSpans(): TraceSpan[] {
    return normalizeSpans(this.spans);
  }

  /** Only the spans that have ended (what an exporter would have received). */
  getFinishedSpans(): ReadableSpanLike[] {
    return this.spans.filter((s) => s.ended !== false);
  }

  reset(): void {
    this.spans = [];
    this.seen.clear();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private add(span: ReadableSpanLike): void {
    if (this.seen.has(span)) return;
    this.seen.add(span);
    this.spans.push(span);
  }
}
