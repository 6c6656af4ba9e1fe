import type { TSESTree, ParserServicesWithTypeInformation } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import ts from 'typescript';
import { collectModuleBindings, isRequireCall, OTEL_API, type ModuleBindings } from './otel-imports.js';

/** Interfaces of `@opentelemetry/api` the rules ask about. */
export type OtelTypeName = 'Tracer' | 'Span' | 'Context' | 'TextMapPropagator' | 'TracerProvider';

/**
 * Answers "is this `trace`/`context`/`propagation`/`ROOT_CONTEXT` from `@opentelemetry/api`" and
 * "is this value a `Tracer`/`Span`/`Context`".
 *
 * With type information the checker answers, through aliases, re-exports, wrapper functions and
 * other files. Without it, import/require tracking and scope analysis answer, and value kinds are
 * judged from how the value was made in this file (documented per rule as a limit).
 */
export interface OtelResolver {
  readonly typed: boolean;
  /** The file imports or requires `@opentelemetry/api` (or any `@opentelemetry/*` package). */
  readonly importsOtel: boolean;
  /** `node` refers to the export `name` of `@opentelemetry/api`: `trace`, `api.trace`, `ROOT_CONTEXT`. */
  isApiExport(node: TSESTree.Node, name: string): boolean;
  /** `node` is a call `<api export ns>.<method>(...)`, e.g. `trace.setSpan(...)`. */
  isApiCall(node: TSESTree.Node, ns: string, method: string | readonly string[]): node is TSESTree.CallExpression;
  /** true/false when it can tell, undefined when it cannot (untyped, value of unknown origin). */
  isOtelType(node: TSESTree.Node, name: OtelTypeName): boolean | undefined;
  /** The TypeScript services when the file has type information. */
  readonly services: ParserServicesWithTypeInformation | undefined;
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const resolvers = new WeakMap<object, OtelResolver>();

const OTEL_PACKAGE = /^@opentelemetry\//;
const API_DECLARATION_FILE = /[\\/]@opentelemetry[\\/]api[\\/]/;

export function getOtelResolver(context: AnyContext): OtelResolver {
  const sourceCode = context.sourceCode;
  const hit = resolvers.get(sourceCode);
  if (hit) return hit;
  // Read the services directly: `getParserServices` throws under parsers without them (espree on plain .js).
  const services = sourceCode.parserServices as Partial<ParserServicesWithTypeInformation> | undefined;
  const typed = services?.program != null && services.esTreeNodeToTSNodeMap != null;
  const bindings = collectModuleBindings(sourceCode.ast, (m) => m === OTEL_API);
  const importsOtel = bindings.declarations.size > 0 || anyOtelImport(sourceCode.ast);
  const resolver = typed
    ? createTypedResolver(services as ParserServicesWithTypeInformation, bindings, importsOtel, sourceCode)
    : createUntypedResolver(bindings, importsOtel, sourceCode);
  resolvers.set(sourceCode, resolver);
  return resolver;
}

function anyOtelImport(program: TSESTree.Program): boolean {
  return collectModuleBindings(program, (m) => OTEL_PACKAGE.test(m)).declarations.size > 0;
}

/** The variable an identifier resolves to in its scope, or undefined (global / unresolved). */
export function findVariable(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Identifier): TSESLint.Scope.Variable | undefined {
  let scope: TSESLint.Scope.Scope | null = sourceCode.getScope(node);
  while (scope) {
    const v = scope.set.get(node.name);
    if (v) return v;
    scope = scope.upper;
  }
  return undefined;
}

function untypedIsApiExport(bindings: ModuleBindings, sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, name: string): boolean {
  const boundToImport = (id: TSESTree.Identifier): boolean => {
    const v = findVariable(sourceCode, id);
    if (!v) return false;
    return v.defs.some((d) => bindings.declarations.has(d.node) || (d.parent != null && bindings.declarations.has(d.parent)));
  };
  if (node.type === AST_NODE_TYPES.Identifier) {
    return bindings.named.get(node.name) === name && boundToImport(node);
  }
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier) {
    if (node.property.name !== name) return false;
    const obj = node.object;
    return obj.type === AST_NODE_TYPES.Identifier && bindings.namespaces.has(obj.name) && boundToImport(obj);
  }
  return false;
}

function createUntypedResolver(bindings: ModuleBindings, importsOtel: boolean, sourceCode: Readonly<TSESLint.SourceCode>): OtelResolver {
  const isApiExport = (node: TSESTree.Node, name: string) => untypedIsApiExport(bindings, sourceCode, node, name);
  const resolver: OtelResolver = {
    typed: false,
    importsOtel,
    services: undefined,
    isApiExport,
    isApiCall: (node, ns, method) => isApiCallWith(isApiExport, node, ns, method),
    isOtelType: (node, name) => untypedValueKind(resolver, sourceCode, node, name),
  };
  return resolver;
}

