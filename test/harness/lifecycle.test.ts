// How the harness runs, ends and cleans up a fixture; setup: 'none'; fixture transpilation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixture, tempRoot, transpileFixture } from '../../harness/run-fixture.js';
import { assertTraceConnected, checkTraceIntegrity, relation } from '../../testing/index.js';
import { SDK_LINES, fixture } from './helpers.js';

describe.concurrent.each(SDK_LINES)('SDK %s.x', (sdk) => {
  it('an unended parent: not in spans (its child is an orphan), listed in unendedSpans', async () => {
    const run = await runFixture(fixture('unended-parent.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.spans.map((s) => s.name)).toEqual(['ended-child']);
    expect(relation(run.spans, 'ended-child', 'never-ended')).toBe('parent-missing');
    expect(checkTraceIntegrity(run.spans).orphans).toHaveLength(1);
    expect(run.unendedSpans).toHaveLength(1);
    expect(run.unendedSpans[0]).toMatchObject({ name: 'never-ended', ended: false });
    const all = checkTraceIntegrity([...run.spans, ...run.unendedSpans]);
    expect(all.problems.map((p) => p.kind)).toEqual(['unended']);
  });

  it('main() throwing → exit code 1, the error on stderr, spans before the failure kept', async () => {
    const run = await runFixture(fixture('failing.ts'), { sdk });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('fixture failure on purpose');
    // source maps point at the original .ts fixture
    expect(run.stderr).toContain('failing.ts');
    expect(run.spans.map((s) => s.name)).toEqual(['before-failure']);
  });

  it('open handles left by main() do not keep the run alive; the return value comes back', async () => {
    const started = Date.now();
    const run = await runFixture(fixture('open-handle.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.returnValue).toBe('returned');
    expect(run.spans.map((s) => s.name)).toEqual(['done']);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('timeouts and errors', () => {
  it('kills a hanging fixture after timeoutMs and rejects', async () => {
    const started = Date.now();
    await expect(runFixture(fixture('hangs.ts'), { sdk: 2, timeoutMs: 1500 })).rejects.toThrow(/timed out after 1500 ms/);
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('rejects bad options and missing fixtures before running anything', async () => {
    await expect(runFixture(fixture('nope.ts'), { sdk: 2 })).rejects.toThrow(/no such fixture/);
    await expect(runFixture(fixture('active-nested.ts'), { sdk: 4 as never })).rejects.toThrow(/sdk must be 2 or 3/);
    await expect(runFixture(fixture('active-nested.ts'), { sdk: 2, instrumentations: ['pg' as never] })).rejects.toThrow(
      /unknown instrumentation/,
    );
    await expect(runFixture(fixture('active-nested.ts'), { sdk: 2, setup: 'none', contextManager: 'none' })).rejects.toThrow(
      /with setup: 'none' the fixture sets them/,
    );
  });

  it('runs plain .mjs fixtures and passes args and env through', async () => {
    const run = await runFixture(fixture('plain-js.mjs'), { sdk: 3, args: ['x', '--y'], env: { HARNESS_FIXTURE_FLAG: 'on' } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.returnValue).toEqual({ argv: ['x', '--y'], env: 'on' });
    expect(relation(run.spans, 'js-child', 'js-parent')).toBe('child');
  });

  it.each(SDK_LINES)('runs CommonJS (.cts) fixtures (SDK %s.x)', async (sdk) => {
    const run = await runFixture(fixture('commonjs.cts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.returnValue).toEqual({ httpLoaded: true, moduleType: 'function' });
    expect(relation(run.spans, 'cjs-child', 'cjs-parent')).toBe('child');
  });

  it('accepts a repo-relative path and a file URL', async () => {
    const a = await runFixture('fixtures/runtime/harness/startspan-siblings.ts', { sdk: 2 });
    const b = await runFixture(new URL(`file://${fixture('startspan-siblings.ts')}`), { sdk: 3 });
    expect(a.spans).toHaveLength(2);
    expect(b.spans).toHaveLength(2);
  });
});

describe("setup: 'none' (the fixture wires the SDK itself, recording through harness/collect.mjs)", () => {
  it('2.x NodeTracerProvider#register() → connected', async () => {
    const run = await runFixture(fixture('self-setup-sdk2.ts'), { sdk: 2, setup: 'none', args: ['register'] });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans);
    expect(relation(run.spans, 'child', 'parent')).toBe('child');
  });

  it('2.x setGlobalTracerProvider(BasicTracerProvider) only → the child is a new root', async () => {
    const run = await runFixture(fixture('self-setup-sdk2.ts'), { sdk: 2, setup: 'none', args: ['basic'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'child', 'parent')).toBe('new-root');
  });

  it('3.x TracerProvider + hand-set ALS + propagator → connected', async () => {
    const run = await runFixture(fixture('self-setup-sdk3.ts'), { sdk: 3, setup: 'none', args: ['manual'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'child', 'parent')).toBe('child');
  });

  it('3.x setGlobalTracerProvider only → the child is a new root', async () => {
    const run = await runFixture(fixture('self-setup-sdk3.ts'), { sdk: 3, setup: 'none', args: ['basic'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'child', 'parent')).toBe('new-root');
  });

  it('3.x with the 2.x form new SimpleSpanProcessor(exporter) → nothing is exported, silently', async () => {
    const run = await runFixture(fixture('self-setup-sdk3.ts'), { sdk: 3, setup: 'none', args: ['old-processor'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.spans).toEqual([]);
    expect(() => assertTraceConnected(run.spans)).toThrow(/no spans at all/);
  });

  it('instrumentations are enabled against the global provider the fixture registers later', async () => {
    const run = await runFixture(fixture('late-provider-http.ts'), { sdk: 2, setup: 'none', instrumentations: ['http'] });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans);
    expect(relation(run.spans, (s) => s.kind === 2, 'parent')).toBe('child');
    expect(relation(run.spans, (s) => s.kind === 1, (s) => s.kind === 2)).toBe('child');
  });

  it('no harness provider: a fixture that sets up nothing records nothing', async () => {
    const run = await runFixture(fixture('active-nested.ts'), { sdk: 2, setup: 'none' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.spans).toEqual([]);
  });
});

describe('transpilation and isolation', () => {
  it('rewrites relative imports of plain JS to absolute URLs and rejects imports of other TS files', () => {
    const out = transpileFixture(fixture('self-setup-sdk2.ts'));
    expect(out).toMatch(/from "file:\/\/\/.*\/harness\/collect\.mjs"/);
    expect(out).not.toContain('Promise<void>'); // types erased
    expect(out).toContain('sourceMappingURL=data:application/json');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-transpile-'));
    try {
      const file = path.join(dir, 'bad.ts');
      fs.writeFileSync(path.join(dir, 'helper.ts'), 'export const x = 1;');
      fs.writeFileSync(file, "import { x } from './helper.js';\nexport default async function main() { return x; }\n");
      expect(() => transpileFixture(file)).toThrow(/self-contained/);
      // CommonJS: require()s of plain JS get absolute paths
      fs.writeFileSync(path.join(dir, 'helper.cjs'), 'module.exports = 1;');
      const cts = path.join(dir, 'ok.cts');
      fs.writeFileSync(cts, "import x = require('./helper.cjs');\nexport default async function main() { return x; }\n");
      expect(transpileFixture(cts)).toContain(`require(${JSON.stringify(path.join(dir, 'helper.cjs'))})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs in parallel without interference, under the SDK line\'s root, and removes its temp dirs', async () => {
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runFixture(fixture('where-am-i.ts'), { sdk: SDK_LINES[i % 2] })),
    );
    const traceIds = new Set<string>();
    runs.forEach((run, i) => {
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.spans).toHaveLength(2);
      assertTraceConnected(run.spans);
      traceIds.add(run.spans[0].traceId);
      const { dir } = run.returnValue as { dir: string };
      expect(path.dirname(dir)).toBe(tempRoot(SDK_LINES[i % 2]));
      expect(fs.existsSync(dir)).toBe(false);
    });
    expect(traceIds.size).toBe(6);
  });
});
