import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { constInit } from './outbound-http-calls.js';

/**
 * Which header names carry trace context (W3C trace-context, B3 single and multi header, Jaeger),
 * and what kind of value code writes into one. Exact names only: `x-traceparent-debug` is not one.
 */
const TRACE_HEADER = /^(traceparent|tracestate|b3|x-b3-(traceid|spanid|parentspanid|sampled|flags)|uber-trace-id)$/i;

export function isTraceHeaderName(name: unknown): name is string {
  return typeof name === 'string' && TRACE_HEADER.test(name);
}

/** The static name of a property key, string literal or `'x' + 'y'`-free template, or undefined. */
export function staticName(node: TSESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/**
 * `constant`: built from literals only, so every request claims the same trace.
 * `malformed`: a `traceparent` template that cannot have the W3C form `00-<trace>-<span>-<flags>`.
 * `dynamic`: anything else (computed from a span context, a helper, a variable).
 */
export type HeaderValueKind = 'constant' | 'malformed' | 'dynamic';

export function headerValueKind(sourceCode: Readonly<TSESLint.SourceCode>, name: string, value: TSESTree.Node): HeaderValueKind {
  if (isConstant(sourceCode, value, 0)) return 'constant';
  if (name.toLowerCase() === 'traceparent' && value.type === AST_NODE_TYPES.TemplateLiteral && !w3cShape(value)) return 'malformed';
  return 'dynamic';
}

function isConstant(sourceCode: Readonly<TSESLint.SourceCode>, n: TSESTree.Node, depth: number): boolean {
  if (depth > 3) return false;
  switch (n.type) {
    case AST_NODE_TYPES.Literal:
      return true;
    case AST_NODE_TYPES.TemplateLiteral:
      return n.expressions.every((e) => isConstant(sourceCode, e, depth + 1));
    case AST_NODE_TYPES.BinaryExpression:
      return n.operator === '+' && isConstant(sourceCode, n.left, depth + 1) && isConstant(sourceCode, n.right, depth + 1);
    case AST_NODE_TYPES.CallExpression:
      // `'a'.repeat(32)`, `'0'.padStart(16, '0')`
      return (
        n.callee.type === AST_NODE_TYPES.MemberExpression &&
        !n.callee.computed &&
        isConstant(sourceCode, n.callee.object, depth + 1) &&
        n.arguments.every((a) => isConstant(sourceCode, a, depth + 1))
      );
    case AST_NODE_TYPES.Identifier: {
      const init = constInit(sourceCode, n);
      const decl = init?.parent?.parent;
      return !!init && decl?.type === AST_NODE_TYPES.VariableDeclaration && decl.kind === 'const' && isConstant(sourceCode, init, depth + 1);
    }
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return isConstant(sourceCode, n.expression, depth);
    default:
      return false;
  }
}

/**
 * Can the template produce `vv-<hex>-<hex>-ff`? Judged only when every `${}` is an id or flags
 * value (`sc.traceId`, `spanId`, `traceFlags`): those never contain a dash; anything else might.
 */
function w3cShape(t: TSESTree.TemplateLiteral): boolean {
  const idLike = (e: TSESTree.Node): boolean => {
    const name = e.type === AST_NODE_TYPES.Identifier ? e.name : e.type === AST_NODE_TYPES.MemberExpression && !e.computed && e.property.type === AST_NODE_TYPES.Identifier ? e.property.name : undefined;
    return !!name && /trace_?id|span_?id|flags/i.test(name);
  };
  if (!t.expressions.every(idLike)) return true;
  const text = t.quasis.map((q) => q.value.cooked ?? '').join('\u0000');
  return /^[0-9a-f\u0000]+-[0-9a-f\u0000]+-[0-9a-f\u0000]+-[0-9a-f\u0000]+$/i.test(text);
}
