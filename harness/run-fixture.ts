/**
 * The runtime proof harness: runs one fixture program under a real OpenTelemetry SDK (2.x or
 * 3.x line) in a child process and returns the spans it recorded. Not shipped.
 *
 * ```ts
 * import { runFixture, SDK_LINES } from '../../harness/run-fixture.js';
 * import { assertTraceConnected, formatTraceTree, relation } from '../../testing/index.js';
 *
 * describe.each(SDK_LINES)('SDK %s.x', (sdk) => {
 *   it('the fixed code keeps the worker span under the request', async () => {
 *     const run = await runFixture('fixtures/runtime/no-lost-context/worker.output.ts', { sdk });
 *     expect(run.exitCode, run.stderr).toBe(0);
 *     expect(relation(run.spans, 'worker-task', 'request'), formatTraceTree(run.spans)).toBe('child');
 *     assertTraceConnected(run.spans);
 *   });
 * });
 * ```
 *
 * Fixture convention:
 * - one self-contained `.ts`/`.mts`/`.js`/`.mjs` ES module (or `.cts`/`.cjs` CommonJS) using only
 *   `@opentelemetry/api`, node builtins and real frameworks. `setup: 'none'` fixtures also use the
 *   SDK packages of the line they run on, and record spans with `collectingSpanProcessor()` or
 *   `collectingExporter()` imported by relative path from `harness/collect.mjs` (relative imports
 *   of plain .mjs/.js/.cjs/.json files are rewritten to absolute ones; importing other .ts files
 *   is an error);
 * - `export default async function main()` does the work; the harness awaits it, waits for the
 *   spans started in the main thread to end (≤ 300 ms), then exits the process (open handles do
 *   not hang the run). What `main()` returns comes back JSON round-tripped in `returnValue`;
 * - `process.argv` is `[node, fixture, ...options.args]`; `import.meta.url` is the fixture's
 *   transpiled copy in a temp dir (under the SDK line's package root, so `@opentelemetry/api`
 *   resolves to that line's copy; other packages resolve from the repo root);
 * - servers bind 127.0.0.1:0 and are closed by the fixture; workers/children are awaited;
 * - worker threads / piscina / child processes run the same file (`new URL(import.meta.url)`,
 *   `fileURLToPath(import.meta.url)`; piscina: `{ filename: import.meta.url, name: 'task' }` with
 *   `export async function task()`), and branch at module top level on `isMainThread`,
 *   `process.send` or an env var: there the module is evaluated but `main()` is not called. They
 *   run the harness preload too (it comes through NODE_OPTIONS), so their spans are recorded;
 *   children must keep the environment (`env: { ...process.env, ... }`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { normalizeSpans } from '../testing/normalize.js';
import type { TraceSpan } from '../testing/types.js';

export type { TraceSpan } from '../testing/types.js';

/** Both SDK lines, for `describe.each(SDK_LINES)`. */
export const SDK_LINES = [2, 3] as const;

export type SdkLine = 2 | 3;
export type Instrumentation = 'http' | 'undici' | 'express';

export interface RunOptions {
  sdk: SdkLine;
  /**
   * 'als' (default): AsyncLocalStorageContextManager. 'none': the provider is made global
   * without a context manager (2.x `register({ contextManager: null })`, 3.x only
   * `trace.setGlobalTracerProvider`). Not allowed with `setup: 'none'`.
   */
  contextManager?: 'als' | 'none';
  /** Default true: W3C trace-context (+ baggage) propagator registered. Not allowed with `setup: 'none'`. */
  propagator?: boolean;
  /**
   * 'harness' (default): the preload installs provider + context manager + propagator.
   * 'none': no provider at all; the fixture sets up the SDK itself and records spans with
   * `collectingSpanProcessor()` / `collectingExporter()` from `harness/collect.mjs`.
   * `instrumentations` are still enabled by the preload (against the global provider).
   */
  setup?: 'harness' | 'none';
  /**
   * Enabled in the preload, after registering the ESM loader hook
   * (`@opentelemetry/instrumentation/hook.mjs`), so static ESM imports are patched. Default [].
   * express spans need 'http' as well (express only records under a server span).
   */
  instrumentations?: Instrumentation[];
  /** Default 20000. On timeout the process group is killed and runFixture rejects. */
  timeoutMs?: number;
  /** Extra environment for the fixture (merged over the parent's environment). */
  env?: Record<string, string>;
  /** Extra arguments: the fixture sees `process.argv = [node, fixture, ...args]`. */
  args?: string[];
}

