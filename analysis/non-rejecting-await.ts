import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { collectModuleBindings, type ModuleBindings } from './otel-imports.js';
import { walk } from './ast-walk.js';
import { isFunctionNode } from './active-context-use.js';
import { findVariable } from './resolve-otel-symbol.js';

/**
 * Answers "can this `await` reject", where the code shows that it cannot: awaiting a literal,
 * `undefined`, `Promise.resolve()` of nothing or a literal, `Promise.allSettled(...)`, a
 * `new Promise` whose executor takes no `reject`, a `node:timers/promises` delay without an abort
 * signal (`await setTimeout(10)`), or `p.catch(handler)` whose handler neither throws, awaits nor
 * returns anything but a plain value (like the rule, it does not count a synchronous call that might
 * throw). Anything else may reject.
 */
export function createNonRejectingAwait(sourceCode: Readonly<TSESLint.SourceCode>): (argument: TSESTree.Expression) => boolean {
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

  return (argument) => {
    switch (argument.type) {
      case AST_NODE_TYPES.Literal:
      case AST_NODE_TYPES.TemplateLiteral:
        return true;
      case AST_NODE_TYPES.Identifier:
        return isGlobal(argument, 'undefined');
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
        return isTimerDelay(argument);
      }
      default:
        return false;
    }
  };
}
