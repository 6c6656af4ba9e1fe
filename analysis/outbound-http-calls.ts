import { parserServices } from './parser-services.js';
import type { TSESLint, TSESTree, ParserServicesWithTypeInformation } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { collectModuleBindings, type ModuleBindings } from './otel-imports.js';
import { findVariable } from './resolve-otel-symbol.js';

/**
 * Answers "is this call an outbound HTTP request, through which client, and where do its headers
 * go". The client decides which instrumentation carries the trace context: global `fetch` and the
 * `undici` package need `@opentelemetry/instrumentation-undici`; `node:http`/`https` and the clients
 * built on them (axios's Node adapter, got, node-fetch) need `@opentelemetry/instrumentation-http`.
 *
 * With type information the callee's declaration answers (aliases, wrappers' re-exports, instances
 * made in other files); without it, import tracking and `new Client()`/`axios.create()` in this file.
 */
export type OutboundClient = 'fetch' | 'undici' | 'http' | 'axios' | 'got' | 'node-fetch';

export interface OutboundCall {
  readonly node: TSESTree.CallExpression;
  readonly client: OutboundClient;
  /** The instrumentation that propagates context for this client. */
  readonly transport: 'undici' | 'http';
  /** `fetch(input, init)` semantics: `init.headers` replaces the headers of a `Request` input. */
  readonly fetchLike: boolean;
  /** Index of the argument that holds `headers` (present or not). */
  readonly optionsIndex: number;
}

