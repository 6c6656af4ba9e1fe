import type { Codemod } from '../engine/types.js';
import { codemod as instrumentationFirst } from './instrumentation-first.js';
import { codemod as middlewareOrder } from './middleware-order.js';
import { codemod as parentSpans } from './parent-spans.js';
import { codemod as endSpans } from './end-spans.js';
import { codemod as stripTraceHeaders } from './strip-trace-headers.js';
import { codemod as propagateFetch } from './propagate-fetch.js';
import { codemod as bindContext } from './bind-context.js';

/** Every registered codemod, in the safe order `all` runs them. */
export const codemods: readonly Codemod[] = [
  instrumentationFirst,
  middlewareOrder,
  parentSpans,
  endSpans,
  bindContext,
  stripTraceHeaders,
  propagateFetch,
];

export function findCodemod(id: string): Codemod | undefined {
  return codemods.find((c) => c.id === id);
}
