import { parserServices } from './parser-services.js';
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import { findVariable } from './resolve-otel-symbol.js';
import { constInit, outboundCallOf } from './outbound-http-calls.js';
import { isTraceHeaderName, staticName } from './trace-headers.js';
import { isIncomingHeadersParameter } from './incoming-headers-type.js';

/**
 * Answers "is this the headers object of the request this server is handling" and "does this read
 * one trace header of it". A request handler is a function passed to `http.createServer`, a route
 * or middleware registration (`app.get(path, handler)`, `router.use(...)`, `fastify.post(...)`,
 * `server.on('request', ...)`), or one whose parameters read `(req, res)`; with type information,
 * any `IncomingMessage` that is not a client response. Koa's `ctx.headers`/`ctx.request.headers`
 * and Hono's `c.req.header()`/`c.req.raw.headers` count too, and so does a parameter declared as
 * `IncomingHttpHeaders` (a helper handed `req.headers`).
 */
export type IncomingHeadersKind = 'record' | 'fetch-headers';

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'head', 'options', 'route', 'handle']);
const REQUEST_NAME = /^(req|request|incoming|incomingRequest)$/;
const RESPONSE_NAME = /^(res|reply|response|h)$/;

const unwrap = (n: TSESTree.Node): TSESTree.Node =>
  n.type === AST_NODE_TYPES.TSNonNullExpression || n.type === AST_NODE_TYPES.TSAsExpression || n.type === AST_NODE_TYPES.TSSatisfiesExpression ? unwrap(n.expression) : n;

type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration;

/** The handler function whose first parameter the identifier is, when that function handles server requests. */
function handlerOf(context: AnyContext, id: TSESTree.Identifier): FunctionNode | undefined {
  const def = findVariable(context.sourceCode, id)?.defs[0];
  if (def?.type !== TSESLint.Scope.DefinitionType.Parameter) return undefined;
  const fn = def.node as FunctionNode;
  const first = fn.params[0];
  const param = first?.type === AST_NODE_TYPES.TSParameterProperty ? first.parameter : first;
  if (param?.type !== AST_NODE_TYPES.Identifier || param.name !== id.name) return undefined;
  return isRequestHandler(context, fn) ? fn : undefined;
}

