import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { importOrigin, initOf } from './import-origin.js';

/**
 * Web-framework apps and routers (express, koa, fastify, hono, connect): which value is one, and
 * what each registration call on it adds (routes, middleware, tracing middleware, error handlers).
 * With type information the checker says what a value is (an `Express` parameter, a router from
 * another file); without it, how the value was made in this file does.
 */
export type Framework = 'express' | 'koa' | 'fastify' | 'hono' | 'connect';

export interface AppKind {
  framework: Framework;
  /** A router (express `Router()`, `@koa/router`) rather than the app itself. */
  router: boolean;
}

type Ctx = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const FRAMEWORK_MODULES: Record<string, AppKind> = {
  express: { framework: 'express', router: false },
  koa: { framework: 'koa', router: false },
  fastify: { framework: 'fastify', router: false },
  hono: { framework: 'hono', router: false },
  'hono/tiny': { framework: 'hono', router: false },
  'hono/quick': { framework: 'hono', router: false },
  connect: { framework: 'connect', router: false },
  '@koa/router': { framework: 'koa', router: true },
  'koa-router': { framework: 'koa', router: true },
};

/** Packages whose exports are tracing middleware or plugins. */
export const KNOWN_TRACING_MODULES = new Set(['@hono/otel', '@fastify/otel', '@autotelic/fastify-opentelemetry', 'fastify-opentelemetry', 'express-opentelemetry-middleware']);

/** Middleware packages that never end a request themselves (they only decorate it). */
const NON_ENDING_MODULES = new Set(['helmet', 'compression', 'cookie-parser', 'morgan', 'pino-http', 'response-time', 'hono/logger', 'hono/request-id', 'hono/context-storage', 'hono/timing', 'hono/secure-headers', 'koa-logger']);

function untypedAppKind(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, depth = 0): AppKind | undefined {
  if (depth > 3) return undefined;
  if (node.type === AST_NODE_TYPES.Identifier) {
    const init = initOf(sourceCode, node);
    return init ? untypedAppKind(sourceCode, init, depth + 1) : undefined;
  }
  if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) return undefined;
  const callee: TSESTree.Node = node.callee;
  // `require('express')()`
  if (callee.type === AST_NODE_TYPES.CallExpression && callee.callee.type === AST_NODE_TYPES.Identifier && callee.callee.name === 'require' && callee.arguments[0]?.type === AST_NODE_TYPES.Literal) {
    return FRAMEWORK_MODULES[String(callee.arguments[0].value)];
  }
  // `express.Router()`
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && callee.property.name === 'Router' && callee.object.type === AST_NODE_TYPES.Identifier) {
    const origin = importOrigin(sourceCode, callee.object);
    return origin?.module === 'express' ? { framework: 'express', router: true } : undefined;
  }
  if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const origin = importOrigin(sourceCode, callee);
  if (!origin) return undefined;
  const kind = FRAMEWORK_MODULES[origin.module];
  if (!kind) return undefined;
  if (kind.framework === 'express') return origin.name === 'Router' ? { framework: 'express', router: true } : origin.name === 'default' ? kind : undefined;
  if (kind.framework === 'hono') return origin.name === 'Hono' ? kind : undefined;
  if (kind.framework === 'koa' && !kind.router) return origin.name === 'default' ? kind : undefined;
  return kind;
}

const TYPE_KINDS: Array<{ file: RegExp; names: Record<string, AppKind> }> = [
  { file: /[\\/]@types[\\/]express(-serve-static-core)?[\\/]/, names: { Express: { framework: 'express', router: false }, Application: { framework: 'express', router: false }, Router: { framework: 'express', router: true } } },
  { file: /[\\/]@types[\\/]koa[\\/]/, names: { Application: { framework: 'koa', router: false } } },
  { file: /[\\/]node_modules[\\/]fastify[\\/]/, names: { FastifyInstance: { framework: 'fastify', router: false } } },
  { file: /[\\/]node_modules[\\/]hono[\\/]/, names: { Hono: { framework: 'hono', router: false }, HonoBase: { framework: 'hono', router: false } } },
  { file: /[\\/]@types[\\/]connect[\\/]/, names: { Server: { framework: 'connect', router: false } } },
];

