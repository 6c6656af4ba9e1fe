import type ts from 'typescript';
import { nearestPackage } from './package-json.js';

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

/**
 * The program's own source files grouped by package (the folder of each file's nearest
 * package.json). A program can span several packages of a monorepo (one root tsconfig over
 * `packages/*`): each package is a service of its own, set up by its own code, so what one
 * package's setup registers says nothing about another's.
 */
const filesByPackage = defineProgramFact((program) => {
  const groups = new Map<string, ts.SourceFile[]>();
  for (const sf of projectSourceFiles(program)) {
    const key = packageKey(sf.fileName);
    const list = groups.get(key);
    if (list) list.push(sf);
    else groups.set(key, [sf]);
  }
  return groups;
});

function packageKey(fileName: string): string {
  return nearestPackage(fileName)?.dir ?? '';
}

/** The program's own source files in the same package as `fileName` (which need not be in the program). */
export function packageSourceFiles(program: ts.Program, fileName: string): readonly ts.SourceFile[] {
  return filesByPackage(program).get(packageKey(fileName)) ?? [];
}

/**
 * A fact about one package of a program, computed once per program and package from that
 * package's source files (see `packageSourceFiles`).
 */
export function definePackageFact<T>(compute: (files: readonly ts.SourceFile[]) => T): (program: ts.Program, fileName: string) => T {
  const perProgram = defineProgramFact(() => new Map<string, T>());
  return (program, fileName) => {
    const cache = perProgram(program);
    const key = packageKey(fileName);
    if (cache.has(key)) return cache.get(key) as T;
    const value = compute(filesByPackage(program).get(key) ?? []);
    cache.set(key, value);
    return value;
  };
}
