// One codemod benchmark run in its own process: `all` through the runner API (--dry), or a
// jscodeshift no-op baseline through jscodeshift's own Runner (in band, dry), over a corpus copy.
// Usage: node bench/codemod-child.mjs <all|noop-estree|noop-babel> <corpusDir> <result.json>
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, listCorpusSources } from './corpus.mjs';

const [mode, dir, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const started = performance.now();
let result;
if (mode === 'all') {
  const { runCodemods } = await import(path.join(repoRoot, 'dist/engine/runner.js'));
  const { codemods } = await import(path.join(repoRoot, 'dist/codemods/index.js'));
  const summary = await runCodemods({ codemods, paths: ['.'], cwd: dir, dry: true });
  result = {
    counts: summary.counts,
    todos: summary.todos.length,
    errors: summary.files.filter((f) => f.status === 'error').map((f) => `${f.path}: ${f.message}`).concat(summary.runErrors.map((e) => `${e.path ?? ''} ${e.message}`)),
  };
} else if (mode === 'noop-estree' || mode === 'noop-babel') {
  const { run } = require('jscodeshift/src/Runner.js');
  const files = listCorpusSources(dir);
  const stats = await run(path.join(repoRoot, `bench/${mode}.cjs`), files, { runInBand: true, dry: true, silent: true, babel: false, verbose: 0, extensions: 'ts,tsx,mts,cts,js,jsx,mjs,cjs' });
  result = { counts: { scanned: files.length, ok: stats.ok, nochange: stats.nochange, skipped: stats.skip, errors: stats.error }, errors: [] };
} else {
  throw new Error(`unknown mode ${mode}`);
}
result.ms = performance.now() - started;
result.maxRSSKiB = process.resourceUsage().maxRSS;
writeFileSync(out, JSON.stringify(result));
