// Types for bench/corpus.mjs (imported by the TypeScript tests).
export interface CorpusFile {
  source: 'rxjs' | 'effect' | 'otel' | 'fixtures';
  /** Absolute path of the original. */
  from: string;
  /** Path inside the corpus. */
  to: string;
}
export declare const repoRoot: string;
export declare const TSCONFIG: { compilerOptions: Record<string, unknown>; include: string[]; exclude: string[] };
export declare const LINT_VARIANTS: Record<'baseline' | 'strict' | 'recommended' | 'nfp', string>;
export declare function selectCorpus(options?: { fraction?: number; otelBuilds?: string[]; sources?: string[] }): CorpusFile[];
export declare function countBySource(files: readonly CorpusFile[]): Record<string, number> & { total: number };
export declare function materializeCorpus(files: readonly CorpusFile[], dir?: string): string;
export declare function copyCorpus(from: string, to?: string): string;
export declare function removeDir(dir: string): void;
export declare function readJson(file: string): unknown;
export declare function writeLintConfig(dir: string, variant: keyof typeof LINT_VARIANTS, options: { typed: boolean; pluginPath?: string }): string;
export declare function listCorpusSources(dir: string): string[];
