import path from 'node:path';
import { toJscodeshiftTransform } from '../engine/create-codemod.js';
import { lintFix } from '../engine/lint-fix.js';
import type { Codemod, CodemodResult } from '../engine/types.js';

/**
 * Applies the fixes and suggestions of `no-lost-context`: binds listeners (and, under a context
 * manager that does not follow them, timer and promise callbacks) to the active context, runs
 * leaking intervals in the root context, injects the active context into worker, process and queue
 * payloads and extracts it where they are handled.
 *
 * It sees every processed file at once: a message whose receiving side is in another file is
 * fixed only when that file is processed too (`processedFiles`), so a run never fixes one side
 * alone; otherwise the sender gets a TODO marker that names the receiving file.
 */
export const codemod: Codemod = {
  id: 'bind-context',
  description: 'Carry the trace context across emitters, timers, worker threads, child processes and queues',
  rules: ['no-lost-context'],
  transformProject(inputs, options) {
    const processedFiles = inputs.map((i) => path.resolve(i.path));
    const results = new Map<string, CodemodResult>();
    for (const input of inputs) {
      results.set(
        input.path,
        lintFix(input, { rules: { 'no-lost-context': [{ processedFiles }] } }, { parser: options.parser, settings: options.settings as Record<string, unknown> | undefined, realPath: true }),
      );
    }
    return { results, notes: [] };
  },
};

export default toJscodeshiftTransform(codemod);
