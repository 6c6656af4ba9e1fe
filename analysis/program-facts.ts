import type ts from 'typescript';

/**
 * Program facts: answers about the whole TypeScript program (is a context manager registered,
 * which instrumentations are registered, which modules are entry points), computed once per
 * program and cached. Each fact lives in its own module and is declared with `defineProgramFact`;
 * rules read it with the program from `parserServices` and fall back to settings or per-file
 * analysis when there is no program.
 *
 * ESLint with `projectService` reuses one program across files until a file changes, so a
 * WeakMap keyed by the program gives "once per program" without any invalidation logic; a new
 * program (after an edit) gets fresh facts.
 */
export type ProgramFact<T> = (program: ts.Program) => T;

export function defineProgramFact<T>(compute: (program: ts.Program) => T): ProgramFact<T> {
  const cache = new WeakMap<ts.Program, T>();
  return (program) => {
    if (cache.has(program)) return cache.get(program) as T;
    const value = compute(program);
    cache.set(program, value);
    return value;
  };
}

/** The program's own source files (not declaration files, not node_modules). */
export const projectSourceFiles = defineProgramFact((program) =>
  program.getSourceFiles().filter((f) => !f.isDeclarationFile && !/[\\/]node_modules[\\/]/.test(f.fileName)),
);
