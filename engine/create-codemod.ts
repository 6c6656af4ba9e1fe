import type { Codemod, CodemodInput, CodemodOptions, CodemodResult } from './types.js';
import { lintFix, type LintFixOptions, type LintFixSpec } from './lint-fix.js';

/**
 * A per-file codemod that applies the given rules' fixes and suggestions (see `lint-fix`).
 * `lintOptions.realPath` lints each file under its own path, for rules that read it.
 */
export function createLintCodemod(
  meta: { id: string; description: string },
  spec: LintFixSpec | ((options: CodemodOptions) => LintFixSpec),
  lintOptions: Pick<LintFixOptions, 'realPath'> = {},
): Codemod {
  return {
    id: meta.id,
    description: meta.description,
    rules: Object.keys(typeof spec === 'function' ? spec({}) : spec.rules),
    transformFile(input: CodemodInput, options: CodemodOptions): CodemodResult {
      const resolved = typeof spec === 'function' ? spec(options) : spec;
      return lintFix(input, resolved, { parser: options.parser, settings: options.settings as Record<string, unknown> | undefined, ...lintOptions });
    },
  };
}

/**
 * The jscodeshift module interface for a codemod: `jscodeshift -t <module> <paths>` works too.
 * Returns undefined when nothing changed, as jscodeshift expects.
 */
export function toJscodeshiftTransform(codemod: Codemod) {
  return function transform(file: { path: string; source: string }, _api: unknown, options: CodemodOptions = {}): string | undefined {
    if (!codemod.transformFile) {
      const { results } = codemod.transformProject!([file], options);
      const out = results.get(file.path)?.output;
      return out === undefined || out === file.source ? undefined : out;
    }
    const { output } = codemod.transformFile(file, options);
    return output === file.source ? undefined : output;
  };
}
