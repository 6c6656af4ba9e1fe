import { parserServices, programFileName } from './parser-services.js';
import type { TSESLint } from '@typescript-eslint/utils';
import type ts from 'typescript';
import { defineProgramFact } from './program-facts.js';
import { connectedFiles, localImportGraph } from './local-import-graph.js';
import { readSettings, type ContextManagerKind } from './settings.js';

/**
 * Answers "which context manager does this program register": the managers a file's setup code
 * evidently installs, read from its text (cheap, and only what is written out):
 * - `async-local-storage`: `new AsyncLocalStorageContextManager()` / `AsyncHooksContextManager`,
 *   NodeSDK, a `NodeTracerProvider`'s `register()` that keeps its default manager;
 * - `stack`: `new StackContextManager()`, a `WebTracerProvider`'s `register()` that keeps its default;
 * - `zone`: `new ZoneContextManager()`;
 * - `none`: `register({ contextManager: null })`.
 */
export function contextManagersInText(text: string): Set<ContextManagerKind> {
  const kinds = new Set<ContextManagerKind>();
  if (/\bnew\s+(AsyncLocalStorageContextManager|AsyncHooksContextManager)\b|\bnew\s+NodeSDK\b|\bstartNodeS[dD][kK]\s*\(|auto-instrumentations-node\/register/.test(text)) {
    kinds.add('async-local-storage');
  }
  if (/\bnew\s+StackContextManager\b/.test(text)) kinds.add('stack');
  if (/\bnew\s+ZoneContextManager\b/.test(text)) kinds.add('zone');
  for (const m of text.matchAll(/\.register\(\s*(\)|\{[^}]*\})/g)) {
    const args = m[1];
    if (/contextManager\s*:\s*null\b/.test(args)) kinds.add('none');
    else if (!/contextManager\s*:/.test(args)) {
      // The provider's default manager: the class decides, so look for which provider the file builds.
      if (/\bWebTracerProvider\b/.test(text)) kinds.add('stack');
      if (/\bNodeTracerProvider\b/.test(text)) kinds.add('async-local-storage');
    }
  }
  return kinds;
}

const perFile = defineProgramFact(() => {
  const map = new Map<string, Set<ContextManagerKind>>();
  return (sf: ts.SourceFile): Set<ContextManagerKind> => {
    let kinds = map.get(sf.fileName);
    if (!kinds) map.set(sf.fileName, (kinds = contextManagersInText(sf.text)));
    return kinds;
  };
});

/**
 * Per program: file -> the managers of the files it is connected to, indexed from the few files
 * that register one. `connectedFiles` is symmetric (`s` is connected to `f` when a file loads both,
 * so exactly when `f` is connected to `s`), so one walk per registering file answers every file,
 * instead of one walk of the (often large) connected part of the graph per linted file.
 */
const managersByFile = defineProgramFact((program) => {
  const ofFile = perFile(program);
  const graph = localImportGraph(program);
  const byFile = new Map<string, Set<ContextManagerKind>>();
  const nodes = new Set<string>(graph.references.keys());
  for (const targets of graph.importers.keys()) nodes.add(targets);
  for (const s of nodes) {
    const sf = program.getSourceFile(s);
    const kinds = sf ? ofFile(sf) : undefined;
    if (!kinds || kinds.size === 0) continue;
    for (const f of connectedFiles(graph, s)) {
      let set = byFile.get(f);
      if (!set) byFile.set(f, (set = new Set()));
      for (const k of kinds) set.add(k);
    }
  }
  return byFile;
});

/** The managers registered by the files of the process `fileName` runs in (see `connectedFiles`). */
export function contextManagersAround(program: ts.Program, fileName: string): Set<ContextManagerKind> {
  const kinds = new Set<ContextManagerKind>(managersByFile(program).get(fileName));
  // The file itself is always among its connected files, graph node or not.
  const sf = program.getSourceFile(fileName);
  if (sf) for (const k of perFile(program)(sf)) kinds.add(k);
  return kinds;
}

/**
 * The context manager the code of this file runs under: the `contextManager` setting, else the one
 * manager the program (or, without type information, this file) evidently registers, else
 * AsyncLocalStorage, Node's default. Several different managers in one process are ambiguous and
 * also fall back to the default.
 */
export function effectiveContextManager(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): ContextManagerKind {
  const setting = readSettings(context).contextManager;
  if (setting) return setting;
  const { program } = parserServices(context);
  const kinds = program ? contextManagersAround(program, programFileName(context)) : contextManagersInText(context.sourceCode.text);
  return kinds.size === 1 ? [...kinds][0] : 'async-local-storage';
}
