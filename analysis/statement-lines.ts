import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

/**
 * The whole lines a statement occupies, with the comment lines directly above it: what a fix that
 * moves the statement removes and re-inserts. Undefined when the statement shares a line with other code.
 */
export function statementLines(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node): { range: [number, number]; text: string } | undefined {
  const text = sourceCode.text;
  let start = statement.range[0];
  for (const comment of sourceCode.getCommentsBefore(statement).reverse()) {
    const between = text.slice(comment.range[1], start);
    if (!/^[ \t]*\r?\n[ \t]*$/.test(between) && between !== '') break;
    start = comment.range[0];
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(lineStart, start))) return undefined;
  const newline = text.indexOf('\n', statement.range[1]);
  const end = newline === -1 ? text.length : newline + 1;
  if (!/^[ \t]*(\/\/.*)?\r?\n?$/.test(text.slice(statement.range[1], end))) return undefined;
  return { range: [lineStart, end], text: text.slice(lineStart, end).replace(/\r?\n?$/, '\n') };
}
