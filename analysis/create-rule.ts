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

export const createRule = ESLintUtils.RuleCreator<OtelContextRuleDocs>((name) => `${DOCS_BASE}/${name}.md`);
