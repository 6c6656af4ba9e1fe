import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { collectModuleBindings, type ModuleBindings } from './otel-imports.js';
import { walk } from './ast-walk.js';
import { isFunctionNode, resolveFunction, type FunctionNode } from './active-context-use.js';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { asSpanStartCall } from './span-start-call.js';

/**
 * Answers "can this `await` reject", where the code shows that it cannot: awaiting a literal,
 * `undefined`, `Promise.resolve()` of nothing or a literal, `Promise.allSettled(...)`, a
 * `new Promise` whose executor takes no `reject` (also through a `const`), a `node:timers/promises` delay without an abort
 * signal (`await setTimeout(10)`), or `p.catch(handler)` whose handler neither throws, awaits nor
 * returns anything but a plain value (like the rule, it does not count a synchronous call that might
 * throw). Also a call of a function of this file that settles (below), such as the usual
 * `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))`, and, given the resolver,
 * `context.with(ctx, fn)` / `tracer.startActiveSpan(..., fn)`, which return what `fn` returns, when
 * `fn` settles; and `.then(f)` / `.finally(f)` of a promise that cannot reject, when `f` settles.
 * A function settles when it is no generator, has no `throw`, and every `await`, `for await` and
 * returned value in its own body is one of the above, a plain value, or what a `Span` method returns.
 * Anything else may reject.
 */
