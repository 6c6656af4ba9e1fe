import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { collectModuleBindings } from './otel-imports.js';
import { isFunctionNode, type FunctionNode } from './active-context-use.js';
import { walk } from './ast-walk.js';

/**
 * Answers "does this call evidently run in the browser", where Node's undici (and its
 * instrumentation) does not apply. Evidence, each of which server code cannot show:
 * - a `'use client'` module, or a Remix/Qwik `*.client.*` module;
 * - inside a React hook (`useX`), a callback handed to one (`useEffect(() => ...)`,
 *   `useCallback(...)`), or a JSX attribute (`onClick={() => ...}`);
 * - inside a component (a function that renders JSX) of a module that imports React's state or
 *   effect hooks, which server components cannot use (a Remix route's `loader`/`action` renders no JSX);
 * - a `fetch` of a relative URL (`fetch('/api/x')`), which Node rejects: only a page has a base URL.
 */
type SourceCode = Readonly<TSESLint.SourceCode>;

const CLIENT_MODULE = /\.client\.[cm]?[jt]sx?$/;
const HOOK = /^use[A-Z0-9]/;
const CLIENT_HOOKS = new Set(['useState', 'useEffect', 'useLayoutEffect', 'useReducer', 'useRef', 'useCallback', 'useMemo', 'useTransition', 'useSyncExternalStore', 'useInsertionEffect']);
const REACT = /^(react|preact\/hooks|preact\/compat)$/;

export function isClientModule(sourceCode: SourceCode, filename: string): boolean {
  return CLIENT_MODULE.test(filename) || sourceCode.ast.body.some((s) => s.type === AST_NODE_TYPES.ExpressionStatement && s.directive === 'use client');
}

/** A URL argument whose text starts as a relative reference (`/api`, `./x`, `?q=1`). */
export function isRelativeUrl(arg: TSESTree.Node | undefined): boolean {
  const head = arg?.type === AST_NODE_TYPES.Literal && typeof arg.value === 'string' ? arg.value : arg?.type === AST_NODE_TYPES.TemplateLiteral ? arg.quasis[0].value.cooked : undefined;
  return typeof head === 'string' && /^(\/(?!\/)|\.\.?\/|\?)/.test(head);
}

/** The node sits in a hook, a hook's callback, a JSX attribute, or a component of a module that uses React's client hooks. */
export function inBrowserCallback(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  let clientHooks: boolean | undefined;
  const usesClientHooks = (): boolean =>
    (clientHooks ??= [...collectModuleBindings(sourceCode.ast, (m) => REACT.test(m)).named.values()].some((name) => CLIENT_HOOKS.has(name)) || reactNamespaceHooks(sourceCode));
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === AST_NODE_TYPES.JSXAttribute) return true;
    if (!isFunctionNode(n)) continue;
    const name = functionName(n);
    if (name && HOOK.test(name)) return true;
    const call = n.parent;
    if (call?.type === AST_NODE_TYPES.CallExpression && call.arguments.some((a) => a === n) && HOOK.test(calleeName(call.callee) ?? '')) return true;
    if (rendersJsx(sourceCode, n) && usesClientHooks()) return true;
  }
  return false;
}

/** `React.useState(...)` with `import React from 'react'` / `import * as React`. */
function reactNamespaceHooks(sourceCode: SourceCode): boolean {
  const namespaces = collectModuleBindings(sourceCode.ast, (m) => REACT.test(m)).namespaces;
  if (namespaces.size === 0) return false;
  return [...namespaces].some((ns) => new RegExp(`\\b${ns}\\.(${[...CLIENT_HOOKS].join('|')})\\(`).test(sourceCode.text));
}

/** The function's own body (not nested functions) contains JSX. */
function rendersJsx(sourceCode: SourceCode, fn: FunctionNode): boolean {
  let found = false;
  walk(sourceCode, fn.body, (n) => {
    if (n.type === AST_NODE_TYPES.JSXElement || n.type === AST_NODE_TYPES.JSXFragment) {
      found = true;
      return 'stop';
    }
    return isFunctionNode(n) ? 'skip' : undefined;
  });
  return found;
}

function calleeName(callee: TSESTree.Node): string | undefined {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier) return callee.property.name;
  return undefined;
}

function functionName(n: FunctionNode): string | undefined {
  if (n.id) return n.id.name;
  const p = n.parent;
  if (p?.type === AST_NODE_TYPES.VariableDeclarator && p.id.type === AST_NODE_TYPES.Identifier) return p.id.name;
  return undefined;
}
