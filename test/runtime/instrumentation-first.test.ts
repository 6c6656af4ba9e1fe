/**
 * Runtime proof for instrumentation-first (DESIGN.md §1.6, §6): each fixture project is started the
 * way its package.json says, under the real SDK (2.x and 3.x lines), with real express/koa on
 * 127.0.0.1; the rule is run on the same entry file. What the rule reports is what loses spans.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import { runProject } from '../../harness/run-project.js';
import { relation } from '../../testing/index.js';
import rule from '../../rules/instrumentation-first.js';
import { codemod } from '../../codemods/instrumentation-first.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const projects = path.join(ROOT, 'fixtures/runtime/instrumentation-first');

function ruleMessages(project: string, entry: string): string[] {
  const file = path.join(projects, project, entry);
  const linter = new Linter({ configType: 'flat' });
  return linter
    .verify(readFileSync(file, 'utf8'), [{ files: ['**/*.{cjs,mjs}'], plugins: { 'otel-context': { rules: { 'instrumentation-first': rule as never } } }, rules: { 'otel-context/instrumentation-first': 'error' } }], { filename: file })
    .map((m) => m.messageId ?? m.message);
}

const SERVER = /^GET/;
const isExpress = (s: { scope?: string }) => s.scope === '@opentelemetry/instrumentation-express';
const isKoa = (s: { scope?: string }) => s.scope === '@opentelemetry/instrumentation-koa';

interface Case {
  project: string;
  entry: string;
  /** What the rule says about the entry. */
  reports: string[];
  serverSpans: number;
  frameworkSpans: number;
  framework: (s: { scope?: string }) => boolean;
}

const CASES: Case[] = [
  { project: 'cjs-setup-first', entry: 'server.cjs', reports: [], serverSpans: 1, frameworkSpans: 2, framework: isExpress },
  { project: 'cjs-express-first', entry: 'server.cjs', reports: ['importedBeforeSetup'], serverSpans: 0, frameworkSpans: 0, framework: isExpress },
  { project: 'esm-inline', entry: 'server.mjs', reports: ['esmImportHoisted'], serverSpans: 0, frameworkSpans: 0, framework: isExpress },
  { project: 'esm-setup-first', entry: 'server.mjs', reports: ['esmSetupNotPreloaded'], serverSpans: 0, frameworkSpans: 0, framework: isExpress },
  { project: 'esm-preload-nohook', entry: 'server.mjs', reports: ['preloadWithoutLoaderHook'], serverSpans: 1, frameworkSpans: 0, framework: isExpress },
  { project: 'esm-preload-hook', entry: 'server.mjs', reports: [], serverSpans: 1, frameworkSpans: 2, framework: isExpress },
  { project: 'cjs-koa-first', entry: 'server.cjs', reports: ['importedBeforeSetup'], serverSpans: 0, frameworkSpans: 0, framework: isKoa },
  { project: 'cjs-koa-setup-first', entry: 'server.cjs', reports: [], serverSpans: 1, frameworkSpans: 2, framework: isKoa },
];

describe('instrumentation-first: the rule agrees with the runtime', () => {
  for (const c of CASES) {
    it(`${c.project}: ${c.reports.length ? c.reports.join(', ') : 'no report'}`, () => {
      expect(ruleMessages(c.project, c.entry)).toEqual(c.reports);
    });
  }
});

for (const sdk of [2, 3] as const) {
  describe(`instrumentation-first at runtime, SDK ${sdk}.x`, () => {
    for (const c of CASES) {
      it(`${c.project}: ${c.serverSpans} server span(s), ${c.frameworkSpans} framework span(s)`, async () => {
        const { spans, exitCode, stderr } = await runProject(path.join(projects, c.project), { sdk });
        expect(exitCode, stderr).toBe(0);
        const server = spans.filter((s) => SERVER.test(s.name) && s.kind === 1);
        const framework = spans.filter(c.framework);
        expect(server).toHaveLength(c.serverSpans);
        expect(framework).toHaveLength(c.frameworkSpans);
        // Where there are framework spans, they are in the request's trace, the outermost one under its server span.
        if (framework.length > 0) {
          for (const f of framework) expect(f.traceId).toBe(server[0].traceId);
          const outer = framework.find((f) => !framework.some((g) => g.spanId === f.parentSpanId))!;
          expect(relation(spans, (s) => s.spanId === outer.spanId, (s) => s.spanId === server[0].spanId)).toBe('child');
        }
      });
    }
  });
}

/** Runs the codemod on a copy of a broken project; returns the fixed copy's folder. */
function fixedCopy(project: string, mode?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `otel-context-${project}-`));
  cpSync(path.join(projects, project), dir, { recursive: true });
  const inputs = readdirSync(dir)
    .filter((f) => /\.[cm]?js$/.test(f))
    .map((f) => ({ path: path.join(dir, f), source: readFileSync(path.join(dir, f), 'utf8') }));
  for (const [file, result] of codemod.transformProject!(inputs, { mode, createFiles: true }).results) writeFileSync(file, result.output);
  return dir;
}

for (const sdk of [2, 3] as const) {
  describe(`instrumentation-first codemod output at runtime, SDK ${sdk}.x`, () => {
    it('CommonJS: the moved setup gives the server span and the express spans', async () => {
      const dir = fixedCopy('cjs-express-first');
      try {
        expect(readFileSync(path.join(dir, 'server.cjs'), 'utf8')).toMatch(/^\/\/.*\nrequire\("\.\/instrumentation\.cjs"\);\nconst express = require\("express"\);/);
        const { spans, exitCode, stderr } = await runProject(dir, { sdk });
        expect(exitCode, stderr).toBe(0);
        expect(spans.filter((s) => SERVER.test(s.name) && s.kind === 1)).toHaveLength(1);
        expect(spans.filter(isExpress)).toHaveLength(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    it('ES module, --mode=preload: the extracted setup, preloaded with the loader hook, gives full spans', async () => {
      const dir = fixedCopy('esm-inline', 'preload');
      try {
        expect((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start).toBe('node --import ./instrumentation.mjs server.mjs');
        const { spans, exitCode, stderr } = await runProject(dir, { sdk });
        expect(exitCode, stderr).toBe(0);
        expect(spans.filter((s) => SERVER.test(s.name) && s.kind === 1)).toHaveLength(1);
        expect(spans.filter(isExpress)).toHaveLength(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
