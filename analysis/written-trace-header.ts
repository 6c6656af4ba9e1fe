import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { incomingTraceHeaderRead } from './incoming-request-headers.js';
import { headerValueKind, type HeaderValueKind } from './trace-headers.js';

/**
 * What a trace header written into an outgoing request carries: the incoming request's own
 * (`forwarded`), a `constant`, a `malformed` template, or a value computed here (`dynamic`). Only a
 * `dynamic` `traceparent`/`b3`/`uber-trace-id` can carry the current context; `no-traceparent-overwrite`
 * reports the others, and `no-bare-fetch` does not count them as context.
 */
export type WrittenHeaderKind = 'forwarded' | HeaderValueKind;

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

export function writtenHeaderKind(context: AnyContext, name: string, value: TSESTree.Node): WrittenHeaderKind {
  return incomingTraceHeaderRead(context, value) !== undefined ? 'forwarded' : headerValueKind(context.sourceCode, name, value);
}

/** Headers that name a parent span by themselves (not `tracestate`, `x-b3-sampled`, `x-b3-flags`). */
const PARENT_HEADER = /^(traceparent|b3|x-b3-(traceid|spanid)|uber-trace-id)$/i;

/** The header, written with this value, can carry the current trace context. */
export function carriesCurrentContext(context: AnyContext, name: string | undefined, value: TSESTree.Node | undefined): boolean {
  return !!name && !!value && PARENT_HEADER.test(name) && writtenHeaderKind(context, name, value) === 'dynamic';
}
