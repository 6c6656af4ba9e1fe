import { STARTS_SPANS } from '../rules/require-span-end.js';
import { REGISTRATION_CALL } from '../rules/middleware-order.js';
import { MENTIONS_HEADERS } from '../rules/no-traceparent-overwrite.js';
import { mayLoseContext } from '../rules/no-lost-context.js';
import { mayCallOutbound } from '../analysis/outbound-http-calls.js';
import { mentionsSpan } from '../analysis/span-mention.js';

/**
 * Each rule's cheap-first text test (DESIGN.md §2), the same predicate the rule applies first in
 * its `create` and answers `{}` to: a file whose text fails it gets no report from the rule, so
 * `lintFix` returns it unchanged without parsing it. A gate takes the text (without BOM) and the
 * rule's options as the codemod passes them (before the rule's defaults). A rule without a gate
 * here is always run.
 *
 * Every gate must be an exact superset of what the rule reports on:
 * test/codemods/rule-gates.test.ts checks it against every fixture the rule reports on.
 */
export type RuleGate = (text: string, options: readonly unknown[]) => boolean;

export const ruleGates: Readonly<Record<string, RuleGate>> = {
  'require-span-end': (text) => STARTS_SPANS.test(text),
  'middleware-order': (text) => REGISTRATION_CALL.test(text),
  'no-traceparent-overwrite': (text) => MENTIONS_HEADERS.test(text),
  'no-lost-context': (text, [options]) => mayLoseContext(text, (options as { queues?: { module: string }[] } | undefined)?.queues ?? []),
  'no-bare-fetch': (text) => mayCallOutbound(text),
  'no-orphan-span': (text) => mentionsSpan(text),
};

/** Whether any of the rules (rule id -> options) may report on `text`: false means none can. */
export function anyRuleMayReport(text: string, rules: Readonly<Record<string, readonly unknown[]>>): boolean {
  return Object.entries(rules).some(([id, options]) => {
    const gate = ruleGates[id];
    return !gate || gate(text, options);
  });
}