type SourceCode = Readonly<TSESLint.SourceCode>;
type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const UNDICI_FUNCTIONS = new Set(['request', 'stream', 'pipeline', 'connect', 'upgrade', 'fetch']);
const DISPATCHER_CLASSES = new Set(['Client', 'Pool', 'BalancedPool', 'RoundRobinPool', 'Agent', 'ProxyAgent', 'RetryAgent', 'EnvHttpProxyAgent', 'H2CClient', 'Dispatcher']);
const DISPATCHER_METHODS = new Set(['request', 'stream', 'pipeline', 'dispatch', 'connect', 'upgrade']);
const HTTP_FUNCTIONS = new Set(['request', 'get']);
const AXIOS_URL_CONFIG = new Set(['get', 'delete', 'head', 'options']);
const AXIOS_URL_DATA_CONFIG = new Set(['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'stream']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

interface FileBindings {
  undici: ModuleBindings;
  http: ModuleBindings;
  axios: ModuleBindings;
  got: ModuleBindings;
  nodeFetch: ModuleBindings;
}

const fileCache = new WeakMap<object, FileBindings>();

function bindingsOf(sourceCode: SourceCode): FileBindings {
  let hit = fileCache.get(sourceCode);
  if (!hit) {
    const ast = sourceCode.ast;
    hit = {
      undici: collectModuleBindings(ast, (m) => m === 'undici'),
      http: collectModuleBindings(ast, (m) => /^(node:)?https?$/.test(m)),
      axios: collectModuleBindings(ast, (m) => m === 'axios'),
      got: collectModuleBindings(ast, (m) => m === 'got'),
      nodeFetch: collectModuleBindings(ast, (m) => m === 'node-fetch'),
    };
    fileCache.set(sourceCode, hit);
  }
  return hit;
}

/**
 * Does the file mention anything an outbound call could come from? (cheap first) `fetch`, a client
 * module's name (`undici`, `axios`, `got`) or `http`/`https` as a word: the module (`'node:http'`,
 * `http.get(`, `./http-client`), not the scheme of a URL (`http://` in a licence header or a link),
 * which names no module and no callee.
 */
export function mayCallOutbound(text: string): boolean {
  return /\bfetch\b|undici|\bhttps?\b(?!:\/\/)|axios|\bgot\b/.test(text);
}

/** The identifier is bound to one of the module's imports (not shadowed). */
function boundTo(sourceCode: SourceCode, id: TSESTree.Identifier, b: ModuleBindings): boolean {
  const v = findVariable(sourceCode, id);
  return !!v && v.defs.some((d) => b.declarations.has(d.node) || (d.parent != null && b.declarations.has(d.parent)));
}

/** An identifier that names no declaration in the file: a global. */
function isGlobal(sourceCode: SourceCode, id: TSESTree.Identifier): boolean {
  const v = findVariable(sourceCode, id);
  return !v || v.defs.length === 0;
}

/** The initializer of a `const`/`let` the identifier names, or undefined. */
export function constInit(sourceCode: SourceCode, id: TSESTree.Identifier): TSESTree.Expression | undefined {
  const def = findVariable(sourceCode, id)?.defs[0];
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  return def.node.init ?? undefined;
}

const unwrap = (n: TSESTree.Node): TSESTree.Node =>
  n.type === AST_NODE_TYPES.TSNonNullExpression || n.type === AST_NODE_TYPES.TSAsExpression || n.type === AST_NODE_TYPES.TSSatisfiesExpression ? unwrap(n.expression) : n;

function make(node: TSESTree.CallExpression, client: OutboundClient, optionsIndex: number, fetchLike = false): OutboundCall {
  return { node, client, transport: client === 'fetch' || client === 'undici' ? 'undici' : 'http', fetchLike, optionsIndex };
}

/** `http.request(url, options?, cb?)` / `http.request(options, cb?)`: options are first unless a URL comes first. */
function httpOptionsIndex(node: TSESTree.CallExpression): number {
  const first = node.arguments[0];
  if (!first) return 0;
  const f = unwrap(first);
  if (f.type === AST_NODE_TYPES.ObjectExpression) return 0;
  if (f.type === AST_NODE_TYPES.Literal || f.type === AST_NODE_TYPES.TemplateLiteral || f.type === AST_NODE_TYPES.NewExpression || f.type === AST_NODE_TYPES.BinaryExpression) return 1;
  return node.arguments[1] && unwrap(node.arguments[1]).type === AST_NODE_TYPES.ObjectExpression ? 1 : 0;
}

function axiosCall(node: TSESTree.CallExpression, method: string | undefined): OutboundCall | undefined {
  if (method === undefined) return make(node, 'axios', node.arguments.length >= 2 ? 1 : 0);
  if (method === 'request') return make(node, 'axios', 0);
  if (AXIOS_URL_CONFIG.has(method)) return make(node, 'axios', 1);
  if (AXIOS_URL_DATA_CONFIG.has(method)) return make(node, 'axios', 2);
  return undefined;
}

function untypedOutbound(sourceCode: SourceCode, node: TSESTree.CallExpression, written: TSESTree.Node = node.callee, depth = 0): OutboundCall | undefined {
  const b = bindingsOf(sourceCode);
  const callee = unwrap(written);
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const name = callee.name;
    if (name === 'fetch' && isGlobal(sourceCode, callee)) return make(node, 'fetch', 1, true);
    if (boundTo(sourceCode, callee, b.undici)) {
      const imported = b.undici.named.get(name);
      if (imported && UNDICI_FUNCTIONS.has(imported)) return make(node, 'undici', 1, imported === 'fetch');
      return undefined;
    }
    if (boundTo(sourceCode, callee, b.http)) {
      const imported = b.http.named.get(name);
      return imported && HTTP_FUNCTIONS.has(imported) ? make(node, 'http', httpOptionsIndex(node)) : undefined;
    }
    if (b.axios.namespaces.has(name) && boundTo(sourceCode, callee, b.axios)) return axiosCall(node, undefined);
    if (b.got.namespaces.has(name) && boundTo(sourceCode, callee, b.got)) return make(node, 'got', 1);
    if (b.nodeFetch.namespaces.has(name) && boundTo(sourceCode, callee, b.nodeFetch)) return make(node, 'node-fetch', 1, true);
    // `const f = fetch` / `const f = globalThis.fetch`: one level of aliasing
    const init = depth === 0 ? constInit(sourceCode, callee) : undefined;
    return init && (init.type === AST_NODE_TYPES.Identifier || init.type === AST_NODE_TYPES.MemberExpression) ? untypedOutbound(sourceCode, node, init, depth + 1) : undefined;
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return undefined;
  const prop = callee.property.name;
  const obj = unwrap(callee.object);
  if (obj.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (prop === 'fetch' && GLOBAL_OBJECTS.has(obj.name) && isGlobal(sourceCode, obj)) return make(node, 'fetch', 1, true);
  if (b.undici.namespaces.has(obj.name) && boundTo(sourceCode, obj, b.undici)) {
    return UNDICI_FUNCTIONS.has(prop) ? make(node, 'undici', 1, prop === 'fetch') : undefined;
  }
  if (b.http.namespaces.has(obj.name) && boundTo(sourceCode, obj, b.http)) return HTTP_FUNCTIONS.has(prop) ? make(node, 'http', httpOptionsIndex(node)) : undefined;
  if (b.axios.namespaces.has(obj.name) && boundTo(sourceCode, obj, b.axios)) return axiosCall(node, prop);
  if (b.got.namespaces.has(obj.name) && boundTo(sourceCode, obj, b.got)) return GOT_METHODS.has(prop) ? make(node, 'got', 1) : undefined;
  // instances made in this file: `new Client(...)`, `getGlobalDispatcher()`, `axios.create()`
  const init = constInit(sourceCode, obj);
  const made = init && unwrap(init);
  if (!made) return undefined;
  if (made.type === AST_NODE_TYPES.NewExpression && DISPATCHER_METHODS.has(prop)) {
    const cls = unwrap(made.callee);
    if (cls.type === AST_NODE_TYPES.Identifier && boundTo(sourceCode, cls, b.undici) && DISPATCHER_CLASSES.has(b.undici.named.get(cls.name) ?? '')) return make(node, 'undici', 0);
    if (
      cls.type === AST_NODE_TYPES.MemberExpression &&
      cls.object.type === AST_NODE_TYPES.Identifier &&
      cls.property.type === AST_NODE_TYPES.Identifier &&
      b.undici.namespaces.has(cls.object.name) &&
      DISPATCHER_CLASSES.has(cls.property.name)
    ) {
      return make(node, 'undici', 0);
    }
  }
  if (made.type === AST_NODE_TYPES.CallExpression) {
    const c = unwrap(made.callee);
    if (c.type === AST_NODE_TYPES.Identifier && b.undici.named.get(c.name) === 'getGlobalDispatcher' && DISPATCHER_METHODS.has(prop)) return make(node, 'undici', 0);
    if (c.type === AST_NODE_TYPES.MemberExpression && c.object.type === AST_NODE_TYPES.Identifier && c.property.type === AST_NODE_TYPES.Identifier) {
      if (b.axios.namespaces.has(c.object.name) && c.property.name === 'create') return axiosCall(node, prop);
      if (b.got.namespaces.has(c.object.name) && c.property.name === 'extend') return GOT_METHODS.has(prop) ? make(node, 'got', 1) : undefined;
    }
  }
  return undefined;
}

/** The ambient module (`http`, `global`) or package a declaration belongs to. */
function declarationOrigin(decl: ts.Declaration): string | undefined {
  for (let n: ts.Node | undefined = decl; n; n = n.parent) {
    if (ts.isModuleDeclaration(n)) {
      if (n.flags & ts.NodeFlags.GlobalAugmentation) return 'global';
      if (ts.isStringLiteral(n.name)) return n.name.text.replace(/^node:/, '');
    }
  }
  const file = decl.getSourceFile();
  const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file.fileName)?.[1]?.replace(/\\/g, '/');
  if (pkg === 'typescript' && /[\\/]lib\.[^\\/]*\.d\.ts$/.test(file.fileName)) return 'global';
  return pkg;
}

const isMember = (d: ts.Declaration): boolean =>
  ts.isMethodDeclaration(d) || ts.isMethodSignature(d) || ts.isPropertySignature(d) || ts.isPropertyDeclaration(d);

function typedOutbound(services: ParserServicesWithTypeInformation, node: TSESTree.CallExpression): OutboundCall | 'unresolved' | undefined {
  const checker = services.program.getTypeChecker();
  const callee = unwrap(node.callee);
  const tsNode = services.esTreeNodeToTSNodeMap.get(callee);
  if (!tsNode) return 'unresolved';
  let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(tsNode) ? tsNode.name : tsNode);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  let decl = symbol?.declarations?.[0];
  // `const f = fetch`, `const get = axios.get`: the checker gives the local; follow its initializer.
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer && !decl.getSourceFile().isDeclarationFile) {
    let s = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(decl.initializer) ? decl.initializer.name : decl.initializer);
    if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    if (s?.declarations?.[0]) {
      symbol = s;
      decl = s.declarations[0];
    }
  }
  if (!symbol || !decl) return 'unresolved';
  const origin = declarationOrigin(decl);
  const name = symbol.getName();
  if (!origin || !decl.getSourceFile().isDeclarationFile) return undefined;
  if (origin === 'global') return name === 'fetch' ? make(node, 'fetch', 1, true) : undefined;
  if (origin === 'undici' || origin === 'undici-types') {
    if (isMember(decl)) return DISPATCHER_METHODS.has(name) ? make(node, 'undici', 0) : undefined;
    return UNDICI_FUNCTIONS.has(name) ? make(node, 'undici', 1, name === 'fetch') : undefined;
  }
  if (origin === 'http' || origin === 'https') return HTTP_FUNCTIONS.has(name) ? make(node, 'http', httpOptionsIndex(node)) : undefined;
  if (origin === 'axios') return axiosCall(node, isMember(decl) ? name : undefined);
  if (origin === 'got') return isMember(decl) && !GOT_METHODS.has(name) ? undefined : make(node, 'got', 1);
  if (origin === 'node-fetch' || origin === '@types/node-fetch') return make(node, 'node-fetch', 1, true);
  return undefined;
}

