import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import { collectModuleBindings, requiredModule } from './otel-imports.js';

/** A named export a fix needs in scope, e.g. `{ module: '@opentelemetry/api', name: 'context' }`. */
export interface NeededImport {
  module: string;
  name: string;
}

export interface ImportPlan {
  /** How the fix's code spells each needed export (`context`, `api.context`, ...), keyed `module#name`. */
  refs: ReadonlyMap<string, string>;
  /** The edits that bring the missing ones into scope. */
  fixes(fixer: TSESLint.RuleFixer): TSESLint.RuleFix[];
}

export const importKey = (i: NeededImport): string => `${i.module}#${i.name}`;

/**
 * Plans how a fix gets named exports into scope, in the file's own style: reuse an existing
 * binding or namespace, extend an existing `import { ... }`/`const { ... } = require()`, or add a
 * statement after the last import/require. Undefined when a needed name is taken by something else.
 */
export function planImports(sourceCode: Readonly<TSESLint.SourceCode>, needed: readonly NeededImport[]): ImportPlan | undefined {
  const program = sourceCode.ast;
  const moduleScope = sourceCode.scopeManager?.globalScope?.childScopes.find((s) => s.type === TSESLint.Scope.ScopeType.module) ?? sourceCode.scopeManager?.globalScope;
  const taken = (name: string): boolean => !!moduleScope?.set.has(name) || !!sourceCode.scopeManager?.globalScope?.set.has(name);
  const refs = new Map<string, string>();
  const additions = new Map<string, string[]>();
  for (const need of needed) {
    const bindings = collectModuleBindings(program, (m) => m === need.module);
    const local = [...bindings.named].find(([, imported]) => imported === need.name)?.[0];
    const ns = [...bindings.namespaces][0];
    if (local) refs.set(importKey(need), local);
    else if (ns) refs.set(importKey(need), `${ns}.${need.name}`);
    else if (taken(need.name)) return undefined;
    else {
      refs.set(importKey(need), need.name);
      const list = additions.get(need.module) ?? [];
      if (!list.includes(need.name)) list.push(need.name);
      additions.set(need.module, list);
    }
  }
  const imports = program.body.filter((s): s is TSESTree.ImportDeclaration => s.type === AST_NODE_TYPES.ImportDeclaration);
  const requires = program.body.filter(
    (s): s is TSESTree.VariableDeclaration => s.type === AST_NODE_TYPES.VariableDeclaration && s.declarations.some((d) => requiredModule(d.init) !== undefined),
  );
  const useRequire = imports.length === 0 && (requires.length > 0 || sourceCode.ast.sourceType === 'script');
  // New statements quote their module as the file's last import or require does.
  const lastRequire = requires.at(-1)?.declarations.find((d) => requiredModule(d.init) !== undefined)?.init;
  const quotedBy = useRequire ? sourceCode.getText(lastRequire ?? program).match(/require\(\s*(["'])/)?.[1] : imports.at(-1)?.source.raw[0];
  const q = quotedBy === '"' ? '"' : "'";
  return {
    refs,
    fixes(fixer) {
      const out: TSESLint.RuleFix[] = [];
      const newStatements: string[] = [];
      for (const [module, names] of additions) {
        const existingImport = imports.find(
          (d) => d.source.value === module && d.importKind !== 'type' && d.specifiers.length > 0 && d.specifiers.every((s) => s.type === AST_NODE_TYPES.ImportSpecifier),
        );
        const existingRequire = requires
          .flatMap((s) => s.declarations)
          .find((d) => requiredModule(d.init) === module && d.id.type === AST_NODE_TYPES.ObjectPattern && d.id.properties.length > 0);
        if (existingImport) {
          out.push(fixer.insertTextAfter(existingImport.specifiers.at(-1)!, `, ${names.join(', ')}`));
        } else if (existingRequire && existingRequire.id.type === AST_NODE_TYPES.ObjectPattern) {
          out.push(fixer.insertTextAfter(existingRequire.id.properties.at(-1)!, `, ${names.join(', ')}`));
        } else if (useRequire) {
          newStatements.push(`const { ${names.join(', ')} } = require(${q}${module}${q});`);
        } else {
          newStatements.push(`import { ${names.join(', ')} } from ${q}${module}${q};`);
        }
      }
      if (newStatements.length > 0) {
        const anchor = useRequire ? requires.at(-1) : imports.at(-1);
        if (anchor) out.push(fixer.insertTextAfter(anchor, `\n${newStatements.join('\n')}`));
        else out.push(fixer.insertTextBeforeRange([0, 0], `${newStatements.join('\n')}\n`));
      }
      return out;
    },
  };
}
