import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { createRule } from '../analysis/create-rule.js';
import { getOtelResolver, type OtelResolver } from '../analysis/resolve-otel-symbol.js';
import { readSettings } from '../analysis/settings.js';
import { asSpanStartCall, rootOption, type SpanStartCall } from '../analysis/span-start-call.js';
import { findOpenInactiveSpan, type OpenInactiveSpan } from '../analysis/open-inactive-span.js';
import { isMiddlewareNextCall } from '../analysis/middleware-next-call.js';
import { instrumentedClientCall } from '../analysis/instrumented-client-call.js';
import { contextArgument } from '../analysis/context-argument.js';
import { apiReferences } from '../analysis/api-import-fix.js';
import { mentionsSpan } from '../analysis/span-mention.js';

export type Options = [
  {
    checkMiddlewareNext?: boolean;
    checkClientCalls?: boolean;
  },
];
export type MessageIds = 'parentSkipped' | 'workOutsideParent' | 'spanAsContext' | 'passParentContext' | 'runInParentContext' | 'wrapSpanInContext';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Longest argument text quoted in a message; longer ones are named generically. */
const MAX_QUOTED = 40;

export default createRule<Options, MessageIds>({
  name: 'no-orphan-span',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow starting spans and traced calls outside the open span that is evidently their parent',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      parentSkipped:
        'This span starts while `{{parent}}` is open but not active, so it becomes a sibling of `{{parent}}` (or the root of a new trace) instead of its child; pass `trace.setSpan(context.active(), {{parent}})` as its context argument.',
      workOutsideParent:
        '`{{call}}` runs while `{{parent}}` is open but not active, so the spans it creates become siblings of `{{parent}}` (or new roots) instead of its children; run it inside `context.with(trace.setSpan(context.active(), {{parent}}), ...)`.',
      spanAsContext:
        '`{{callee}}` expects a Context but is given the Span `{{span}}`: OpenTelemetry throws `context.getValue is not a function` (or `setValue`) and the span never becomes a parent; pass `trace.setSpan(context.active(), {{span}})` instead.',
      passParentContext: 'Pass `trace.setSpan(context.active(), {{parent}})` as the context argument.',
      runInParentContext: 'Run `{{call}}` inside `context.with(trace.setSpan(context.active(), {{parent}}), ...)`.',
      wrapSpanInContext: 'Pass `trace.setSpan(context.active(), {{span}})`, the active context with this span set.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkMiddlewareNext: {
            type: 'boolean',
            description: 'Report `next()` of an HTTP middleware called while a span the middleware started is open but not active.',
          },
          checkClientCalls: {
            type: 'boolean',
            description:
              'Report calls of instrumented clients (global `fetch`, `http.request`/`get`, awaited HTTP, database and queue client calls) made while a span the function started is open but not active.',
          },
        },
      },
    ],
    defaultOptions: [{ checkMiddlewareNext: true, checkClientCalls: true }],
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    // Cheap first: every report needs a span value; a file that names none has none (but for a
    // helper's in another file, with types: see analysis/span-mention.ts).
    if (!mentionsSpan(sourceCode.text)) return {};
    const resolver = getOtelResolver(context);
    const settings = readSettings(context);
    // Only `startSpan` makes a span that is not active; without one, only Span-as-Context can apply.
    const startsSpans = sourceCode.text.includes('startSpan');

    const quoted = (node: TSESTree.Node, fallback: string): string => {
      const text = sourceCode.getText(node);
      return text.length <= MAX_QUOTED && !text.includes('\n') ? text : fallback;
    };

    /** The context-argument text and the import edit it needs, valid at `site`. */
    const parentContext = (site: TSESTree.Node, span: string) => {
      const api = apiReferences(sourceCode, [site], ['context', 'trace']);
      return { api, text: `${api.names.trace}.setSpan(${api.names.context}.active(), ${span})` };
    };

    const withImport = (fixer: TSESLint.RuleFixer, api: ReturnType<typeof apiReferences>, fix: TSESLint.RuleFix): TSESLint.RuleFix[] =>
      api.fix ? [fix, api.fix(fixer)] : [fix];

    /** The parent's name still means the parent where the fix writes it (no inner variable shadows it). */
    const parentVisibleAt = (parent: OpenInactiveSpan, node: TSESTree.Node): boolean => {
      let scope: TSESLint.Scope.Scope | null = sourceCode.getScope(node);
      while (scope) {
        const v = scope.set.get(parent.id.name);
        if (v) return v === parent.variable;
        scope = scope.upper;
      }
      return false;
    };

    function checkStart(start: SpanStartCall): void {
      if (start.context || rootOption(sourceCode, start.options) !== 'child' || namedAsRoot(start.node)) return;
      const parent = findOpenInactiveSpan(sourceCode, resolver, start.node);
      if (!parent || endsBeforeChild(sourceCode, parent, start.node)) return;
      const data = { parent: parent.id.name };
      const insertion = contextInsertion(start);
      context.report({
        node: (start.node.callee as TSESTree.MemberExpression).property,
        messageId: 'parentSkipped',
        data,
        suggest:
          insertion && parentVisibleAt(parent, start.node)
            ? [
                {
                  messageId: 'passParentContext',
                  data,
                  fix: (fixer) => {
                    const { api, text } = parentContext(start.node, parent.id.name);
                    const edit = insertion.after
                      ? fixer.insertTextAfter(insertion.after, insertion.text(text))
                      : fixer.insertTextBefore(insertion.before!, insertion.text(text));
                    return withImport(fixer, api, edit);
                  },
                },
              ]
            : [],
      });
    }

    function reportWork(call: TSESTree.CallExpression, parent: OpenInactiveSpan): void {
      const data = { call: quoted(call.callee, 'this call'), parent: parent.id.name };
      const target = wrapTarget(sourceCode, call);
      context.report({
        node: call.callee,
        messageId: 'workOutsideParent',
        data,
        suggest:
          target && parentVisibleAt(parent, call)
            ? [
                {
                  messageId: 'runInParentContext',
                  data,
                  fix: (fixer) => {
                    const { api, text } = parentContext(call, parent.id.name);
                    const edit = fixer.replaceText(target, `${api.names.context}.with(${text}, () => ${sourceCode.getText(target)})`);
                    return withImport(fixer, api, edit);
                  },
                },
              ]
            : [],
      });
    }

    function checkContextArgument(call: TSESTree.CallExpression): void {
      const found = contextArgument(resolver, call);
      if (!found) return;
      const arg = found.argument;
      // Cheap first: a Context the API makes here (`context.active()`, `trace.setSpan(...)`,
      // `ROOT_CONTEXT`) needs no type query; the API declares them `Context`, which is no Span.
      if (madeContext(resolver, arg)) return;
      if (resolver.isOtelType(arg, 'Span') !== true || resolver.isOtelType(arg, 'Context') === true) return;
      const data = { callee: found.callee, span: quoted(arg, 'span') };
      // `trace.setSpan(span, other)`: which span was meant to be set is a guess; only the one-argument slip is fixed.
      const setsSpan = found.callee === 'trace.setSpan' || found.callee === 'trace.setSpanContext';
      const fixable = !setsSpan || call.arguments.length === 1;
      context.report({
        node: arg,
        messageId: 'spanAsContext',
        data,
        suggest: fixable
          ? [
              {
                messageId: 'wrapSpanInContext',
                data,
                fix: (fixer) => {
                  const api = apiReferences(sourceCode, [call], ['context', 'trace']);
                  const edit = setsSpan
                    ? fixer.insertTextBefore(arg, `${api.names.context}.active(), `)
                    : fixer.replaceText(arg, `${api.names.trace}.setSpan(${api.names.context}.active(), ${parenthesised(sourceCode, arg)})`);
                  return withImport(fixer, api, edit);
                },
              },
            ]
          : [],
      });
    }

    const instrumented = (key: string): boolean => !settings.instrumented || settings.instrumented.has(key);

    return {
      CallExpression(node) {
        checkContextArgument(node);
        if (!startsSpans) return;
        const start = asSpanStartCall(resolver, node);
        if (start) {
          checkStart(start);
          return;
        }
        if (!options.checkMiddlewareNext && !options.checkClientCalls) return;
        if (node.callee.type === AST_NODE_TYPES.Super) return;
        // The open-span search is cheaper than classifying the call (which may ask the type checker).
        const parent = findOpenInactiveSpan(sourceCode, resolver, node);
        if (!parent) return;
        if (options.checkMiddlewareNext && isMiddlewareNextCall(sourceCode, resolver, node)) {
          reportWork(node, parent);
          return;
        }
        if (options.checkClientCalls) {
          const client = instrumentedClientCall(context, resolver, node);
          if (client && instrumented(client.instrumentation)) reportWork(node, parent);
        }
      },
    };
  },
});

