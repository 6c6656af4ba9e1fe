import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import ts from 'typescript';
import { parserServices } from './parser-services.js';
import { findVariable } from './resolve-otel-symbol.js';
import { collectModuleBindings } from './otel-imports.js';

/**
 * Answers "is this parameter declared as `IncomingHttpHeaders` from `node:http`": the headers a
 * server received, handed to a helper (`checkStock(url, sku, req.headers)`). With type information
 * the checker decides (aliases, re-exports, `http.IncomingHttpHeaders`); without it, the written
 * annotation names the type imported from `http`/`node:http`. Client responses carry the same type,
 * but their headers are read through `res.headers`, which the caller judges by the response itself.
 */
type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const NAME = 'IncomingHttpHeaders';
const HTTP_MODULE = /^(node:)?https?$/;

export function isIncomingHeadersParameter(context: AnyContext, id: TSESTree.Identifier): boolean {
  const def = findVariable(context.sourceCode, id)?.defs[0];
  if (def?.type !== TSESLint.Scope.DefinitionType.Parameter || def.name.type !== AST_NODE_TYPES.Identifier) return false;
  return typedIncomingHeaders(context, def.name) ?? annotatedIncomingHeaders(context, def.name);
}

/** Undefined when the checker cannot tell (no type information, or the type is `any`). */
function typedIncomingHeaders(context: AnyContext, param: TSESTree.Identifier): boolean | undefined {
  const services = parserServices(context);
  if (!services.program) return undefined;
  const tsNode = services.esTreeNodeToTSNodeMap.get(param);
  const type = services.program.getTypeChecker().getTypeAtLocation(tsNode);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) : [type];
  return parts.length > 0 && parts.every((t) => {
    const symbol = t.aliasSymbol ?? t.getSymbol();
    return symbol?.getName() === NAME && !!symbol.declarations?.some(inHttpModule);
  });
}

function inHttpModule(decl: ts.Node): boolean {
  for (let p: ts.Node | undefined = decl; p; p = p.parent) {
    if (ts.isModuleDeclaration(p) && ts.isStringLiteral(p.name)) return HTTP_MODULE.test(p.name.text);
    if (ts.isSourceFile(p)) return /[\\/]@types[\\/]node[\\/]https?\.d\.ts$/.test(p.fileName);
  }
  return false;
}

/** `headers: IncomingHttpHeaders` (imported from `http`) or `headers: http.IncomingHttpHeaders`. */
function annotatedIncomingHeaders(context: AnyContext, param: TSESTree.Identifier): boolean {
  let t = param.typeAnnotation?.typeAnnotation;
  // `IncomingHttpHeaders | undefined`
  if (t?.type === AST_NODE_TYPES.TSUnionType) {
    const named = t.types.filter((u) => u.type !== AST_NODE_TYPES.TSUndefinedKeyword && u.type !== AST_NODE_TYPES.TSNullKeyword);
    t = named.length === 1 ? named[0] : undefined;
  }
  if (t?.type !== AST_NODE_TYPES.TSTypeReference || t.typeArguments) return false;
  const bindings = collectModuleBindings(context.sourceCode.ast, (m) => HTTP_MODULE.test(m));
  const name = t.typeName;
  if (name.type === AST_NODE_TYPES.Identifier) return bindings.named.get(name.name) === NAME;
  return (
    name.type === AST_NODE_TYPES.TSQualifiedName &&
    name.right.name === NAME &&
    name.left.type === AST_NODE_TYPES.Identifier &&
    bindings.namespaces.has(name.left.name)
  );
}
