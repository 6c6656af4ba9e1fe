import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { createRule } from '../analysis/create-rule.js';
import { findVariable, getOtelResolver } from '../analysis/resolve-otel-symbol.js';
import { instrumentationView } from '../analysis/instrumentation-state.js';
import { TEST_FILE } from '../analysis/instrumentation-registrations.js';
import { carrierKind, headersValues, optionsObjects, readsOf, sinksOfHeaders, unwrap } from '../analysis/header-carriers.js';
import { incomingHeaders, type IncomingHeadersKind } from '../analysis/incoming-request-headers.js';
import { outboundCallOf, type OutboundCall } from '../analysis/outbound-http-calls.js';
import { isTraceHeaderName, staticName } from '../analysis/trace-headers.js';
import { writtenHeaderKind } from '../analysis/written-trace-header.js';

export type Options = [];
export type MessageIds =
  | 'doubledHeader'
  | 'constantHeader'
  | 'malformedHeader'
  | 'forwardedHeader'
  | 'forwardedHeaders'
  | 'carrierReplaced'
  | 'injectWritesNothing'
  | 'manualInjection'
  | 'removeHeader'
  | 'dropTraceHeaders'
  | 'addSetter';

type SourceCode = Readonly<TSESLint.SourceCode>;
type FixFn = (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix | TSESLint.RuleFix[];
type Suggestion = { messageId: MessageIds; data?: Record<string, string>; fix: FixFn };

const STATEMENT_LISTS = new Set<string>([AST_NODE_TYPES.Program, AST_NODE_TYPES.BlockStatement, AST_NODE_TYPES.SwitchCase, AST_NODE_TYPES.StaticBlock]);
/** What the codemod writes to copy incoming headers without their trace headers. */
const TRACE_HEADER_PATTERN = '/^(?:traceparent|tracestate|b3|x-b3-[a-z]+|uber-trace-id)$/i';
const HEADER_MUTATORS = new Set(['set', 'append']);

/** Cheap-first text gate (also the codemod engine's, `engine/rule-gates.ts`): no header, trace header or inject in the text, nothing to report. */
export const MENTIONS_HEADERS = /traceparent|tracestate|\bb3\b|x-b3-|uber-trace-id|headers|\.inject\b/i;

export default createRule<Options, MessageIds>({
  name: 'no-traceparent-overwrite',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow trace headers set by hand, forwarded from the incoming request, or injected where they are lost or doubled',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [],
    messages: {
      doubledHeader:
        'The undici instrumentation adds its own `traceparent` to the one set here, so the server receives two comma-joined values, rejects them and starts a new trace. Remove this header: the instrumentation already propagates the context.',
      constantHeader:
        'This `{{name}}` is a constant, so every request claims the same trace and a parent span that does not exist: the called service\'s span dangles in a foreign trace. Remove it and let the instrumentation (or `propagation.inject`) write the current context.',
      malformedHeader:
        'This `traceparent` cannot have the W3C form `00-<trace-id>-<span-id>-<flags>`, so the server rejects it and starts a new trace. Remove it and let the instrumentation (or `propagation.inject`) write the current context.',
      forwardedHeader:
        'This `{{name}}` is copied from the incoming request, so the service called here attaches its span to our caller\'s span, as our sibling instead of our child (and where the undici instrumentation adds its own, the two values are rejected and a new trace starts). Remove it and let the instrumentation write ours.',
      forwardedHeaders:
        'These are the incoming request\'s headers, trace headers included, so the service called here attaches its span to our caller\'s span, as our sibling instead of our child (and where the undici instrumentation adds its own `traceparent`, the two values are rejected and a new trace starts). Leave the trace headers out of the copy and let the instrumentation write ours.',
      carrierReplaced:
        '`{{name}}` is replaced after `propagation.inject` wrote the trace context into it, so the request sends no `traceparent` and the service it calls starts a new trace. Inject after the last change to the carrier.',
      injectWritesNothing:
        '`propagation.inject` without a setter writes `traceparent` as a JavaScript property of this `{{kind}}`, not as an entry, so nothing is sent and the service called starts a new trace. Pass a setter that calls `set`.',
      manualInjection:
        'This program registers the undici instrumentation, which adds its own `traceparent` to requests that already carry the one injected here: the server receives two comma-joined values, rejects them and starts a new trace. Remove the manual injection; the instrumentation propagates the context.',
      removeHeader: 'Remove this `{{name}}` header.',
      dropTraceHeaders: 'Copy the incoming headers without their trace headers.',
      addSetter: 'Pass a setter that writes entries with `set`.',
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    // Cheap first; tests set trace headers on purpose (to check that a service continues a trace).
    if (!MENTIONS_HEADERS.test(sourceCode.text) || TEST_FILE.test(context.filename)) return {};
    const resolver = getOtelResolver(context);
    const view = instrumentationView(context);
    const reported = new Set<TSESTree.Node>();

    const report = (
      node: TSESTree.Node,
      messageId: MessageIds,
      data: Record<string, string>,
      fix: { fix?: FixFn; suggest?: Suggestion },
    ): void => {
      if (reported.has(node)) return;
      reported.add(node);
      context.report({ node, messageId, data, ...(fix.fix ? { fix: fix.fix } : {}), suggest: fix.suggest ? [fix.suggest] : [] });
    };

    /** An edit that only restores context is an autofix; anything that could change more is a suggestion. */
    const removal = (name: string, remove: FixFn | undefined, restores: boolean): { fix?: FixFn; suggest?: Suggestion } =>
      !remove ? {} : restores ? { fix: remove } : { suggest: { messageId: 'removeHeader', data: { name }, fix: remove } };

    /** (a) a trace header written by hand into the headers `call` sends. */
    const handSet = (call: OutboundCall, name: string, value: TSESTree.Node, node: TSESTree.Node, remove: FixFn | undefined, afterCreation: boolean): void => {
      if (/^tracestate$/i.test(name)) return;
      const traceparent = /^traceparent$/i.test(name);
      const kind = writtenHeaderKind(context, name, value);
      if (call.transport === 'undici') {
        const undici = view.state('undici');
        if (undici === 'registered' && traceparent) return report(node, 'doubledHeader', { name }, removal(name, remove, true));
        if (kind === 'dynamic') return;
        const messageId = kind === 'forwarded' ? 'forwardedHeader' : kind === 'constant' ? 'constantHeader' : 'malformedHeader';
        return report(node, messageId, { name }, removal(name, remove, false));
      }
      // The http instrumentation overwrites what the request options carry, not what `setHeader` writes later.
      const http = view.state('http');
      if (kind === 'dynamic' || (!afterCreation && http !== 'absent')) return;
      const messageId = kind === 'forwarded' ? 'forwardedHeader' : kind === 'constant' ? 'constantHeader' : 'malformedHeader';
      report(node, messageId, { name }, removal(name, remove, afterCreation && http === 'registered'));
    };

    /** (b) the incoming request's headers sent on as a whole. */
    const forwardedWhole = (call: OutboundCall, node: TSESTree.Node, kind: IncomingHeadersKind): void => {
      if (call.transport === 'http' && view.state('http') !== 'absent') return;
      if (injectedInto(node)) return;
      const text = sourceCode.getText(node);
      const filtered =
        kind === 'record'
          ? `Object.fromEntries(Object.entries(${text}).filter(([name]) => !${TRACE_HEADER_PATTERN}.test(name)))`
          : `new Headers([...${text}].filter(([name]) => !${TRACE_HEADER_PATTERN}.test(name)))`;
      const fix: FixFn = (fixer) => fixer.replaceText(node, filtered);
      const restores = call.transport === 'undici' && view.state('undici') === 'registered';
      report(node, 'forwardedHeaders', {}, restores ? { fix } : { suggest: { messageId: 'dropTraceHeaders', fix } });
    };

    /** `propagation.inject(ctx, req.headers)` before forwarding them: our context replaced the caller's. */
    const injectedInto = (node: TSESTree.Node): boolean => {
      const text = sourceCode.getText(node);
      const fn = enclosingFunction(node);
      let found = false;
      walk(sourceCode, fn ?? sourceCode.ast, (n) => {
        if (!found && n.range[1] <= node.range[0] && resolver.isApiCall(n, 'propagation', 'inject') && n.arguments[1] && sourceCode.getText(n.arguments[1]) === text) found = true;
      });
      return found;
    };

    const examineHeaders = (call: OutboundCall, value: TSESTree.Node, depth: number): void => {
      if (depth > 4) return;
      const v = unwrap(value);
      const incoming = incomingHeaders(context, v);
      if (incoming && v.type !== AST_NODE_TYPES.Identifier) return forwardedWhole(call, v, incoming);
      if (v.type === AST_NODE_TYPES.ObjectExpression) {
        for (const p of v.properties) {
          if (p.type === AST_NODE_TYPES.SpreadElement) {
            examineHeaders(call, p.argument, depth + 1);
            continue;
          }
          const name = p.computed && p.key.type === AST_NODE_TYPES.Identifier ? undefined : staticName(p.key);
          if (isTraceHeaderName(name)) handSet(call, name, p.value, p, removeProperty(sourceCode, p), false);
        }
      } else if (v.type === AST_NODE_TYPES.NewExpression && v.arguments[0]) {
        examineHeaders(call, v.arguments[0], depth + 1);
      } else if (v.type === AST_NODE_TYPES.CallExpression && isObjectAssign(v)) {
        for (const a of v.arguments) examineHeaders(call, a, depth + 1);
      } else if (v.type === AST_NODE_TYPES.Identifier) {
        const def = findVariable(sourceCode, v)?.defs[0];
        if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) examineHeaders(call, def.node.init, depth + 1);
        // the rest of a destructured `req.headers`: report where it is sent
        else if (incoming) forwardedWhole(call, v, incoming);
        for (const read of readsOf(sourceCode, v)) examineMutation(call, read, false);
      }
    };

    /** `headers.set('traceparent', v)`, `headers['traceparent'] = v`, `init.headers.traceparent = v`, `req.setHeader(...)`. */
    const examineMutation = (call: OutboundCall, base: TSESTree.Node, afterCreation: boolean): void => {
      const m = base.parent;
      if (m?.type !== AST_NODE_TYPES.MemberExpression || m.object !== base) return;
      const prop = m.computed ? (m.property.type === AST_NODE_TYPES.Identifier ? undefined : staticName(m.property)) : staticName(m.property);
      const parent = m.parent;
      if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === m && parent.operator === '=' && isTraceHeaderName(prop)) {
        return handSet(call, prop, parent.right, parent, removeStatement(sourceCode, parent), afterCreation);
      }
      if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === m && prop && (HEADER_MUTATORS.has(prop) || (afterCreation && prop === 'setHeader'))) {
        const name = staticName(parent.arguments[0]);
        if (isTraceHeaderName(name) && parent.arguments[1]) handSet(call, name, parent.arguments[1], parent, removeStatement(sourceCode, parent), afterCreation);
      }
    };

    const examineCall = (call: OutboundCall): void => {
      for (const value of headersValues(context, call)) examineHeaders(call, value, 0);
      // options held in a variable and changed later: `init.headers.traceparent = v`
      const options = call.node.arguments[call.optionsIndex];
      if (options && unwrap(options).type === AST_NODE_TYPES.Identifier && optionsObjects(context, options).length > 0) {
        for (const read of readsOf(sourceCode, unwrap(options) as TSESTree.Identifier)) {
          const m = read.parent;
          if (m?.type === AST_NODE_TYPES.MemberExpression && m.object === read && staticName(m.property) === 'headers' && !m.computed) examineMutation(call, m, false);
        }
      }
      // `const req = http.request(...); req.setHeader('traceparent', v)`: after the instrumentation wrote its own
      const holder = call.node.parent;
      if (call.transport === 'http' && holder?.type === AST_NODE_TYPES.VariableDeclarator && holder.id.type === AST_NODE_TYPES.Identifier) {
        for (const read of readsOf(sourceCode, holder.id)) examineMutation(call, read, true);
      }
    };

    const examineInject = (inject: TSESTree.CallExpression): void => {
      const carrierArg = inject.arguments[1];
      if (!carrierArg) return;
      const carrier = unwrap(carrierArg);
      const kind = carrierKind(context, carrier);
      const hasSetter = inject.arguments.length > 2;
      if (carrier.type !== AST_NODE_TYPES.Identifier) return;
      const variable = findVariable(sourceCode, carrier);
      if (!variable) return;
      const writes = variable.references.filter((r) => r.isWrite() && r.writeExpr && r.identifier.range[0] > inject.range[1]).sort((a, b) => a.identifier.range[0] - b.identifier.range[0]);
      const reads = variable.references.filter((r) => r.isRead() && r.identifier.range[0] > inject.range[1]).map((r) => r.identifier as TSESTree.Identifier);
      const replacement = writes.find((w) => !mentions(sourceCode, w.writeExpr!, variable));
      const injectedReads = reads.filter((r) => !replacement || r.range[0] < replacement.identifier.range[0] || within(r, replacement.writeExpr!));
      const laterReads = replacement ? reads.filter((r) => r.range[0] > replacement.identifier.range[0] && !within(r, replacement.writeExpr!)) : [];
      const use = (list: TSESTree.Identifier[]) => {
        const sinks = list.map((r) => sinksOfHeaders(context, r));
        return {
          fetch: sinks.some((s) => s.some((c) => c.transport === 'undici')),
          http: sinks.some((s) => s.some((c) => c.transport === 'http')),
          other: sinks.some((s) => s.length === 0),
        };
      };
      const breaks = (u: ReturnType<typeof use>): boolean =>
        (u.fetch && view.state('undici') === 'absent') || (u.http && view.state('http') === 'absent') || u.other;

      // (d) a Headers/Map takes no properties: without a setter nothing is written
      if ((kind === 'headers' || kind === 'map') && !hasSetter) {
        if (injectedReads.length > 0 && breaks(use(injectedReads))) {
          const fix: FixFn = (fixer) => fixer.insertTextAfter(carrierArg, ', { set: (carrier, key, value) => carrier.set(key, value) }');
          report(inject, 'injectWritesNothing', { kind: kind === 'headers' ? 'Headers' : 'Map' }, { suggest: { messageId: 'addSetter', fix } });
        }
        return;
      }
      if (kind === undefined && !hasSetter) return;
      // (e) written, then sent by fetch/undici, which adds its own traceparent
      const injected = use(injectedReads);
      if (injected.fetch && view.state('undici') === 'registered') {
        const onlyFetch = !injected.http && !injected.other && laterReads.length === 0;
        const remove = onlyFetch ? removeStatement(sourceCode, inject) : undefined;
        report(inject, 'manualInjection', {}, remove ? { fix: remove } : {});
        return;
      }
      // (c) replaced before anything used what inject wrote
      if (replacement && injectedReads.length === 0 && laterReads.length > 0 && breaks(use(laterReads))) {
        const assignment = replacement.writeExpr!.parent!;
        report(assignment, 'carrierReplaced', { name: carrier.name }, { fix: moveAfter(sourceCode, inject, assignment) });
      }
    };

    return {
      CallExpression(node) {
        if (resolver.importsOtel && resolver.isApiCall(node, 'propagation', 'inject')) return examineInject(node);
        const call = outboundCallOf(context, node);
        if (call) examineCall(call);
      },
    };
  },
});

