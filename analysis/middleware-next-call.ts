import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import ts from 'typescript';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { isFunctionNode } from './active-context-use.js';

/**
 * Answers "is this call the `next()` of an HTTP middleware" (Express/Connect `(req, res, next)`,
 * `(err, req, res, next)`, Koa/Hono `(ctx, next)`): the call that runs the rest of the request,
 * route handlers included, in the context active at that moment.
 *
 * With type information, a `next` parameter typed as Express's `NextFunction` or Koa's `Next`
 * counts whatever its name. Otherwise the shape decides: the function's last parameter is named
 * `next`, and its first one names a request, a framework context or an error (`_req` and an
 * Express-shaped `(_, __, next)` too). Callbacks such as async.js's `(item, next)` do not have
 * that shape.
 */
const FIRST_PARAM = /^_*(req|request|ctx|context|c|err|error)$/;
/** `(_, __, next)`: an unused request placeholder, in the three-parameter Express shape only. */
const PLACEHOLDER = /^_+$/;
const NEXT_TYPES = new Set(['NextFunction', 'Next', 'NextHandleFunction']);

function typedAsNext(resolver: OtelResolver, param: TSESTree.Identifier): boolean {
  const services = resolver.services;
  if (!services) return false;
  const tsNode = services.esTreeNodeToTSNodeMap.get(param);
  const type = services.program.getTypeChecker().getTypeAtLocation(tsNode);
  const symbol = type.aliasSymbol ?? type.getSymbol();
  return !!symbol && NEXT_TYPES.has(symbol.getName()) && !!symbol.declarations?.some((d) => /[\\/]node_modules[\\/]/.test(d.getSourceFile().fileName)) && !(type.flags & ts.TypeFlags.Any);
}

export function isMiddlewareNextCall(sourceCode: Readonly<TSESLint.SourceCode>, resolver: OtelResolver, call: TSESTree.CallExpression): boolean {
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.Identifier) return false;
  const def = findVariable(sourceCode, callee)?.defs[0];
  if (def?.type !== TSESLint.Scope.DefinitionType.Parameter || !isFunctionNode(def.node) || def.name.type !== AST_NODE_TYPES.Identifier) return false;
  const fn = def.node;
  const param = def.name;
  if (fn.params.length < 2 || fn.params.at(-1) !== param) return false;
  if (typedAsNext(resolver, param)) return true;
  const first = fn.params[0];
  if (param.name !== 'next' || first.type !== AST_NODE_TYPES.Identifier) return false;
  return FIRST_PARAM.test(first.name) || (fn.params.length >= 3 && PLACEHOLDER.test(first.name));
}
