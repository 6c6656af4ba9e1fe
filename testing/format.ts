import { normalizeSpans } from './normalize.js';
import { byRootRank, byStart, nanosToMs, orderTraces } from './match.js';
import type { TraceSpan } from './types.js';

export interface FormatTreeOptions {
  /** Show each span's duration in milliseconds. Default true. */
  durations?: boolean;
  /** Show each span's id. Default false. */
  ids?: boolean;
  /** Show the span kind (`[server]`, `[client]`, ...; INTERNAL is not shown). Default true. */
  kinds?: boolean;
}

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];

/**
 * Renders spans as one box-drawing tree per trace (traces in the order `checkTraceIntegrity`
 * reports them, children in start order). Spans whose parent is not in their trace are shown at the top
 * level of the trace with a marker (`⚠ orphan`, `⚠ parent in other trace`), as are unended
 * spans and children that start before their parent.
 *
 * ```
 * trace 4bf92f3577b34da6a3ce929d0e0e4736 (3 spans)
 * └─ GET /checkout [server] 12.4 ms
 *    └─ CreateOrder 10.1 ms
 * trace 0af7651916cd43dd8448eb211c80319c (1 span)
 * └─ CheckStock [client] 2.1 ms  ⚠ orphan: parent 00f067aa0ba902b7 not found
 * ```
 */
export function formatTraceTree(spans: unknown, options: FormatTreeOptions = {}): string {
  const all = normalizeSpans(spans).slice().sort(byStart);
  if (all.length === 0) return '(no spans)';
  const durations = options.durations ?? true;
  const showKinds = options.kinds ?? true;

  const byTraceAndId = new Map<string, TraceSpan>();
  const byId = new Map<string, TraceSpan>();
  const traceOrder: string[] = [];
  const traceSpans = new Map<string, TraceSpan[]>();
  for (const span of all) {
    byTraceAndId.set(`${span.traceId}/${span.spanId}`, span);
    if (!byId.has(span.spanId)) byId.set(span.spanId, span);
    if (!traceSpans.has(span.traceId)) {
      traceOrder.push(span.traceId);
      traceSpans.set(span.traceId, []);
    }
    traceSpans.get(span.traceId)!.push(span);
  }
  const children = new Map<TraceSpan, TraceSpan[]>();
  const parentOf = new Map<TraceSpan, TraceSpan>();
  for (const span of all) {
    if (!span.parentSpanId) continue;
    const parent = byTraceAndId.get(`${span.traceId}/${span.parentSpanId}`);
    if (!parent || parent === span) continue;
    parentOf.set(span, parent);
    const list = children.get(parent);
    if (list) list.push(span);
    else children.set(parent, [span]);
  }

  const describe = (span: TraceSpan, extraMark?: string): string => {
    let text = span.name || '(unnamed)';
    if (showKinds && span.kind !== undefined && span.kind > 0 && span.kind < KINDS.length) text += ` [${KINDS[span.kind]}]`;
    if (options.ids) text += ` #${span.spanId}`;
    if (span.ended === false) text += ' (not ended)';
    else if (durations && span.startTimeUnixNano !== undefined && span.endTimeUnixNano !== undefined) {
      text += ` ${formatDuration(nanosToMs(span.endTimeUnixNano - span.startTimeUnixNano))}`;
    }
    const marks: string[] = [];
    if (span.parentSpanId && !parentOf.has(span)) {
      const elsewhere = byId.get(span.parentSpanId);
      if (elsewhere && elsewhere.traceId !== span.traceId) {
        marks.push(`⚠ parent in other trace: "${elsewhere.name}" (trace ${elsewhere.traceId})`);
      } else {
        marks.push(`⚠ orphan: parent ${span.parentSpanId} not found`);
      }
    }
    const parent = parentOf.get(span);
    if (
      parent &&
      parent.startTimeUnixNano !== undefined &&
      span.startTimeUnixNano !== undefined &&
      span.startTimeUnixNano < parent.startTimeUnixNano
    ) {
      marks.push('⚠ starts before its parent');
    }
    if (extraMark) marks.push(extraMark);
    return marks.length ? `${text}  ${marks.join('; ')}` : text;
  };

  const lines: string[] = [];
  const printed = new Set<TraceSpan>();
  const render = (span: TraceSpan, prefix: string, last: boolean): void => {
    printed.add(span);
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describe(span)}`);
    const kids = (children.get(span) ?? []).filter((k) => !printed.has(k));
    const childPrefix = prefix + (last ? '   ' : '│  ');
    kids.forEach((kid, i) => render(kid, childPrefix, i === kids.length - 1));
  };

  const ordered = orderTraces(traceOrder.map((traceId) => ({ traceId, spans: traceSpans.get(traceId)! })));
  for (const { traceId, spans: members } of ordered) {
    lines.push(`trace ${traceId} (${members.length} span${members.length === 1 ? '' : 's'})`);
    const tops = members.filter((s) => !parentOf.has(s)).sort(byRootRank);
    // spans in a parent cycle are reachable from no top-level span
    const cyclic = members.filter((s) => !reachesTop(s, parentOf));
    tops.forEach((top, i) => render(top, '', i === tops.length - 1 && cyclic.length === 0));
    cyclic.forEach((span, i) => {
      lines.push(`${i === cyclic.length - 1 ? '└─ ' : '├─ '}${describe(span, '⚠ in a parent cycle')}`);
    });
  }
  return lines.join('\n');
}

function reachesTop(span: TraceSpan, parentOf: Map<TraceSpan, TraceSpan>): boolean {
  const seen = new Set<TraceSpan>();
  let current: TraceSpan | undefined = span;
  while (current) {
    if (seen.has(current)) return false;
    seen.add(current);
    const parent = parentOf.get(current);
    if (!parent) return true;
    current = parent;
  }
  return true;
}

function formatDuration(ms: number): string {
  if (ms < 0) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