export interface RunResult {
  /** Every span that ended (what an exporter would see), from all threads and processes, in end order. */
  spans: TraceSpan[];
  /** Spans recorded as started but never ended (`ended: false`); empty with exporter-only setups. */
  unendedSpans: TraceSpan[];
  stdout: string;
  stderr: string;
  /** 0 ok; 1 main() threw (stack in stderr); 2 no default-exported function; 128+n killed by signal n. */
  exitCode: number;
  /** What `main()` returned, JSON round-tripped (undefined if nothing). */
  returnValue?: unknown;
}

const HARNESS_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(HARNESS_DIR);
const PRELOAD = pathToFileURL(path.join(HARNESS_DIR, 'preload.mjs')).href;
const RUNNER = path.join(HARNESS_DIR, 'runner.mjs');
const COLLECT = path.join(HARNESS_DIR, 'collect.mjs');
const ESM_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);
const CJS_EXTENSIONS = new Set(['.cts', '.cjs']);
const IMPORTABLE_EXTENSIONS = new Set(['.mjs', '.js', '.cjs', '.json']);
const INSTRUMENTATIONS = new Set<string>(['http', 'undici', 'express']);

/** Where temp copies of fixtures go, per SDK line: under the line's package root, so bare imports resolve to its copies. */
export function tempRoot(sdk: SdkLine): string {
  return sdk === 3 ? path.join(HARNESS_DIR, 'sdk3', '.tmp') : path.join(REPO_ROOT, '.runtime-tmp');
}

