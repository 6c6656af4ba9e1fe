import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { OtelResolver } from './resolve-otel-symbol.js';
import { asSpanStartCall, calledMethodName, type SpanStartCall } from './span-start-call.js';
import { isFunctionNode, type FunctionNode } from './active-context-use.js';

/**
 * Answers "at this point of the code, which span that this function started with
 * `tracer.startSpan()` is still open and was never made active?": the evident intended parent of
 * what runs here, which OpenTelemetry will not use because only the *active* span parents new spans.
 *
 * The search is conservative; it answers only when it is sure:
 * - the span is a `const`/`let`/`var` initialised with `startSpan(...)` on a Tracer, declared in a
 *   statement before this point in an enclosing block of the same function (callbacks that run
 *   during the call they are passed to, like `items.map(...)` or `new Promise(executor)`, count as
 *   the same function; any other function boundary ends the search);
 * - it is never reassigned and never escapes: its only uses are its own methods (`end`,
 *   `setAttribute`, ...) and `trace.setSpan(_, span)` written directly as a start call's context
 *   argument or in `context.with(..., () => call())` (each parents one call only), or in a
 *   `trace.setSpan(...)` whose result is discarded (it activates nothing). Returning it,
 *   storing it, passing it on, or reading `spanContext()` may activate or link it somewhere this
 *   analysis cannot see; activating it around a block of code is a deliberate boundary;
 * - it is ended somewhere (a span that nothing ends is abandoned, not a parent), and
 *   no `span.end()` may have run before this point: an `end()` in an earlier statement of an
 *   enclosing block means the span was ended (the later span is a sequential sibling, so the search
 *   goes on to earlier spans); an `end()` inside an event-listener callback (`res.on('finish', ...)`)
 *   runs later; one in a branch that returns or throws does not reach this point; any other earlier
 *   `end()` (a conditional one, one in a `.then` callback) might have run, and the answer is "none".
 * The nearest earlier span decides: if it escapes or might be ended, there is no answer.
 */
export interface OpenInactiveSpan {
  readonly variable: TSESLint.Scope.Variable;
  /** The identifier the span is declared with. */
  readonly id: TSESTree.Identifier;
  readonly start: SpanStartCall;
}

type SourceCode = Readonly<TSESLint.SourceCode>;
/** Array and collection methods that call their callback before they return. */
const SYNC_CALLBACK_METHODS = new Set([
  'map', 'forEach', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every',
  'find', 'findIndex', 'findLast', 'findLastIndex',
]);
/** Registrations whose callback runs on a later event, not before the next statement. */
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const LISTENER_FUNCTIONS = new Set(['onFinished', 'finished']);
/** Span methods that neither activate the span nor hand it to other code. */
const SPAN_METHODS = new Set(['end', 'setAttribute', 'setAttributes', 'addEvent', 'addLink', 'addLinks', 'setStatus', 'updateName', 'recordException', 'isRecording']);

/** The callback runs while the call it is passed to runs: `xs.map(fn)`, `new Promise(fn)`. */
function runsDuringCall(fn: FunctionNode): boolean {
  const call = fn.parent;
  if (call.type === AST_NODE_TYPES.NewExpression) {
    return call.callee.type === AST_NODE_TYPES.Identifier && call.callee.name === 'Promise' && call.arguments[0] === fn;
  }
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return false;
  const method = calledMethodName(call);
  return method !== undefined && SYNC_CALLBACK_METHODS.has(method);
}

function isListenerCallback(fn: TSESTree.Node): boolean {
  const call = fn.parent;
  if (!call || call.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(fn as TSESTree.Expression)) return false;
  const method = calledMethodName(call);
  if (method !== undefined) return LISTENER_METHODS.has(method);
  return call.callee.type === AST_NODE_TYPES.Identifier && LISTENER_FUNCTIONS.has(call.callee.name);
}

function statementList(node: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.StaticBlock:
    case AST_NODE_TYPES.TSModuleBlock:
      return node.body;
    case AST_NODE_TYPES.SwitchCase:
      return node.consequent;
    default:
      return undefined;
  }
}

