import { normalizeSpans } from './normalize.js';
import { byStart, matches } from './match.js';
import type { Relation, SpanMatcher, TraceSpan } from './types.js';

/**
 * How the span named `child` relates to the span named `parent` (the runtime probes' verdicts):
 * `'child'` (OK), `'sibling'` (same trace, under the expected parent's parent: the parent was
 * never made active), `'new-root'` (no parent at all: context lost), `'other-trace'` (under a
 * recorded span of another trace: context leaked), `'dangling-parent'` (the parent id matches no
 * recorded span), `'other-parent'` (same trace, some other recorded parent), `'missing'` (no
 * child span) or `'parent-missing'` (no parent span).
 *
 * Names may also be patterns or predicates. With several candidate spans, the earliest child is
 * used; it is compared with the candidate parent that is its direct parent if there is one, else
 * with the earliest candidate parent. Use `relations()` to classify every matching child.
 */
export function relation(spans: unknown, child: SpanMatcher, parent: SpanMatcher): Relation {
  const all = normalizeSpans(spans).slice().sort(byStart);
  const children = all.filter((s) => matches(s, child));
  const parents = all.filter((s) => matches(s, parent));
  if (children.length === 0) return 'missing';
  return classify(children[0], parents, all);
}

/** `relation()` for every span matching `child`, earliest first. */
export function relations(spans: unknown, child: SpanMatcher, parent: SpanMatcher): Relation[] {
  const all = normalizeSpans(spans).slice().sort(byStart);
  const parents = all.filter((s) => matches(s, parent));
  return all.filter((s) => matches(s, child)).map((c) => classify(c, parents, all));
}

function classify(child: TraceSpan, parents: TraceSpan[], all: TraceSpan[]): Relation {
  const candidates = parents.filter((p) => p !== child);
  if (candidates.length === 0) return 'parent-missing';
  const direct = candidates.find((p) => p.traceId === child.traceId && p.spanId === child.parentSpanId);
  if (direct) return 'child';
  const parent = candidates[0];
  if (!child.parentSpanId) return 'new-root';
  const actual =
    all.find((s) => s.traceId === child.traceId && s.spanId === child.parentSpanId) ??
    all.find((s) => s.spanId === child.parentSpanId);
  if (child.traceId !== parent.traceId) {
    return actual ? 'other-trace' : 'dangling-parent';
  }
  if (parent.parentSpanId !== undefined && child.parentSpanId === parent.parentSpanId) return 'sibling';
  if (!actual) return 'dangling-parent';
  return 'other-parent';
}