export function createNonRejectingAwait(sourceCode: Readonly<TSESLint.SourceCode>, resolver?: OtelResolver): (argument: TSESTree.Expression) => boolean {
  let timers: ModuleBindings | undefined;
  const timerBindings = (): ModuleBindings => (timers ??= collectModuleBindings(sourceCode.ast, (m) => m === 'timers/promises' || m === 'node:timers/promises'));

  const boundToTimers = (id: TSESTree.Identifier): boolean => {
    const def = findVariable(sourceCode, id)?.defs[0];
    return !!def && (timerBindings().declarations.has(def.node) || (def.parent != null && timerBindings().declarations.has(def.parent)));
  };

  const isTimerDelay = (call: TSESTree.CallExpression): boolean => {
    // An options argument may carry an AbortSignal, which rejects on abort.
    if (call.arguments.length > 2) return false;
    const callee = call.callee;
    let imported: string | undefined;
    if (callee.type === AST_NODE_TYPES.Identifier && boundToTimers(callee)) {
      imported = timerBindings().named.get(callee.name);
    } else if (
      callee.type === AST_NODE_TYPES.MemberExpression &&
      !callee.computed &&
      callee.object.type === AST_NODE_TYPES.Identifier &&
      callee.property.type === AST_NODE_TYPES.Identifier &&
      timerBindings().namespaces.has(callee.object.name) &&
      boundToTimers(callee.object)
    ) {
      imported = callee.property.name;
    }
    return imported === 'setTimeout' || imported === 'setImmediate';
  };

  /**
   * A rejection handler that fulfils its promise: no `throw`, no `await`, and nothing returned
   * that could be a promise (a returned call's promise would be adopted, rejection included).
   */
  const handlesWithoutRejecting = (handler: TSESTree.Node): boolean => {
    if (handler.type !== AST_NODE_TYPES.ArrowFunctionExpression && handler.type !== AST_NODE_TYPES.FunctionExpression) return false;
    if (handler.body.type !== AST_NODE_TYPES.BlockStatement) return plainValue(handler.body);
    let settles = true;
    walk(sourceCode, handler.body, (n) => {
      if (isFunctionNode(n)) return 'skip';
      settles =
        n.type !== AST_NODE_TYPES.ThrowStatement &&
        n.type !== AST_NODE_TYPES.AwaitExpression &&
        !(n.type === AST_NODE_TYPES.ReturnStatement && n.argument && !plainValue(n.argument));
      return settles ? undefined : 'stop';
    });
    return settles;
  };

  /** A value that is not a promise: a literal, an array or object literal, `undefined`/`null`, `void x`. */
  const plainValue = (value: TSESTree.Node): boolean =>
    value.type === AST_NODE_TYPES.Literal ||
    value.type === AST_NODE_TYPES.TemplateLiteral ||
    value.type === AST_NODE_TYPES.ArrayExpression ||
    value.type === AST_NODE_TYPES.ObjectExpression ||
    (value.type === AST_NODE_TYPES.UnaryExpression && value.operator === 'void') ||
    (value.type === AST_NODE_TYPES.Identifier && isGlobal(value, 'undefined'));

  /** The global of that name, not a local binding that shadows it. */
  const isGlobal = (id: TSESTree.Identifier, name: string): boolean => id.name === name && !findVariable(sourceCode, id)?.defs.length;

  /** Functions being inspected, so that a helper calling itself is not followed forever. */
  const inspecting = new Set<FunctionNode>();
  /** Constants being followed to their value (`const a = b, b = a` must not loop). */
  const following = new Set<TSESTree.VariableDeclarator>();

  /** The function's result (its promise, when async) cannot reject, sync throws of calls aside. */
  const settles = (fn: FunctionNode): boolean => {
    if (fn.generator || inspecting.has(fn)) return false;
    inspecting.add(fn);
    try {
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return settledValue(fn.body);
      let ok = true;
      walk(sourceCode, fn.body, (n) => {
        if (isFunctionNode(n)) return 'skip';
        if (n.type === AST_NODE_TYPES.ThrowStatement) ok = false;
        else if (n.type === AST_NODE_TYPES.ForOfStatement && n.await) ok = false;
        else if (n.type === AST_NODE_TYPES.AwaitExpression) ok = cannotReject(n.argument);
        else if (n.type === AST_NODE_TYPES.ReturnStatement && n.argument) ok = settledValue(n.argument);
        return ok ? undefined : 'stop';
      });
      return ok;
    } finally {
      inspecting.delete(fn);
    }
  };

  /**
   * A returned value that cannot reject: a plain value, a promise that cannot reject, or what a
   * method of a `Span` returns (`span.end()`: void or the span, never a promise).
   */
  const settledValue = (value: TSESTree.Expression): boolean =>
    plainValue(value) ||
    cannotReject(value) ||
    (value.type === AST_NODE_TYPES.CallExpression &&
      value.callee.type === AST_NODE_TYPES.MemberExpression &&
      resolver?.isOtelType(value.callee.object, 'Span') === true);

  /** The handler is a function of this file that settles. */
  const settlingHandler = (handler: TSESTree.Node | undefined): boolean => {
    const fn = handler ? resolveFunction(sourceCode, handler) : undefined;
    return !!fn && settles(fn);
  };

  /** `context.with(ctx, fn)` / `tracer.startActiveSpan(..., fn)`: what `fn` returns, when `fn` is in this file. */
  const runsCallback = (call: TSESTree.CallExpression): FunctionNode | undefined => {
    if (!resolver) return undefined;
    let callback: TSESTree.Node | undefined;
    if (resolver.isApiCall(call, 'context', 'with')) callback = call.arguments[1];
    else {
      const start = asSpanStartCall(resolver, call);
      if (start?.method === 'startActiveSpan') callback = start.callback;
    }
    return callback ? resolveFunction(sourceCode, callback) : undefined;
  };

  const cannotReject = (argument: TSESTree.Expression): boolean => {
    switch (argument.type) {
      case AST_NODE_TYPES.Literal:
      case AST_NODE_TYPES.TemplateLiteral:
        return true;
      case AST_NODE_TYPES.Identifier: {
        if (isGlobal(argument, 'undefined')) return true;
        // `const ready = new Promise((resolve) => ...); ... await ready;`
        const variable = findVariable(sourceCode, argument);
        const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
        if (
          def?.node.type !== AST_NODE_TYPES.VariableDeclarator ||
          def.node.id.type !== AST_NODE_TYPES.Identifier ||
          def.parent?.type !== AST_NODE_TYPES.VariableDeclaration ||
          def.parent.kind !== 'const' ||
          def.node.init == null ||
          following.has(def.node)
        ) {
          return false;
        }
        following.add(def.node);
        try {
          return cannotReject(def.node.init);
        } finally {
          following.delete(def.node);
        }
      }
      case AST_NODE_TYPES.NewExpression: {
        if (argument.callee.type !== AST_NODE_TYPES.Identifier || !isGlobal(argument.callee, 'Promise')) return false;
        const executor = argument.arguments[0];
        return (executor?.type === AST_NODE_TYPES.ArrowFunctionExpression || executor?.type === AST_NODE_TYPES.FunctionExpression) && executor.params.length <= 1;
      }
      case AST_NODE_TYPES.CallExpression: {
        const callee = argument.callee;
        if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier) {
          if (callee.property.name === 'catch') return argument.arguments.length === 1 && handlesWithoutRejecting(argument.arguments[0]);
          if (callee.property.name === 'allSettled' && callee.object.type === AST_NODE_TYPES.Identifier && isGlobal(callee.object, 'Promise')) return true;
          // `Promise.resolve().then(() => ...)`: a promise that cannot reject, continued by handlers that settle.
          if (
            (callee.property.name === 'then' || callee.property.name === 'finally') &&
            argument.arguments.length >= 1 &&
            argument.arguments.length <= 2 &&
            cannotReject(callee.object) &&
            argument.arguments.every((a) => settlingHandler(a))
          ) {
            return true;
          }
        }
        if (
          callee.type === AST_NODE_TYPES.MemberExpression &&
          !callee.computed &&
          callee.object.type === AST_NODE_TYPES.Identifier &&
          isGlobal(callee.object, 'Promise') &&
          callee.property.type === AST_NODE_TYPES.Identifier &&
          callee.property.name === 'resolve' &&
          // `Promise.resolve(p)` adopts a rejected `p`.
          argument.arguments.every((a) => a.type === AST_NODE_TYPES.Literal)
        ) {
          return true;
        }
        if (isTimerDelay(argument)) return true;
        if (callee.type === AST_NODE_TYPES.Identifier) {
          // A helper of this file: `sleep(10)`.
          const helper = resolveFunction(sourceCode, callee);
          if (helper) return settles(helper);
        }
        const callback = runsCallback(argument);
        return !!callback && settles(callback);
      }
      default:
        return false;
    }
  };
  return cannotReject;
}