function isApiCallWith(
  isApiExport: (node: TSESTree.Node, name: string) => boolean,
  node: TSESTree.Node,
  ns: string,
  method: string | readonly string[],
): node is TSESTree.CallExpression {
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = node.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return false;
  const methods = typeof method === 'string' ? [method] : method;
  return methods.includes(callee.property.name) && isApiExport(callee.object, ns);
}

const TRACER_NAME = /tracer$/i;
const SPAN_NAME = /span$/i;

/**
 * Without types, a value's kind is judged from where it came from in this file:
 * `x = trace.getTracer()` / `provider.getTracer()` is a Tracer, `x = tracer.startSpan()` a Span,
 * `x = trace.setSpan(...)`/`context.active()`/`ROOT_CONTEXT` a Context. Names (`tracer`, `this.tracer`)
 * count only in files that import OpenTelemetry.
 */
function untypedValueKind(resolver: OtelResolver, sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, name: OtelTypeName, depth = 0): boolean | undefined {
  if (depth > 4) return undefined;
  const fromInit = (init: TSESTree.Node | null | undefined): boolean | undefined =>
    init ? untypedValueKind(resolver, sourceCode, init, name, depth + 1) : undefined;
  switch (node.type) {
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return untypedValueKind(resolver, sourceCode, node.expression, name, depth);
    case AST_NODE_TYPES.AwaitExpression:
      return undefined;
    case AST_NODE_TYPES.CallExpression: {
      const callee = node.callee;
      const method = callee.type === AST_NODE_TYPES.MemberExpression && callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : undefined;
      if (name === 'Tracer') return method === 'getTracer' ? true : undefined;
      if (name === 'Span') {
        if (method === 'startSpan' && callee.type === AST_NODE_TYPES.MemberExpression) {
          return untypedValueKind(resolver, sourceCode, callee.object, 'Tracer', depth + 1) === true ? true : undefined;
        }
        if (resolver.isApiCall(node, 'trace', ['getActiveSpan', 'getSpan', 'wrapSpanContext'])) return true;
        if (resolver.isApiCall(node, 'trace', ['setSpan', 'setSpanContext', 'deleteSpan'])) return false;
        if (resolver.isApiCall(node, 'context', 'active')) return false;
        return undefined;
      }
      if (name === 'Context') {
        if (resolver.isApiCall(node, 'context', 'active')) return true;
        if (resolver.isApiCall(node, 'trace', ['setSpan', 'setSpanContext', 'deleteSpan'])) return true;
        if (resolver.isApiCall(node, 'propagation', 'extract')) return true;
        if (method === 'startSpan') return false;
        if (resolver.isApiCall(node, 'trace', ['getActiveSpan', 'getSpan'])) return false;
        return undefined;
      }
      return undefined;
    }
    case AST_NODE_TYPES.Identifier: {
      if (name === 'Context' && resolver.isApiExport(node, 'ROOT_CONTEXT')) return true;
      const v = findVariable(sourceCode, node);
      const def = v?.defs[0];
      if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id.type === AST_NODE_TYPES.Identifier) {
        const kind = fromInit(def.node.init);
        if (kind !== undefined) return kind;
      }
      if (def?.type === TSESLint.Scope.DefinitionType.Parameter && isStartActiveSpanCallbackSpan(resolver, sourceCode, def.node, def.name, depth)) {
        return name === 'Span' ? true : name === 'Context' ? false : undefined;
      }
      if (!resolver.importsOtel) return undefined;
      if (name === 'Tracer' && TRACER_NAME.test(node.name)) return true;
      return undefined;
    }
    case AST_NODE_TYPES.MemberExpression: {
      if (name === 'Context' && resolver.isApiExport(node, 'ROOT_CONTEXT')) return true;
      if (!resolver.importsOtel || node.computed || node.property.type !== AST_NODE_TYPES.Identifier) return undefined;
      if (name === 'Tracer' && TRACER_NAME.test(node.property.name)) return true;
      if (name === 'Span' && SPAN_NAME.test(node.property.name)) return undefined;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `param` is the first parameter of the callback of `<tracer>.startActiveSpan(..., (span) => ...)`: the span. */
function isStartActiveSpanCallbackSpan(
  resolver: OtelResolver,
  sourceCode: Readonly<TSESLint.SourceCode>,
  fn: TSESTree.Node,
  param: TSESTree.Node,
  depth: number,
): boolean {
  if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression) return false;
  if (fn.params[0] !== param) return false;
  const call = fn.parent;
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.at(-1) !== fn) return false;
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return false;
  return callee.property.name === 'startActiveSpan' && untypedValueKind(resolver, sourceCode, callee.object, 'Tracer', depth + 1) === true;
}

