// (c) threads and processes: the preload runs in worker threads, pool threads and forked
// children (NODE_OPTIONS), and all of them record into the run's span file.
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../harness/run-fixture.js';
import { assertTraceConnected, relation } from '../../testing/index.js';
import { SDK_LINES, fixture } from './helpers.js';

describe.concurrent.each(SDK_LINES)('SDK %s.x', (sdk) => {
  it('worker_threads without propagation → the worker span is a new root', async () => {
    const run = await runFixture(fixture('worker-thread.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'worker-task', 'main-parent')).toBe('new-root');
    const worker = run.spans.find((s) => s.name === 'worker-task')!;
    const main = run.spans.find((s) => s.name === 'main-parent')!;
    expect(worker.attributes?.['thread.id']).not.toBe(main.attributes?.['thread.id']);
    expect(worker.attributes?.['process.pid']).toBe(main.attributes?.['process.pid']);
  });

  it('worker_threads with inject → message → extract → the worker span is a child', async () => {
    const run = await runFixture(fixture('worker-thread.ts'), { sdk, args: ['propagate'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'worker-task', 'main-parent')).toBe('child');
    assertTraceConnected(run.spans);
    const { carrier } = run.returnValue as { carrier: { traceparent: string } };
    const main = run.spans.find((s) => s.name === 'main-parent')!;
    expect(carrier.traceparent).toBe(`00-${main.traceId}-${main.spanId}-01`);
  });

  it('the preload, with instrumentations and the ESM loader hook, also runs in worker threads', async () => {
    const run = await runFixture(fixture('worker-thread.ts'), { sdk, args: ['propagate'], instrumentations: ['http', 'express'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'worker-task', 'main-parent')).toBe('child');
  });

  it('child_process.fork without propagation → the child span is a new root, recorded from the child process', async () => {
    const run = await runFixture(fixture('child-process.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'child-process-task', 'main-parent')).toBe('new-root');
    const child = run.spans.find((s) => s.name === 'child-process-task')!;
    expect(child.attributes?.['process.pid']).not.toBe((run.returnValue as { parentPid: number }).parentPid);
  });

  it('child_process.fork with the carrier in the env → child', async () => {
    const run = await runFixture(fixture('child-process.ts'), { sdk, args: ['propagate'] });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(relation(run.spans, 'child-process-task', 'main-parent')).toBe('child');
    assertTraceConnected(run.spans);
  });

  it('piscina without a carrier → new root; with a carrier in the task argument → child', async () => {
    const [plain, propagated] = await Promise.all([
      runFixture(fixture('piscina-pool.ts'), { sdk }),
      runFixture(fixture('piscina-pool.ts'), { sdk, args: ['propagate'] }),
    ]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(propagated.exitCode, propagated.stderr).toBe(0);
    expect(relation(plain.spans, 'pool-task', 'main-parent')).toBe('new-root');
    expect(relation(propagated.spans, 'pool-task', 'main-parent')).toBe('child');
  });
});
