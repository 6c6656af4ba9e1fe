import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/instrumentation-first.js';
import { typedRoot, typedRuleTester, untypedRuleTester } from '../helpers/rule-tester.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Small projects on disk: their package.json (type, main, start script) and setup modules decide. */
const project = (name: string, file = 'src/server.ts') => path.join(ROOT, 'fixtures/instrumentation-first', name, file);

const INLINE_SETUP = `import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';

const sdk = new NodeSDK({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
sdk.start();
`;

untypedRuleTester.run('instrumentation-first', rule, {
  valid: [
    // CommonJS (TypeScript compiled to CommonJS: no "type": "module"): the setup is loaded first.
    {
      filename: project('cjs-app'),
      code: `import './instrumentation';
import express from 'express';
import 'dotenv/config';

express().listen(3000);`,
    },
    // CommonJS, inline setup before the require.
    {
      filename: project('cjs-app'),
      code: `${INLINE_SETUP}
const express = require('express');
express().listen(3000);`,
    },
    // Preloaded with --require (through NODE_OPTIONS): the order in the file does not matter.
    { filename: project('cjs-preload'), code: `import express from 'express';\nexpress().listen(3000);` },
    // ES module preloaded with --import, and the preload registers the loader hook.
    { filename: project('esm-preload'), code: `import express from 'express';\nexpress().listen(3000);` },
    // A library module is not an entry.
    { filename: project('cjs-app', 'src/routes.ts'), code: `import express from 'express';\nimport './instrumentation';` },
    // Not an entry either (no package.json entry, script or common name points at it).
    `import express from 'express';\nimport './instrumentation';`,
    // The entryPoints setting decides when set.
    {
      filename: project('cjs-app'),
      code: `import express from 'express';\nimport './instrumentation';`,
      settings: { 'otel-context': { entryPoints: ['src/main.ts'] } },
    },
    // An entry that sets nothing up: the setup lives elsewhere (a Dockerfile's NODE_OPTIONS, ...).
    { filename: project('cjs-app'), code: `import express from 'express';\nexpress().listen(3000);` },
    // Loaded later, inside a function; a type-only import loads nothing.
    {
      filename: project('cjs-app'),
      code: `import type { Request } from 'express';
function later() { return require('express'); }
import './instrumentation';
export const handler = (req: Request) => later()(req);`,
    },
    // Only http is instrumented here: pg loads in any order.
    {
      filename: project('cjs-app'),
      code: `const pg = require('pg');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const http = require('http');`,
    },
    // ES module, setup first, only builtins statically imported.
    {
      filename: project('esm-app'),
      code: `import 'dotenv/config';
import './instrumentation.js';
import http from 'node:http';
http.createServer().listen(3000);`,
    },
    // Without types, the rule does not follow './instrumented-app.js' to the express it loads.
    {
      filename: path.join(typedRoot, 'server.ts'),
      code: `import './otel-setup.mjs';
import { app } from './instrumented-app.js';
app.listen(3000);`,
      settings: { 'otel-context': { entryPoints: ['**/server.ts'] } },
    },
  ],
  invalid: [
    {
      filename: project('cjs-app'),
      code: `import 'dotenv/config';
import express from 'express';
import { Pool } from 'pg';
// Tracing.
import './instrumentation';

const app = express();
app.listen(3000);`,
      errors: [
        {
          messageId: 'importedBeforeSetup',
          data: { module: 'express', line: '5' },
          line: 2,
          column: 21,
          endLine: 2,
          endColumn: 30,
          suggestions: [
            {
              messageId: 'moveSetupFirst',
              data: { module: 'express' },
              output: `import 'dotenv/config';
// Tracing.
import './instrumentation';
import express from 'express';
import { Pool } from 'pg';

const app = express();
app.listen(3000);`,
            },
          ],
        },
        {
          messageId: 'importedBeforeSetup',
          data: { module: 'pg', line: '5' },
          line: 3,
          column: 22,
          endLine: 3,
          endColumn: 26,
          suggestions: [
            {
              messageId: 'moveSetupFirst',
              data: { module: 'pg' },
              output: `import 'dotenv/config';
// Tracing.
import './instrumentation';
import express from 'express';
import { Pool } from 'pg';

const app = express();
app.listen(3000);`,
            },
          ],
        },
      ],
    },
    {
      // CommonJS with the setup inline: http is required before the instrumentation is enabled.
      filename: project('cjs-app'),
      code: `const http = require('node:http');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
http.createServer().listen(3000);`,
      errors: [{ messageId: 'importedBeforeSetup', data: { module: 'http', line: '4' }, line: 1, column: 22, endLine: 1, endColumn: 33, suggestions: [] }],
    },
    {
      // ES module, setup in the body: the static import is hoisted above it whatever its place.
      filename: project('esm-app'),
      code: `${INLINE_SETUP}
import express from 'express';
express().listen(3000);`,
      errors: [{ messageId: 'esmImportHoisted', data: { module: 'express', line: '5' }, line: 8, column: 21, endLine: 8, endColumn: 30 }],
    },
    {
      // ES module: a first-line setup import is not enough.
      filename: project('esm-app'),
      code: `import './instrumentation.js';
import express from 'express';
express().listen(3000);`,
      errors: [{ messageId: 'esmSetupNotPreloaded', data: { module: 'express', specifier: './instrumentation.js' }, line: 1, column: 8, endLine: 1, endColumn: 30 }],
    },
    {
      // Preloaded with --import, but the preload never registers the loader hook.
      filename: project('esm-preload-nohook'),
      code: `import http from 'node:http';
import express from 'express';
express().listen(3000);`,
      errors: [
        {
          messageId: 'preloadWithoutLoaderHook',
          data: { script: 'start', preload: './dist/instrumentation.js', module: 'express' },
          line: 2,
          column: 21,
          endLine: 2,
          endColumn: 30,
        },
      ],
    },
  ],
});

const typedEntry = path.join(typedRoot, 'instrumentation-first.case.ts');
const entrySettings = { 'otel-context': { entryPoints: ['**/*.case.ts'] } };

typedRuleTester.run('instrumentation-first (typed)', rule, {
  valid: [
    {
      // A type-only use of the app module loads nothing.
      filename: typedEntry,
      settings: entrySettings,
      code: `${INLINE_SETUP}
import type { app } from './instrumented-app.js';
export type App = typeof app;`,
    },
  ],
  invalid: [
    {
      // The checker follows './instrumented-app.js' to the express it loads; the import is hoisted above the setup.
      filename: typedEntry,
      settings: entrySettings,
      code: `${INLINE_SETUP}
import { app } from './instrumented-app.js';
app.listen(3000);`,
      errors: [
        {
          messageId: 'loadsBeforeSetup',
          data: { specifier: './instrumented-app.js', module: 'express', file: 'instrumented-app.ts', line: '5' },
          line: 8,
          column: 21,
          endLine: 8,
          endColumn: 44,
        },
      ],
    },
    {
      filename: typedEntry,
      settings: entrySettings,
      code: `import './otel-setup.mjs';
import { app } from './instrumented-app.js';
app.listen(3000);`,
      errors: [{ messageId: 'esmSetupNotPreloaded', data: { module: 'express', specifier: './otel-setup.mjs' }, line: 1, column: 8, endLine: 1, endColumn: 26 }],
    },
  ],
});
