// Types for bench/robustness-core.mjs (imported by test/robustness).
import type { ESLint } from 'eslint';
import type { Codemod } from '../engine/types.js';
import type { RunOptions, RunSummary, FileReport, RunIssue } from '../engine/runner.js';

export interface OddExpectation {
  status?: 'error' | 'skipped';
  message?: RegExp;
  warning?: RegExp;
  unprivilegedOnly?: boolean;
}
export declare const oddFixtures: string;
export declare const EXPECTED_CODEMOD: Record<string, OddExpectation>;
export declare const EXPECTED_LINT_PARSE_ERRORS: string[];
export declare function makeOddTree(dir: string, outsideDir: string): string;
export declare function makeOutsideTree(dir: string): string;
export declare function hashTree(dir: string): Map<string, string>;
export declare function diffTrees(before: Map<string, string>, after: Map<string, string>): string[];

export interface LintEachResult {
  linted: number;
  parseErrors: { file: string; message: string }[];
  crashes: { file: string; rule: string | undefined; message: string; stack: string }[];
  reports: Record<string, number>;
}
export declare function lintEach(eslint: ESLint, files: readonly string[], options?: { cwd?: string; onProgress?: (i: number, n: number, file: string) => void }): Promise<LintEachResult>;

export interface CodemodProblem {
  kind: 'crash' | 'error' | 'corrupt' | 'not idempotent' | 'second run error';
  path: string | undefined;
  message: string | undefined;
}
export interface CodemodTwiceResult {
  counts: RunSummary['counts'];
  written: number;
  todos: number;
  parsedOutputs: number;
  secondChanged: number;
  problems: CodemodProblem[];
  files: FileReport[];
  warnings: RunIssue[];
}
export declare function codemodTwice(options: {
  runCodemods: (options: RunOptions) => Promise<RunSummary>;
  codemods: readonly Codemod[];
  dir: string;
  parse: (file: string, text: string) => unknown;
  expectedUnparsable?: readonly string[];
}): Promise<CodemodTwiceResult>;
export declare function checkOddMessages(summary: { files: readonly FileReport[]; warnings: readonly RunIssue[] }, oddRel: string, options: { unprivileged: boolean }): string[];
export declare function sourceFiles(dir: string): string[];
