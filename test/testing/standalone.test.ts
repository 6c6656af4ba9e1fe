// The shipped checker has no runtime dependency (no OpenTelemetry SDK, nothing from
// node_modules) and works under node:test: compile testing/ into a folder outside the repo,
// where nothing can be resolved from node_modules, and run a node:test suite against it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const TESTING = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../testing');

const NODE_TEST = `
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { assertTraceConnected, relation, TraceIntegrityError } from './testing/index.js';

const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
const T2 = '0af7651916cd43dd8448eb211c80319c';
const spans = [
  { name: 'CreateOrder', traceId: T1, spanId: '00f067aa0ba902b7', startTimeUnixNano: '1000000', endTimeUnixNano: '5000000' },
  { name: 'CheckStock', traceId: T2, spanId: '00f067aa0ba902b8', startTimeUnixNano: '1100000', endTimeUnixNano: '2000000' },
];

it('relation', () => assert.equal(relation(spans, 'CheckStock', 'CreateOrder'), 'new-root'));
it('assertTraceConnected throws a TraceIntegrityError', () => {
  assert.throws(() => assertTraceConnected(spans), (e) => e instanceof TraceIntegrityError && /unexpected-root/.test(e.message));
});
it('and passes a whole trace', () => {
  assertTraceConnected([spans[0], { ...spans[1], traceId: T1, parentSpanId: spans[0].spanId }]);
});
`;

it('compiled testing/ runs under node:test with no node_modules in reach', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-context-testing-'));
  try {
    fs.mkdirSync(path.join(dir, 'testing'));
    for (const file of fs.readdirSync(TESTING).filter((f) => f.endsWith('.ts'))) {
      const { outputText } = ts.transpileModule(fs.readFileSync(path.join(TESTING, file), 'utf8'), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      fs.writeFileSync(path.join(dir, 'testing', file.replace(/\.ts$/, '.js')), outputText);
    }
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }');
    fs.writeFileSync(path.join(dir, 'checker.test.mjs'), NODE_TEST);
    const run = spawnSync(process.execPath, ['--test', 'checker.test.mjs'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/# pass 3/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
