import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run demo` (the README's first command): lint findings for every pattern, the codemod's
 * --dry diff, and the trace before and after under the real SDK — CheckStock floating as its own
 * trace before, hanging under CreateOrder after. Runs the built demo (`npm test` builds first).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the demo', () => {
  it('shows every rule firing, the diff, and CheckStock moving under CreateOrder', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'example/demo.mjs')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout;
    for (const rule of ['instrumentation-first', 'middleware-order', 'require-span-end', 'no-orphan-span', 'no-lost-context', 'no-bare-fetch', 'no-traceparent-overwrite']) {
      expect(out).toContain(`otel-context/${rule}`);
    }
    expect(out).toMatch(/^\+import '\.\/tracing';$/m);
    expect(out).toMatch(/new UndiciInstrumentation\(\)/);
    expect(out).toMatch(/^before: CheckStock under CreateOrder in 0 of 2 orders/m);
    expect(out).toMatch(/^after: CheckStock under CreateOrder in 2 of 2 orders; \d+ trace\(s\), 0 integrity problem\(s\)/m);
  });
});
