import type { TSESLint } from '@typescript-eslint/utils';
import requireContextManager from './require-context-manager.js';
import middlewareOrder from './middleware-order.js';
import instrumentationFirst from './instrumentation-first.js';
import noOrphanSpan from './no-orphan-span.js';
import requireSpanEnd from './require-span-end.js';
import noBareFetch from './no-bare-fetch.js';
import noTraceparentOverwrite from './no-traceparent-overwrite.js';
import noLostContext from './no-lost-context.js';

/** Every rule of the plugin, by id. The configs and the README table are built from this map. */
export const rules: Record<string, TSESLint.RuleModule<string, readonly unknown[]>> = {
  'require-context-manager': requireContextManager as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'middleware-order': middlewareOrder as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'instrumentation-first': instrumentationFirst as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'no-orphan-span': noOrphanSpan as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'require-span-end': requireSpanEnd as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'no-bare-fetch': noBareFetch as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'no-traceparent-overwrite': noTraceparentOverwrite as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
  'no-lost-context': noLostContext as unknown as TSESLint.RuleModule<string, readonly unknown[]>,
};
