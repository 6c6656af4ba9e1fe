import { parserServices } from './parser-services.js';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { findVariable } from './resolve-otel-symbol.js';
import { outboundCallOf, type OutboundCall } from './outbound-http-calls.js';

/**
 * Header carriers: objects that hold outgoing headers (`{}`, `new Headers()`, a `Map`) and where
 * they go. Answers "which outbound calls send this headers value" (through `const`s, object
 * spreads, `new Headers(x)` and request options held in a variable), "what kind of carrier is
 * this" and "what headers values does this call send". Intra-file and intra-function by design:
 * a carrier passed to another function is a sink the rules treat as unknown.
 */
export type CarrierKind = 'record' | 'headers' | 'map';

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const MAX_DEPTH = 5;

export const unwrap = (n: TSESTree.Node): TSESTree.Node =>
  n.type === AST_NODE_TYPES.TSNonNullExpression || n.type === AST_NODE_TYPES.TSAsExpression || n.type === AST_NODE_TYPES.TSSatisfiesExpression ? unwrap(n.expression) : n;

/** The node whose parent decides where a value flows: climbs through `as`, `!` and `satisfies`. */
function outermost(n: TSESTree.Node): TSESTree.Node {
  let cur = n;
  while (
    cur.parent &&
    (cur.parent.type === AST_NODE_TYPES.TSAsExpression || cur.parent.type === AST_NODE_TYPES.TSNonNullExpression || cur.parent.type === AST_NODE_TYPES.TSSatisfiesExpression)
  ) {
    cur = cur.parent;
  }
  return cur;
}

const isKey = (p: TSESTree.Property, name: string): boolean =>
  !p.computed && ((p.key.type === AST_NODE_TYPES.Identifier && p.key.name === name) || (p.key.type === AST_NODE_TYPES.Literal && p.key.value === name));

/** Reads of the variable an identifier or declarator names (the declaration itself excluded). */
export function readsOf(sourceCode: Readonly<TSESLint.SourceCode>, id: TSESTree.Identifier): TSESTree.Identifier[] {
  const v = findVariable(sourceCode, id);
  return v ? v.references.filter((r) => r.isRead()).map((r) => r.identifier as TSESTree.Identifier) : [];
}

/** The outbound calls that send `value` (a headers object, or the identifier/expression that holds one) as headers. */
export function sinksOfHeaders(context: AnyContext, value: TSESTree.Node, depth = 0): OutboundCall[] {
  if (depth > MAX_DEPTH) return [];
  const node = outermost(value);
  const parent = node.parent;
  if (!parent) return [];
  if (parent.type === AST_NODE_TYPES.Property && parent.value === node && isKey(parent, 'headers') && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    return sinksOfOptions(context, parent.parent, depth + 1);
  }
  // `{ ...headers, extra }` and `new Headers(headers)` copy it into a new headers value
  if (parent.type === AST_NODE_TYPES.SpreadElement && parent.parent.type === AST_NODE_TYPES.ObjectExpression) return sinksOfHeaders(context, parent.parent, depth + 1);
  if (parent.type === AST_NODE_TYPES.NewExpression && parent.arguments[0] === node && parent.callee.type === AST_NODE_TYPES.Identifier && parent.callee.name === 'Headers') {
    return sinksOfHeaders(context, parent, depth + 1);
  }
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    return readsOf(context.sourceCode, parent.id).flatMap((r) => sinksOfHeaders(context, r, depth + 1));
  }
  return [];
}

/** The outbound calls that take `options` (an object literal, or a value holding one) as their request options. */
export function sinksOfOptions(context: AnyContext, options: TSESTree.Node, depth = 0): OutboundCall[] {
  if (depth > MAX_DEPTH) return [];
  const node = outermost(options);
  const parent = node.parent;
  if (!parent) return [];
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(node as TSESTree.CallExpressionArgument)) {
    const call = outboundCallOf(context, parent);
    return call && parent.arguments[call.optionsIndex] === node ? [call] : [];
  }
  if (parent.type === AST_NODE_TYPES.SpreadElement && parent.parent.type === AST_NODE_TYPES.ObjectExpression) return sinksOfOptions(context, parent.parent, depth + 1);
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    return readsOf(context.sourceCode, parent.id).flatMap((r) => sinksOfOptions(context, r, depth + 1));
  }
  return [];
}

/** The object literals an options argument evaluates to: the literal, a `const` holding one, and what they spread. */
export function optionsObjects(context: AnyContext, arg: TSESTree.Node | undefined, depth = 0): TSESTree.ObjectExpression[] {
  if (!arg || depth > MAX_DEPTH) return [];
  const a = unwrap(arg);
  if (a.type === AST_NODE_TYPES.ObjectExpression) {
    return [a, ...a.properties.flatMap((p) => (p.type === AST_NODE_TYPES.SpreadElement ? optionsObjects(context, p.argument, depth + 1) : []))];
  }
  if (a.type === AST_NODE_TYPES.Identifier) {
    const def = findVariable(context.sourceCode, a)?.defs[0];
    if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
      return optionsObjects(context, def.node.init, depth + 1);
    }
  }
  return [];
}

/** The `headers` values (property values, shorthand identifiers) the call's options carry. */
export function headersValues(context: AnyContext, call: OutboundCall): TSESTree.Node[] {
  return optionsObjects(context, call.node.arguments[call.optionsIndex]).flatMap((o) =>
    o.properties.filter((p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property && isKey(p, 'headers')).map((p) => p.value),
  );
}

/** `Headers`/`Map` carriers take no properties: `propagation.inject` needs a setter that calls `set`. */
export function carrierKind(context: AnyContext, carrier: TSESTree.Node, depth = 0): CarrierKind | undefined {
  const c = unwrap(carrier);
  const services = parserServices(context);
  if (services.program) {
    const tsNode = services.esTreeNodeToTSNodeMap.get(c);
    const type = tsNode ? services.program.getTypeChecker().getTypeAtLocation(tsNode) : undefined;
    if (type && !(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
      const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
      if (name === 'Headers') return 'headers';
      if (name === 'Map') return 'map';
      return type.flags & ts.TypeFlags.Object ? 'record' : undefined;
    }
  }
  if (c.type === AST_NODE_TYPES.NewExpression && c.callee.type === AST_NODE_TYPES.Identifier) {
    if (c.callee.name === 'Headers') return 'headers';
    if (c.callee.name === 'Map') return 'map';
    return undefined;
  }
  if (c.type === AST_NODE_TYPES.ObjectExpression) return 'record';
  if (c.type === AST_NODE_TYPES.Identifier && depth < 3) {
    const def = findVariable(context.sourceCode, c)?.defs[0];
    if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init) return carrierKind(context, def.node.init, depth + 1);
  }
  return undefined;
}
