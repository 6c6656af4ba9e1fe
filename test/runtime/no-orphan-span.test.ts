// Runtime proof for no-orphan-span's valid cases (DESIGN.md §6): code the rule accepts runs as
// one connected trace, on both SDK lines. (The reported patterns are proven by the parent-spans
// fixture pairs: test/runtime/parent-spans.test.ts.)
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFixture, SDK_LINES } from '../../harness/run-fixture.js';
import { assertTraceConnected, relation } from '../../testing/index.js';
import { unmarkedReports } from '../helpers/codemod-fixtures.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runtime/no-orphan-span');
const fixture = (name: string) => path.join(dir, name);

describe('no-orphan-span accepts the valid runtime fixtures', () => {
  for (const name of ['valid-patterns.ts', 'early-tracer.ts']) {
    it(name, () => {
      expect(unmarkedReports(['no-orphan-span'], fixture(name), readFileSync(fixture(name), 'utf8'))).toEqual([]);
    });
  }
});

describe.each(SDK_LINES)('no-orphan-span valid fixtures at runtime, SDK %s.x', (sdk) => {
  it('valid-patterns: every span is under its intended parent', async () => {
    const run = await runFixture(fixture('valid-patterns.ts'), { sdk });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans, { allowRoots: 'detached' });
    expect(relation(run.spans, 'explicit-child', 'explicit-parent')).toBe('child');
    expect(relation(run.spans, 'inner-active', 'outer-active')).toBe('child');
    expect(relation(run.spans, 'block-child', 'block-parent')).toBe('child');
    for (const name of ['explicit-parent', 'outer-active', 'first-step', 'second-step', 'block-parent', 'load-users', 'load-orders']) {
      expect(relation(run.spans, name, 'request'), name).toBe('child');
    }
    expect(relation(run.spans, 'detached', 'request')).toBe('new-root');
  });

  it('early-tracer: a tracer obtained before the SDK starts parents correctly once it has', async () => {
    const run = await runFixture(fixture('early-tracer.ts'), { sdk, setup: 'none', args: [String(sdk)] });
    expect(run.exitCode, run.stderr).toBe(0);
    assertTraceConnected(run.spans);
    expect(relation(run.spans, 'step', 'job')).toBe('child');
  });
});
