import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

/**
 * Visits `root` and its descendants depth-first, in source order, with the parser's visitor keys.
 * `visit` returns `'skip'` to leave a node's children out, `'stop'` to end the walk.
 */
export function walk(sourceCode: Readonly<TSESLint.SourceCode>, root: TSESTree.Node, visit: (node: TSESTree.Node) => 'skip' | 'stop' | void): void {
  const keys = sourceCode.visitorKeys;
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const r = visit(n);
    if (r === 'stop') return;
    if (r === 'skip') continue;
    const childKeys = keys[n.type] ?? [];
    for (let i = childKeys.length - 1; i >= 0; i--) {
      const child = (n as unknown as Record<string, unknown>)[childKeys[i]];
      if (Array.isArray(child)) {
        for (let j = child.length - 1; j >= 0; j--) if (child[j] && typeof child[j] === 'object') stack.push(child[j] as TSESTree.Node);
      } else if (child && typeof child === 'object' && 'type' in child) {
        stack.push(child as TSESTree.Node);
      }
    }
  }
}
