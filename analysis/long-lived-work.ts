import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { findVariable } from './resolve-otel-symbol.js';
import { isFunctionNode, resolveFunction, type FunctionNode } from './active-context-use.js';
import { unwrapExpression } from './value-origin.js';
import { walk } from './ast-walk.js';

/**
 * Answers "does this call start work that outlives the code that starts it": a `setInterval`, a
 * timer loop (a function that schedules itself again with `setTimeout`/`setImmediate`), or an
 * endless async loop (`while (true)` / `for (;;)` with an `await`, called without awaiting it).
 * Under AsyncLocalStorage such work keeps, for good, the context it was started in.
 *
 * And "is it started lazily": inside a function that takes arguments, under a first-call guard on
 * state that outlives the call (`if (!this.timer) { this.timer = setInterval(...) }`,
 * `if (!started) { started = true; loop(); }`, `flusher ??= setInterval(...)`), so whichever
 * caller comes first — typically a request — gives it its context.
 */
export interface LongLivedWork {
  readonly kind: 'interval' | 'timer-loop' | 'async-loop';
  /** The function that runs again and again. */
  readonly work: FunctionNode;
  /** What a fix wraps: the callback given to the timer, or the call that starts the loop. */
  readonly start: TSESTree.Node;
  readonly wrap: 'callback' | 'call';
}

type SourceCode = Readonly<TSESLint.SourceCode>;

const isGlobalCall = (sourceCode: SourceCode, call: TSESTree.CallExpression, names: readonly string[]): boolean =>
  call.callee.type === AST_NODE_TYPES.Identifier && names.includes(call.callee.name) && !findVariable(sourceCode, call.callee);

const CONDITIONAL = new Set<string>([
  AST_NODE_TYPES.IfStatement, AST_NODE_TYPES.ConditionalExpression, AST_NODE_TYPES.LogicalExpression, AST_NODE_TYPES.SwitchCase,
  AST_NODE_TYPES.CatchClause, AST_NODE_TYPES.WhileStatement, AST_NODE_TYPES.DoWhileStatement, AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.ForInStatement, AST_NODE_TYPES.ForOfStatement,
]);

/**
 * `fn` schedules itself again, unconditionally: `setTimeout(fn, ms)` / `setTimeout(() => fn(), ms)`
 * in its own body, under no `if`/loop/`catch`. A conditional reschedule (poll until done, retry)
 * ends, and belongs to whoever started it.
 */
function reschedulesItself(sourceCode: SourceCode, fn: FunctionNode): boolean {
  let found = false;
  walk(sourceCode, fn.body, (n) => {
    if (n.type !== AST_NODE_TYPES.CallExpression || !isGlobalCall(sourceCode, n, ['setTimeout', 'setImmediate']) || !n.arguments[0]) return;
    const arg = n.arguments[0];
    const target = resolveFunction(sourceCode, arg);
    const callsSelf =
      target === fn ||
      (isFunctionNode(arg) && arg.body.type === AST_NODE_TYPES.CallExpression && resolveFunction(sourceCode, arg.body.callee) === fn);
    let unconditional = true;
    for (let p: TSESTree.Node | undefined = n.parent; p && p !== fn; p = p.parent) if (CONDITIONAL.has(p.type)) unconditional = false;
    if (callsSelf && unconditional) {
      found = true;
      return 'stop';
    }
  });
  return found;
}

/** An async function whose own body loops forever (`while (true)`, `for (;;)`, `do ... while (true)`) and awaits in the loop. */
function loopsForever(sourceCode: SourceCode, fn: FunctionNode): boolean {
  if (!fn.async) return false;
  let found = false;
  const alwaysTrue = (test: TSESTree.Node | null): boolean => test === null || (test.type === AST_NODE_TYPES.Literal && test.value === true);
  walk(sourceCode, fn.body, (n) => {
    if (isFunctionNode(n)) return 'skip';
    const endless =
      ((n.type === AST_NODE_TYPES.WhileStatement || n.type === AST_NODE_TYPES.DoWhileStatement) && alwaysTrue(n.test)) ||
      (n.type === AST_NODE_TYPES.ForStatement && alwaysTrue(n.test));
    if (!endless) return;
    let awaits = false;
    walk(sourceCode, n, (m) => {
      if (isFunctionNode(m)) return 'skip';
      if (m.type === AST_NODE_TYPES.AwaitExpression || (m.type === AST_NODE_TYPES.ForOfStatement && m.await)) {
        awaits = true;
        return 'stop';
      }
    });
    if (awaits) {
      found = true;
      return 'stop';
    }
  });
  return found;
}

