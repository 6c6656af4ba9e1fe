// Codemod baseline (jscodeshift's own TypeScript parsers): parses each file with jscodeshift's
// `tsx` parser for .tsx/.jsx/.js and `ts` for the rest (@babel/parser), finds every
// CallExpression through a Collection, and changes nothing: the cheapest real jscodeshift codemod.
'use strict';

module.exports = function noopBabel(file, api) {
  const j = api.jscodeshift.withParser(/\.(tsx|jsx|js)$/i.test(file.path) ? 'tsx' : 'ts');
  j(file.source).find(j.CallExpression).size();
  return undefined;
};
