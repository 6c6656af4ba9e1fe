import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { OtelResolver } from './resolve-otel-symbol.js';
import { asSpanStartCall, calledMethodName } from './span-start-call.js';
import { isFunctionNode, type FunctionNode } from './active-context-use.js';
import { walk } from './ast-walk.js';

/**
 * Answers "does this code run while a span is active, because an enclosing callback was handed to
 * `tracer.startActiveSpan(...)`, `context.with(ctx, ...)` or `context.bind(ctx, ...)`?" — lexically,
 * in this file. Callbacks that run during the call they are passed to (`items.map(fn)`,
 * `new Promise(fn)`, an IIFE) keep the enclosing context under every context manager. Timer,
 * microtask and promise callbacks keep it only under a manager that follows them
 * (`callbacks: 'async'`: AsyncLocalStorage, zones). Under a manager that loses the context at
 * `await` (`awaits: true`: the browser's StackContextManager, ZoneContextManager with native
 * async/await) the answer also says which `await` came first.
 */
export interface ActiveScope {
  /** The callback that runs with the context. */
  readonly fn: FunctionNode;
  /** `root`: `context.with(ROOT_CONTEXT, ...)`, deliberately no span. */
  readonly kind: 'span' | 'root';
  /** With `awaits: true`: an `await` between the scope's start and the node, after which the context is gone. */
  readonly await?: TSESTree.Node;
}

export interface ScopeFollow {
  readonly callbacks: 'sync' | 'async';
  readonly awaits: boolean;
}

const SYNC_CALLBACK_METHODS = new Set([
  'map', 'forEach', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every',
  'find', 'findIndex', 'findLast', 'findLastIndex', 'sort', 'toSorted',
]);
const ASYNC_CALLBACK_FUNCTIONS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
const LOOPS = new Set<string>([
  AST_NODE_TYPES.ForStatement, AST_NODE_TYPES.ForInStatement, AST_NODE_TYPES.ForOfStatement, AST_NODE_TYPES.WhileStatement, AST_NODE_TYPES.DoWhileStatement,
]);

type SourceCode = Readonly<TSESLint.SourceCode>;

/** How a function relates to the call it is an argument of. */
function callbackRole(resolver: OtelResolver, fn: FunctionNode): ActiveScope['kind'] | 'sync' | 'async' | undefined {
  const parent = fn.parent;
  if (parent.type === AST_NODE_TYPES.NewExpression) {
    return parent.callee.type === AST_NODE_TYPES.Identifier && parent.callee.name === 'Promise' && parent.arguments[0] === fn ? 'sync' : undefined;
  }
  if (parent.type !== AST_NODE_TYPES.CallExpression) return undefined;
  if (parent.callee === fn) return 'sync';
  const start = asSpanStartCall(resolver, parent);
  if (start && start.callback === fn) return 'span';
  if (resolver.isApiCall(parent, 'context', ['with', 'bind']) && parent.arguments[1] === fn) {
    const ctx = parent.arguments[0];
    return ctx && resolver.isApiExport(ctx, 'ROOT_CONTEXT') ? 'root' : 'span';
  }
  const method = calledMethodName(parent);
  if (method && SYNC_CALLBACK_METHODS.has(method) && parent.arguments[0] === fn) return 'sync';
  if (method && PROMISE_METHODS.has(method)) return 'async';
  if (method === 'nextTick' && parent.callee.type === AST_NODE_TYPES.MemberExpression && parent.callee.object.type === AST_NODE_TYPES.Identifier && parent.callee.object.name === 'process') return 'async';
  if (parent.callee.type === AST_NODE_TYPES.Identifier && ASYNC_CALLBACK_FUNCTIONS.has(parent.callee.name) && parent.arguments[0] === fn) return 'async';
  return undefined;
}

/** `await` (or `for await`) in `fn`'s own body before `node`. */
export function awaitsBefore(sourceCode: SourceCode, fn: FunctionNode, node: TSESTree.Node): TSESTree.Node | undefined {
  if (!fn.async) return undefined;
  let found: TSESTree.Node | undefined;
  // In a loop, an await anywhere in the loop runs before the node's next iteration.
  let loop: TSESTree.Node | undefined;
  for (let a: TSESTree.Node | undefined = node.parent; a && a !== fn; a = a.parent) if (LOOPS.has(a.type)) loop = a;
  const before = (n: TSESTree.Node): boolean => n.range[1] <= node.range[0] || (!!loop && n.range[0] >= loop.range[0] && n.range[1] <= loop.range[1]);
  walk(sourceCode, fn.body, (n) => {
    if (isFunctionNode(n)) return 'skip';
    if ((n.type === AST_NODE_TYPES.AwaitExpression || (n.type === AST_NODE_TYPES.ForOfStatement && n.await)) && before(n)) {
      found = n;
      return 'stop';
    }
  });
  return found;
}

export function enclosingActiveScope(sourceCode: SourceCode, resolver: OtelResolver, node: TSESTree.Node, follow: ScopeFollow): ActiveScope | undefined {
  let inner: TSESTree.Node = node;
  let lostAt: TSESTree.Node | undefined;
  for (let n: TSESTree.Node | undefined = node.parent; n; n = n.parent) {
    if (!isFunctionNode(n)) continue;
    if (follow.awaits) lostAt ??= awaitsBefore(sourceCode, n, inner);
    const role = callbackRole(resolver, n);
    if (role === 'span' || role === 'root') return { fn: n, kind: role, await: lostAt };
    if (role === 'sync' || (role === 'async' && follow.callbacks === 'async')) {
      inner = n;
      continue;
    }
    return undefined;
  }
  return undefined;
}
