import type { TSESLint } from '@typescript-eslint/utils';

/** Every rule of the plugin, by id. The configs and the README table are built from this map. */
export const rules: Record<string, TSESLint.RuleModule<string, readonly unknown[]>> = {
};