/** Names an outbound call can end in; anything else is answered without the type checker. */
const CALL_NAMES = new Set([...UNDICI_FUNCTIONS, ...DISPATCHER_METHODS, ...HTTP_FUNCTIONS, ...AXIOS_URL_CONFIG, ...AXIOS_URL_DATA_CONFIG, ...GOT_METHODS]);
/** The same for the undici transport alone (global `fetch`, the undici functions and dispatcher methods). */
const UNDICI_CALL_NAMES = new Set([...UNDICI_FUNCTIONS, ...DISPATCHER_METHODS]);

export interface OutboundCallOptions {
  /**
   * Only calls on the undici transport (global `fetch`, undici) matter to the caller: calls that can
   * only be `node:http` clients (`.get`/`.post`/... members, axios/got/node-fetch/http imports) are
   * answered `undefined` without asking the type checker.
   */
  readonly undiciOnly?: boolean;
}

/**
 * Cheap first: a callee that cannot be an outbound client (`console.log`, `items.map`) is not one.
 * A callee is plausible when its name is one an outbound call ends in, when it is bound to an import
 * of a client module, or when it is a `const` alias whose initializer would be a plausible callee
 * itself (`const send = fetch`, `const get = axios.get`, `const r = undiciRequest`): the aliases the
 * checker (or the untyped lookup) follows one level.
 */
