import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { createRule } from '../analysis/create-rule.js';
import { readSettings } from '../analysis/settings.js';
import { findVariable, getOtelResolver } from '../analysis/resolve-otel-symbol.js';
import { instrumentationView } from '../analysis/instrumentation-state.js';
import { TEST_FILE } from '../analysis/instrumentation-registrations.js';
import { headersValues, readsOf, unwrap } from '../analysis/header-carriers.js';
import { mayCallOutbound, outboundCallOf, type OutboundCall } from '../analysis/outbound-http-calls.js';
import { staticName } from '../analysis/trace-headers.js';
import { carriesCurrentContext } from '../analysis/written-trace-header.js';
import { injectContextFix } from '../analysis/inject-context-fix.js';
import { inBrowserCallback, isClientModule, isRelativeUrl } from '../analysis/browser-code.js';

export type Options = [{ httpClients?: boolean }];
export type MessageIds = 'bareFetch' | 'bareHttpClient' | 'injectContext';


/** Where the rule learnt that the instrumentation is missing, for the message. */
const SOURCES = {
  setting: 'the `instrumented` setting does not list `{{instrumentation}}`',
  program: 'this program sets tracing up without the {{instrumentation}} instrumentation',
  file: 'the tracing setup in this file (and in what the package scripts preload) has no {{instrumentation}} instrumentation',
} as const;

/** The reason the message gives, by source; the codemod words its TODO markers the same way. */
export function missingInstrumentationReason(source: keyof typeof SOURCES, instrumentation: 'undici' | 'http'): string {
  return SOURCES[source].replace('{{instrumentation}}', instrumentation);
}