function typedAppKind(type: ts.Type): AppKind | undefined | null {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return null;
  const candidates = type.isUnionOrIntersection() ? type.types : [type];
  for (const t of candidates) {
    for (const symbol of [t.aliasSymbol, t.getSymbol()]) {
      if (!symbol) continue;
      for (const decl of symbol.declarations ?? []) {
        const file = decl.getSourceFile().fileName;
        for (const k of TYPE_KINDS) if (k.file.test(file) && k.names[symbol.getName()]) return k.names[symbol.getName()];
      }
    }
  }
  return undefined;
}

/** What app or router `node` is, if any. */
export function appKindOf(context: Ctx, resolver: OtelResolver, node: TSESTree.Node): AppKind | undefined {
  if (resolver.services) {
    const kind = typedAppKind(resolver.services.getTypeAtLocation(node));
    if (kind !== null) return kind ?? (node.type === AST_NODE_TYPES.Identifier ? untypedAppKind(context.sourceCode, node) : undefined);
  }
  return untypedAppKind(context.sourceCode, node);
}

export type HandlerKind = 'tracing' | 'routes' | 'errorHandler' | 'middleware';

export interface Handler {
  node: TSESTree.Node;
  kind: HandlerKind;
  /** For middleware: whether it can answer a request itself (end it, or pass an error on). */
  canEnd: boolean;
}

export interface Registration {
  call: TSESTree.CallExpression;
  method: string;
  handlers: Handler[];
  /** The statement that is exactly this call (or `await` of it), when it is one. */
  statement: TSESTree.ExpressionStatement | undefined;
  awaited: boolean;
}

const VERBS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head'];
const ROUTE_METHODS: Record<Framework, Set<string>> = {
  express: new Set([...VERBS, 'route']),
  connect: new Set(),
  koa: new Set([...VERBS, 'route']),
  hono: new Set([...VERBS, 'on', 'route']),
  fastify: new Set([...VERBS, 'route']),
};

/** A function node the handler expression stands for, in this file or (typed) in another. */
type FunctionLike = { es: TSESTree.FunctionLike } | { ts: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression };

function functionOf(context: Ctx, resolver: OtelResolver, node: TSESTree.Node): FunctionLike | undefined {
  if (node.type === AST_NODE_TYPES.ArrowFunctionExpression || node.type === AST_NODE_TYPES.FunctionExpression) return { es: node };
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = findVariable(context.sourceCode, node)?.defs[0];
  if (def?.node.type === AST_NODE_TYPES.FunctionDeclaration) return { es: def.node };
  if (def?.node.type === AST_NODE_TYPES.VariableDeclarator) {
    const init = def.node.init;
    if (init?.type === AST_NODE_TYPES.ArrowFunctionExpression || init?.type === AST_NODE_TYPES.FunctionExpression) return { es: init };
  }
  if (resolver.services) {
    const checker = resolver.services.program.getTypeChecker();
    let symbol = checker.getSymbolAtLocation(resolver.services.esTreeNodeToTSNodeMap.get(node));
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const decl of symbol?.declarations ?? []) {
      if (ts.isFunctionDeclaration(decl) && decl.body) return { ts: decl };
      if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) return { ts: decl.initializer };
    }
  }
  return undefined;
}

function paramNames(fn: FunctionLike): string[] {
  if ('es' in fn) return fn.es.params.map((p) => (p.type === AST_NODE_TYPES.Identifier ? p.name : p.type === AST_NODE_TYPES.AssignmentPattern && p.left.type === AST_NODE_TYPES.Identifier ? p.left.name : ''));
  return fn.ts.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
}

function bodyText(context: Ctx, fn: FunctionLike): string {
  return 'es' in fn ? context.sourceCode.getText(fn.es.body ?? fn.es) : (fn.ts.body?.getText() ?? '');
}

const escape = (s: string) => s.replace(/[$]/g, '\\$');

/** Index of `next` in a middleware's parameters. */
const nextIndex = (framework: Framework): number => (framework === 'koa' || framework === 'hono' ? 1 : 2);