/**
 * Cheap first, before the checker: can `node` name the export `name` of `@opentelemetry/api` at all?
 * An identifier names an API export only as an import binding (`import { context as ctx }`, from the
 * API or from a module re-exporting it) or a `require` (JavaScript): a variable, parameter, function
 * or class declared in this file is a symbol of its own, whatever its value. A member names it under
 * its own name (`api.context`, `this.otel.context`, the default export's `otel.context`), or under
 * another through a module namespace that re-exports it (`wrapper.ctx`), whose root is an import or a
 * `require()`/`import()`. So `fn.bind(this)` or `this.onEnd.bind(this)` never reach the checker.
 * Globals (no declaration in the file) are left to the checker.
 */
function mayNameApiExport(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, name: string): boolean {
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier && node.property.name === name) return true;
  const root = accessRoot(node);
  if (loadsModule(root)) return true;
  if (root.type !== AST_NODE_TYPES.Identifier) return false;
  const v = findVariable(sourceCode, root);
  if (!v || v.defs.length === 0) return true;
  return v.defs.some(
    (d) =>
      d.type === TSESLint.Scope.DefinitionType.ImportBinding ||
      d.type === TSESLint.Scope.DefinitionType.ImplicitGlobalVariable ||
      (d.type === TSESLint.Scope.DefinitionType.Variable && d.node.type === AST_NODE_TYPES.VariableDeclarator && !!d.node.init && loadsModule(accessRoot(d.node.init))),
  );
}

/** What a member chain starts from, through `!`, `as`, `satisfies` and `await`: `x` of `(await x).a!.b`. */
function accessRoot(expr: TSESTree.Node): TSESTree.Node {
  let n: TSESTree.Node = expr;
  for (;;) {
    if (n.type === AST_NODE_TYPES.MemberExpression) n = n.object;
    else if (n.type === AST_NODE_TYPES.TSNonNullExpression || n.type === AST_NODE_TYPES.TSAsExpression || n.type === AST_NODE_TYPES.TSSatisfiesExpression) n = n.expression;
    else if (n.type === AST_NODE_TYPES.AwaitExpression) n = n.argument;
    else return n;
  }
}

/** `require('m')` or `import('m')`: a module's exports (`require('m').a.b`, `(await import('m')).a` through `accessRoot`). */
function loadsModule(n: TSESTree.Node): boolean {
  return isRequireCall(n) || n.type === AST_NODE_TYPES.ImportExpression;
}

function createTypedResolver(
  services: ParserServicesWithTypeInformation,
  bindings: ModuleBindings,
  importsOtel: boolean,
  sourceCode: Readonly<TSESLint.SourceCode>,
): OtelResolver {
  const checker = services.program.getTypeChecker();
  const untypedFallback = createUntypedResolver(bindings, importsOtel, sourceCode);

  const declaredInApi = (symbol: ts.Symbol | undefined): boolean =>
    !!symbol?.declarations?.some((d) => API_DECLARATION_FILE.test(d.getSourceFile().fileName));

  // Per node: several rules ask about the same receivers and values.
  const symbols = new Map<TSESTree.Node, ts.Symbol | undefined>();
  const types = new Map<TSESTree.Node, ts.Type | undefined>();

  const resolveSymbol = (node: TSESTree.Node): ts.Symbol | undefined => {
    if (symbols.has(node)) return symbols.get(node);
    const tsNode = services.esTreeNodeToTSNodeMap.get(node);
    let symbol = tsNode && checker.getSymbolAtLocation(ts.isPropertyAccessExpression(tsNode) ? tsNode.name : tsNode);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    symbols.set(node, symbol);
    return symbol;
  };

  const isApiExport = (node: TSESTree.Node, name: string): boolean => {
    if (node.type !== AST_NODE_TYPES.Identifier && node.type !== AST_NODE_TYPES.MemberExpression) return false;
    if (!mayNameApiExport(sourceCode, node, name)) return false;
    const symbol = resolveSymbol(node);
    // An unresolved symbol (missing @opentelemetry/api types) falls back to import tracking.
    if (!symbol) return untypedFallback.isApiExport(node, name);
    return symbol.getName() === name && declaredInApi(symbol);
  };

  const typeIs = (type: ts.Type, name: OtelTypeName): boolean => {
    if (type.isUnion()) return type.types.some((t) => typeIs(t, name));
    const symbol = type.aliasSymbol ?? type.getSymbol();
    return !!symbol && symbol.getName() === name && declaredInApi(symbol);
  };

  return {
    typed: true,
    importsOtel,
    services,
    isApiExport,
    isApiCall: (node, ns, method) => isApiCallWith(isApiExport, node, ns, method),
    isOtelType(node, name) {
      let type = types.get(node);
      if (!types.has(node)) {
        const tsNode = services.esTreeNodeToTSNodeMap.get(node);
        type = tsNode && checker.getTypeAtLocation(tsNode);
        types.set(node, type);
      }
      if (!type) return undefined;
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return untypedFallback.isOtelType(node, name);
      return typeIs(type, name);
    },
  };
}
