import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { asSpanStartCall, rootOption } from './span-start-call.js';
import { walk } from './ast-walk.js';

/**
 * Answers "does this function depend on the context it runs in": does it start a span that takes
 * its parent from the active context, or read the active context (`context.active()`,
 * `trace.getActiveSpan()`)? And "does it restore a context itself" (`propagation.extract`,
 * `context.with(ctx, ...)` with a context that is not the active one, a span with an explicit
 * parent, `{ root: true }` or links).
 *
 * Spans with an explicit parent context or `{ root: true }` do not depend on the active context,
 * and neither does anything inside their callbacks or inside `context.with(ctx, fn)` with some
 * other context. Calls of functions declared in this file (`handle(job)`, `this.process(job)`)
 * are followed two levels deep.
 */
export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration;
/** Code to analyse: a function, or a block that runs as it stands (a branch of the module's top level). */
export type CodeUnit = FunctionNode | TSESTree.BlockStatement;

const bodyOf = (unit: CodeUnit): TSESTree.Node => (unit.type === AST_NODE_TYPES.BlockStatement ? unit : unit.body);

type SourceCode = Readonly<TSESLint.SourceCode>;

const FOLLOW_DEPTH = 2;

export function isFunctionNode(node: TSESTree.Node | undefined | null): node is FunctionNode {
  return (
    !!node &&
    (node.type === AST_NODE_TYPES.ArrowFunctionExpression || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.FunctionDeclaration)
  );
}

