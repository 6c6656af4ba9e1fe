import { createLintCodemod, toJscodeshiftTransform } from '../engine/create-codemod.js';

/**
 * Gives every span that `require-span-end` reports a `try { ... } finally { span.end(); }`
 * lifetime: its suggestion, applied. A span whose region cannot be wrapped without changing what
 * the code means (a variable declared in it is used after it across an `await`, an `end()` that is
 * not a statement of its own, a region holding `export`s) keeps its code and gets a TODO marker.
 */
export const codemod = createLintCodemod(
  { id: 'end-spans', description: 'End every span in a `finally` block that covers its work' },
  { rules: { 'require-span-end': [] } },
  // Under its own path, so that the rule knows a test file (where it asks less) as it does in ESLint.
  { realPath: true },
);

export default toJscodeshiftTransform(codemod);
