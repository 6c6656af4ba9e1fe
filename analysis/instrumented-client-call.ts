import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { calledMethodName } from './span-start-call.js';
import { requiredModule } from './otel-imports.js';
import { outboundCallOf } from './outbound-http-calls.js';

/**
 * Answers "is this call an outbound call of a client that OpenTelemetry instrumentations trace"
 * (so it starts a client span under the *active* span): HTTP requests as `outbound-http-calls`
 * finds them (global `fetch`, undici, `http(s).request/get`, axios, got, node-fetch), and awaited
 * calls of database and queue clients (pg, mysql2, ioredis, redis, mongodb, kafkajs, amqplib,
 * AWS SDK v3, ...).
 *
 * For database and queue clients, with type information the callee's declaration decides (a method
 * declared in one of those packages, through any variable or wrapper type); without it, only calls
 * on a binding imported from such a module, or on a `const` made from one (`new Pool()`,
 * `createClient()`), count. They count only when awaited, which keeps out setup calls such as
 * `createPool()` or `on('error', ...)`; connection teardown (`end`, `release`, `quit`, ...) is not work either.
 */
export interface ClientCall {
  /** The `instrumented` setting key that names its instrumentation: `undici`, `http`, `pg`, ... */
  readonly instrumentation: string;
}

/** database / queue client module -> instrumentation key */
const CLIENT_MODULES = new Map<string, string>([
  ['pg', 'pg'], ['pg-pool', 'pg'], ['mysql', 'mysql'], ['mysql2', 'mysql2'], ['ioredis', 'ioredis'], ['redis', 'redis'], ['@redis/client', 'redis'],
  ['mongodb', 'mongodb'], ['mongoose', 'mongoose'], ['tedious', 'tedious'], ['oracledb', 'oracledb'], ['cassandra-driver', 'cassandra-driver'],
  ['memcached', 'memcached'], ['knex', 'knex'], ['amqplib', 'amqplib'], ['kafkajs', 'kafkajs'], ['@grpc/grpc-js', 'grpc'],
]);

/** Connection lifecycle calls: teardown, not work a span is the parent of. */
const LIFECYCLE_METHODS = new Set(['end', 'release', 'quit', 'disconnect', 'close', 'destroy']);

/** The instrumentation key of a module specifier (`mysql2/promise`, `@aws-sdk/client-s3`). */
function moduleKey(specifier: string): string | undefined {
  if (/^@aws-sdk\/client-/.test(specifier)) return 'aws-sdk';
  const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  return CLIENT_MODULES.get(pkg);
}

/** The package a declaration file belongs to: `.../node_modules/@types/pg/index.d.ts` -> `pg`. */
function declaringModuleKey(fileName: string): string | undefined {
  const m = /[\\/]node_modules[\\/](?:@types[\\/])?((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*[\\/]node_modules[\\/])/.exec(fileName);
  return m ? moduleKey(m[1].replace(/\\/g, '/').replace(/^([^/@]+)__/, '@$1/')) : undefined;
}

type SourceCode = Readonly<TSESLint.SourceCode>;
type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const moduleBindingCache = new WeakMap<object, Map<TSESTree.Node, string>>();

/** Top-level declarations binding a client module: declaration node -> instrumentation key. */
function clientBindings(sourceCode: SourceCode): Map<TSESTree.Node, string> {
  const hit = moduleBindingCache.get(sourceCode);
  if (hit) return hit;
  const out = new Map<TSESTree.Node, string>();
  for (const stmt of sourceCode.ast.body) {
    if (stmt.type === AST_NODE_TYPES.ImportDeclaration && stmt.importKind !== 'type') {
      const key = moduleKey(stmt.source.value);
      if (key) for (const spec of stmt.specifiers) out.set(spec, key);
    } else if (stmt.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const d of stmt.declarations) {
        const mod = requiredModule(d.init);
        const key = mod !== undefined ? moduleKey(mod) : undefined;
        if (key) out.set(d, key);
      }
    } else if (stmt.type === AST_NODE_TYPES.TSImportEqualsDeclaration && stmt.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference) {
      const expr = stmt.moduleReference.expression;
      const key = typeof expr.value === 'string' ? moduleKey(expr.value) : undefined;
      if (key) out.set(stmt, key);
    }
  }
  moduleBindingCache.set(sourceCode, out);
  return out;
}

/** The client module an identifier is bound to, directly or through `const x = new Client()` / `createClient()` made from one. */
function untypedClientKey(sourceCode: SourceCode, node: TSESTree.Node, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  if (node.type === AST_NODE_TYPES.MemberExpression) return untypedClientKey(sourceCode, node.object, depth + 1);
  if (node.type === AST_NODE_TYPES.AwaitExpression) return untypedClientKey(sourceCode, node.argument, depth + 1);
  if (node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.CallExpression) return untypedClientKey(sourceCode, node.callee, depth + 1);
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = findVariable(sourceCode, node)?.defs[0];
  if (!def) return undefined;
  const bindings = clientBindings(sourceCode);
  const key = bindings.get(def.node) ?? (def.parent ? bindings.get(def.parent) : undefined);
  if (key) return key;
  if (def.node.type === AST_NODE_TYPES.VariableDeclarator && def.parent?.type === AST_NODE_TYPES.VariableDeclaration && def.parent.kind === 'const' && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
    return untypedClientKey(sourceCode, def.node.init, depth + 1);
  }
  return undefined;
}

function typedClientKey(resolver: OtelResolver, callee: TSESTree.Node): string | undefined {
  const services = resolver.services!;
  const checker = services.program.getTypeChecker();
  const target = callee.type === AST_NODE_TYPES.MemberExpression ? callee.property : callee;
  const tsNode = services.esTreeNodeToTSNodeMap.get(target);
  if (!tsNode) return undefined;
  let symbol = checker.getSymbolAtLocation(tsNode);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  for (const decl of symbol?.declarations ?? []) {
    const key = declaringModuleKey(decl.getSourceFile().fileName);
    if (key) return key;
  }
  return undefined;
}

/** The call is the operand of `await`, possibly through a `.then/.catch/.finally` chain. */
function isAwaited(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node = node.parent;
    if (parent.type === AST_NODE_TYPES.AwaitExpression) return true;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node && parent.parent.type === AST_NODE_TYPES.CallExpression) {
      const method = calledMethodName(parent.parent);
      if (method === 'then' || method === 'catch' || method === 'finally') {
        node = parent.parent;
        continue;
      }
    }
    return false;
  }
}

export function instrumentedClientCall(context: AnyContext, resolver: OtelResolver, call: TSESTree.CallExpression): ClientCall | undefined {
  const http = outboundCallOf(context, call);
  if (http) return { instrumentation: http.transport };
  if (!isAwaited(call) || LIFECYCLE_METHODS.has(calledMethodName(call) ?? '')) return undefined;
  const key = (resolver.typed ? typedClientKey(resolver, call.callee) : undefined) ?? untypedClientKey(context.sourceCode, call.callee);
  return key ? { instrumentation: key } : undefined;
}
