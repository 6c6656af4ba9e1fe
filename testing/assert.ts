import { checkTraceIntegrity } from './check.js';
import { formatTraceTree, type FormatTreeOptions } from './format.js';
import { normalizeSpans } from './normalize.js';
import type { TraceIntegrityOptions, TraceReport } from './types.js';

export interface AssertTraceOptions extends TraceIntegrityOptions {
  /** Options for the tree printed in the error message. */
  tree?: FormatTreeOptions;
}

/** The error `assertTraceConnected` throws; `report` holds the full result. */
export class TraceIntegrityError extends Error {
  readonly report: TraceReport;

  constructor(message: string, report: TraceReport) {
    super(message);
    this.name = 'TraceIntegrityError';
    this.report = report;
  }
}

/**
 * Throws a `TraceIntegrityError` unless the spans form whole traces: no orphans, no parents in
 * other traces, no child starting before its parent, no unended span, and exactly
 * `expectedTraces` roots (default 1; roots matched by `allowRoots` are not counted). An empty
 * span list fails too (nothing was exported). The message is the report followed by the trace
 * tree, so a failing test shows where the trace broke. Works in any test runner.
 */
export function assertTraceConnected(spans: unknown, options: AssertTraceOptions = {}): TraceReport {
  const { tree, ...checkOptions } = options;
  const normalized = normalizeSpans(spans);
  const report = checkTraceIntegrity(normalized, { expectedTraces: 1, ...checkOptions });
  if (!report.ok) {
    const message = `${report.format()}\n\n${formatTraceTree(normalized, tree)}`;
    throw new TraceIntegrityError(message, report);
  }
  return report;
}
