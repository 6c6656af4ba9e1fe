/**
 * Cheap-first text gate of `no-orphan-span` (DESIGN.md §2), shared by the rule and the codemod
 * engine (`engine/rule-gates.ts`), which skips the parse of a file that fails it.
 *
 * Every report of the rule needs a span value: one started here (`startSpan`, the
 * `startActiveSpan` callback's parameter), read from the API (`trace.getActiveSpan()`,
 * `trace.getSpan()`, `trace.wrapSpanContext()`) or typed `Span`. Without types that is exact: the
 * untyped resolver knows a span only from those names in the file. With types it misses only a span
 * returned by a helper in another file that this file never names.
 */
export const MENTIONS_SPAN = /start(?:Active)?Span|getActiveSpan|getSpan|wrapSpanContext|\bSpan\b/;

export function mentionsSpan(text: string): boolean {
  return MENTIONS_SPAN.test(text);
}
