import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { isFunctionNode } from './active-context-use.js';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { unwrapExpression } from './value-origin.js';

/**
 * Answers "who ends this span": the `span.end()` calls its own function makes, or the first use
 * through which its ownership leaves that function's control flow, after which nothing here can
 * tell whether or when it is ended.
 *
 * Ownership escapes when the span is returned, yielded, passed to a function (other than
 * `trace.setSpan`), stored (object, array, member, another variable), reassigned, when `span.end`
 * is read without being called (`span.end.bind(span)`), or when a nested function ends it
 * (`res.on('finish', () => span.end())`, `.finally(() => span.end())`). Calling the span's own
 * methods, testing it, and putting it into a context with `trace.setSpan` keep it here; the last
 * one escapes too when `contextEndsSpans` says this file ends spans it reads back from a context,
 * or when that context itself leaves the function (returned, yielded, stored): whoever receives it
 * reads the span back and ends it (`return trace.setSpan(ctx, span)` in a span factory).
 */
export interface SpanOwnership {
  /** `span.end()` calls made by the function that owns the span, in source order. */
  readonly ends: readonly TSESTree.CallExpression[];
  /** The first use through which ownership leaves; undefined when the owner keeps it. */
  readonly escape: TSESTree.Node | undefined;
}

/** The function (or program) whose code path runs `node`. */
export function owningFunction(node: TSESTree.Node): TSESTree.Node {
  let n: TSESTree.Node | undefined = node.parent;
  while (n && !isFunctionNode(n) && n.type !== AST_NODE_TYPES.Program) n = n.parent;
  return n ?? node;
}

/** The node standing for `id` in its parent expression, through `!`, `as`, `satisfies` and `<T>`. */
function outermost(id: TSESTree.Node): TSESTree.Node {
  let node = id;
  for (let p = node.parent; p; node = p, p = p.parent) {
    const wraps =
      (p.type === AST_NODE_TYPES.TSNonNullExpression || p.type === AST_NODE_TYPES.TSAsExpression || p.type === AST_NODE_TYPES.TSSatisfiesExpression || p.type === AST_NODE_TYPES.TSTypeAssertion) &&
      p.expression === node;
    if (!wraps) break;
  }
  return node;
}

function memberName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === AST_NODE_TYPES.Identifier) return member.property.name;
  if (member.computed && member.property.type === AST_NODE_TYPES.Literal && typeof member.property.value === 'string') return member.property.value;
  return undefined;
}

/** `<span>.end(...)` or `<span>?.end(...)`: the call, if `node` is the span read in such a call. */
export function endCallOf(node: TSESTree.Node): TSESTree.CallExpression | undefined {
  const outer = outermost(node);
  const member = outer.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== outer || memberName(member) !== 'end') return undefined;
  const call = member.parent;
  return call?.type === AST_NODE_TYPES.CallExpression && call.callee === member ? call : undefined;
}

type Use = 'end' | 'keeps' | 'escapes';

const STORING_METHODS = new Set(['set', 'push', 'unshift', 'add']);

/**
 * Does the value of `expr` (a context holding the span) leave the function: returned, yielded,
 * stored in an object, array, member or collection, directly or through local variables?
 * Handing it to a call (`context.with(ctx, fn)`, `helper(ctx)`) keeps it here.
 */
function valueLeaves(sourceCode: Readonly<TSESLint.SourceCode>, expr: TSESTree.Node, depth = 0): boolean {
  const node = outermost(expr);
  const parent = node.parent;
  if (!parent || depth > 3) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.YieldExpression:
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.ArrayExpression:
      return true;
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return parent.body === node;
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test !== node && valueLeaves(sourceCode, parent, depth + 1);
    case AST_NODE_TYPES.LogicalExpression:
      return valueLeaves(sourceCode, parent, depth + 1);
    case AST_NODE_TYPES.CallExpression: {
      const callee = parent.callee;
      return parent.arguments.includes(node as TSESTree.Expression) && callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) !== undefined && STORING_METHODS.has(memberName(callee)!);
    }
    case AST_NODE_TYPES.AssignmentExpression:
      if (parent.right !== node) return false;
      return parent.left.type === AST_NODE_TYPES.Identifier ? variableLeaves(sourceCode, findVariable(sourceCode, parent.left), parent, depth) : true;
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier && variableLeaves(sourceCode, findVariable(sourceCode, parent.id), parent, depth);
    default:
      return false;
  }
}

