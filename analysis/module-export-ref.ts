import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { collectModuleBindings, requiredModule, type ModuleBindings } from './otel-imports.js';
import { findVariable } from './resolve-otel-symbol.js';

/**
 * Answers "does this expression name an export of module M" by import tracking, for any module
 * (`import { Worker } from 'node:worker_threads'`, `import Piscina from 'piscina'`,
 * `const cp = require('child_process')`, `require('cluster').fork`). `node:x` and `x` are the same
 * module for builtins. Only bindings declared at the top of the file count, and only when the
 * identifier at the use site resolves to that binding (a shadowing parameter does not).
 */
export interface ModuleExportRefs {
  /** The file imports or requires one of the modules. */
  imports(modules: readonly string[]): boolean;
  /** `node` is export `name` of one of the modules: `Worker`, `wt.Worker`, `require('worker_threads').Worker`. */
  isExport(node: TSESTree.Node, modules: readonly string[], name: string): boolean;
  /** `node` is the module object itself (namespace, default import, `require(m)`): `Piscina` in `import Piscina from 'piscina'`. */
  isModule(node: TSESTree.Node, modules: readonly string[]): boolean;
}

type SourceCode = Readonly<TSESLint.SourceCode>;

const cache = new WeakMap<object, ModuleExportRefs>();

const normalize = (m: string): string => m.replace(/^node:/, '');

export function moduleExportRefs(sourceCode: SourceCode): ModuleExportRefs {
  const hit = cache.get(sourceCode);
  if (hit) return hit;
  const byKey = new Map<string, ModuleBindings>();
  const bindingsOf = (modules: readonly string[]): ModuleBindings => {
    const key = modules.join('\0');
    let b = byKey.get(key);
    if (!b) {
      const wanted = new Set(modules.map(normalize));
      byKey.set(key, (b = collectModuleBindings(sourceCode.ast, (m) => wanted.has(normalize(m)))));
    }
    return b;
  };
  const boundTo = (b: ModuleBindings, id: TSESTree.Identifier): boolean => {
    const v = findVariable(sourceCode, id);
    return !!v && v.defs.some((d) => b.declarations.has(d.node) || (d.parent != null && b.declarations.has(d.parent)));
  };
  const requireOf = (node: TSESTree.Node, modules: readonly string[]): boolean => {
    const m = requiredModule(node);
    return m !== undefined && modules.some((x) => normalize(x) === normalize(m));
  };
  const refs: ModuleExportRefs = {
    imports: (modules) => bindingsOf(modules).declarations.size > 0,
    isModule(node, modules) {
      if (node.type === AST_NODE_TYPES.Identifier) {
        const b = bindingsOf(modules);
        return b.namespaces.has(node.name) && boundTo(b, node);
      }
      return requireOf(node, modules);
    },
    isExport(node, modules, name) {
      if (node.type === AST_NODE_TYPES.Identifier) {
        const b = bindingsOf(modules);
        return b.named.get(node.name) === name && boundTo(b, node);
      }
      if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier && node.property.name === name) {
        return refs.isModule(node.object, modules);
      }
      return false;
    },
  };
  cache.set(sourceCode, refs);
  return refs;
}
