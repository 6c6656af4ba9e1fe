/**
 * The span shape every function of the trace-integrity checker works on. `normalizeSpans`
 * builds it from SDK `ReadableSpan`s (OpenTelemetry JS 1.x, 2.x and 3.x), OTLP JSON or
 * plain objects.
 */
export interface TraceSpan {
  name: string;
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  /** 16 lower-case hex digits; absent for a root span. */
  parentSpanId?: string;
  /**
   * The API's `SpanKind`: 0 INTERNAL, 1 SERVER, 2 CLIENT, 3 PRODUCER, 4 CONSUMER.
   * (OTLP's kind, which is shifted by one, is converted.)
   */
  kind?: number;
  startTimeUnixNano?: bigint;
  endTimeUnixNano?: bigint;
  /** `false` for a span that was started but not ended (where the input knows it). */
  ended?: boolean;
  attributes?: Record<string, unknown>;
  /** The instrumentation scope (tracer) name, where known. */
  scope?: string;
}

/** Selects spans by exact name, by a name pattern, or by a predicate. */
export type SpanMatcher = string | RegExp | ((span: TraceSpan) => boolean);

export type ProblemKind = 'orphan' | 'cross-trace-parent' | 'child-before-parent' | 'unended' | 'unexpected-root';

export interface TraceProblem {
  kind: ProblemKind;
  span: TraceSpan;
  detail: string;
}

export interface TraceGroup {
  traceId: string;
  /** Spans of this trace without a parent, earliest first (ties within 1 ms: longest first). */
  roots: TraceSpan[];
  /** All spans of this trace, earliest first. */
  spans: TraceSpan[];
}

export interface OrphanSpan {
  span: TraceSpan;
  /** The parent span id that no span in the input has. */
  missingParentSpanId: string;
}

export interface CrossTraceParent {
  span: TraceSpan;
  /** The span whose id is `span.parentSpanId` but whose trace id differs. */
  parent: TraceSpan;
}

export interface ChildBeforeParent {
  span: TraceSpan;
  parent: TraceSpan;
  /** How much earlier the child started, in milliseconds. */
  earlierByMs: number;
}

export interface TraceIntegrityOptions {
  /**
   * How many traces (root spans) the input should contain. When set, roots beyond this
   * number are reported as `unexpected-root` (the earliest roots are the expected ones; roots
   * starting within 1 ms of each other rank longest first; roots matched by `allowRoots` are
   * not counted), and fewer roots than this make the report fail (`missingTraces`).
   * Unset: roots are not counted. `assertTraceConnected` defaults it to 1.
   */
  expectedTraces?: number;
  /** Roots that are expected on top of `expectedTraces` (e.g. a boot span, a deliberate `{ root: true }`). */
  allowRoots?: SpanMatcher | SpanMatcher[];
  /**
   * Spans whose missing parent is expected, e.g. a server span whose remote parent (the
   * test's own client) is not instrumented. Such spans are not reported as orphans.
   */
  allowOrphans?: SpanMatcher | SpanMatcher[];
  /**
   * Tolerance for `child-before-parent`, in milliseconds. Default 1: the SDK takes start times
   * from `Date.now()` (whole milliseconds) or from `performance.timeOrigin`-based clocks, which
   * may disagree by up to a millisecond. Raise it for spans from different hosts.
   */
  clockSkewToleranceMs?: number;
}

export interface TraceReport {
  /** No problems and no missing traces. */
  ok: boolean;
  /** Every trace id in the input, in order of its first root (else its earliest span). */
  traces: TraceGroup[];
  orphans: OrphanSpan[];
  crossTraceParents: CrossTraceParent[];
  childrenBeforeParent: ChildBeforeParent[];
  unended: TraceSpan[];
  /** Every problem above plus `unexpected-root`s, as one list. */
  problems: TraceProblem[];
  /** Root spans in the input (spans without a parent, plus orphans accepted by `allowOrphans`), not counting `allowRoots`. */
  rootCount: number;
  /** With `expectedTraces` set: how many roots are missing to reach it (0 otherwise). */
  missingTraces: number;
  /** A human-readable summary: one line per problem. */
  format(): string;
}

export type Relation =
  /** the child's parent is the expected parent */
  | 'child'
  /** same trace, attached to the expected parent's parent (the parent was never made active) */
  | 'sibling'
  /** the child has no parent at all, in another trace (context lost) */
  | 'new-root'
  /** the child's parent is a recorded span of another trace (context leaked from other work) */
  | 'other-trace'
  /** the child's parent id matches no recorded span (parent never ended/exported, or a bogus id) */
  | 'dangling-parent'
  /** same trace, but under some other recorded span than the expected parent or its parent */
  | 'other-parent'
  /** no span with the child's name */
  | 'missing'
  /** no span with the parent's name */
  | 'parent-missing';