/** A middleware that starts a span (active or not) and calls `next`: hand-written tracing. */
function startsSpanAndCallsNext(context: Ctx, fn: FunctionLike, framework: Framework): boolean {
  const next = paramNames(fn)[nextIndex(framework)];
  if (!next) return false;
  const text = bodyText(context, fn);
  return /\.\s*start(Active)?Span\s*\(/.test(text) && new RegExp(`\\b${escape(next)}\\s*\\(`).test(text);
}

/** Can a visible middleware answer a request without passing it on? */
function middlewareCanEnd(context: Ctx, fn: FunctionLike, framework: Framework): boolean {
  const params = paramNames(fn);
  const next = params[nextIndex(framework)];
  const text = bodyText(context, fn);
  // One that never calls `next` ends every request it sees.
  if (!next || !new RegExp(`\\b${escape(next)}\\b`).test(text)) return true;
  if (/\bthrow\b/.test(text)) return true;
  if (new RegExp(`\\b${escape(next)}\\s*\\(\\s*[^)\\s]`).test(text)) return true;
  const first = params[framework === 'koa' || framework === 'hono' ? 0 : 1];
  if (!first) return false;
  const f = escape(first);
  if (framework === 'koa') return new RegExp(`\\b${f}\\s*\\.\\s*(body|status)\\s*=|\\b${f}\\s*\\.\\s*(throw|redirect|assert)\\s*\\(`).test(text);
  if (framework === 'hono') return /\breturn\b/.test(text) || /new\s+Response\s*\(/.test(text);
  return new RegExp(`\\b${f}\\s*\\.\\s*(send|end|json|jsonp|sendStatus|sendFile|redirect|render|download|writeHead|status|code)\\s*\\(`).test(text);
}

/** The identifiers a handler expression is made from: `x`, `f()` → f, `a.b()` → a, following `const x = ...`. */
function originIdentifiers(context: Ctx, node: TSESTree.Node, depth = 0): TSESTree.Identifier[] {
  if (depth > 4) return [];
  switch (node.type) {
    case AST_NODE_TYPES.Identifier: {
      const init = initOf(context.sourceCode, node);
      return [node, ...(init ? originIdentifiers(context, init, depth + 1) : [])];
    }
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.NewExpression:
      return originIdentifiers(context, node.callee, depth + 1);
    case AST_NODE_TYPES.MemberExpression:
      return originIdentifiers(context, node.object, depth + 1);
    case AST_NODE_TYPES.AwaitExpression:
      return originIdentifiers(context, node.argument, depth + 1);
    default:
      return [];
  }
}

function isTracingByName(context: Ctx, node: TSESTree.Node, configured: ReadonlySet<string>): boolean {
  const target = node.type === AST_NODE_TYPES.CallExpression ? node.callee : node;
  if (configured.has(context.sourceCode.getText(target))) return true;
  return originIdentifiers(context, node).some((id) => {
    const origin = importOrigin(context.sourceCode, id);
    return configured.has(id.name) || (!!origin && (KNOWN_TRACING_MODULES.has(origin.module) || configured.has(origin.module)));
  });
}

/** A factory call `f(...)` whose body returns a middleware function: that function. */
function returnedFunction(context: Ctx, resolver: OtelResolver, call: TSESTree.CallExpression): FunctionLike | undefined {
  const factory = functionOf(context, resolver, call.callee);
  if (!factory) return undefined;
  if ('es' in factory) {
    const body = factory.es.body;
    if (body?.type === AST_NODE_TYPES.ArrowFunctionExpression || body?.type === AST_NODE_TYPES.FunctionExpression) return { es: body };
    if (body?.type !== AST_NODE_TYPES.BlockStatement) return undefined;
    for (const stmt of body.body) {
      if (stmt.type === AST_NODE_TYPES.ReturnStatement && stmt.argument && (stmt.argument.type === AST_NODE_TYPES.ArrowFunctionExpression || stmt.argument.type === AST_NODE_TYPES.FunctionExpression)) return { es: stmt.argument };
    }
    return undefined;
  }
  const body = factory.ts.body;
  if (!body) return undefined;
  if (ts.isArrowFunction(body) || ts.isFunctionExpression(body)) return { ts: body };
  if (!ts.isBlock(body)) return undefined;
  for (const stmt of body.statements) {
    if (ts.isReturnStatement(stmt) && stmt.expression && (ts.isArrowFunction(stmt.expression) || ts.isFunctionExpression(stmt.expression))) return { ts: stmt.expression };
  }
  return undefined;
}

export function classifyHandler(context: Ctx, resolver: OtelResolver, framework: Framework, node: TSESTree.Node, tracingMiddleware: ReadonlySet<string>): Handler {
  if (isTracingByName(context, node, tracingMiddleware)) return { node, kind: 'tracing', canEnd: false };
  const fn = node.type === AST_NODE_TYPES.CallExpression ? returnedFunction(context, resolver, node) : functionOf(context, resolver, node);
  if (fn) {
    if ((framework === 'express' || framework === 'connect') && paramNames(fn).length === 4) return { node, kind: 'errorHandler', canEnd: true };
    if (startsSpanAndCallsNext(context, fn, framework)) return { node, kind: 'tracing', canEnd: false };
    return { node, kind: 'middleware', canEnd: middlewareCanEnd(context, fn, framework) };
  }
  // A mounted router or sub-app brings routes.
  if (node.type !== AST_NODE_TYPES.CallExpression && appKindOf(context, resolver, node)) return { node, kind: 'routes', canEnd: true };
  // koa-router's `router.routes()`
  if (
    node.type === AST_NODE_TYPES.CallExpression &&
    node.callee.type === AST_NODE_TYPES.MemberExpression &&
    node.callee.property.type === AST_NODE_TYPES.Identifier &&
    (node.callee.property.name === 'routes' || node.callee.property.name === 'middleware') &&
    appKindOf(context, resolver, node.callee.object)?.router
  ) {
    return { node, kind: 'routes', canEnd: true };
  }
  const nonEnding = originIdentifiers(context, node).some((id) => {
    const origin = importOrigin(context.sourceCode, id);
    return !!origin && NON_ENDING_MODULES.has(origin.module);
  });
  return { node, kind: 'middleware', canEnd: !nonEnding };
}

const isPath = (node: TSESTree.Node): boolean =>
  (node.type === AST_NODE_TYPES.Literal && (typeof node.value === 'string' || node.value instanceof RegExp)) ||
  node.type === AST_NODE_TYPES.TemplateLiteral ||
  node.type === AST_NODE_TYPES.ArrayExpression;

/** What a call `app.<method>(...)` registers, or undefined when it registers nothing of interest. */
export function registrationOf(
  context: Ctx,
  resolver: OtelResolver,
  kind: AppKind,
  call: TSESTree.CallExpression,
  method: string,
  tracingMiddleware: ReadonlySet<string>,
): Registration | undefined {
  const { framework } = kind;
  const parent = call.parent;
  const awaited = parent?.type === AST_NODE_TYPES.AwaitExpression;
  const host = awaited ? parent.parent : parent;
  const statement = host?.type === AST_NODE_TYPES.ExpressionStatement ? host : undefined;
  const base = { call, method, statement, awaited };
  const args = call.arguments;
  if (ROUTE_METHODS[framework].has(method)) {
    // express `app.get('env')` reads a setting.
    if (args.length < 2 && !(framework === 'fastify' && method === 'route') && !(framework === 'express' && method === 'route')) return undefined;
    return { ...base, handlers: [{ node: call, kind: 'routes', canEnd: true }] };
  }
  if (framework === 'fastify') {
    if (method === 'register' && args[0]) {
      const tracing = isTracingByName(context, args[0], tracingMiddleware);
      return { ...base, handlers: [{ node: args[0], kind: tracing ? 'tracing' : 'middleware', canEnd: true }] };
    }
    if (method === 'addHook' && args[1] && args[0]?.type === AST_NODE_TYPES.Literal && (args[0].value === 'onRequest' || args[0].value === 'preHandler')) {
      const tracing = isTracingByName(context, args[1], tracingMiddleware);
      return { ...base, handlers: [{ node: args[1], kind: tracing ? 'tracing' : 'middleware', canEnd: true }] };
    }
    return undefined;
  }
  if (method !== 'use') return undefined;
  const handlers = args.filter((a, i) => !(i === 0 && isPath(a)) && a.type !== AST_NODE_TYPES.SpreadElement);
  if (handlers.length === 0) return undefined;
  return { ...base, handlers: handlers.map((h) => classifyHandler(context, resolver, framework, h, tracingMiddleware)) };
}
