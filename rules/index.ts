import type { TSESLint } from '@typescript-eslint/utils';
import type { OtelContextRuleDocs } from '../analysis/create-rule.js';
import requireContextManager from './require-context-manager.js';
import middlewareOrder from './middleware-order.js';
import instrumentationFirst from './instrumentation-first.js';
import noOrphanSpan from './no-orphan-span.js';
import requireSpanEnd from './require-span-end.js';
import noBareFetch from './no-bare-fetch.js';
import noTraceparentOverwrite from './no-traceparent-overwrite.js';
import noLostContext from './no-lost-context.js';

/** Every rule of the plugin, by id. The configs and the README table are built from this map. */
export const rules: Record<string, TSESLint.RuleModule<string, readonly unknown[], OtelContextRuleDocs>> = {
  'require-context-manager': requireContextManager,
  'middleware-order': middlewareOrder,
  'instrumentation-first': instrumentationFirst,
  'no-orphan-span': noOrphanSpan,
  'require-span-end': requireSpanEnd,
  'no-bare-fetch': noBareFetch,
  'no-traceparent-overwrite': noTraceparentOverwrite,
  'no-lost-context': noLostContext,
};
