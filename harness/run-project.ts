/**
 * Runs a small fixture *project* (an entry, a tracing setup module, an app module and a
 * package.json whose `start` script says how Node starts it) the way a user runs it: `npm start`'s
 * command in a shell, under the 2.x or 3.x SDK line. The load-order proofs need this: what is under
 * test is the project's own module order and preload flags, which the single-file harness
 * (`run-fixture.ts`, whose preload sets the SDK up) would change. Not shipped.
 *
 * The project sets its SDK up itself and records spans with `harness/collect.mjs`, whose path (for
 * `require`) and URL (for `import`) it finds in `OTEL_CONTEXT_HARNESS_COLLECT_PATH` /
 * `OTEL_CONTEXT_HARNESS_COLLECT`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { normalizeSpans } from '../testing/normalize.js';
import type { TraceSpan } from '../testing/types.js';
import { tempRoot, type SdkLine } from './run-fixture.js';

export interface ProjectRunOptions {
  sdk: SdkLine;
  /** The package.json script to run (default `start`). */
  script?: string;
  /** Default 20000; the process group is killed after it. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface ProjectRunResult {
  /** Ended spans, in end order. */
  spans: TraceSpan[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

const HARNESS_DIR = path.dirname(fileURLToPath(import.meta.url));
const COLLECT = path.join(HARNESS_DIR, 'collect.mjs');

/** Copies the project under the SDK line's package root (so bare imports resolve to that line) and runs its script. */
export async function runProject(projectDir: string, options: ProjectRunOptions): Promise<ProjectRunResult> {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.[options.script ?? 'start'];
  if (!command) throw new Error(`runProject: ${projectDir}/package.json has no "${options.script ?? 'start'}" script`);
  const base = tempRoot(options.sdk);
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'project-'));
  try {
    fs.cpSync(projectDir, dir, { recursive: true });
    const spansFile = path.join(dir, 'spans.jsonl');
    fs.writeFileSync(spansFile, '');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      OTEL_CONTEXT_HARNESS_SPANS_FILE: spansFile,
      OTEL_CONTEXT_HARNESS_COLLECT: pathToFileURL(COLLECT).href,
      OTEL_CONTEXT_HARNESS_COLLECT_PATH: COLLECT,
      // NodeSDK would otherwise start OTLP metric and log exporters aimed at the network.
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_TRACES_EXPORTER: 'none',
    };
    // The test runner's own NODE_OPTIONS must not leak in; a script may set its own.
    delete env.NODE_OPTIONS;
    const run = await spawnShell(command, dir, env, options.timeoutMs ?? 20_000);
    const lines = fs
      .readFileSync(spansFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { event?: string })
      .filter((r) => r.event === 'end')
      .map(({ event: _event, ...rest }) => rest);
    return { spans: normalizeSpans(lines), ...run };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function spawnShell(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) reject(new Error(`runProject: "${command}" timed out after ${timeoutMs} ms\n${stderr}`));
      else resolve({ stdout, stderr, exitCode: code ?? -1 });
    });
  });
}
