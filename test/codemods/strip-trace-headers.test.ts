import { describe, expect, it } from 'vitest';
import { describeCodemodFixtures, unmarkedReports } from '../helpers/codemod-fixtures.js';
import { describeFixtureFolder } from '../helpers/fixture-folder.js';

const UNDICI = { 'otel-context': { instrumented: ['http', 'undici'] } };
const HTTP_ONLY = { 'otel-context': { instrumented: ['http'] } };

// Where the undici instrumentation is registered: hand-set, forwarded and injected trace headers are doubled.
describeCodemodFixtures('strip-trace-headers', { settings: UNDICI });
// Where only the http instrumentation is: lost injections, setter-less Headers, forwarded and constant headers.
const httpOnly = describeFixtureFolder('strip-trace-headers', 'http-only', { settings: HTTP_ONLY });

describe('strip-trace-headers without the undici instrumentation', () => {
  // A stripped fetch carries nothing until undici is registered: no-bare-fetch then reports it, and
  // propagate-fetch registers it (the runtime test runs these outputs under undici).
  for (const name of ['constant-traceparent', 'malformed-traceparent', 'forwarded-headers']) {
    it(`${name}: the stripped fetch is reported by no-bare-fetch`, () => {
      const c = httpOnly.find((f) => f.name === name)!;
      expect(unmarkedReports(['no-bare-fetch'], c.outputPath, c.output, HTTP_ONLY).map((m) => m.messageId)).toEqual(['bareFetch']);
    });
  }
});
