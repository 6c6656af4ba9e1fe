import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import transform, { codemod } from '../../codemods/propagate-fetch.js';
import { describeCodemodFixtures, unmarkedReports } from '../helpers/codemod-fixtures.js';
import { describeFixtureFolder } from '../helpers/fixture-folder.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A package whose package.json lists the http instrumentation but not the undici one. */
const service = (file: string) => path.join(ROOT, 'fixtures/outbound-http/http-only', file);

// Default mode: the setup in the file gets the undici instrumentation.
describeCodemodFixtures('propagate-fetch');
// --mode=inject: each call injects the active context itself.
describeFixtureFolder('propagate-fetch', 'inject', { codemodOptions: { mode: 'inject' } });
// `instrumented` lists http but not undici: the processed setup, once it registers undici, wins over the stale setting.
describeFixtureFolder('propagate-fetch', 'http-only-setting', { settings: { 'otel-context': { instrumented: ['http'] } } });

const SETUP = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';

export const sdk = new NodeSDK({
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();
`;
const CLIENT = `export async function checkStock(sku: string): Promise<unknown> {
  const res = await fetch(\`http://inventory/stock/\${sku}\`);
  return res.json();
}
`;

describe('propagate-fetch across files', () => {
  it('registers undici in the setup file for the calls of another file, which stays as it is', () => {
    const setup = { path: service('src/instrumentation.ts'), source: SETUP };
    const client = { path: service('src/inventory.ts'), source: CLIENT };
    const { results, notes } = codemod.transformProject!([setup, client], {});
    expect(results.get(setup.path)!.output).toBe(`import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

export const sdk = new NodeSDK({
  instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()],
});
sdk.start();
`);
    expect(results.get(client.path)!.output).toBe(CLIENT);
    expect(notes).toEqual([
      'registered UndiciInstrumentation in 1 setup file(s): it carries the trace context for the 1 fetch/undici call(s) in 1 file(s)',
      `add @opentelemetry/instrumentation-undici to the dependencies in ${path.join(ROOT, 'fixtures/outbound-http/http-only/package.json')} (instrumentation.ts now imports it)`,
    ]);
    // A second run over the result changes nothing.
    const again = codemod.transformProject!([{ path: setup.path, source: results.get(setup.path)!.output }, client], {});
    expect(again.results.get(setup.path)!.output).toBe(results.get(setup.path)!.output);
    expect(again.notes).toEqual([]);
  });

  it('changes nothing when no call needs it', () => {
    const setup = { path: service('src/instrumentation.ts'), source: SETUP };
    const other = { path: service('src/math.ts'), source: 'export const add = (a: number, b: number) => a + b;\n' };
    const { results, notes } = codemod.transformProject!([setup, other], {});
    expect(results.get(setup.path)!.output).toBe(SETUP);
    expect(notes).toEqual([]);
  });

  it('writes the new import in the quotes of the file, and names a shorthand list', () => {
    const setup = {
      path: service('src/instrumentation.ts'),
      source: `import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
const instrumentations = [new HttpInstrumentation()];
registerInstrumentations({ instrumentations });
`,
    };
    const client = { path: service('src/inventory.ts'), source: CLIENT };
    const { results } = codemod.transformProject!([setup, client], {});
    expect(results.get(setup.path)!.output).toBe(`import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
const instrumentations = [new HttpInstrumentation()];
registerInstrumentations({ instrumentations: [instrumentations, new UndiciInstrumentation()] });
`);
  });

  it('ignores setups in test files', () => {
    const testSetup = {
      path: service('test/setup.ts'),
      source: `import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';\nnew NodeTracerProvider().register();\n`,
    };
    const client = { path: service('src/inventory.ts'), source: CLIENT };
    const { results } = codemod.transformProject!([testSetup, client], {});
    expect(results.get(testSetup.path)!.output).toBe(testSetup.source);
    expect(results.get(client.path)!.output).toBe(CLIENT);
  });

  it('marks the calls when the setting says undici is missing and no setup is among the files', () => {
    const client = { path: service('src/inventory.ts'), source: CLIENT };
    const settings = { 'otel-context': { instrumented: ['http'] } };
    const { results, notes } = codemod.transformProject!([client], { settings });
    const out = results.get(client.path)!;
    expect(out.output.split('\n')[1]).toMatch(/^ {2}\/\/ TODO\(otel-context\): otel-context\/no-bare-fetch: `fetch` sends no `traceparent`/);
    expect(out.todos).toHaveLength(1);
    expect(notes).toEqual([
      'no tracing setup (NodeSDK, registerInstrumentations, a tracer provider) found among the processed files: register new UndiciInstrumentation() where tracing is set up; 1 fetch/undici call(s) are marked TODO(otel-context)',
    ]);
    expect(codemod.transformProject!([{ path: client.path, source: out.output }], { settings }).results.get(client.path)!.output).toBe(out.output);
  });

  it('registers undici once when `instrumented` omits it, then trusts the setup over the stale setting', () => {
    const settings = { 'otel-context': { instrumented: ['http'] } };
    const setup = { path: service('src/instrumentation.ts'), source: SETUP };
    const client = { path: service('src/inventory.ts'), source: CLIENT };
    const first = codemod.transformProject!([setup, client], { settings });
    const registered = first.results.get(setup.path)!.output;
    expect(registered).toContain('instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()],');
    expect(first.results.get(client.path)!.output).toBe(CLIENT);
    expect(first.notes).toContain(
      "settings['otel-context'].instrumented does not list undici, but instrumentation.ts now registers UndiciInstrumentation: the setting is stale; add 'undici' to it (without type information, no-bare-fetch sees the registration only in the file that makes it and keeps reporting the calls of other files)",
    );
    // The second run (same stale setting) adds no second UndiciInstrumentation, and says why.
    const again = codemod.transformProject!([{ path: setup.path, source: registered }, client], { settings });
    expect(again.results.get(setup.path)!.output).toBe(registered);
    expect(again.results.get(client.path)!.output).toBe(CLIENT);
    expect(again.notes).toEqual([
      "settings['otel-context'].instrumented does not list undici, but instrumentation.ts registers UndiciInstrumentation: the setting is stale; add 'undici' to it (without type information, no-bare-fetch sees the registration only in the file that makes it and keeps reporting the calls of other files)",
    ]);
    // The rule agrees where it sees the registration (the setup file, or the program with types);
    // without types, another file sees only the setting.
    const both = SETUP.replace('new HttpInstrumentation()]', 'new HttpInstrumentation(), new UndiciInstrumentation()]').replace(
      "import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';\n",
      "import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';\nimport { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';\n",
    );
    expect(unmarkedReports(['no-bare-fetch'], service('src/setup.ts'), both + CLIENT, settings)).toEqual([]);
    expect(unmarkedReports(['no-bare-fetch'], client.path, CLIENT, settings)).toHaveLength(1);
  });

  it('never adds UndiciInstrumentation to a list that already has one', () => {
    const setup = {
      path: service('src/instrumentation.ts'),
      source: `import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
registerInstrumentations({ instrumentations: [new UndiciInstrumentation({ enabled: false })] });
`,
    };
    const client = { path: service('src/inventory.ts'), source: CLIENT };
    const { results } = codemod.transformProject!([setup, client], {});
    const out = results.get(setup.path)!.output;
    expect(out.match(/new UndiciInstrumentation\(/g)).toHaveLength(1);
    expect(out).toContain('// TODO(otel-context): otel-context/no-bare-fetch: this setup lists an UndiciInstrumentation that is not enabled');
  });

  it('treats another codemod\'s --mode (in an `all` run) as the default', () => {
    const input = { path: service('src/setup.ts'), source: SETUP + CLIENT };
    const preload = codemod.transformProject!([input], { mode: 'preload' }).results.get(input.path)!.output;
    expect(preload).toBe(codemod.transformProject!([input], {}).results.get(input.path)!.output);
    expect(preload).toContain('new UndiciInstrumentation()');
  });

  it('works as a jscodeshift transform (undefined when nothing changes)', () => {
    expect(transform({ path: service('src/inventory.ts'), source: CLIENT }, {}, {})).toBeUndefined();
    expect(transform({ path: service('src/setup.ts'), source: SETUP + CLIENT }, {}, {})).toContain('new UndiciInstrumentation()');
  });
});
