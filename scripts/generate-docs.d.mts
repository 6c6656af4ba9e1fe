// Types for the plain ESM docs generator, for the meta test that imports it.
import type { TSESLint } from '@typescript-eslint/utils';
import type { Codemod } from '../engine/types.js';

export interface GeneratorInput {
  rules: Record<string, TSESLint.RuleModule<string, readonly unknown[]>>;
  codemods: readonly Codemod[];
  root?: string;
}
export function staleFiles(input: GeneratorInput): string[];
export function expectedFiles(input: GeneratorInput): Map<string, string>;
