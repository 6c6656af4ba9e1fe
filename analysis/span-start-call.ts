import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';

/**
 * Answers "is this call `tracer.startSpan(...)` / `tracer.startActiveSpan(...)` on an OpenTelemetry
 * `Tracer`, and which argument plays which part". The API's overloads are positional:
 * `startSpan(name, options?, context?)`, `startActiveSpan(name, fn)`,
 * `startActiveSpan(name, options, fn)`, `startActiveSpan(name, options, context, fn)`.
 */
export interface SpanStartCall {
  readonly node: TSESTree.CallExpression;
  readonly method: 'startSpan' | 'startActiveSpan';
  readonly options: TSESTree.Expression | undefined;
  /** The explicit parent context argument, when given. */
  readonly context: TSESTree.Expression | undefined;
  /** The callback of `startActiveSpan`. */
  readonly callback: TSESTree.Expression | undefined;
}

const METHODS = new Set(['startSpan', 'startActiveSpan']);

/** The method name of `obj.name(...)` / `obj['name'](...)`, if static. */
export function calledMethodName(call: TSESTree.CallExpression): string | undefined {
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (!callee.computed && callee.property.type === AST_NODE_TYPES.Identifier) return callee.property.name;
  if (callee.computed && callee.property.type === AST_NODE_TYPES.Literal && typeof callee.property.value === 'string') return callee.property.value;
  return undefined;
}

/** Answers per call node: rules ask about the same call from several places. */
const cache = new WeakMap<TSESTree.CallExpression, SpanStartCall | undefined>();

/** Undefined when `node` is not a span-start call on a Tracer, or its arguments cannot be read by position (spread). */
export function asSpanStartCall(resolver: OtelResolver, node: TSESTree.Node): SpanStartCall | undefined {
  if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const method = calledMethodName(node);
  if (!method || !METHODS.has(method)) return undefined;
  if (cache.has(node)) return cache.get(node);
  const found = classify(resolver, node, method);
  cache.set(node, found);
  return found;
}

function classify(resolver: OtelResolver, node: TSESTree.CallExpression, method: string): SpanStartCall | undefined {
  const args = node.arguments;
  if (args.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
  if (resolver.isOtelType((node.callee as TSESTree.MemberExpression).object, 'Tracer') !== true) return undefined;
  const exprs = args as TSESTree.Expression[];
  if (method === 'startSpan') {
    return { node, method, options: exprs[1], context: exprs[2], callback: undefined };
  }
  if (exprs.length < 2) return undefined;
  return {
    node,
    method: 'startActiveSpan',
    options: exprs.length >= 3 ? exprs[1] : undefined,
    context: exprs.length >= 4 ? exprs[2] : undefined,
    callback: exprs.at(-1),
  };
}

/**
 * What the options argument says about `root`: `'root'` when it may start a new trace (a `root`
 * property that is not literally `false`), `'unknown'` when the options cannot be seen (a spread, a
 * value from elsewhere), else `'child'`.
 */
export function rootOption(sourceCode: Readonly<TSESLint.SourceCode>, options: TSESTree.Expression | undefined, depth = 0): 'root' | 'child' | 'unknown' {
  if (!options) return 'child';
  if (depth > 3) return 'unknown';
  switch (options.type) {
    case AST_NODE_TYPES.ObjectExpression: {
      for (const prop of options.properties) {
        if (prop.type === AST_NODE_TYPES.SpreadElement) return 'unknown';
        if (prop.computed) return 'unknown';
        const key = prop.key.type === AST_NODE_TYPES.Identifier ? prop.key.name : prop.key.type === AST_NODE_TYPES.Literal ? String(prop.key.value) : undefined;
        if (key !== 'root') continue;
        const value = prop.value;
        return value.type === AST_NODE_TYPES.Literal && value.value === false ? 'child' : 'root';
      }
      return 'child';
    }
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return rootOption(sourceCode, options.expression, depth);
    case AST_NODE_TYPES.Identifier: {
      const v = findVariable(sourceCode, options);
      if (options.name === 'undefined' && (!v || v.defs.length === 0)) return 'child';
      // A `const` initialised with an object literal and never mutated through a member write is read through.
      const def = v?.defs[0];
      if (!v || v.defs.length !== 1 || def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.parent?.type !== AST_NODE_TYPES.VariableDeclaration || def.parent.kind !== 'const') return 'unknown';
      if (def.node.id.type !== AST_NODE_TYPES.Identifier) return 'unknown';
      const mutated = v.references.some((r) => {
        const parent = r.identifier.parent;
        return parent.type === AST_NODE_TYPES.MemberExpression && parent.object === r.identifier && parent.parent.type === AST_NODE_TYPES.AssignmentExpression && parent.parent.left === parent;
      });
      if (mutated || !def.node.init) return 'unknown';
      return rootOption(sourceCode, def.node.init, depth + 1);
    }
    default:
      return 'unknown';
  }
}
