import type { TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import type { OtelResolver } from './resolve-otel-symbol.js';

/**
 * Answers "is this value's declared type class X from module M (or a subclass)" and "is this symbol
 * declared in module M", with type information. A module is matched by its ambient declaration
 * (`declare module 'worker_threads'` in @types/node, a project's own `.d.ts`) or by the package
 * folder its declaration file lives in (`node_modules/piscina/`, `node_modules/@types/ws/`).
 */
export interface DeclaredTypes {
  /** The value's declared type is class `name` (or a subclass) from `module`. */
  isClass(node: TSESTree.Node, module: string, name: string): boolean;
  /** The symbol `node` names is declared in `module`. */
  declaredIn(node: TSESTree.Node, module: string): boolean;
  /** The checker knows nothing about the value's type (`any`, `unknown`, unresolved). */
  isUntyped(node: TSESTree.Node): boolean;
}

/** Undefined without type information. */
export function declaredTypes(resolver: OtelResolver): DeclaredTypes | undefined {
  const services = resolver.services;
  if (!services) return undefined;
  const checker = services.program.getTypeChecker();
  const inModule = (decl: ts.Node, module: string): boolean => {
    const want = module.replace(/^node:/, '');
    for (let p: ts.Node | undefined = decl; p; p = p.parent) {
      if (ts.isModuleDeclaration(p) && ts.isStringLiteral(p.name)) return p.name.text.replace(/^node:/, '') === want;
      if (ts.isSourceFile(p)) {
        const escaped = want.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        return new RegExp(`[\\\\/]node_modules[\\\\/](@types[\\\\/])?${escaped}[\\\\/]`).test(p.fileName);
      }
    }
    return false;
  };
  const classMatches = (type: ts.Type, module: string, name: string, depth: number): boolean => {
    if (depth > 5) return false;
    if (type.isUnion()) return type.types.some((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && classMatches(t, module, name, depth + 1));
    const symbol = type.getSymbol();
    // `export default class Piscina` names its symbol `default`: the declaration keeps the class name.
    const named = (d: ts.Declaration) => symbol?.getName() === name || (ts.getNameOfDeclaration(d) as ts.Identifier | undefined)?.text === name;
    if (symbol?.declarations?.some((d) => named(d) && inModule(d, module))) return true;
    if (!(type.flags & ts.TypeFlags.Object) || !((type as ts.ObjectType).objectFlags & (ts.ObjectFlags.Class | ts.ObjectFlags.Interface | ts.ObjectFlags.Reference))) return false;
    const target = (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? (type as ts.TypeReference).target : (type as ts.InterfaceType);
    return (checker.getBaseTypes(target) ?? []).some((b) => classMatches(b, module, name, depth + 1));
  };
  return {
    isClass(node, module, name) {
      const tsNode = services.esTreeNodeToTSNodeMap.get(node);
      return !!tsNode && classMatches(checker.getTypeAtLocation(tsNode), module, name, 0);
    },
    isUntyped(node) {
      const tsNode = services.esTreeNodeToTSNodeMap.get(node);
      return !tsNode || !!(checker.getTypeAtLocation(tsNode).flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
    },
    declaredIn(node, module) {
      const tsNode = services.esTreeNodeToTSNodeMap.get(node);
      if (!tsNode) return false;
      let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(tsNode) ? tsNode.name : tsNode);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      return !!symbol?.declarations?.some((d) => inModule(d, module));
    },
  };
}
