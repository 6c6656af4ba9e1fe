import ts from 'typescript';
import path from 'node:path';
import { defineProgramFact, projectSourceFiles } from './program-facts.js';

/** One module a file loads: `import`, `export ... from`, `import x = require()`, `require()` or `import()`. */
export interface ModuleReference {
  specifier: string;
  kind: 'import' | 're-export' | 'require' | 'dynamic-import';
  /** `import type` / `export type`: erased, never loaded. */
  typeOnly: boolean;
  /** Evaluated when the file itself is loaded (not inside a function body). */
  onLoad: boolean;
  /** Offset of the statement or call in the file. */
  start: number;
  /** The program's source file a relative specifier resolves to. */
  resolved?: string;
}

export interface LocalImportGraph {
  references: ReadonlyMap<string, readonly ModuleReference[]>;
  importers: ReadonlyMap<string, ReadonlySet<string>>;
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** The program file a relative specifier names, trying what TypeScript and Node try (`.js` → `.ts`, index files). */
export function resolveLocalModule(program: ts.Program, fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const ext = path.extname(base);
  const candidates = [base];
  for (const alt of JS_TO_TS[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt);
  for (const e of SOURCE_EXTENSIONS) candidates.push(base + e, path.join(base, `index${e}`));
  for (const c of candidates) {
    const sf = program.getSourceFile(c);
    if (sf) return sf.fileName;
  }
  return undefined;
}

const isFunctionLike = (n: ts.Node): boolean =>
  ts.isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n);

/** Every module reference of a file, in source order. */
export function moduleReferences(program: ts.Program, sf: ts.SourceFile): ModuleReference[] {
  const refs: ModuleReference[] = [];
  const add = (specifier: string, kind: ModuleReference['kind'], typeOnly: boolean, onLoad: boolean, start: number) =>
    refs.push({ specifier, kind, typeOnly, onLoad, start, resolved: resolveLocalModule(program, sf.fileName, specifier) });
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const clause = stmt.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(stmt.moduleSpecifier.text, 'import', typeOnly, true, stmt.getStart(sf));
    } else if (ts.isExportDeclaration(stmt) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) {
      add(stmt.moduleSpecifier.text, 're-export', stmt.isTypeOnly, true, stmt.getStart(sf));
    } else if (ts.isImportEqualsDeclaration(stmt) && ts.isExternalModuleReference(stmt.moduleReference) && ts.isStringLiteral(stmt.moduleReference.expression)) {
      add(stmt.moduleReference.expression.text, 'require', stmt.isTypeOnly, true, stmt.getStart(sf));
    }
  }
  const text = sf.text;
  if (text.includes('require(') || text.includes('import(')) {
    const visit = (node: ts.Node, onLoad: boolean): void => {
      if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
        const arg = node.arguments[0];
        if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(arg.text, 'require', false, onLoad, node.getStart(sf));
        else if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(arg.text, 'dynamic-import', false, false, node.getStart(sf));
      }
      node.forEachChild((child) => visit(child, onLoad && !isFunctionLike(node)));
    };
    visit(sf, true);
    refs.sort((a, b) => a.start - b.start);
  }
  return refs;
}

/** The import graph of the program's own files, computed once per program. */
export const localImportGraph = defineProgramFact((program): LocalImportGraph => {
  const references = new Map<string, ModuleReference[]>();
  const importers = new Map<string, Set<string>>();
  for (const sf of projectSourceFiles(program)) {
    const refs = moduleReferences(program, sf);
    references.set(sf.fileName, refs);
    for (const r of refs) {
      if (!r.resolved || r.typeOnly) continue;
      let set = importers.get(r.resolved);
      if (!set) importers.set(r.resolved, (set = new Set()));
      set.add(sf.fileName);
    }
  }
  return { references, importers };
});

/** Files reachable from `starts` by following `next`, the starts included. */
function reach(starts: Iterable<string>, next: (f: string) => Iterable<string>): Set<string> {
  const seen = new Set(starts);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const n of next(queue.pop()!)) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** The local files `file` loads on its own, transitively, `file` included. */
export function loadedFiles(graph: LocalImportGraph, file: string): Set<string> {
  return reach([file], (f) => (graph.references.get(f) ?? []).filter((r) => r.resolved && !r.typeOnly).map((r) => r.resolved!));
}

/**
 * The files of the process `file` runs in, as far as imports show it: every file that loads it
 * (transitively), and everything those files load. A setup file preloaded with `--require` has no
 * importers, so that is the setup and what it loads.
 */
export function connectedFiles(graph: LocalImportGraph, file: string): Set<string> {
  const ancestors = reach([file], (f) => graph.importers.get(f) ?? []);
  return reach(ancestors, (f) => (graph.references.get(f) ?? []).filter((r) => r.resolved && !r.typeOnly).map((r) => r.resolved!));
}
