import { createLintCodemod, toJscodeshiftTransform } from '../engine/create-codemod.js';

/**
 * Moves tracing middleware to be each app's first registration, error handlers after the last
 * route, and awaits fastify tracing plugins: the suggestions of `middleware-order`, applied. A
 * registration that cannot move safely (chained, or reading something declared after its new place)
 * keeps its place and gets a TODO marker.
 */
export const codemod = createLintCodemod(
  { id: 'middleware-order', description: 'Register tracing middleware first and error handlers after the routes they cover' },
  { rules: { 'middleware-order': [] } },
);

export default toJscodeshiftTransform(codemod);