/** An API call or export the API declares a `Context`: `context.active()`, `trace.setSpan(...)`, `propagation.extract(...)`, `ROOT_CONTEXT`. */
function madeContext(resolver: OtelResolver, node: TSESTree.Node): boolean {
  return (
    resolver.isApiCall(node, 'context', 'active') ||
    resolver.isApiCall(node, 'trace', ['setSpan', 'setSpanContext', 'deleteSpan']) ||
    resolver.isApiCall(node, 'propagation', ['extract', 'setBaggage', 'deleteBaggage']) ||
    resolver.isApiExport(node, 'ROOT_CONTEXT')
  );
}

/** Where the context argument goes: `startSpan(name, opts)` gets `, ctx` after its options (adding `{}`), `startActiveSpan` gets it before the callback. */
function contextInsertion(start: SpanStartCall): { after?: TSESTree.Node; before?: TSESTree.Node; text: (ctx: string) => string } | undefined {
  const args = start.node.arguments;
  if (start.method === 'startSpan') {
    if (args.length === 0) return undefined;
    if (args.length === 1) return { after: args[0], text: (ctx) => `, {}, ${ctx}` };
    return { after: args[1], text: (ctx) => `, ${ctx}` };
  }
  const callback = start.callback!;
  return args.length === 2 ? { before: callback, text: (ctx) => `{}, ${ctx}, ` } : { before: callback, text: (ctx) => `${ctx}, ` };
}