/** Where a point sits: the enclosing statement lists (innermost first) and the functions whose code runs in order with it. */
interface Flow {
  readonly lists: ReadonlyArray<{ readonly list: readonly TSESTree.Node[]; readonly index: number }>;
  readonly functions: ReadonlySet<TSESTree.Node>;
}

function flowOf(at: TSESTree.Node): Flow {
  const lists: Array<{ list: readonly TSESTree.Node[]; index: number }> = [];
  const functions = new Set<TSESTree.Node>();
  let child: TSESTree.Node = at;
  for (let node = at.parent; node; child = node, node = node.parent) {
    const list = statementList(node);
    if (list) lists.push({ list, index: list.indexOf(child) });
    if (node.type === AST_NODE_TYPES.Program) functions.add(node);
    if (isFunctionNode(node)) {
      functions.add(node);
      if (!runsDuringCall(node)) break;
    }
    // Class members run when the class is used, not in order with the statements around it.
    if (node.type === AST_NODE_TYPES.StaticBlock || node.type === AST_NODE_TYPES.PropertyDefinition || node.type === AST_NODE_TYPES.AccessorProperty) {
      functions.add(node);
      break;
    }
  }
  return { lists, functions };
}

function homeOf(node: TSESTree.Node): TSESTree.Node {
  let n: TSESTree.Node | undefined = node.parent;
  while (n && !isFunctionNode(n) && n.type !== AST_NODE_TYPES.Program && n.type !== AST_NODE_TYPES.StaticBlock && n.type !== AST_NODE_TYPES.PropertyDefinition && n.type !== AST_NODE_TYPES.AccessorProperty) n = n.parent;
  return n ?? node;
}

function unwrap(node: TSESTree.Node | null | undefined): TSESTree.Node | null | undefined {
  while (
    node &&
    (node.type === AST_NODE_TYPES.TSAsExpression ||
      node.type === AST_NODE_TYPES.TSNonNullExpression ||
      node.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      node.type === AST_NODE_TYPES.ChainExpression)
  ) {
    node = node.expression;
  }
  return node;
}

/** The node standing for `id` in its parent expression, through `!`, `as` and `satisfies`. */
function outermost(id: TSESTree.Node): TSESTree.Node {
  let node = id;
  for (let p = node.parent; p; node = p, p = p.parent) {
    const wraps = (p.type === AST_NODE_TYPES.TSNonNullExpression || p.type === AST_NODE_TYPES.TSAsExpression || p.type === AST_NODE_TYPES.TSSatisfiesExpression) && p.expression === node;
    if (!wraps) break;
  }
  return node;
}

interface SpanDeclaration {
  readonly declarator: TSESTree.VariableDeclarator & { id: TSESTree.Identifier };
  readonly start: SpanStartCall;
}

const declarationCache = new WeakMap<TSESTree.Node, readonly SpanDeclaration[]>();

/** The spans a statement declares with `startSpan(...)`, last first. */
function spanDeclarations(resolver: OtelResolver, stmt: TSESTree.Node): readonly SpanDeclaration[] {
  if (stmt.type !== AST_NODE_TYPES.VariableDeclaration) return [];
  const hit = declarationCache.get(stmt);
  if (hit) return hit;
  const found: SpanDeclaration[] = [];
  for (const d of stmt.declarations) {
    const init = unwrap(d.init);
    if (d.id.type !== AST_NODE_TYPES.Identifier || !init) continue;
    const start = asSpanStartCall(resolver, init);
    if (start?.method === 'startSpan') found.unshift({ declarator: d as SpanDeclaration['declarator'], start });
  }
  declarationCache.set(stmt, found);
  return found;
}

type SpanUse = 'end' | 'harmless' | 'escape';