/** The function a callee or callback expression refers to in this file: inline, a function declaration, a `const f = () => ...`, or a method of the enclosing class. */
export function resolveFunction(sourceCode: SourceCode, node: TSESTree.Node): FunctionNode | undefined {
  if (isFunctionNode(node)) return node;
  if (node.type === AST_NODE_TYPES.Identifier) {
    const v = findVariable(sourceCode, node);
    if (!v || v.defs.length !== 1) return undefined;
    const def = v.defs[0];
    if (def.node.type === AST_NODE_TYPES.FunctionDeclaration) return def.node;
    const declarator = def.node;
    if (declarator.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier && isFunctionNode(declarator.init)) {
      return v.references.some((r) => r.isWrite() && r.identifier !== declarator.id) ? undefined : declarator.init;
    }
    return undefined;
  }
  if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression && !node.computed) {
    const name = node.property.type === AST_NODE_TYPES.Identifier ? node.property.name : node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : undefined;
    let cls: TSESTree.Node | undefined = node.parent;
    while (cls && cls.type !== AST_NODE_TYPES.ClassBody) cls = cls.parent;
    if (!cls || !name) return undefined;
    for (const el of cls.body) {
      if (el.type !== AST_NODE_TYPES.MethodDefinition || el.kind !== 'method' || el.computed) continue;
      const key = el.key.type === AST_NODE_TYPES.Identifier ? el.key.name : el.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${el.key.name}` : undefined;
      if (key === name && el.value.type === AST_NODE_TYPES.FunctionExpression) return el.value;
    }
  }
  return undefined;
}

export interface ContextUseAnalysis {
  /** The first span start or active-context read that depends on the context `fn` runs in (in `fn` or a function it calls). */
  activeContextUse(fn: CodeUnit): TSESTree.Node | undefined;
  /** `fn` (or a function it calls) restores or sets a context itself, or starts spans with explicit parents, root or links. */
  restoresContext(fn: CodeUnit): boolean;
  /** `fn` (or a function it calls) starts any span or reads the active context: it traces, whatever its parent. */
  traces(fn: CodeUnit): boolean;
  /** `node` reads the active context: `context.active()`, `trace.getActiveSpan()`. */
  readsActiveContext(node: TSESTree.Node): boolean;
  /** `node` reads the active context or starts a span parented by it. */
  dependsOnActiveContext(node: TSESTree.CallExpression): boolean;
}

const analyses = new WeakMap<object, ContextUseAnalysis>();

export function contextUseAnalysis(sourceCode: SourceCode, resolver: OtelResolver): ContextUseAnalysis {
  const hit = analyses.get(sourceCode);
  if (hit) return hit;
  const useCache = new Map<TSESTree.Node, TSESTree.Node | null>();
  const restoreCache = new Map<TSESTree.Node, boolean>();

  const readsActiveContext = (node: TSESTree.Node): boolean =>
    node.type === AST_NODE_TYPES.CallExpression && (resolver.isApiCall(node, 'context', 'active') || resolver.isApiCall(node, 'trace', 'getActiveSpan'));

  /** A context argument that is not simply the active one. */
  const explicitContext = (ctx: TSESTree.Node | undefined): boolean => !!ctx && !readsActiveContext(ctx);

  const calledFunction = (call: TSESTree.CallExpression): FunctionNode | undefined => resolveFunction(sourceCode, call.callee);

  const use = (fn: CodeUnit, depth: number, visiting: Set<TSESTree.Node>): TSESTree.Node | undefined => {
    const cached = useCache.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    if (visiting.has(fn)) return undefined;
    visiting.add(fn);
    let found: TSESTree.Node | undefined;
    walk(sourceCode, bodyOf(fn), (n) => {
      if (n.type !== AST_NODE_TYPES.CallExpression) return;
      const start = asSpanStartCall(resolver, n);
      if (start) {
        if (explicitContext(start.context) || rootOption(sourceCode, start.options) === 'root') return 'skip';
        found = n;
        return 'stop';
      }
      if (resolver.isApiCall(n, 'context', ['with', 'bind']) && explicitContext(n.arguments[0])) return 'skip';
      const callee = depth > 0 ? calledFunction(n) : undefined;
      if (readsActiveContext(n) || (callee && callee !== fn && use(callee, depth - 1, visiting))) {
        found = n;
        return 'stop';
      }
    });
    visiting.delete(fn);
    if (depth === FOLLOW_DEPTH) useCache.set(fn, found ?? null);
    return found;
  };

  const restores = (fn: CodeUnit, depth: number, visiting: Set<TSESTree.Node>): boolean => {
    const cached = restoreCache.get(fn);
    if (cached !== undefined) return cached;
    if (visiting.has(fn)) return false;
    visiting.add(fn);
    let found = false;
    walk(sourceCode, bodyOf(fn), (n) => {
      if (n.type !== AST_NODE_TYPES.CallExpression) return;
      const start = asSpanStartCall(resolver, n);
      const callee = depth > 0 && !start ? calledFunction(n) : undefined;
      const call: TSESTree.Node = n;
      found =
        resolver.isApiCall(call, 'propagation', 'extract') ||
        resolver.isApiCall(call, 'trace', ['setSpanContext', 'wrapSpanContext']) ||
        (resolver.isApiCall(call, 'context', ['with', 'bind']) && explicitContext(n.arguments[0])) ||
        (!!start && (explicitContext(start.context) || rootOption(sourceCode, start.options) !== 'child' || hasLinks(start.options))) ||
        (!!callee && callee !== fn && restores(callee, depth - 1, visiting));
      return found ? 'stop' : undefined;
    });
    visiting.delete(fn);
    if (depth === FOLLOW_DEPTH) restoreCache.set(fn, !!found);
    return !!found;
  };

  const tracesCache = new Map<TSESTree.Node, boolean>();
  const traces = (fn: CodeUnit, depth: number, visiting: Set<TSESTree.Node>): boolean => {
    const cached = tracesCache.get(fn);
    if (cached !== undefined) return cached;
    if (visiting.has(fn)) return false;
    visiting.add(fn);
    let found = false;
    walk(sourceCode, bodyOf(fn), (n) => {
      if (n.type !== AST_NODE_TYPES.CallExpression) return;
      const callee = depth > 0 ? calledFunction(n) : undefined;
      found = !!asSpanStartCall(resolver, n) || readsActiveContext(n) || (!!callee && callee !== fn && traces(callee, depth - 1, visiting));
      return found ? 'stop' : undefined;
    });
    visiting.delete(fn);
    if (depth === FOLLOW_DEPTH) tracesCache.set(fn, found);
    return found;
  };

  const analysis: ContextUseAnalysis = {
    traces: (fn) => traces(fn, FOLLOW_DEPTH, new Set()),
    activeContextUse: (fn) => use(fn, FOLLOW_DEPTH, new Set()),
    restoresContext: (fn) => restores(fn, FOLLOW_DEPTH, new Set()),
    readsActiveContext,
    dependsOnActiveContext(node) {
      const start = asSpanStartCall(resolver, node);
      if (start) return !explicitContext(start.context) && rootOption(sourceCode, start.options) !== 'root';
      return readsActiveContext(node);
    },
  };
  analyses.set(sourceCode, analysis);
  return analysis;
}

/** `{ links: [...] }` in span options: the span is deliberately linked rather than parented. */
function hasLinks(options: TSESTree.Expression | undefined): boolean {
  return (
    options?.type === AST_NODE_TYPES.ObjectExpression &&
    options.properties.some((p) => p.type === AST_NODE_TYPES.Property && !p.computed && p.key.type === AST_NODE_TYPES.Identifier && p.key.name === 'links')
  );
}