export default createRule<Options, MessageIds>({
  name: 'no-bare-fetch',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow fetch and undici requests that carry no trace context because nothing instruments them',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          httpClients: {
            type: 'boolean',
            description: 'Also report `node:http`/`https` requests and the clients built on them (axios, got, node-fetch) where the program sets tracing up without the http instrumentation.',
          },
        },
      },
    ],
    defaultOptions: [{ httpClients: false }],
    messages: {
      bareFetch:
        '`{{callee}}` sends no `traceparent`: {{why}}, and only `@opentelemetry/instrumentation-undici` propagates context for `fetch` and undici, so the service it calls starts a new trace. Register `new UndiciInstrumentation()` where tracing is set up; that one registration fixes every `fetch`/undici call.',
      bareHttpClient:
        '`{{callee}}` sends no `traceparent`: {{why}}, which is what propagates context for `node:http` and the clients built on it, so the service it calls starts a new trace. Register `new HttpInstrumentation()` where tracing is set up; that one registration fixes every such call.',
      injectContext:
        'Inject the active context into this request\'s headers with `propagation.inject` (only for code that never runs under the undici instrumentation, which would add a second `traceparent`).',
    },
  },
  create(context, [{ httpClients }]) {
    const sourceCode = context.sourceCode;
    // Cheap first. Client modules run in the browser, where undici does not apply; tests call
    // the services they test, outside any production trace.
    if (!mayCallOutbound(sourceCode.text) || isClientModule(sourceCode, context.filename) || TEST_FILE.test(context.filename)) return {};
    const settings = readSettings(context);
    const view = instrumentationView(context);
    const resolver = getOtelResolver(context);
    let injected: Set<TSESLint.Scope.Variable> | undefined;

    /** Variables some `propagation.inject(ctx, carrier)` in this file writes into. */
    const injectedVariables = (): Set<TSESLint.Scope.Variable> => {
      if (injected) return injected;
      injected = new Set();
      const visit = (node: TSESTree.Node): void => {
        if (resolver.isApiCall(node, 'propagation', 'inject')) {
          const carrier = node.arguments[1] && unwrap(node.arguments[1]);
          let root = carrier;
          while (root?.type === AST_NODE_TYPES.MemberExpression) root = unwrap(root.object);
          const v = root?.type === AST_NODE_TYPES.Identifier ? findVariable(sourceCode, root) : undefined;
          if (v) injected!.add(v);
        }
        for (const key of sourceCode.visitorKeys[node.type] ?? []) {
          const child = (node as unknown as Record<string, unknown>)[key];
          for (const c of Array.isArray(child) ? child : [child]) if (c && typeof c === 'object' && 'type' in c) visit(c as TSESTree.Node);
        }
      };
      if (resolver.importsOtel) visit(sourceCode.ast);
      return injected;
    };

    /** The request already carries context written by hand: an injected carrier, or a trace header. */
    const carriesContext = (call: OutboundCall): boolean => {
      const fromInjected = (n: TSESTree.Node, depth: number): boolean => {
        const u = unwrap(n);
        if (depth > 4) return false;
        if (u.type === AST_NODE_TYPES.Identifier) {
          const v = findVariable(sourceCode, u);
          if (v && injectedVariables().has(v)) return true;
          const init = v?.defs[0]?.node.type === AST_NODE_TYPES.VariableDeclarator ? v.defs[0].node.init : null;
          if (init && fromInjected(init, depth + 1)) return true;
          // `headers.set('traceparent', ...)` on the variable, with a value that can be ours
          return readsOf(sourceCode, u).some((r) => {
            const m = r.parent;
            return (
              m?.type === AST_NODE_TYPES.MemberExpression &&
              m.object === r &&
              m.parent?.type === AST_NODE_TYPES.CallExpression &&
              carriesCurrentContext(context, staticName(m.parent.arguments[0]), m.parent.arguments[1])
            );
          });
        }
        // A forwarded or constant `traceparent` is no context of ours: `no-traceparent-overwrite` reports it.
        if (u.type === AST_NODE_TYPES.ObjectExpression) {
          return u.properties.some((p) =>
            p.type === AST_NODE_TYPES.SpreadElement ? fromInjected(p.argument, depth + 1) : !p.computed && carriesCurrentContext(context, staticName(p.key), p.value),
          );
        }
        if (u.type === AST_NODE_TYPES.NewExpression && u.arguments[0]) return fromInjected(u.arguments[0], depth + 1);
        if (u.type === AST_NODE_TYPES.MemberExpression) return fromInjected(u.object, depth + 1);
        if (u.type === AST_NODE_TYPES.AwaitExpression) return fromInjected(u.argument, depth + 1);
        if (u.type === AST_NODE_TYPES.CallExpression) return headersHelper(u);
        return false;
      };
      /**
       * `headers: traceHeaders()`: a helper that injects (its body in this file calls `inject`), one
       * listed in `propagatingWrappers`, or one whose name says it propagates (`getTraceHeaders`).
       */
      const headersHelper = (c: TSESTree.CallExpression): boolean => {
        const name = calleeName(c.callee);
        if (!name) return false;
        if (settings.propagatingWrappers.has(name) || /trace|propagat|otel|telemetry/i.test(name)) return true;
        const callee = unwrap(c.callee);
        const def = callee.type === AST_NODE_TYPES.Identifier ? findVariable(sourceCode, callee)?.defs[0] : undefined;
        const fn = def?.node.type === AST_NODE_TYPES.VariableDeclarator ? def.node.init : def?.node;
        return !!fn && (fn.type === AST_NODE_TYPES.FunctionDeclaration || fn.type === AST_NODE_TYPES.FunctionExpression || fn.type === AST_NODE_TYPES.ArrowFunctionExpression) && /\.inject\s*\(/.test(sourceCode.getText(fn));
      };
      const options = call.node.arguments[call.optionsIndex];
      return headersValues(context, call).some((h) => fromInjected(h, 0)) || (!!options && unwrap(options).type === AST_NODE_TYPES.Identifier && fromInjected(options, 0));
    };

    const insideWrapper = (node: TSESTree.Node): boolean => {
      if (settings.propagatingWrappers.size === 0) return false;
      for (let n = node.parent; n; n = n.parent) {
        const name = functionName(n);
        if (name && settings.propagatingWrappers.has(name)) return true;
        if (
          (n.type === AST_NODE_TYPES.ArrowFunctionExpression || n.type === AST_NODE_TYPES.FunctionExpression) &&
          n.parent?.type === AST_NODE_TYPES.CallExpression &&
          settings.propagatingWrappers.has(calleeName(n.parent.callee) ?? '')
        ) {
          return true;
        }
      }
      return false;
    };

    return {
      CallExpression(node) {
        // Without `httpClients` only undici transports can be reported: the other clients' calls
        // (`.get`/`.post`/... members) never reach the type checker.
        const call = outboundCallOf(context, node, { undiciOnly: !httpClients });
        if (!call) return;
        const http = call.transport === 'http';
        if (http && !httpClients) return;
        // Module top level runs at startup, outside any trace: nothing to propagate there.
        if (!enclosingFunction(node)) return;
        // Browser code (a component's handler, a hook, a relative URL) has no undici to instrument.
        if (!http && (isRelativeUrl(node.arguments[0]) || inBrowserCallback(sourceCode, node))) return;
        const instrumentation = http ? 'http' : 'undici';
        if (view.state(instrumentation) !== 'absent') return;
        if (insideWrapper(node) || carriesContext(call)) return;
        const fix = http ? undefined : injectContextFix(context, call);
        context.report({
          node,
          messageId: http ? 'bareHttpClient' : 'bareFetch',
          data: { callee: sourceCode.getText(node.callee), why: missingInstrumentationReason(view.source, instrumentation) },
          suggest: fix ? [{ messageId: 'injectContext', fix }] : [],
        });
      },
    };
  },
});

function enclosingFunction(node: TSESTree.Node): TSESTree.Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === AST_NODE_TYPES.ArrowFunctionExpression || n.type === AST_NODE_TYPES.FunctionExpression || n.type === AST_NODE_TYPES.FunctionDeclaration) return n;
  }
  return undefined;
}

function calleeName(callee: TSESTree.Node): string | undefined {
  const c = unwrap(callee);
  if (c.type === AST_NODE_TYPES.Identifier) return c.name;
  if (c.type === AST_NODE_TYPES.MemberExpression && !c.computed && c.property.type === AST_NODE_TYPES.Identifier) return c.property.name;
  return undefined;
}

/** The name a function is known by: its declaration, the variable, property or method it is assigned to. */
function functionName(n: TSESTree.Node): string | undefined {
  if (n.type === AST_NODE_TYPES.FunctionDeclaration) return n.id?.name;
  if (n.type !== AST_NODE_TYPES.FunctionExpression && n.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  if (n.type === AST_NODE_TYPES.FunctionExpression && n.id) return n.id.name;
  const p = n.parent;
  if (p?.type === AST_NODE_TYPES.VariableDeclarator && p.id.type === AST_NODE_TYPES.Identifier) return p.id.name;
  if ((p?.type === AST_NODE_TYPES.Property || p?.type === AST_NODE_TYPES.MethodDefinition || p?.type === AST_NODE_TYPES.PropertyDefinition) && !p.computed) {
    return staticName(p.key);
  }
  if (p?.type === AST_NODE_TYPES.AssignmentExpression) return calleeName(p.left);
  return undefined;
}
