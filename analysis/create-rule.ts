import { ESLintUtils } from '@typescript-eslint/utils';

/** Where rule docs live; every rule's `meta.docs.url` is derived from its id here, never written by hand. */
export const DOCS_BASE = 'https://github.com/otel-context/eslint-plugin-otel-context/blob/main/docs/rules';

export type ConfigName = 'recommended' | 'strict';

/** Extra `meta.docs` fields this plugin uses. `recommended` names the smallest config that turns the rule on. */
export interface OtelContextRuleDocs {
  description: string;
  recommended?: ConfigName;
  /** The rule works without type information; with it, it resolves symbols through aliases and other files. */
  requiresTypeChecking?: false;
  /** Options the `strict` config passes: checks noisier than `recommended` accepts, documented under "Options". */
  strictOptions?: readonly unknown[];
}

const createNamedRule = ESLintUtils.RuleCreator<OtelContextRuleDocs>((name) => `${DOCS_BASE}/${name}.md`);

/**
 * `ESLintUtils.RuleCreator`, except that the options merged with the defaults are computed once per
 * distinct options value instead of once per linted file: typescript-eslint's `applyDefault`
 * deep-merges them on every `create` (8 rules × every file of a large repository), while a config
 * has only a few distinct option sets. ESLint hands each file a fresh copy of the options, so the
 * cache is keyed by their JSON (options are JSON by ESLint's schema). Rules never mutate them.
 */
export const createRule: typeof createNamedRule = (rule) => {
  const created = createNamedRule(rule);
  type Options = NonNullable<typeof rule.defaultOptions>;
  const defaults = (rule.meta.defaultOptions ?? rule.defaultOptions ?? []) as Options;
  const merged = new Map<string, Options>();
  return {
    ...created,
    create(context) {
      const key = JSON.stringify(context.options);
      let options = merged.get(key);
      if (!options) {
        if (merged.size > 64) merged.clear();
        merged.set(key, (options = ESLintUtils.applyDefault(defaults, context.options)));
      }
      return rule.create(context, options);
    },
  };
};