function isObjectAssign(call: TSESTree.CallExpression): boolean {
  const c = call.callee;
  return c.type === AST_NODE_TYPES.MemberExpression && c.object.type === AST_NODE_TYPES.Identifier && c.object.name === 'Object' && staticName(c.property) === 'assign';
}

function enclosingFunction(node: TSESTree.Node): TSESTree.Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === AST_NODE_TYPES.ArrowFunctionExpression || n.type === AST_NODE_TYPES.FunctionExpression || n.type === AST_NODE_TYPES.FunctionDeclaration) return n;
  }
  return undefined;
}

const within = (inner: TSESTree.Node, outer: TSESTree.Node): boolean => inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];

/** Does the expression read the variable (`{ ...headers, x }` keeps what inject wrote)? */
function mentions(sourceCode: SourceCode, expr: TSESTree.Node, variable: TSESLint.Scope.Variable): boolean {
  return variable.references.some((r) => r.isRead() && within(r.identifier, expr));
}

function walk(sourceCode: SourceCode, node: TSESTree.Node, visit: (n: TSESTree.Node) => void): void {
  visit(node);
  for (const key of sourceCode.visitorKeys[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    for (const c of Array.isArray(child) ? child : [child]) if (c && typeof c === 'object' && 'type' in c) walk(sourceCode, c as TSESTree.Node, visit);
  }
}

/** The statement holding `node` as its expression, when it sits in a statement list (so it can be removed or moved). */
function ownStatement(node: TSESTree.Node): TSESTree.ExpressionStatement | undefined {
  let n: TSESTree.Node = node;
  while (n.parent && (n.parent.type === AST_NODE_TYPES.AwaitExpression || n.parent.type === AST_NODE_TYPES.ChainExpression)) n = n.parent;
  const stmt = n.parent;
  return stmt?.type === AST_NODE_TYPES.ExpressionStatement && stmt.parent && STATEMENT_LISTS.has(stmt.parent.type) ? stmt : undefined;
}

/** The range of a statement with its own line(s), when nothing else shares them. */
function lineRange(sourceCode: SourceCode, node: TSESTree.Node): [number, number] | undefined {
  const text = sourceCode.text;
  const lineStart = text.lastIndexOf('\n', node.range[0] - 1) + 1;
  const lineEnd = text.indexOf('\n', node.range[1]);
  const end = lineEnd === -1 ? text.length : lineEnd + 1;
  if (text.slice(lineStart, node.range[0]).trim() !== '' || text.slice(node.range[1], end).trim() !== '') return undefined;
  return [lineStart, end];
}

function removeStatement(sourceCode: SourceCode, expr: TSESTree.Node): FixFn | undefined {
  const stmt = ownStatement(expr);
  if (!stmt) return undefined;
  const range = lineRange(sourceCode, stmt) ?? [stmt.range[0], sourceCode.getTokenAfter(stmt, { includeComments: true })?.range[0] ?? stmt.range[1]];
  return (fixer) => fixer.removeRange(range);
}

/** Removes a property from an object literal with its comma, keeping the literal's layout. */
function removeProperty(sourceCode: SourceCode, prop: TSESTree.Property): FixFn {
  const obj = prop.parent as TSESTree.ObjectExpression;
  if (obj.properties.length === 1) return (fixer) => fixer.replaceText(obj, '{}');
  const after = sourceCode.getTokenAfter(prop)!;
  const comma = after.value === ',' ? after : undefined;
  const ownLine = lineRange(sourceCode, { range: [prop.range[0], comma ? comma.range[1] : prop.range[1]] } as TSESTree.Node);
  if (ownLine && comma) return (fixer) => fixer.removeRange(ownLine);
  if (comma) return (fixer) => fixer.removeRange([prop.range[0], sourceCode.getTokenAfter(comma, { includeComments: true })!.range[0]]);
  const before = sourceCode.getTokenBefore(prop)!;
  return (fixer) => fixer.removeRange([before.range[0], prop.range[1]]);
}

/** Moves the inject statement to just after the statement that replaced its carrier. */
function moveAfter(sourceCode: SourceCode, inject: TSESTree.CallExpression, assignment: TSESTree.Node): FixFn | undefined {
  const from = ownStatement(inject);
  const to = ownStatement(assignment);
  if (!from || !to || from.parent !== to.parent) return undefined;
  const ctx = inject.arguments[0];
  // The context is read later than before: only plain reads, which cannot change in between.
  if (ctx && !(ctx.type === AST_NODE_TYPES.Identifier || (ctx.type === AST_NODE_TYPES.CallExpression && ctx.arguments.length === 0 && ctx.callee.type === AST_NODE_TYPES.MemberExpression))) {
    return undefined;
  }
  const removal = lineRange(sourceCode, from) ?? [from.range[0], sourceCode.getTokenAfter(from, { includeComments: true })?.range[0] ?? from.range[1]];
  const indent = /^[ \t]*/.exec(sourceCode.lines[to.loc.start.line - 1] ?? '')![0];
  return (fixer) => [fixer.removeRange(removal), fixer.insertTextAfter(to, `\n${indent}${sourceCode.getText(from)}`)];
}
