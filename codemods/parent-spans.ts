import { createLintCodemod, toJscodeshiftTransform } from '../engine/create-codemod.js';

/**
 * Parents spans and traced calls to the open span they were started under: the suggestions of
 * `no-orphan-span`, applied. A start call gets `trace.setSpan(context.active(), parent)` as its
 * context argument, `next()` and instrumented client calls run inside
 * `context.with(trace.setSpan(context.active(), parent), () => ...)`, and a Span passed where a
 * Context is expected is wrapped into one. The `@opentelemetry/api` import is added or merged in
 * the file's own style. A report without a safe edit gets a TODO marker.
 */
export const codemod = createLintCodemod(
  { id: 'parent-spans', description: 'Parent spans and traced calls to the open span they run under' },
  { rules: { 'no-orphan-span': [] } },
);

export default toJscodeshiftTransform(codemod);
