import { describe, expect, it } from 'vitest';
import transform from '../../codemods/end-spans.js';
import { describeCodemodFixtures, runCodemod } from '../helpers/codemod-fixtures.js';

describeCodemodFixtures('end-spans');

describe('codemod end-spans: beyond the fixture pairs', () => {
  it('lists the span it could not wrap, with the marker line, and a second run adds nothing', () => {
    const source = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function load() {
  const span = tracer.startSpan('load');
  const data = await fetchData();
  span.end();
  await save(data);
}
declare function fetchData(): Promise<string>;
declare function save(data: string): Promise<void>;
`;
    const first = runCodemod('end-spans', 'load.ts', source);
    expect(first.output).toContain(`export async function load() {
  // TODO(otel-context): otel-context/require-span-end: Span \`span\` is still open if the \`await\` on line 5 rejects`);
    expect(first.output.replace(/^ *\/\/ TODO\(otel-context\).*\n/m, '')).toBe(source);
    // The span's declaration, below the marker in the output.
    expect(first.todos.map((t) => [t.ruleId, t.line])).toEqual([['otel-context/require-span-end', 5]]);
    expect(runCodemod('end-spans', 'load.ts', first.output).output).toBe(first.output);
  });

  it('ignores the file\'s own inline-config problems (a legacy eslint-env comment, a malformed directive) and fixes the span', () => {
    const source = `/* eslint-env node */
/* eslint no-undef: [ */
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function run(): number {
  const span = tracer.startSpan('run');
  return 1;
}
`;
    const result = runCodemod('end-spans', 'legacy.ts', source);
    expect(result.output).not.toBe(source);
    expect(result.output).toMatch(/span\.end\(\)/);
    expect(result.output.startsWith('/* eslint-env node */\n/* eslint no-undef: [ */\n')).toBe(true);
    expect(runCodemod('end-spans', 'legacy.ts', result.output).output).toBe(result.output);
  });

  it('leaves a report alone where the file disables the rule, as ESLint would not report it', () => {
    const source = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export function run(): number {
  // eslint-disable-next-line otel-context/require-span-end -- ended by the caller
  const span = tracer.startSpan('run');
  return 1;
}
`;
    const result = runCodemod('end-spans', 'disabled.ts', source);
    expect(result.output).toBe(source);
    expect(result.todos).toEqual([]);
  });

  it('nests two overlapping spans over two passes, inner span inside the outer one', () => {
    const source = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function pair() {
  const outer = tracer.startSpan('outer');
  const inner = tracer.startSpan('inner');
  await go();
  inner.end();
  outer.end();
}
declare function go(): Promise<void>;
`;
    expect(runCodemod('end-spans', 'pair.ts', source).output).toBe(`import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function pair() {
  const outer = tracer.startSpan('outer');
  try {
    const inner = tracer.startSpan('inner');
    try {
      await go();
    } finally {
      inner.end();
    }
  } finally {
    outer.end();
  }
}
declare function go(): Promise<void>;
`);
  });

  it('works on CommonJS and keeps CRLF line endings and tab indentation', () => {
    const source = [
      `const { trace } = require('@opentelemetry/api');`,
      `const tracer = trace.getTracer('jobs');`,
      `async function run(job) {`,
      `\tconst span = tracer.startSpan('job');`,
      `\tawait job.execute();`,
      `\tspan.end();`,
      `}`,
      `module.exports = { run };`,
      ``,
    ].join('\r\n');
    expect(runCodemod('end-spans', 'jobs.cjs', source).output).toBe(
      [
        `const { trace } = require('@opentelemetry/api');`,
        `const tracer = trace.getTracer('jobs');`,
        `async function run(job) {`,
        `\tconst span = tracer.startSpan('job');`,
        `\ttry {`,
        `\t\tawait job.execute();`,
        `\t} finally {`,
        `\t\tspan.end();`,
        `\t}`,
        `}`,
        `module.exports = { run };`,
        ``,
      ].join('\r\n'),
    );
  });

  it('leaves template literal contents untouched while re-indenting around them', () => {
    const source = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function report(run: (sql: string) => Promise<void>) {
  const span = tracer.startSpan('report');
  const sql = \`
SELECT *
  FROM orders
\`;
  await run(sql);
  span.end();
}
`;
    const out = runCodemod('end-spans', 'report.ts', source).output;
    expect(out).toContain(`  try {
    const sql = \`
SELECT *
  FROM orders
\`;
    await run(sql);
  } finally {
    span.end();
  }`);
  });

  it('works as a jscodeshift transform and returns undefined when nothing changes', () => {
    const clean = `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
export async function ok() {
  const span = tracer.startSpan('ok');
  try {
    await Promise.all([]);
  } finally {
    span.end();
  }
}
`;
    expect(transform({ path: 'clean.ts', source: clean }, {})).toBeUndefined();
    expect(transform({ path: 'fix.ts', source: clean.replace('try {\n    await Promise.all([]);\n  } finally {\n    span.end();\n  }', 'await Promise.all([]);\n  span.end();') }, {})).toBe(clean);
  });
});
