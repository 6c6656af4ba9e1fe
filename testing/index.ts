/**
 * `eslint-plugin-otel-context/testing`: the trace-integrity checker. Proves, in any test
 * runner, that exported spans form whole traces. No dependency on an OpenTelemetry SDK: it
 * reads SDK `ReadableSpan`s (1.x/2.x/3.x) and OTLP JSON structurally.
 */
export type {
  TraceSpan,
  SpanMatcher,
  ProblemKind,
  TraceProblem,
  TraceGroup,
  OrphanSpan,
  CrossTraceParent,
  ChildBeforeParent,
  TraceIntegrityOptions,
  TraceReport,
  Relation,
} from './types.js';
export { normalizeSpans } from './normalize.js';
export { checkTraceIntegrity } from './check.js';
export { relation, relations } from './relation.js';
export { formatTraceTree, type FormatTreeOptions } from './format.js';
export { assertTraceConnected, TraceIntegrityError, type AssertTraceOptions } from './assert.js';
export { InMemoryCollector, type ReadableSpanLike } from './collector.js';