/** `const rootSpan = tracer.startSpan(...)`: the author names it the root of a trace, so no parent is meant. */
function namedAsRoot(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  while (node.parent.type === AST_NODE_TYPES.TSAsExpression || node.parent.type === AST_NODE_TYPES.TSNonNullExpression || node.parent.type === AST_NODE_TYPES.ChainExpression) node = node.parent;
  const declarator = node.parent;
  return declarator.type === AST_NODE_TYPES.VariableDeclarator && declarator.init === node && declarator.id.type === AST_NODE_TYPES.Identifier && /^(?:root|ROOT)(?![a-z])/.test(declarator.id.name);
}

/**
 * Both spans are ended in the statements right after the child starts (or in the `finally` of a
 * `try` among them, as `end-spans` writes it), the parent first: they overlap as siblings (two
 * concurrent operations), they do not nest.
 */
function endsBeforeChild(sourceCode: SourceCode, parent: OpenInactiveSpan, call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  while (node.parent.type === AST_NODE_TYPES.TSAsExpression || node.parent.type === AST_NODE_TYPES.TSNonNullExpression || node.parent.type === AST_NODE_TYPES.ChainExpression) node = node.parent;
  const declarator = node.parent;
  if (declarator.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== node || declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
  const child = sourceCode.scopeManager?.getDeclaredVariables(declarator)[0];
  const stmt = declarator.parent;
  const holder = stmt.parent;
  const list: readonly TSESTree.Node[] | undefined =
    holder?.type === AST_NODE_TYPES.BlockStatement || holder?.type === AST_NODE_TYPES.Program ? holder.body : holder?.type === AST_NODE_TYPES.SwitchCase ? holder.consequent : undefined;
  if (!child || !list) return false;
  const following = list.slice(list.indexOf(stmt) + 1).flatMap((s) => (s.type === AST_NODE_TYPES.TryStatement && s.finalizer ? [s, ...s.finalizer.body] : [s]));
  const endOf = (variable: TSESLint.Scope.Variable): number => following.findIndex((s) => isEndStatement(s, variable));
  const parentEnd = endOf(parent.variable);
  const childEnd = endOf(child);
  return parentEnd !== -1 && childEnd !== -1 && parentEnd < childEnd;
}

function isEndStatement(stmt: TSESTree.Node, variable: TSESLint.Scope.Variable): boolean {
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const call = stmt.expression.type === AST_NODE_TYPES.ChainExpression ? stmt.expression.expression : stmt.expression;
  if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const { object, property } = call.callee;
  return property.type === AST_NODE_TYPES.Identifier && property.name === 'end' && object.type === AST_NODE_TYPES.Identifier && variable.references.some((r) => r.identifier === object);
}

/**
 * The expression to wrap in `context.with(ctx, () => ...)`: the call, or the optional chain it
 * completes. None when the call sits inside a longer optional chain (wrapping would change where
 * the chain short-circuits) or contains `await`/`yield` (which an arrow function cannot hold).
 */
function wrapTarget(sourceCode: SourceCode, call: TSESTree.CallExpression): TSESTree.Node | undefined {
  let node: TSESTree.Node = call;
  if (node.parent.type === AST_NODE_TYPES.ChainExpression) node = node.parent;
  else {
    for (let n: TSESTree.Node = call; ; n = n.parent!) {
      const p: TSESTree.Node = n.parent!;
      if (p.type === AST_NODE_TYPES.ChainExpression) return undefined;
      if (!((p.type === AST_NODE_TYPES.MemberExpression && p.object === n) || (p.type === AST_NODE_TYPES.CallExpression && p.callee === n))) break;
    }
  }
  return containsSuspension(sourceCode, call) ? undefined : node;
}

function containsSuspension(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.YieldExpression) return true;
  if (node.type === AST_NODE_TYPES.ArrowFunctionExpression || node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.FunctionDeclaration) return false;
  for (const key of sourceCode.visitorKeys[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && 'type' in child && containsSuspension(sourceCode, child as TSESTree.Node)) return true;
    }
  }
  return false;
}

function parenthesised(sourceCode: SourceCode, node: TSESTree.Node): string {
  const text = sourceCode.getText(node);
  return node.type === AST_NODE_TYPES.SequenceExpression ? `(${text})` : text;
}
