import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';

/**
 * Import tracking without type information: which local names in a file are bound to
 * `@opentelemetry/api` (or another module) through `import` or `require`.
 *
 * Pure: takes a Program node, returns the bindings. Used directly by the untyped mode of
 * `resolve-otel-symbol` and by any rule that needs "does this file import X".
 */
export interface ModuleBindings {
  /** local name -> imported (exported) name, e.g. `{ tracing: 'trace' }` for `import { trace as tracing }` */
  readonly named: ReadonlyMap<string, string>;
  /** local names bound to the whole module: `import * as api`, `import api from`, `const api = require(...)` */
  readonly namespaces: ReadonlySet<string>;
  /** the declaration nodes that introduce the bindings (to compare with a variable's definition) */
  readonly declarations: ReadonlySet<TSESTree.Node>;
}

export const OTEL_API = '@opentelemetry/api';

export function isRequireCall(node: TSESTree.Node | null | undefined, source?: (s: string) => boolean): node is TSESTree.CallExpression {
  if (!node || node.type !== AST_NODE_TYPES.CallExpression) return false;
  if (node.callee.type !== AST_NODE_TYPES.Identifier || node.callee.name !== 'require') return false;
  const arg = node.arguments[0];
  if (!arg || arg.type !== AST_NODE_TYPES.Literal || typeof arg.value !== 'string') return false;
  return source ? source(arg.value) : true;
}

/** The module a static `import`/`require`/`import x = require()` names, or undefined. */
export function requiredModule(node: TSESTree.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === AST_NODE_TYPES.CallExpression && isRequireCall(node)) {
    return (node.arguments[0] as TSESTree.StringLiteral).value;
  }
  // `await import('x')` or `import('x')`
  if (node.type === AST_NODE_TYPES.AwaitExpression) return requiredModule(node.argument);
  if (node.type === AST_NODE_TYPES.ImportExpression && node.source.type === AST_NODE_TYPES.Literal) {
    return typeof node.source.value === 'string' ? node.source.value : undefined;
  }
  return undefined;
}

/** Collects the bindings of every module that `matches` accepts, from top-level and nested declarations. */
export function collectModuleBindings(program: TSESTree.Program, matches: (moduleName: string) => boolean): ModuleBindings {
  const named = new Map<string, string>();
  const namespaces = new Set<string>();
  const declarations = new Set<TSESTree.Node>();

  const fromPattern = (pattern: TSESTree.Node, decl: TSESTree.Node): void => {
    if (pattern.type === AST_NODE_TYPES.Identifier) {
      namespaces.add(pattern.name);
      declarations.add(decl);
    } else if (pattern.type === AST_NODE_TYPES.ObjectPattern) {
      for (const prop of pattern.properties) {
        if (prop.type !== AST_NODE_TYPES.Property) continue;
        const key = prop.key.type === AST_NODE_TYPES.Identifier ? prop.key.name : prop.key.type === AST_NODE_TYPES.Literal ? String(prop.key.value) : undefined;
        const value = prop.value.type === AST_NODE_TYPES.AssignmentPattern ? prop.value.left : prop.value;
        if (key && value.type === AST_NODE_TYPES.Identifier) {
          named.set(value.name, key);
          declarations.add(decl);
        }
      }
    }
  };

  const visit = (statements: readonly TSESTree.Node[]): void => {
    for (const stmt of statements) {
      if (stmt.type === AST_NODE_TYPES.ImportDeclaration && matches(stmt.source.value)) {
        for (const spec of stmt.specifiers) {
          declarations.add(stmt);
          if (spec.type === AST_NODE_TYPES.ImportSpecifier) {
            const imported = spec.imported.type === AST_NODE_TYPES.Identifier ? spec.imported.name : spec.imported.value;
            named.set(spec.local.name, imported);
          } else {
            namespaces.add(spec.local.name);
          }
        }
      } else if (stmt.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
        const ref = stmt.moduleReference;
        if (ref.type === AST_NODE_TYPES.TSExternalModuleReference && ref.expression.type === AST_NODE_TYPES.Literal && matches(String(ref.expression.value))) {
          namespaces.add(stmt.id.name);
          declarations.add(stmt);
        }
      } else if (stmt.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const d of stmt.declarations) {
          const mod = requiredModule(d.init);
          if (mod !== undefined && matches(mod)) fromPattern(d.id, d);
          // `const { trace } = api` where api is a namespace binding
          else if (d.init?.type === AST_NODE_TYPES.Identifier && namespaces.has(d.init.name)) fromPattern(d.id, d);
        }
      } else if (stmt.type === AST_NODE_TYPES.ExportNamedDeclaration && stmt.declaration) {
        visit([stmt.declaration]);
      }
    }
  };
  visit(program.body);
  return { named, namespaces, declarations };
}
