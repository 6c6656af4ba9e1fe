/** The contract between codemods, the runner and the CLI. */

export type ParserName = 'ts' | 'tsx' | 'babel';

export interface CodemodInput {
  /** Path of the file (used for the parser choice and in messages). */
  path: string;
  source: string;
}

/** A place the codemod could not fix safely; it left a `// TODO(otel-context): ...` comment there. */
export interface CodemodTodo {
  path: string;
  line: number;
  ruleId: string;
  message: string;
}

export interface CodemodResult {
  /** The new source; equal to the input when nothing changed. */
  output: string;
  todos: CodemodTodo[];
  /** Lines for the run summary (e.g. "add @opentelemetry/instrumentation-undici to dependencies"). */
  notes?: string[];
}

export interface CodemodOptions {
  parser?: ParserName;
  /** Codemod-specific mode, e.g. `--mode=inject` for propagate-fetch. */
  mode?: string;
  [option: string]: unknown;
}

export interface ProjectResult {
  results: Map<string, CodemodResult>;
  notes: string[];
}

export interface Codemod {
  id: string;
  /** One line, imperative, shown by `otel-context-codemod --list`. */
  description: string;
  /** The rule ids whose reports this codemod fixes. */
  rules: readonly string[];
  /** Per-file transform. */
  transformFile?(input: CodemodInput, options: CodemodOptions): CodemodResult;
  /** Cross-file transform (ts-morph): sees every processed file at once. */
  transformProject?(inputs: readonly CodemodInput[], options: CodemodOptions): ProjectResult;
}

/** Thrown for a file the parser cannot read; the runner reports it per file and goes on. */
export class CodemodParseError extends Error {
  constructor(
    readonly path: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly parserMessage: string,
  ) {
    super(`${path}${line ? `:${line}:${column ?? 0}` : ''}: cannot parse: ${parserMessage}`);
    this.name = 'CodemodParseError';
  }
}