/** The call is not awaited or returned: its promise is left running. */
function leftRunning(call: TSESTree.CallExpression): boolean {
  const parent = call.parent;
  return parent.type === AST_NODE_TYPES.ExpressionStatement || (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void');
}

/** What a function is, once per function: most calls go to functions that are neither. */
const shapes = new WeakMap<FunctionNode, 'timer-loop' | 'async-loop' | null>();
function loopShape(sourceCode: SourceCode, fn: FunctionNode): 'timer-loop' | 'async-loop' | null {
  let shape = shapes.get(fn);
  if (shape === undefined) {
    shape = reschedulesItself(sourceCode, fn) ? 'timer-loop' : loopsForever(sourceCode, fn) ? 'async-loop' : null;
    shapes.set(fn, shape);
  }
  return shape;
}

export function longLivedWork(sourceCode: SourceCode, call: TSESTree.CallExpression): LongLivedWork | undefined {
  const callee = call.callee;
  if (callee.type === AST_NODE_TYPES.Identifier && (callee.name === 'setInterval' || callee.name === 'setTimeout' || callee.name === 'setImmediate')) {
    const arg = call.arguments[0];
    if (!arg || findVariable(sourceCode, callee)) return undefined;
    const work = resolveFunction(sourceCode, arg);
    if (!work) return undefined;
    if (callee.name === 'setInterval') return { kind: 'interval', work, start: arg, wrap: 'callback' };
    // Only the first scheduling, not the one inside the loop itself.
    if (loopShape(sourceCode, work) !== 'timer-loop' || isInside(call, work)) return undefined;
    return { kind: 'timer-loop', work, start: arg, wrap: 'callback' };
  }
  if (!leftRunning(call)) return undefined;
  const work = resolveFunction(sourceCode, callee);
  if (!work || isInside(call, work)) return undefined;
  const shape = loopShape(sourceCode, work);
  return shape ? { kind: shape, work, start: call, wrap: 'call' } : undefined;
}

const isInside = (node: TSESTree.Node, fn: TSESTree.Node): boolean => node.range[0] >= fn.range[0] && node.range[1] <= fn.range[1];

/**
 * The function whose first call starts `call` lazily (see above), or undefined. The guard state
 * must live outside that function (module level, an outer variable, `this.x`), and the function
 * must take arguments: a parameterless `start()`/`init()` guard is how boot code is made idempotent.
 */
export function lazyStarter(sourceCode: SourceCode, call: TSESTree.CallExpression): FunctionNode | undefined {
  let fn: FunctionNode | undefined;
  for (let p: TSESTree.Node | undefined = call.parent; p; p = p.parent) {
    if (isFunctionNode(p)) {
      fn = p;
      break;
    }
  }
  if (!fn || fn.params.length === 0) return undefined;
  const outside = (target: TSESTree.Node): boolean => {
    const t = unwrapExpression(target);
    if (t.type === AST_NODE_TYPES.MemberExpression) return unwrapExpression(t.object).type === AST_NODE_TYPES.ThisExpression;
    if (t.type !== AST_NODE_TYPES.Identifier) return false;
    const def = findVariable(sourceCode, t)?.defs[0];
    return !!def && !isInside(def.name, fn);
  };
  const sameTarget = (a: TSESTree.Node, b: TSESTree.Node) => sourceCode.getText(unwrapExpression(a)) === sourceCode.getText(unwrapExpression(b));
  for (let child: TSESTree.Node = call, p: TSESTree.Node | undefined = call.parent; p && p !== fn; child = p, p = p.parent) {
    // `flusher ??= setInterval(...)`, `this.timer ||= setInterval(...)`
    if (p.type === AST_NODE_TYPES.AssignmentExpression && (p.operator === '??=' || p.operator === '||=') && p.right === child && outside(p.left)) return fn;
    // `if (!x) { ...; x = ...; ... }` where the if statement encloses the call
    if (p.type === AST_NODE_TYPES.IfStatement && p.consequent === child) {
      const tested: TSESTree.Node[] = [];
      walk(sourceCode, p.test, (n) => {
        if (n.type === AST_NODE_TYPES.Identifier || (n.type === AST_NODE_TYPES.MemberExpression && unwrapExpression(n.object).type === AST_NODE_TYPES.ThisExpression)) {
          tested.push(n);
          return 'skip';
        }
      });
      let assigns = false;
      walk(sourceCode, p.consequent, (n) => {
        if (n.type === AST_NODE_TYPES.AssignmentExpression && tested.some((t) => sameTarget(t, n.left) && outside(t))) {
          assigns = true;
          return 'stop';
        }
      });
      if (assigns) return fn;
    }
  }
  return undefined;
}