/** How one read of the span variable uses it. */
function spanUse(resolver: OtelResolver, id: TSESTree.Identifier): SpanUse {
  const node = outermost(id);
  const parent = node.parent!;
  if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node) {
    const method = !parent.computed && parent.property.type === AST_NODE_TYPES.Identifier ? parent.property.name : undefined;
    const call = parent.parent;
    if (method && SPAN_METHODS.has(method) && call.type === AST_NODE_TYPES.CallExpression && call.callee === parent) return method === 'end' ? 'end' : 'harmless';
    return 'escape';
  }
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments[1] === node && resolver.isApiCall(parent, 'trace', 'setSpan')) {
    const outer = parent.parent;
    // A discarded `trace.setSpan(...)` returns a context nobody uses: it activates nothing.
    if (outer.type === AST_NODE_TYPES.ExpressionStatement) return 'harmless';
    if (outer.type === AST_NODE_TYPES.CallExpression) {
      if (resolver.isApiCall(outer, 'context', 'with') && outer.arguments[0] === parent) return runsOneCall(outer.arguments[1]) ? 'harmless' : 'escape';
      if (asSpanStartCall(resolver, outer)?.context === parent) return 'harmless';
    }
  }
  return 'escape';
}

/**
 * `() => call()`: activating the span for one call says nothing about other calls. Activating it
 * for a block of code (`async () => { ... }`) draws a boundary on purpose; what runs outside it is
 * left outside deliberately, so the span is no longer a candidate.
 */
function runsOneCall(fn: TSESTree.Node | undefined): boolean {
  if (fn?.type !== AST_NODE_TYPES.ArrowFunctionExpression || fn.body.type === AST_NODE_TYPES.BlockStatement) return false;
  return fn.body.type === AST_NODE_TYPES.CallExpression || fn.body.type === AST_NODE_TYPES.ChainExpression;
}

/** The statement list directly holding `stmt` continues with a `return` or `throw`: what follows is not reached. */
function exitsAfter(stmt: TSESTree.Node): boolean {
  const list = statementList(stmt.parent!);
  if (!list) return false;
  return list.slice(list.indexOf(stmt) + 1).some((s) => s.type === AST_NODE_TYPES.ReturnStatement || s.type === AST_NODE_TYPES.ThrowStatement);
}

function judge(sourceCode: SourceCode, resolver: OtelResolver, decl: SpanDeclaration, at: TSESTree.Node, flow: Flow): 'open' | 'ended' | 'unknown' {
  const variable = sourceCode.scopeManager?.getDeclaredVariables(decl.declarator)[0];
  if (!variable) return 'unknown';
  const ends: TSESTree.CallExpression[] = [];
  for (const ref of variable.references) {
    if (ref.init) continue;
    if (ref.isWrite()) return 'unknown';
    if (!ref.isValueReference) continue;
    const use = spanUse(resolver, ref.identifier as TSESTree.Identifier);
    if (use === 'escape') return 'unknown';
    if (use === 'end') ends.push(outermost(ref.identifier).parent!.parent as TSESTree.CallExpression);
  }
  // A span nothing ever ends is abandoned, not evidently the parent of what follows it.
  if (ends.length === 0) return 'unknown';
  let ambiguous = false;
  for (const end of ends) {
    if (end.range[0] >= at.range[0]) continue;
    const home = homeOf(end);
    if (!flow.functions.has(home)) {
      if (!isListenerCallback(home)) ambiguous = true;
      continue;
    }
    const stmt = end.parent.type === AST_NODE_TYPES.ChainExpression ? end.parent.parent : end.parent;
    if (stmt.type === AST_NODE_TYPES.ExpressionStatement) {
      if (flow.lists.some(({ list, index }) => { const i = list.indexOf(stmt); return i !== -1 && i < index; })) return 'ended';
      if (exitsAfter(stmt)) continue;
    }
    ambiguous = true;
  }
  return ambiguous ? 'unknown' : 'open';
}

export function findOpenInactiveSpan(sourceCode: SourceCode, resolver: OtelResolver, at: TSESTree.Node): OpenInactiveSpan | undefined {
  const flow = flowOf(at);
  for (const { list, index } of flow.lists) {
    for (let i = index - 1; i >= 0; i--) {
      for (const decl of spanDeclarations(resolver, list[i])) {
        const verdict = judge(sourceCode, resolver, decl, at, flow);
        if (verdict === 'ended') continue;
        if (verdict === 'unknown') return undefined;
        const variable = sourceCode.scopeManager!.getDeclaredVariables(decl.declarator)[0];
        return { variable, id: decl.declarator.id, start: decl.start };
      }
    }
  }
  return undefined;
}
