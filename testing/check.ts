import { normalizeSpans } from './normalize.js';
import { byRootRank, byStart, label, matches, nanosToMs, orderTraces } from './match.js';
import type {
  ChildBeforeParent,
  CrossTraceParent,
  OrphanSpan,
  TraceGroup,
  TraceIntegrityOptions,
  TraceProblem,
  TraceReport,
  TraceSpan,
} from './types.js';

/**
 * Checks that exported spans form whole traces. Reports, per span:
 * - `orphan`: its `parentSpanId` is set but no span in the input has that id
 *   (the parent was never ended/exported, lives in an uninstrumented service, or the id is bogus);
 * - `cross-trace-parent`: its parent id belongs to a span of another trace;
 * - `child-before-parent`: it starts earlier than its parent;
 * - `unended`: `ended === false` (only where the input knows it, e.g. `InMemoryCollector`);
 * - `unexpected-root`: with `expectedTraces` set, a root beyond that count.
 */
export function checkTraceIntegrity(spans: unknown, options: TraceIntegrityOptions = {}): TraceReport {
  const all = normalizeSpans(spans).slice().sort(byStart);
  const tolerance = BigInt(Math.round((options.clockSkewToleranceMs ?? 1) * 1e6));

  const byTraceAndId = new Map<string, TraceSpan>();
  const byId = new Map<string, TraceSpan[]>();
  const groups = new Map<string, TraceGroup>();
  for (const span of all) {
    byTraceAndId.set(`${span.traceId}/${span.spanId}`, span);
    const sameId = byId.get(span.spanId);
    if (sameId) sameId.push(span);
    else byId.set(span.spanId, [span]);
    let group = groups.get(span.traceId);
    if (!group) {
      group = { traceId: span.traceId, roots: [], spans: [] };
      groups.set(span.traceId, group);
    }
    group.spans.push(span);
  }

  const orphans: OrphanSpan[] = [];
  const crossTraceParents: CrossTraceParent[] = [];
  const childrenBeforeParent: ChildBeforeParent[] = [];
  const unended: TraceSpan[] = [];
  const problems: TraceProblem[] = [];
  const countedRoots: TraceSpan[] = [];

  for (const span of all) {
    if (span.ended === false) {
      unended.push(span);
      problems.push({ kind: 'unended', span, detail: `${label(span)} was started but never ended, so it is never exported` });
    }
    if (!span.parentSpanId) {
      groups.get(span.traceId)!.roots.push(span);
      if (!matches(span, options.allowRoots)) countedRoots.push(span);
      continue;
    }
    const parent = byTraceAndId.get(`${span.traceId}/${span.parentSpanId}`);
    if (parent) {
      const ps = parent.startTimeUnixNano;
      const cs = span.startTimeUnixNano;
      if (ps !== undefined && cs !== undefined && cs + tolerance < ps) {
        const earlierByMs = nanosToMs(ps - cs);
        childrenBeforeParent.push({ span, parent, earlierByMs });
        problems.push({
          kind: 'child-before-parent',
          span,
          detail: `${label(span)} starts ${formatMs(earlierByMs)} before its parent ${label(parent)}`,
        });
      }
      continue;
    }
    const elsewhere = byId.get(span.parentSpanId)?.find((p) => p.traceId !== span.traceId);
    if (elsewhere) {
      crossTraceParents.push({ span, parent: elsewhere });
      problems.push({
        kind: 'cross-trace-parent',
        span,
        detail:
          `${label(span)} in trace ${span.traceId} names parent ${label(elsewhere)}, ` +
          `which is in trace ${elsewhere.traceId}`,
      });
      continue;
    }
    if (matches(span, options.allowOrphans)) {
      // an accepted orphan is the local root of its trace (e.g. a server span under an uninstrumented client)
      if (!matches(span, options.allowRoots)) countedRoots.push(span);
      continue;
    }
    orphans.push({ span, missingParentSpanId: span.parentSpanId });
    problems.push({
      kind: 'orphan',
      span,
      detail: `${label(span)} has parent ${span.parentSpanId}, which is not among the spans (trace ${span.traceId})`,
    });
  }

  const expected = options.expectedTraces;
  let missingTraces = 0;
  if (expected !== undefined) {
    if (!Number.isInteger(expected) || expected < 0) {
      throw new RangeError(`checkTraceIntegrity: expectedTraces must be a non-negative integer, got ${expected}`);
    }
    const ranked = countedRoots.slice().sort(byRootRank);
    const extra = ranked.slice(expected);
    const kept = ranked.slice(0, expected).map(label).join(', ');
    for (const span of extra) {
      problems.push({
        kind: 'unexpected-root',
        span,
        detail:
          `${label(span)} starts a new trace ${span.traceId}; expected ${expected} trace(s)` +
          (kept ? ` (rooted at ${kept})` : ''),
      });
    }
    missingTraces = Math.max(0, expected - countedRoots.length);
  }

  const traces = orderTraces([...groups.values()]);
  for (const trace of traces) trace.roots.sort(byRootRank);
  const report: TraceReport = {
    ok: problems.length === 0 && missingTraces === 0,
    traces,
    orphans,
    crossTraceParents,
    childrenBeforeParent,
    unended,
    problems,
    rootCount: countedRoots.length,
    missingTraces,
    format() {
      return formatReport(report, all.length, expected);
    },
  };
  return report;
}

function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
}

function formatReport(report: TraceReport, spanCount: number, expected: number | undefined): string {
  const lines: string[] = [];
  const head =
    `${spanCount} span(s) in ${report.traces.length} trace(s), ${report.rootCount} root(s)` +
    (expected !== undefined ? `, expected ${expected} trace(s)` : '');
  lines.push(report.ok ? `trace integrity OK: ${head}` : `trace integrity FAILED: ${head}`);
  if (report.missingTraces > 0) {
    lines.push(
      spanCount === 0
        ? `  - no spans at all: nothing was exported (is a span processor with an exporter registered, and were the spans ended?)`
        : `  - ${report.missingTraces} trace(s) missing: found ${report.rootCount} root span(s), expected ${expected}`,
    );
  }
  for (const problem of report.problems) lines.push(`  - ${problem.kind}: ${problem.detail}`);
  return lines.join('\n');
}