function variableLeaves(sourceCode: Readonly<TSESLint.SourceCode>, variable: TSESLint.Scope.Variable | undefined, site: TSESTree.Node, depth: number): boolean {
  if (!variable) return false;
  // A variable of an outer function or of the module is read by code this function does not run.
  if (variable.scope.variableScope.block !== owningFunction(site)) return true;
  return variable.references.some((ref) => ref.isRead() && ref.isValueReference && valueLeaves(sourceCode, ref.identifier, depth + 1));
}

/** How one read of the span uses it. */
function useOf(sourceCode: Readonly<TSESLint.SourceCode>, resolver: OtelResolver, id: TSESTree.Identifier, contextEndsSpans: boolean): Use {
  const node = outermost(id);
  const parent = node.parent!;
  switch (parent.type) {
    case AST_NODE_TYPES.MemberExpression:
      if (parent.object !== node) return 'escapes';
      if (memberName(parent) === 'end') return endCallOf(id) ? 'end' : 'escapes';
      // A computed key we cannot read may be `'end'`.
      return parent.computed && memberName(parent) === undefined ? 'escapes' : 'keeps';
    case AST_NODE_TYPES.CallExpression:
      return !contextEndsSpans && parent.callee !== node && resolver.isApiCall(parent, 'trace', 'setSpan') && !valueLeaves(sourceCode, parent) ? 'keeps' : 'escapes';
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return 'test' in parent && parent.test === node ? 'keeps' : 'escapes';
    case AST_NODE_TYPES.UnaryExpression:
      return 'keeps';
    case AST_NODE_TYPES.BinaryExpression:
      return ['===', '!==', '==', '!=', 'instanceof'].includes(parent.operator) ? 'keeps' : 'escapes';
    case AST_NODE_TYPES.LogicalExpression:
      // `span && span.end()`: only the left operand of a logical whose value is discarded or tested.
      return parent.left === node && isValueDiscardedOrTested(parent) ? 'keeps' : 'escapes';
    default:
      return 'escapes';
  }
}

function isValueDiscardedOrTested(expr: TSESTree.Expression): boolean {
  const parent = expr.parent;
  if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
  return 'test' in parent && parent.test === expr;
}

/**
 * Classifies every use of the span bound to `variable`, owned by `owner` (the function that
 * started it, or the `startActiveSpan` callback whose parameter it is).
 */
export function spanOwnership(sourceCode: Readonly<TSESLint.SourceCode>, resolver: OtelResolver, variable: TSESLint.Scope.Variable, owner: TSESTree.Node, contextEndsSpans: boolean): SpanOwnership {
  const ends: TSESTree.CallExpression[] = [];
  for (const ref of variable.references) {
    if (ref.init) continue;
    if (ref.isWrite()) return { ends, escape: ref.identifier };
    // A type position (`typeof span`) reads nothing at run time.
    if (!ref.isValueReference) continue;
    const id = ref.identifier as TSESTree.Identifier;
    const use = useOf(sourceCode, resolver, id, contextEndsSpans);
    if (use === 'escapes') return { ends, escape: id };
    if (use === 'end') {
      // An end() in a nested function runs whenever that function runs: ownership moved there.
      if (owningFunction(id) !== owner) return { ends, escape: id };
      ends.push(endCallOf(id)!);
    }
  }
  ends.sort((a, b) => a.range[0] - b.range[0]);
  return { ends, escape: undefined };
}

/**
 * Whether this file ends a span it reads back from a context (`trace.getActiveSpan()?.end()`,
 * `trace.getSpan(ctx).end()`, directly or through a variable). Then a span put into a context with
 * `trace.setSpan` may be ended there, and its ownership counts as escaped.
 */
export function endsSpansFromContext(resolver: OtelResolver, sourceCode: Readonly<TSESLint.SourceCode>, ends: Iterable<TSESTree.CallExpression>): boolean {
  const fromContext = (node: TSESTree.Node | null | undefined): boolean => {
    if (!node) return false;
    const n = unwrapExpression(node);
    return resolver.isApiCall(n, 'trace', ['getActiveSpan', 'getSpan']);
  };
  for (const call of ends) {
    const object = unwrapExpression((call.callee as TSESTree.MemberExpression).object);
    if (fromContext(object)) return true;
    if (object.type === AST_NODE_TYPES.Identifier) {
      const def = findVariable(sourceCode, object)?.defs[0];
      if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && fromContext(def.node.init)) return true;
    }
  }
  return false;
}
