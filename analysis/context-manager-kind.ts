import { parserServices } from './parser-services.js';
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

/** The managers registered by the files of the process `fileName` runs in (see `connectedFiles`). */
export function contextManagersAround(program: ts.Program, fileName: string): Set<ContextManagerKind> {
  const ofFile = perFile(program);
  const kinds = new Set<ContextManagerKind>();
  for (const f of connectedFiles(localImportGraph(program), fileName)) {
    const sf = program.getSourceFile(f);
    if (sf) for (const k of ofFile(sf)) kinds.add(k);
  }
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
  const services = parserServices(context);
  // The program's own name for this file (a test harness may hand the rule a relative one).
  const fileName = services.program ? services.esTreeNodeToTSNodeMap.get(context.sourceCode.ast).fileName : undefined;
  const kinds = services.program && fileName ? contextManagersAround(services.program, fileName) : contextManagersInText(context.sourceCode.text);
  return kinds.size === 1 ? [...kinds][0] : 'async-local-storage';
}
