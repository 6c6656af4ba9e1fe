import type ts from 'typescript';
import { defineProgramFact, projectSourceFiles } from './program-facts.js';
import { tracingInText } from './worker-module.js';

/**
 * Answers "which file of the program processes bullmq queue X, and does it trace": every
 * `new Worker('<queue name>', ...)` in a project file that imports `bullmq`, read from the text
 * (cheap; a queue name held in a variable is not seen). Computed once per program.
 */
export const bullmqProcessors = defineProgramFact((program: ts.Program): ReadonlyMap<string, { file: string; traces: boolean }> => {
  const processors = new Map<string, { file: string; traces: boolean }>();
  for (const sf of projectSourceFiles(program)) {
    const text = sf.text;
    if (!/['"]bullmq['"]/.test(text)) continue;
    const traces = tracingInText(text).traces;
    for (const m of text.matchAll(/\bnew\s+Worker\s*(?:<[^>]*>)?\(\s*(['"`])([^'"`$]+)\1/g)) {
      const existing = processors.get(m[2]);
      if (!existing || (!existing.traces && traces)) processors.set(m[2], { file: sf.fileName, traces });
    }
  }
  return processors;
});
