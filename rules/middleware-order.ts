import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint as ESLintTypes } from '@typescript-eslint/utils';
import { createRule } from '../analysis/create-rule.js';
import { findVariable, getOtelResolver } from '../analysis/resolve-otel-symbol.js';
import { readSettings } from '../analysis/settings.js';
import { moduleFormat } from '../analysis/module-format.js';
import { statementLines } from '../analysis/statement-lines.js';
import { appKindOf, registrationOf, type AppKind, type Handler, type Registration } from '../analysis/web-frameworks.js';

export type Options = [{ tracingMiddleware?: string[] }];
export type MessageIds =
  | 'tracingAfterRoutes'
  | 'tracingAfterMiddleware'
  | 'errorHandlerBeforeRoutes'
  | 'fastifyPluginNotAwaited'
  | 'moveTracingFirst'
  | 'moveErrorHandlerAfterRoutes'
  | 'awaitRegister';

/** Cheap-first text gate (also the codemod engine's, `engine/rule-gates.ts`): a file without a registration call has nothing to report. */
export const REGISTRATION_CALL = /\.(use|register|addHook)\s*\(/;

const METHODS = new Set(['use', 'register', 'addHook', 'get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'route', 'on']);

interface Entry {
  registration: Registration;
  handler: Handler;
  /** The statement of the block that holds the registration (a chain's whole statement). */
  statement: TSESTree.Statement;
}

type Ctx = Readonly<TSESLint.RuleContext<MessageIds, Options>>;

/** `app` in `app.use(...)` and in `app.use(a).use(b)`. */
function chainRoot(call: TSESTree.CallExpression): TSESTree.Node {
  let node: TSESTree.Node = call.callee;
  while (node.type === AST_NODE_TYPES.MemberExpression) {
    node = node.object;
    if (node.type === AST_NODE_TYPES.CallExpression) node = node.callee;
  }
  return node;
}

function enclosingStatement(node: TSESTree.Node): TSESTree.Statement | undefined {
  let n: TSESTree.Node | undefined = node;
  while (n?.parent) {
    if (n.parent.type === AST_NODE_TYPES.Program || n.parent.type === AST_NODE_TYPES.BlockStatement) return n as TSESTree.Statement;
    if (n.parent.type.includes('Function')) return undefined;
    n = n.parent;
  }
  return undefined;
}

/** Every identifier the moved code reads is declared before `at` (imports and function declarations are hoisted). */
function declaredBefore(context: Ctx, node: TSESTree.Node, at: number): boolean {
  const keys = context.sourceCode.visitorKeys as Record<string, readonly string[] | undefined>;
  let ok = true;
  const visit = (n: TSESTree.Node, parent: TSESTree.Node | undefined): void => {
    if (!ok) return;
    if (n.type === AST_NODE_TYPES.Identifier) {
      const isProperty = parent?.type === AST_NODE_TYPES.MemberExpression && parent.property === n && !parent.computed;
      const isKey = parent?.type === AST_NODE_TYPES.Property && parent.key === n && !parent.computed && parent.value !== n;
      if (!isProperty && !isKey) {
        const v = findVariable(context.sourceCode, n);
        const def = v?.defs[0];
        if (def && def.type !== ESLintTypes.Scope.DefinitionType.ImportBinding && def.type !== ESLintTypes.Scope.DefinitionType.FunctionName && def.name.range[0] >= at && !(def.node.range[0] >= node.range[0] && def.node.range[1] <= node.range[1])) ok = false;
      }
    }
    for (const key of keys[n.type] ?? []) {
      const child = (n as unknown as Record<string, unknown>)[key];
      for (const c of Array.isArray(child) ? child : [child]) if (c && typeof (c as TSESTree.Node).type === 'string') visit(c as TSESTree.Node, n);
    }
  };
  visit(node, undefined);
  return ok;
}

function isAsyncContext(context: Ctx, node: TSESTree.Node, program: import('typescript').Program | undefined): boolean {
  let n: TSESTree.Node | undefined = node.parent;
  while (n) {
    if (n.type === AST_NODE_TYPES.FunctionDeclaration || n.type === AST_NODE_TYPES.FunctionExpression || n.type === AST_NODE_TYPES.ArrowFunctionExpression) return n.async;
    n = n.parent;
  }
  return moduleFormat(context.filename, program) === 'esm';
}

export default createRule<Options, MessageIds>({
  name: 'middleware-order',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require tracing middleware before routes and other middleware, and error handlers after the routes they cover',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          tracingMiddleware: {
            type: 'array',
            items: { type: 'string' },
            description: 'Names or modules of tracing middleware, added to `settings["otel-context"].tracingMiddleware` and the known packages.',
          },
        },
      },
    ],
    defaultOptions: [{ tracingMiddleware: [] }],
    messages: {
      tracingAfterRoutes:
        '`{{name}}` is registered after the route on line {{line}}: requests that route answers never pass through it, so they get no request span and their work is not parented by one. Register it before every route.',
      tracingAfterMiddleware:
        '`{{name}}` is registered after middleware that can answer a request itself (line {{line}}): requests it ends (errors, rejections, static files, preflights) get no request span. Register the tracing middleware first.',
      errorHandlerBeforeRoutes:
        'This error handler is registered before the route on line {{line}}: errors from routes registered after it never reach it, so it cannot record them on the request span. Register error handlers after the last route.',
      fastifyPluginNotAwaited:
        'The tracing plugin `{{name}}` is registered without `await`, so the routes declared after it (line {{line}}) are defined before it can intercept them and get no spans. `await` the `register(...)` call.',
      moveTracingFirst: 'Move `{{name}}` so that it is registered first.',
      moveErrorHandlerAfterRoutes: 'Move this error handler after the last route.',
      awaitRegister: 'Add `await` before `register(...)`.',
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    // Cheap first: no framework import, nothing to check (typed mode still needs a registration call).
    if (!REGISTRATION_CALL.test(sourceCode.text)) return {};
    const resolver = getOtelResolver(context);
    const settings = readSettings(context);
    const tracingMiddleware = new Set([...settings.tracingMiddleware, ...(options.tracingMiddleware ?? [])]);
    const kinds = new Map<TSESLint.Scope.Variable, AppKind | undefined>();
    const groups = new Map<TSESLint.Scope.Variable, Map<TSESTree.Node, Entry[]>>();

    const kindOf = (id: TSESTree.Identifier, variable: TSESLint.Scope.Variable): AppKind | undefined => {
      if (!kinds.has(variable)) kinds.set(variable, appKindOf(context, resolver, id));
      return kinds.get(variable);
    };

    const report = (entries: Entry[]) => {
      entries.sort((a, b) => a.registration.call.callee.range[1] - b.registration.call.callee.range[1] || a.handler.node.range[0] - b.handler.node.range[0]);
      const nameOf = (h: Handler) => {
        const text = sourceCode.getText(h.node);
        if (text.length <= 60 && !text.includes('\n')) return text;
        if (h.node.type === AST_NODE_TYPES.CallExpression) return `${sourceCode.getText(h.node.callee)}(…)`;
        return `${text.split('\n')[0].slice(0, 40).trimEnd()}…`;
      };
      const lineOf = (e: Entry) => String((e.registration.call.callee.type === AST_NODE_TYPES.MemberExpression ? e.registration.call.callee.property : e.registration.call).loc.start.line);
      entries.forEach((entry, index) => {
        const { handler, registration } = entry;
        const before = entries.slice(0, index);
        const after = entries.slice(index + 1);
        if (handler.kind === 'tracing') {
          const route = before.find((e) => e.handler.kind === 'routes');
          const ending = before.find((e) => e.handler.kind === 'middleware' && e.handler.canEnd);
          const blocker = route ?? ending;
          if (blocker) {
            const data = { name: nameOf(handler), line: lineOf(blocker) };
            const fix = moveFirst(entry, entries[0]);
            context.report({ node: handler.node, messageId: route ? 'tracingAfterRoutes' : 'tracingAfterMiddleware', data, suggest: fix ? [{ messageId: 'moveTracingFirst', data, fix }] : [] });
            return;
          }
          const laterRoute = after.find((e) => e.handler.kind === 'routes');
          if (registration.method === 'register' && !registration.awaited && laterRoute) {
            const canAwait = registration.statement && isAsyncContext(context, registration.call, resolver.services?.program);
            context.report({
              node: registration.call,
              messageId: 'fastifyPluginNotAwaited',
              data: { name: nameOf(handler), line: lineOf(laterRoute) },
              suggest: canAwait ? [{ messageId: 'awaitRegister', fix: (fixer) => fixer.insertTextBefore(registration.call, 'await ') }] : [],
            });
          }
        } else if (handler.kind === 'errorHandler') {
          const lastRoute = after.filter((e) => e.handler.kind === 'routes').at(-1);
          if (!lastRoute) return;
          const fix = moveAfter(entry, lastRoute, entries);
          context.report({ node: handler.node, messageId: 'errorHandlerBeforeRoutes', data: { line: lineOf(lastRoute) }, suggest: fix ? [{ messageId: 'moveErrorHandlerAfterRoutes', fix }] : [] });
        }
      });
    };

    /** Alone in its statement (a path argument aside), not part of a chain. */
    const movable = (entry: Entry): boolean => {
      const { registration } = entry;
      if (!registration.statement || registration.statement !== entry.statement) return false;
      const handlersOfCall = registration.handlers.length;
      return handlersOfCall === 1 && registration.call.callee.type === AST_NODE_TYPES.MemberExpression && registration.call.callee.object.type === AST_NODE_TYPES.Identifier;
    };

    const moveFirst = (entry: Entry, first: Entry): TSESLint.ReportFixFunction | undefined => {
      if (first.registration === entry.registration) {
        // Same call: put the tracing handler first among its arguments.
        const args = entry.registration.call.arguments;
        const firstHandler = entry.registration.handlers[0].node;
        const i = args.indexOf(entry.handler.node as TSESTree.CallExpressionArgument);
        if (i <= 0 || args.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
        const previous = args[i - 1];
        return (fixer) => [fixer.removeRange([previous.range[1], entry.handler.node.range[1]]), fixer.insertTextBefore(firstHandler, `${sourceCode.getText(entry.handler.node)}, `)];
      }
      if (!movable(entry) || first.statement.parent !== entry.statement.parent) return undefined;
      const moved = statementLines(sourceCode, entry.statement);
      const target = statementLines(sourceCode, first.statement);
      if (!moved || !target || !declaredBefore(context, entry.statement, first.statement.range[0])) return undefined;
      return (fixer) => [fixer.insertTextBeforeRange([target.range[0], target.range[0]], moved.text), fixer.removeRange(moved.range)];
    };

    const moveAfter = (entry: Entry, lastRoute: Entry, entries: Entry[]): TSESLint.ReportFixFunction | undefined => {
      if (!movable(entry) || lastRoute.statement.parent !== entry.statement.parent) return undefined;
      const moved = statementLines(sourceCode, entry.statement);
      if (!moved) return undefined;
      // After the last route, and after the error handlers already there (their order is kept).
      let anchor = lastRoute.statement;
      const body = (anchor.parent as TSESTree.Program | TSESTree.BlockStatement).body as TSESTree.Node[];
      for (let i = body.indexOf(anchor) + 1; i < body.length; i++) {
        if (!entries.some((e) => e.statement === body[i] && e.handler.kind === 'errorHandler')) break;
        anchor = body[i] as TSESTree.Statement;
      }
      const target = statementLines(sourceCode, anchor);
      if (!target) return undefined;
      return (fixer) => [fixer.removeRange(moved.range), fixer.insertTextAfterRange([target.range[1], target.range[1]], moved.text)];
    };

    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier || !METHODS.has(callee.property.name)) return;
        const root = chainRoot(node);
        if (root.type !== AST_NODE_TYPES.Identifier) return;
        const variable = findVariable(sourceCode, root);
        if (!variable) return;
        const kind = kindOf(root, variable);
        if (!kind) return;
        const registration = registrationOf(context, resolver, kind, node, callee.property.name, tracingMiddleware);
        const statement = enclosingStatement(node);
        if (!registration || !statement) return;
        let byBlock = groups.get(variable);
        if (!byBlock) groups.set(variable, (byBlock = new Map<TSESTree.Node, Entry[]>()));
        const list = byBlock.get(statement.parent) ?? [];
        byBlock.set(statement.parent, list);
        for (const handler of registration.handlers) list.push({ registration, handler, statement });
      },
      'Program:exit'() {
        for (const byBlock of groups.values()) for (const entries of byBlock.values()) report(entries);
      },
    };
  },
});
