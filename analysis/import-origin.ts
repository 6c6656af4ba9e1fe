import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import { findVariable } from './resolve-otel-symbol.js';
import { collectModuleBindings } from './otel-imports.js';

/** Where an identifier's value comes from in this file: the module it is imported from, and the export. */
export function importOrigin(sourceCode: Readonly<TSESLint.SourceCode>, id: TSESTree.Identifier): { module: string; name: string } | undefined {
  const def = findVariable(sourceCode, id)?.defs[0];
  if (!def) return undefined;
  let module: string | undefined;
  if (def.type === TSESLint.Scope.DefinitionType.ImportBinding && def.parent?.type === AST_NODE_TYPES.ImportDeclaration) module = def.parent.source.value;
  else if (def.node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
    const ref = def.node.moduleReference;
    if (ref.type === AST_NODE_TYPES.TSExternalModuleReference && ref.expression.type === AST_NODE_TYPES.Literal) module = String(ref.expression.value);
  } else if (def.node.type === AST_NODE_TYPES.VariableDeclarator) {
    let init = def.node.init;
    // `require('x').default`, `require('x')`
    if (init?.type === AST_NODE_TYPES.MemberExpression && !init.computed && init.property.type === AST_NODE_TYPES.Identifier && init.property.name === 'default') init = init.object;
    if (init?.type === AST_NODE_TYPES.CallExpression && init.callee.type === AST_NODE_TYPES.Identifier && init.callee.name === 'require' && init.arguments[0]?.type === AST_NODE_TYPES.Literal) {
      module = String(init.arguments[0].value);
    }
  }
  if (module === undefined) return undefined;
  const named = collectModuleBindings(sourceCode.ast, (m) => m === module).named.get(id.name);
  return { module, name: named ?? 'default' };
}

/** The expression a `const` identifier was initialised with, if any. */
export function initOf(sourceCode: Readonly<TSESLint.SourceCode>, id: TSESTree.Identifier): TSESTree.Expression | undefined {
  const def = findVariable(sourceCode, id)?.defs[0];
  if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id.type === AST_NODE_TYPES.Identifier) return def.node.init ?? undefined;
  return undefined;
}
