import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { calledMethodName } from './span-start-call.js';
import { declaredTypes } from './declared-type.js';
import { unwrapExpression } from './value-origin.js';
import { moduleExportRefs } from './module-export-ref.js';
import type { FunctionNode } from './active-context-use.js';
import { walk } from './ast-walk.js';

/**
 * Answers "is this call a listener registration on a Node.js EventEmitter" and "does the emitter
 * outlive a given scope". A listener runs in the context of whoever calls `emit()`, so where the
 * emitter lives decides whether registration-time context can be expected at emit time.
 *
 * With type information the emitter must derive from `events.EventEmitter` (sockets, streams,
 * `ws`, `ioredis` clients, user subclasses); without it, any `x.on(event, fn)` counts.
 * `process` and `parentPort` are left out: their `'message'` listeners are the receiving side of
 * a process/thread boundary, and signal listeners run in the context that first subscribed.
 */
export interface ListenerRegistration {
  readonly call: TSESTree.CallExpression;
  readonly emitter: TSESTree.Expression;
  readonly event: TSESTree.Expression;
  readonly listener: TSESTree.Expression;
}

export type EmitterLifetime =
  /** declared outside the scope: module level, an import, an outer function's variable, `this.x` */
  | 'outlives'
  /** a parameter of a function that encloses the scope (injected by the caller) */
  | 'parameter'
  /** created or declared inside the scope */
  | 'inside'
  | 'unknown';

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

type SourceCode = Readonly<TSESLint.SourceCode>;

export function listenerRegistration(sourceCode: SourceCode, resolver: OtelResolver, call: TSESTree.CallExpression): ListenerRegistration | undefined {
  const method = calledMethodName(call);
  if (!method || !LISTEN.has(method) || call.callee.type !== AST_NODE_TYPES.MemberExpression || call.arguments.length < 2) return undefined;
  const emitter = call.callee.object;
  const [event, listener] = call.arguments as [TSESTree.CallExpressionArgument, TSESTree.CallExpressionArgument];
  if (listener.type === AST_NODE_TYPES.SpreadElement || event.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const root = unwrapExpression(emitter);
  if (root.type === AST_NODE_TYPES.Identifier && root.name === 'process' && !findVariable(sourceCode, root)) return undefined;
  if (moduleExportRefs(sourceCode).isExport(root, ['worker_threads'], 'parentPort')) return undefined;
  const types = declaredTypes(resolver);
  if (types && !types.isUntyped(emitter) && !types.isClass(emitter, 'events', 'EventEmitter')) return undefined;
  return { call, emitter, event, listener };
}

export function emitterLifetime(sourceCode: SourceCode, emitter: TSESTree.Node, scope: FunctionNode): EmitterLifetime {
  let n = unwrapExpression(emitter);
  while (n.type === AST_NODE_TYPES.MemberExpression) n = unwrapExpression(n.object);
  const inside = (node: TSESTree.Node): boolean => node.range[0] >= scope.range[0] && node.range[1] <= scope.range[1];
  if (n.type === AST_NODE_TYPES.ThisExpression) return 'outlives';
  if (n.type !== AST_NODE_TYPES.Identifier) return n.type === AST_NODE_TYPES.NewExpression ? 'inside' : 'unknown';
  const v = findVariable(sourceCode, n);
  const def = v?.defs[0];
  if (!def) return 'unknown';
  if (def.type === TSESLint.Scope.DefinitionType.Parameter) return inside(def.node) ? 'inside' : 'parameter';
  if (inside(def.name)) return 'inside';
  // `let client; ... client = createClient()` in the scope, before the registration: made inside it.
  const madeInside = v.references.some((r) => r.isWrite() && inside(r.identifier) && r.identifier.range[0] < n.range[0]);
  return madeInside ? 'inside' : 'outlives';
}

/**
 * `emitter.emit(event)` on the same expression (`bus`, `this.events`) inside `scope`, for the same
 * event when both names are literals: that emit carries the scope's context to the listener.
 */
export function emitsInside(sourceCode: SourceCode, reg: ListenerRegistration, scope: FunctionNode): boolean {
  const text = sourceCode.getText(unwrapExpression(reg.emitter));
  const event = literalValue(reg.event);
  let found = false;
  walk(sourceCode, scope.body, (n) => {
    if (n.type !== AST_NODE_TYPES.CallExpression || calledMethodName(n) !== 'emit' || n.callee.type !== AST_NODE_TYPES.MemberExpression) return;
    if (sourceCode.getText(unwrapExpression(n.callee.object)) !== text) return;
    const emitted = n.arguments[0] && literalValue(n.arguments[0]);
    if (event === undefined || emitted === undefined || emitted === event) {
      found = true;
      return 'stop';
    }
  });
  return found;
}

function literalValue(node: TSESTree.Node): string | undefined {
  return node.type === AST_NODE_TYPES.Literal && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}
