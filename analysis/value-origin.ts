import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { findVariable } from './resolve-otel-symbol.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Strips what does not change a value: parentheses (gone in the AST), `await`, `as`, `!`, `satisfies`. */
export function unwrapExpression(node: TSESTree.Node): TSESTree.Node {
  let n = node;
  for (;;) {
    if (n.type === AST_NODE_TYPES.TSAsExpression || n.type === AST_NODE_TYPES.TSNonNullExpression || n.type === AST_NODE_TYPES.TSSatisfiesExpression || n.type === AST_NODE_TYPES.TSTypeAssertion) {
      n = n.expression;
    } else if (n.type === AST_NODE_TYPES.AwaitExpression) {
      n = n.argument;
    } else if (n.type === AST_NODE_TYPES.ChainExpression) {
      n = n.expression;
    } else {
      return n;
    }
  }
}

/**
 * The expression a value was made by, as far as this file shows it: a `const`/never-reassigned
 * `let` initialiser, a class field initialiser or the single `this.x = ...` assignment in a
 * constructor, followed through aliases (`const b = a`). Undefined when it cannot tell.
 */
export function valueOrigin(sourceCode: SourceCode, node: TSESTree.Node, depth = 0): TSESTree.Node | undefined {
  const n = unwrapExpression(node);
  if (depth > 5) return undefined;
  if (n.type === AST_NODE_TYPES.Identifier) {
    const v = findVariable(sourceCode, n);
    const init = singleInitializer(v);
    return init ? (valueOrigin(sourceCode, init, depth + 1) ?? init) : undefined;
  }
  if (n.type === AST_NODE_TYPES.MemberExpression && n.object.type === AST_NODE_TYPES.ThisExpression && !n.computed && n.property.type !== AST_NODE_TYPES.PrivateIdentifier) {
    const init = thisFieldInitializer(n, n.property.name);
    return init ? (valueOrigin(sourceCode, init, depth + 1) ?? init) : undefined;
  }
  if (n.type === AST_NODE_TYPES.MemberExpression && n.object.type === AST_NODE_TYPES.ThisExpression && n.property.type === AST_NODE_TYPES.PrivateIdentifier) {
    const init = thisFieldInitializer(n, `#${n.property.name}`);
    return init ? (valueOrigin(sourceCode, init, depth + 1) ?? init) : undefined;
  }
  return n;
}

/** The initialiser of a variable that is written exactly once, by its declaration. */
export function singleInitializer(v: TSESLint.Scope.Variable | undefined): TSESTree.Expression | undefined {
  if (!v || v.defs.length !== 1) return undefined;
  const declarator = v.defs[0].node;
  if (declarator.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return undefined;
  if (v.references.some((r) => r.isWrite() && r.identifier !== declarator.id)) return undefined;
  return declarator.init;
}

function thisFieldInitializer(member: TSESTree.MemberExpression, name: string): TSESTree.Expression | undefined {
  let cls: TSESTree.Node | undefined = member.parent;
  while (cls && cls.type !== AST_NODE_TYPES.ClassBody) cls = cls.parent;
  if (!cls) return undefined;
  const keyName = (key: TSESTree.Node): string | undefined =>
    key.type === AST_NODE_TYPES.Identifier ? key.name : key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : undefined;
  const found: TSESTree.Expression[] = [];
  for (const el of cls.body) {
    if (el.type === AST_NODE_TYPES.PropertyDefinition && !el.static && !el.computed && keyName(el.key) === name && el.value) found.push(el.value);
    if (el.type === AST_NODE_TYPES.MethodDefinition && el.kind === 'constructor') {
      for (const stmt of el.value.body?.body ?? []) {
        if (stmt.type !== AST_NODE_TYPES.ExpressionStatement || stmt.expression.type !== AST_NODE_TYPES.AssignmentExpression) continue;
        const left = stmt.expression.left;
        if (left.type === AST_NODE_TYPES.MemberExpression && left.object.type === AST_NODE_TYPES.ThisExpression && !left.computed && keyName(left.property) === name) {
          found.push(stmt.expression.right);
        }
      }
      // `constructor(private readonly pool: Piscina)`: an injected value, no initialiser in this file.
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

/** The variable at the root of `a.b.c` / `a`, or undefined for `this.x`, calls and the like. */
export function rootIdentifier(node: TSESTree.Node): TSESTree.Identifier | undefined {
  let n = unwrapExpression(node);
  while (n.type === AST_NODE_TYPES.MemberExpression) n = unwrapExpression(n.object);
  return n.type === AST_NODE_TYPES.Identifier ? n : undefined;
}