/** Runs a fixture under the given SDK setup and returns its spans. `file` is absolute, a file URL, or relative to the repo root. */
export async function runFixture(file: string | URL, options: RunOptions): Promise<RunResult> {
  const source = resolveFixture(file);
  validate(options);
  const base = tempRoot(options.sdk);
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'run-'));
  try {
    const compiled = path.join(dir, path.basename(source).replace(/\.[mc]?[jt]s$/, isCommonJs(source) ? '.cjs' : '.mjs'));
    fs.writeFileSync(compiled, transpileFixture(source));
    const spansFile = path.join(dir, 'spans.jsonl');
    const resultFile = path.join(dir, 'result.json');
    fs.writeFileSync(spansFile, '');
    const env = buildEnv(options, spansFile, resultFile);
    const run = await spawnRunner(compiled, dir, env, options);
    const { spans, unendedSpans } = readSpans(spansFile);
    const returnValue: unknown = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
    if (run.timedOut) {
      const error = new Error(
        `runFixture: ${path.relative(REPO_ROOT, source)} timed out after ${options.timeoutMs ?? 20000} ms ` +
          `(sdk ${options.sdk}); killed. ${spans.length} span(s) recorded.\n--- stdout ---\n${tail(run.stdout)}\n--- stderr ---\n${tail(run.stderr)}`,
      );
      Object.assign(error, { spans, unendedSpans, stdout: run.stdout, stderr: run.stderr });
      throw error;
    }
    return { spans, unendedSpans, stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode, returnValue };
  } finally {
    if (!process.env.OTEL_CONTEXT_HARNESS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function resolveFixture(file: string | URL): string {
  const asString = file instanceof URL ? file.href : file;
  const absolute = asString.startsWith('file:')
    ? fileURLToPath(asString)
    : path.isAbsolute(asString)
      ? asString
      : path.resolve(REPO_ROOT, asString);
  if (!fs.existsSync(absolute)) throw new Error(`runFixture: no such fixture ${absolute}`);
  const extension = path.extname(absolute);
  if (!ESM_EXTENSIONS.has(extension) && !CJS_EXTENSIONS.has(extension)) {
    throw new Error(`runFixture: a fixture is a .ts, .mts, .js or .mjs ES module (or a .cts/.cjs CommonJS module), got ${absolute}`);
  }
  return absolute;
}

function validate(options: RunOptions): void {
  if (options.sdk !== 2 && options.sdk !== 3) throw new Error(`runFixture: sdk must be 2 or 3, got ${String(options.sdk)}`);
  if (options.contextManager !== undefined && options.contextManager !== 'als' && options.contextManager !== 'none') {
    throw new Error(`runFixture: contextManager must be 'als' or 'none', got ${String(options.contextManager)}`);
  }
  if (options.setup !== undefined && options.setup !== 'harness' && options.setup !== 'none') {
    throw new Error(`runFixture: setup must be 'harness' or 'none', got ${String(options.setup)}`);
  }
  if (options.setup === 'none' && (options.contextManager !== undefined || options.propagator !== undefined)) {
    throw new Error("runFixture: contextManager/propagator configure the harness's own setup; with setup: 'none' the fixture sets them");
  }
  for (const name of options.instrumentations ?? []) {
    if (!INSTRUMENTATIONS.has(name)) throw new Error(`runFixture: unknown instrumentation ${JSON.stringify(name)}`);
  }
}

function isCommonJs(source: string): boolean {
  return CJS_EXTENSIONS.has(path.extname(source));
}

/**
 * TypeScript → JavaScript (types erased, inline source map pointing at the original file): ESM,
 * or CommonJS for `.cts`/`.cjs` fixtures. Relative imports (and `require`s) are rewritten to the
 * absolute location of their targets (a file URL in ESM, a path in CommonJS), which must be plain
 * JavaScript/JSON (e.g. `harness/collect.mjs`): a fixture is one self-contained file.
 */
export function transpileFixture(source: string): string {
  const text = fs.readFileSync(source, 'utf8');
  const commonJs = isCommonJs(source);
  const rewriteErrors: string[] = [];
  const rewrite = (specifier: string): string => {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
    const target = path.resolve(path.dirname(source), specifier);
    if (fs.existsSync(target) && fs.statSync(target).isFile() && IMPORTABLE_EXTENSIONS.has(path.extname(target))) {
      return commonJs ? target : pathToFileURL(target).href;
    }
    rewriteErrors.push(specifier);
    return specifier;
  };
  const result = ts.transpileModule(text, {
    fileName: source,
    reportDiagnostics: true,
    compilerOptions: {
      module: commonJs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      inlineSources: true,
      esModuleInterop: true,
    },
    transformers: { after: [specifierRewriter(rewrite)] },
  });
  const syntaxErrors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntaxErrors.length > 0) {
    const messages = syntaxErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    throw new Error(`runFixture: cannot transpile ${source}:\n${messages.join('\n')}`);
  }
  if (rewriteErrors.length > 0) {
    throw new Error(
      `runFixture: ${source} imports ${rewriteErrors.map((s) => JSON.stringify(s)).join(', ')}: a fixture must be one ` +
        `self-contained file; only existing plain .mjs/.js/.cjs/.json files (e.g. harness/collect.mjs) may be imported by relative path`,
    );
  }
  return result.outputText;
}

function specifierRewriter(rewrite: (specifier: string) => string): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const { factory } = context;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const next = rewrite(node.moduleSpecifier.text);
        if (next !== node.moduleSpecifier.text) {
          return factory.updateImportDeclaration(node, node.modifiers, node.importClause, factory.createStringLiteral(next), node.attributes);
        }
        return node;
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const next = rewrite(node.moduleSpecifier.text);
        if (next !== node.moduleSpecifier.text) {
          return factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            factory.createStringLiteral(next),
            node.attributes,
          );
        }
        return node;
      }
      if (
        ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
          (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
        node.arguments.length >= 1 &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        const literal = node.arguments[0];
        const next = rewrite(literal.text);
        if (next !== literal.text) {
          return factory.updateCallExpression(node, node.expression, node.typeArguments, [
            factory.createStringLiteral(next),
            ...node.arguments.slice(1),
          ]);
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (sourceFile) => ts.visitNode(sourceFile, visit) as ts.SourceFile;
  };
}

function buildEnv(options: RunOptions, spansFile: string, resultFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // the test runner's own NODE_OPTIONS (loaders, inspector flags) must not leak into the fixture
  delete env.NODE_OPTIONS;
  Object.assign(env, options.env ?? {});
  const userNodeOptions = options.env?.NODE_OPTIONS ?? '';
  env.NODE_OPTIONS = `${userNodeOptions} --enable-source-maps --import=${PRELOAD}`.trim();
  env.OTEL_CONTEXT_HARNESS_SDK = String(options.sdk);
  env.OTEL_CONTEXT_HARNESS_SETUP = options.setup ?? 'harness';
  env.OTEL_CONTEXT_HARNESS_CONTEXT_MANAGER = options.contextManager ?? 'als';
  env.OTEL_CONTEXT_HARNESS_PROPAGATOR = options.propagator === false ? '0' : '1';
  env.OTEL_CONTEXT_HARNESS_INSTRUMENTATIONS = (options.instrumentations ?? []).join(',');
  env.OTEL_CONTEXT_HARNESS_SPANS_FILE = spansFile;
  env.OTEL_CONTEXT_HARNESS_RESULT_FILE = resultFile;
  env.OTEL_CONTEXT_HARNESS_COLLECT = pathToFileURL(COLLECT).href;
  return env;
}

interface SpawnOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  timedOut: boolean;
}