function isPath(arg: TSESTree.Node | undefined): boolean {
  if (!arg) return false;
  if (arg.type === AST_NODE_TYPES.Literal) return typeof arg.value === 'string' ? /^[/*]/.test(arg.value) : 'regex' in arg;
  if (arg.type === AST_NODE_TYPES.TemplateLiteral) return /^[/*]/.test(arg.quasis[0].value.cooked ?? '');
  return false;
}

function isRequestHandler(context: AnyContext, fn: FunctionNode): boolean {
  const call = fn.parent;
  if (call?.type === AST_NODE_TYPES.CallExpression && call.arguments.includes(fn as TSESTree.CallExpressionArgument)) {
    // A response callback of an outbound request (`http.get(url, (res) => ...)`) is not a handler.
    if (outboundCallOf(context, call)) return false;
    const callee = unwrap(call.callee);
    const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression && callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : undefined;
    if (name === 'createServer' || name === 'createSecureServer') return true;
    if (name === 'on' || name === 'once') {
      const event = call.arguments[0];
      return event?.type === AST_NODE_TYPES.Literal && event.value === 'request';
    }
    // `app.get('/path', handler)`, `router.use(handler)`: a path (or nothing) before the handler
    if (name && ROUTE_METHODS.has(name) && callee.type === AST_NODE_TYPES.MemberExpression && (name === 'use' || isPath(call.arguments[0]))) return true;
  }
  const [req, res] = fn.params;
  return req?.type === AST_NODE_TYPES.Identifier && REQUEST_NAME.test(req.name) && res?.type === AST_NODE_TYPES.Identifier && RESPONSE_NAME.test(res.name);
}

/** The object the headers are read from is a request being handled, not a client response. */
function requestRoot(context: AnyContext, obj: TSESTree.Node): boolean {
  const o = unwrap(obj);
  if (o.type === AST_NODE_TYPES.Identifier) return handlerOf(context, o) !== undefined || typedRequest(context, o);
  // Koa: `ctx.request.headers`, `ctx.req.headers`; Hono: `c.req.raw.headers`
  if (o.type === AST_NODE_TYPES.MemberExpression && !o.computed && o.property.type === AST_NODE_TYPES.Identifier && ['request', 'req', 'raw'].includes(o.property.name)) {
    return requestRoot(context, o.object);
  }
  return false;
}

/** With types, a parameter typed as a server request (`IncomingMessage`, express `Request`, ...) outside response callbacks. */
function typedRequest(context: AnyContext, id: TSESTree.Identifier): boolean {
  const services = parserServices(context);
  if (!services.program) return false;
  const def = findVariable(context.sourceCode, id)?.defs[0];
  if (def?.type !== TSESLint.Scope.DefinitionType.Parameter) return false;
  const fn = def.node as FunctionNode;
  const call = fn.parent;
  if (call?.type === AST_NODE_TYPES.CallExpression && outboundCallOf(context, call)) return false;
  if (call?.type === AST_NODE_TYPES.CallExpression && call.callee.type === AST_NODE_TYPES.MemberExpression && call.arguments[0]?.type === AST_NODE_TYPES.Literal && call.arguments[0].value === 'response') return false;
  const tsNode = services.esTreeNodeToTSNodeMap.get(id);
  const type = services.program.getTypeChecker().getTypeAtLocation(tsNode);
  const headers = type.getProperty('headers');
  if (!headers) return false;
  const headersType = services.program.getTypeChecker().getTypeOfSymbolAtLocation(headers, tsNode);
  const parts = headersType.isIntersection() || headersType.isUnion() ? headersType.types : [headersType];
  if (!parts.some((t) => (t.aliasSymbol ?? t.getSymbol())?.getName() === 'IncomingHttpHeaders')) return false;
  // A bare IncomingMessage is also what a client response is: only a request by name or by the handler's shape.
  const bare = (type.aliasSymbol ?? type.getSymbol())?.getName() === 'IncomingMessage';
  return !bare || REQUEST_NAME.test(id.name) || isRequestHandler(context, fn);
}

/** `expr` is the incoming request's headers object, directly or through a `const`. */
export function incomingHeaders(context: AnyContext, expr: TSESTree.Node, depth = 0): IncomingHeadersKind | undefined {
  const e = unwrap(expr);
  if (e.type === AST_NODE_TYPES.Identifier && depth < 3) {
    const def = findVariable(context.sourceCode, e)?.defs[0];
    // `const { host, ...forwarded } = req.headers`: the rest is still the incoming headers
    if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id.type === AST_NODE_TYPES.ObjectPattern && def.node.init) {
      const rest = def.node.id.properties.find((p) => p.type === AST_NODE_TYPES.RestElement);
      return rest?.type === AST_NODE_TYPES.RestElement && rest.argument.type === AST_NODE_TYPES.Identifier && rest.argument.name === e.name
        ? incomingHeaders(context, def.node.init, depth + 1)
        : undefined;
    }
    const init = constInit(context.sourceCode, e);
    if (init) return incomingHeaders(context, init, depth + 1);
    return isIncomingHeadersParameter(context, e) ? 'record' : undefined;
  }
  if (e.type === AST_NODE_TYPES.MemberExpression && !e.computed && e.property.type === AST_NODE_TYPES.Identifier) {
    const prop = e.property.name;
    if (prop !== 'headers' && prop !== 'header') return undefined;
    if (!requestRoot(context, e.object)) return undefined;
    // `c.req.raw.headers` is a fetch `Headers`; node-style requests have a plain record.
    const raw = unwrap(e.object);
    const isRaw = raw.type === AST_NODE_TYPES.MemberExpression && raw.property.type === AST_NODE_TYPES.Identifier && raw.property.name === 'raw';
    return isRaw ? 'fetch-headers' : 'record';
  }
  // Hono: `c.req.header()` with no name returns every header as a record.
  if (e.type === AST_NODE_TYPES.CallExpression && e.arguments.length === 0 && e.callee.type === AST_NODE_TYPES.MemberExpression) {
    const callee = e.callee;
    if (callee.property.type === AST_NODE_TYPES.Identifier && callee.property.name === 'header' && requestRoot(context, callee.object)) return 'record';
  }
  return undefined;
}

/**
 * The trace header `expr` reads from the incoming request (`req.headers.traceparent`,
 * `req.get('traceparent')`), also through what keeps its value (`String(h.traceparent ?? '')`,
 * `` `${h.traceparent}` ``, `h.traceparent?.toString()`), or undefined.
 */
export function incomingTraceHeaderRead(context: AnyContext, expr: TSESTree.Node, depth = 0): string | undefined {
  const e = unwrap(expr);
  const kept = keptValue(e);
  // Both step into a sub-expression, so they need no depth limit.
  if (kept) return incomingTraceHeaderRead(context, kept, depth);
  if (e.type === AST_NODE_TYPES.ConditionalExpression) {
    return incomingTraceHeaderRead(context, e.consequent, depth) ?? incomingTraceHeaderRead(context, e.alternate, depth);
  }
  if (e.type === AST_NODE_TYPES.Identifier && depth < 3) {
    const def = findVariable(context.sourceCode, e)?.defs[0];
    // `const { traceparent } = req.headers`
    if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id.type === AST_NODE_TYPES.ObjectPattern && def.node.init) {
      const prop = def.node.id.properties.find((p) => p.type === AST_NODE_TYPES.Property && unwrap(p.value).type === AST_NODE_TYPES.Identifier && (unwrap(p.value) as TSESTree.Identifier).name === e.name);
      const key = prop?.type === AST_NODE_TYPES.Property ? staticName(prop.key) : undefined;
      return isTraceHeaderName(key) && incomingHeaders(context, def.node.init) ? key : undefined;
    }
    const init = constInit(context.sourceCode, e);
    return init ? incomingTraceHeaderRead(context, init, depth + 1) : undefined;
  }
  if (e.type === AST_NODE_TYPES.MemberExpression) {
    const key = e.computed ? (e.property.type === AST_NODE_TYPES.Identifier ? undefined : staticName(e.property)) : staticName(e.property);
    return isTraceHeaderName(key) && incomingHeaders(context, e.object) ? key : undefined;
  }
  if (e.type === AST_NODE_TYPES.CallExpression && e.callee.type === AST_NODE_TYPES.MemberExpression && e.callee.property.type === AST_NODE_TYPES.Identifier) {
    const name = staticName(e.arguments[0]);
    if (!isTraceHeaderName(name)) return undefined;
    const method = e.callee.property.name;
    // express `req.get()`/`req.header()`, koa `ctx.get()`, hono `c.req.header(name)`
    if ((method === 'get' || method === 'header') && requestRoot(context, e.callee.object)) return name;
    // fetch `Headers#get` on the incoming request's headers
    if (method === 'get' && incomingHeaders(context, e.callee.object)) return name;
  }
  return undefined;
}

/** The value an expression passes on unchanged but for its form: `String(x)`, `x ?? ''`, `x || ''`, `` `${x}` ``, `x.toString()`, `x?.y`. */
function keptValue(e: TSESTree.Node): TSESTree.Node | undefined {
  if (e.type === AST_NODE_TYPES.ChainExpression) return e.expression;
  if (e.type === AST_NODE_TYPES.LogicalExpression && (e.operator === '??' || e.operator === '||')) return e.left;
  if (e.type === AST_NODE_TYPES.TemplateLiteral && e.expressions.length === 1 && e.quasis.every((q) => q.value.cooked === '')) return e.expressions[0];
  if (e.type !== AST_NODE_TYPES.CallExpression) return undefined;
  if (e.callee.type === AST_NODE_TYPES.Identifier && e.callee.name === 'String' && e.arguments.length === 1) return e.arguments[0];
  if (e.callee.type === AST_NODE_TYPES.MemberExpression && !e.callee.computed && e.arguments.length === 0 && staticName(e.callee.property) === 'toString') return e.callee.object;
  return undefined;
}
