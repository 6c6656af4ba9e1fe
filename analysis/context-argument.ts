import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { OtelResolver } from './resolve-otel-symbol.js';
import { asSpanStartCall } from './span-start-call.js';

/**
 * Answers "which argument of this `@opentelemetry/api` call must be a `Context`": the parent
 * context of `tracer.startSpan`/`startActiveSpan`, the first argument of `context.with`/`bind`, of
 * `trace.setSpan`/`getSpan`/... and of `propagation.inject`/`extract`/... .
 */
export interface ContextArgument {
  readonly call: TSESTree.CallExpression;
  readonly argument: TSESTree.Expression;
  /** `ns.method` or `tracer.method`, for messages. */
  readonly callee: string;
}

const FIRST_ARGUMENT: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['context', ['with', 'bind']],
  ['trace', ['setSpan', 'setSpanContext', 'getSpan', 'getSpanContext', 'deleteSpan']],
  ['propagation', ['inject', 'extract', 'getBaggage', 'setBaggage', 'deleteBaggage']],
];

export function contextArgument(resolver: OtelResolver, call: TSESTree.CallExpression): ContextArgument | undefined {
  const start = asSpanStartCall(resolver, call);
  if (start) return start.context ? { call, argument: start.context, callee: `tracer.${start.method}` } : undefined;
  const first = call.arguments[0];
  if (!first || first.type === AST_NODE_TYPES.SpreadElement) return undefined;
  for (const [ns, methods] of FIRST_ARGUMENT) {
    if (resolver.isApiCall(call, ns, methods)) {
      const method = ((call.callee as TSESTree.MemberExpression).property as TSESTree.Identifier).name;
      return { call, argument: first, callee: `${ns}.${method}` };
    }
  }
  return undefined;
}
