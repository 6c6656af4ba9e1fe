// Codemod baseline (same parser): a jscodeshift transform that parses each file with the parser
// our codemods use (@typescript-eslint/typescript-estree; JSX for .tsx/.jsx/.js, as
// engine/lint-fix.ts `parserFor` picks), walks the tree once and changes nothing. It walks the
// ESTree itself instead of wrapping it in a jscodeshift Collection: recast's ast-types does not
// know current typescript-estree nodes (PropertyDefinition, TSInterfaceHeritage,
// TSTemplateLiteralType) and fails on about a quarter of real files.
'use strict';
const { parse } = require('@typescript-eslint/typescript-estree');
const { visitorKeys } = require('@typescript-eslint/visitor-keys');

function walk(node, visit) {
  visit(node);
  for (const key of visitorKeys[node.type] ?? []) {
    const child = node[key];
    if (Array.isArray(child)) {
      for (const c of child) if (c && typeof c.type === 'string') walk(c, visit);
    } else if (child && typeof child.type === 'string') walk(child, visit);
  }
}

module.exports = function noopEstree(file) {
  const ast = parse(file.source, { jsx: /\.(tsx|jsx|js)$/i.test(file.path), loc: true, range: true, tokens: true, comment: true });
  let calls = 0;
  walk(ast, (n) => {
    if (n.type === 'CallExpression') calls++;
  });
  return calls < 0 ? file.source : undefined;
};