function plausibleCallee(sourceCode: SourceCode, written: TSESTree.Node, undiciOnly: boolean, depth = 0): boolean {
  const names = undiciOnly ? UNDICI_CALL_NAMES : CALL_NAMES;
  const callee = unwrap(written);
  if (callee.type === AST_NODE_TYPES.MemberExpression) return !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && names.has(callee.property.name);
  if (callee.type !== AST_NODE_TYPES.Identifier) return false;
  if (names.has(callee.name)) return true;
  const b = bindingsOf(sourceCode);
  const modules = undiciOnly ? [b.undici] : [b.axios, b.got, b.nodeFetch, b.undici, b.http];
  if (modules.some((m) => m.namespaces.has(callee.name) || m.named.has(callee.name))) return true;
  const init = depth === 0 ? constInit(sourceCode, callee) : undefined;
  return !!init && plausibleCallee(sourceCode, init, undiciOnly, depth + 1);
}

export function outboundCallOf(context: AnyContext, node: TSESTree.CallExpression, options: OutboundCallOptions = {}): OutboundCall | undefined {
  const undiciOnly = options.undiciOnly === true;
  if (!plausibleCallee(context.sourceCode, node.callee, undiciOnly)) return undefined;
  const services = parserServices(context);
  let call: OutboundCall | undefined;
  if (services.program) {
    const typed = typedOutbound(services, node);
    call = typed === 'unresolved' ? untypedOutbound(context.sourceCode, node) : typed;
  } else {
    call = untypedOutbound(context.sourceCode, node);
  }
  return undiciOnly && call?.transport !== 'undici' ? undefined : call;
}
