import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repo's own source passes its lint config: typescript-eslint's typed rules and eslint-plugin-eslint-plugin on the rules. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('own source lint (eslint.config.mjs)', () => {
  it('reports nothing', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`));
    expect(problems).toEqual([]);
  }, 300_000);
});
