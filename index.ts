import type { TSESLint } from '@typescript-eslint/utils';
import { rules } from './rules/index.js';
import { packageInfo } from './analysis/package-info.js';
import type { ConfigName } from './analysis/create-rule.js';

const NAMESPACE = 'otel-context';

type FlatConfig = TSESLint.FlatConfig.Config;

interface Plugin {
  meta: { name: string; version: string; namespace: string };
  rules: typeof rules;
  configs: Record<ConfigName, FlatConfig>;
}

/** The rule ids a config turns on: `strict` is every rule, `recommended` those whose docs say so. */
export function rulesFor(config: ConfigName): string[] {
  return Object.entries(rules)
    .filter(([, rule]) => config === 'strict' || rule.meta.docs?.recommended === 'recommended')
    .map(([id]) => id)
    .sort();
}

const plugin: Plugin = {
  meta: { name: packageInfo.name, version: packageInfo.version, namespace: NAMESPACE },
  rules,
  configs: {} as Plugin['configs'],
};

for (const config of ['recommended', 'strict'] as const) {
  plugin.configs[config] = {
    name: `${NAMESPACE}/${config}`,
    plugins: { [NAMESPACE]: plugin as unknown as TSESLint.FlatConfig.Plugin },
    rules: Object.fromEntries(
      rulesFor(config).map((id) => {
        const strictOptions = rules[id].meta.docs?.strictOptions;
        return [`${NAMESPACE}/${id}`, config === 'strict' && strictOptions ? ['error', ...strictOptions] : 'error'];
      }),
    ),
  };
}

export default plugin;
export { rules };
