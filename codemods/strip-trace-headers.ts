import { createLintCodemod, toJscodeshiftTransform } from '../engine/create-codemod.js';

/**
 * Applies what `no-traceparent-overwrite` fixes and suggests: removes hand-set and forwarded trace
 * headers (keeping every other header), removes a manual `propagation.inject` into a fetch/undici
 * request where the undici instrumentation writes its own, moves an inject after the last write to
 * its carrier, and gives an inject into a `Headers`/`Map` the setter it needs. What it cannot edit
 * in place (a header set in a statement that is not its own) keeps a TODO marker.
 */
export const codemod = createLintCodemod(
  { id: 'strip-trace-headers', description: 'Remove hand-set and forwarded trace headers, and repair manual injections that are lost or doubled' },
  { rules: { 'no-traceparent-overwrite': [] } },
);

export default toJscodeshiftTransform(codemod);