function spawnRunner(compiled: string, cwd: string, env: NodeJS.ProcessEnv, options: RunOptions): Promise<SpawnOutcome> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    // detached: the child leads its own process group, so a timeout (or a fixture's leftover
    // grandchildren) can be killed as a group.
    const child = spawn(process.execPath, [RUNNER, compiled, ...(options.args ?? [])], {
      cwd,
      env,
      // stdin stays open and unwritten: the runner exits when it closes (this process died)
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let exitCode: number | undefined;
    let settled = false;
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(closeTimer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: exitCode ?? -1,
        timedOut,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    let closeTimer: NodeJS.Timeout | undefined;
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : -1);
      // grandchildren the fixture left behind would keep the pipes open
      killGroup();
      closeTimer = setTimeout(finish, 2_000);
    });
    child.on('close', finish);
  });
}

interface SpanRecordLine {
  event?: 'start' | 'end';
  traceId: string;
  spanId: string;
  [key: string]: unknown;
}

function readSpans(file: string): { spans: TraceSpan[]; unendedSpans: TraceSpan[] } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const ended: SpanRecordLine[] = [];
  const started = new Map<string, SpanRecordLine>();
  const endedKeys = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: SpanRecordLine;
    try {
      record = JSON.parse(line) as SpanRecordLine;
    } catch {
      continue; // a line cut short by a killed process
    }
    const key = `${record.traceId}/${record.spanId}`;
    if (record.event === 'start') {
      started.set(key, record);
    } else if (!endedKeys.has(key)) {
      endedKeys.add(key);
      ended.push(record);
    }
  }
  const strip = (r: SpanRecordLine): Record<string, unknown> => {
    const { event: _event, ...rest } = r;
    return rest;
  };
  const spans = normalizeSpans(ended.map(strip));
  const unendedSpans = normalizeSpans(
    [...started.entries()].filter(([key]) => !endedKeys.has(key)).map(([, r]) => ({ ...strip(r), ended: false })),
  );
  return { spans, unendedSpans };
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
