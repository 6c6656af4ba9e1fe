import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Codemod, CodemodOptions, CodemodResult, CodemodTodo, ParserName } from './types.js';
import { walkFiles, describeError } from './walk-files.js';
import { decodeSource, encodeSource, restoreLineEndings } from './source-text.js';
import { lineMap, unifiedDiff } from './diff.js';
import { uncommittedChanges } from './git.js';
import { writeFileAtomic } from './write-atomic.js';
import { existsSync } from 'node:fs';
import ts from 'typescript';
import { parserFor } from './parser-choice.js';
import { CodemodParseError } from './types.js';

/** The script kind typescript-estree (so every codemod's parser) gives the file: by extension, else by parser. */
function scriptKind(file: string, forced: ParserName | undefined): ts.ScriptKind {
  switch (path.extname(file).toLowerCase()) {
    case '.js':
    case '.cjs':
    case '.mjs':
      return ts.ScriptKind.JS;
    case '.ts':
    case '.cts':
    case '.mts':
      return ts.ScriptKind.TS;
    case '.jsx':
      return ts.ScriptKind.JSX;
    case '.tsx':
      return ts.ScriptKind.TSX;
    default:
      return parserFor(file, forced) === 'ts' ? ts.ScriptKind.TS : ts.ScriptKind.TSX;
  }
}

/**
 * The first syntax error of `text`, or undefined: TypeScript's parse diagnostics, the ones
 * typescript-estree throws the first of (before its ESTree conversion, which the codemods' lint
 * parse adds, with scope analysis). Line and column are 1-based.
 */
function syntaxProblem(file: string, text: string, forced: ParserName | undefined): CodemodParseError | undefined {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const sf = ts.createSourceFile(file, source, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKind(file, forced));
  const first = (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics?.[0];
  if (!first) return undefined;
  const { line, character } = sf.getLineAndCharacterOfPosition(first.start);
  return new CodemodParseError(file, line + 1, character + 1, ts.flattenDiagnosticMessageText(first.messageText, '\n'));
}

/** The package.json that governs files in `dir`, or undefined. */
function nearestPackageJson(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Runs codemods over files on disk: the engine behind `otel-context-codemod`.
 *
 * Files are read once; the codemods then run in the given order as a pipeline over the texts in
 * memory (a per-file codemod file by file, a cross-file one over every file at once; one that
 * offers both runs cross-file, as it then sees every file); each changed
 * file is written once, at the end, atomically. A file that fails in any codemod (parse error,
 * exception) is reported and left exactly as it was; the other files go on.
 */
export interface RunOptions {
  /** The codemods to run, in order. */
  codemods: readonly Codemod[];
  /** Files and directories, relative to `cwd`. */
  paths: readonly string[];
  cwd?: string;
  /** Write nothing; give each changed file's unified diff (`FileReport.diff`). */
  dry?: boolean;
  /** Write nothing; give each changed file's new source (`FileReport.output`). */
  print?: boolean;
  /** Write even files with uncommitted changes in git. */
  force?: boolean;
  /** Force a parser; by default the codemods pick one per file extension. */
  parser?: ParserName;
  /** Codemod-specific mode (`--mode`). */
  mode?: string;
  /** More options for every codemod (e.g. `settings`). */
  codemodOptions?: Record<string, unknown>;
  /** Larger files are skipped (default 5 MiB). */
  maxFileBytes?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  phase: 'scan' | 'read' | 'transform' | 'write';
  /** Items done in this phase (files found while scanning). */
  done: number;
  total?: number;
  /** Display path of the current file or directory. */
  path?: string;
  /** The running codemod and its place in the pipeline (transform phase). */
  codemod?: string;
  codemodIndex?: number;
  codemodCount?: number;
}

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'error';

export interface FileReport {
  /** Relative to `cwd` (absolute when outside it), as reached through any symlinks. */
  path: string;
  absolutePath: string;
  /** `changed` means "would change" in dry, print and refused runs. */
  status: FileStatus;
  /** Why a file was skipped, or what went wrong. */
  message?: string;
  /** Where a parse error is. */
  line?: number;
  column?: number;
  /** The codemods that changed the file. */
  changedBy?: string[];
  /** Dry runs: the unified diff of a changed file. */
  diff?: string;
  /** Print runs: the new source of a changed file. */
  output?: string;
}

export interface RunNote {
  codemod: string;
  message: string;
}

export interface RunIssue {
  path?: string;
  codemod?: string;
  message: string;
}

export interface RunSummary {
  mode: 'write' | 'dry' | 'print';
  codemods: string[];
  /** Every file found, sorted by path. */
  files: FileReport[];
  /** `scanned` = changed + unchanged + skipped + files that errored; `errors` adds `runErrors`. */
  counts: { scanned: number; changed: number; unchanged: number; skipped: number; errors: number };
  /** Files actually written. */
  written: number;
  /** TODO markers the codemods left, with their line in the final text. */
  todos: CodemodTodo[];
  notes: RunNote[];
  /** Not errors: directories not walked (symlink loops, links leaving the given paths) and the like. */
  warnings: RunIssue[];
  /** Errors not tied to one file: unreadable directories, a cross-file codemod that threw. */
  runErrors: RunIssue[];
  /** Files not written because they have uncommitted changes (nothing was written then). */
  refused: { path: string; reason: string }[];
  durationMs: number;
  /** 0 ok, 1 some file or codemod failed, 2 refused (dirty git tree without `force`). */
  exitCode: 0 | 1 | 2;
}

/** Bad invocation: nothing was read or written. The CLI exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
const PARSERS: readonly ParserName[] = ['ts', 'tsx', 'babel'];
const READ_CONCURRENCY = 16;

interface Work {
  report: FileReport;
  realPath: string;
  original: Buffer;
  originalText: string;
  text: string;
  bom: boolean;
  crlf: boolean;
  todos: CodemodTodo[];
  changedBy: Set<string>;
  failed: boolean;
  /** Created by a cross-file codemod (did not exist when the run started). */
  isNew?: boolean;
}

export async function runCodemods(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const codemods = options.codemods;
  if (codemods.length === 0) throw new UsageError('no codemods to run');
  if (options.paths.length === 0) throw new UsageError('no paths given');
  if (options.parser !== undefined && !PARSERS.includes(options.parser)) {
    throw new UsageError(`unknown parser "${String(options.parser)}" (use one of: ${PARSERS.join(', ')})`);
  }
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const progress = options.onProgress ?? (() => {});
  const display = (abs: string) => {
    const rel = path.relative(cwd, abs);
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
  };
  const summary: RunSummary = {
    mode: options.print ? 'print' : options.dry ? 'dry' : 'write',
    codemods: codemods.map((c) => c.id),
    files: [],
    counts: { scanned: 0, changed: 0, unchanged: 0, skipped: 0, errors: 0 },
    written: 0,
    todos: [],
    notes: [],
    warnings: [],
    runErrors: [],
    refused: [],
    durationMs: 0,
    exitCode: 0,
  };

  // 1. Find the files.
  const walk = await walkFiles(options.paths, {
    cwd,
    onDirectory: (dir, found) => progress({ phase: 'scan', done: found, path: display(dir) }),
  });
  if (walk.missing.length > 0) throw new UsageError(`no such file or directory: ${walk.missing.join(', ')}`);
  for (const w of walk.warnings) summary.warnings.push({ path: display(w.path), message: w.message });
  for (const e of walk.errors) summary.runErrors.push({ path: display(e.path), message: e.message });
  for (const s of walk.skippedFiles) summary.files.push({ path: display(s.path), absolutePath: s.path, status: 'skipped', message: s.message });

  // 2. Read them.
  const works: Work[] = [];
  const reports = walk.files.map((f): FileReport => ({ path: display(f.path), absolutePath: f.path, status: 'unchanged' }));
  summary.files.push(...reports);
  let read = 0;
  const readOne = async (index: number) => {
    const file = walk.files[index];
    const report = reports[index];
    const loaded = await readSource(file.realPath, maxBytes);
    progress({ phase: 'read', done: ++read, total: walk.files.length, path: report.path });
    if ('skip' in loaded) {
      report.status = 'skipped';
      report.message = loaded.skip;
    } else if ('error' in loaded) {
      report.status = 'error';
      report.message = loaded.error;
    } else {
      works[index] = {
        report,
        realPath: file.realPath,
        original: loaded.bytes,
        originalText: loaded.text,
        text: loaded.text,
        bom: loaded.bom,
        crlf: loaded.crlf,
        todos: [],
        changedBy: new Set(),
        failed: false,
      };
    }
  };
  await pool(walk.files.length, READ_CONCURRENCY, readOne);
  const active = () => works.filter((w): w is Work => w !== undefined && !w.failed);
  const byPath = new Map<string, Work>();
  for (const w of works) if (w) byPath.set(w.report.absolutePath, w);

  // 3. Run the pipeline over the texts in memory.
  // The runner writes what cross-file codemods create (see `adopt`), so they may create files.
  const baseOptions: CodemodOptions = { ...options.codemodOptions, parser: options.parser, mode: options.mode, createFiles: true };
  const apply = (w: Work, codemod: Codemod, result: CodemodResult | undefined) => {
    if (!result || typeof result.output !== 'string') throw new Error('returned no output');
    const output = result.output.charCodeAt(0) === 0xfeff ? result.output.slice(1) : result.output;
    if (output !== w.text) {
      if (w.todos.length > 0) {
        const map = lineMap(w.text, output);
        for (const todo of w.todos) todo.line = map(todo.line - 1) + 1;
      }
      w.text = output;
      w.changedBy.add(codemod.id);
    }
    for (const todo of result.todos ?? []) w.todos.push({ ...todo, path: w.report.path });
    for (const message of result.notes ?? []) addNote(codemod.id, message);
  };
  const fail = (w: Work, codemod: Codemod, error: unknown) => {
    w.failed = true;
    w.text = w.originalText;
    w.todos = [];
    w.changedBy.clear();
    w.report.status = 'error';
    const parse = asParseError(error);
    if (parse) {
      w.report.message = `cannot parse: ${parse.parserMessage}`;
      w.report.line = parse.line;
      w.report.column = parse.column;
    } else {
      w.report.message = `codemod ${codemod.id} failed: ${errorMessage(error)}`;
    }
  };
  const noteKeys = new Set<string>();
  const addNote = (codemod: string, message: string) => {
    const key = `${codemod}\0${message}`;
    if (noteKeys.has(key)) return;
    noteKeys.add(key);
    summary.notes.push({ codemod, message });
  };

  /**
   * A cross-file codemod may touch two kinds of file outside the run: a new file in a folder the
   * run processes (instrumentation-first extracts the setup into `instrumentation.ts`), and the
   * package.json nearest to a processed file (start scripts). Nothing else outside the given paths.
   */
  const adopt = async (abs: string, inputs: Work[]): Promise<Work | undefined> => {
    const dirs = new Set(active().map((w) => path.dirname(w.report.absolutePath)));
    let loaded: { bytes: Buffer; text: string; bom: boolean; crlf: boolean } | undefined;
    let isNew = false;
    const exists = await fs.stat(abs).then(() => true, () => false);
    if (!exists && dirs.has(path.dirname(abs))) {
      loaded = { bytes: Buffer.alloc(0), text: '', bom: false, crlf: false };
      isNew = true;
    } else if (exists && path.basename(abs) === 'package.json' && [...dirs].some((d) => nearestPackageJson(d) === abs)) {
      const read = await readSource(abs, maxBytes);
      if ('bytes' in read) loaded = read;
    }
    if (!loaded) return undefined;
    const report: FileReport = { path: display(abs), absolutePath: abs, status: 'unchanged' };
    summary.files.push(report);
    const w: Work = { report, realPath: abs, original: loaded.bytes, originalText: loaded.text, text: loaded.text, bom: loaded.bom, crlf: loaded.crlf, todos: [], changedBy: new Set(), failed: false, isNew };
    works.push(w);
    byPath.set(abs, w);
    inputs.push(w);
    return w;
  };

  // A file that cannot be parsed is an error, never "unchanged"; but the codemods parse only the
  // files their rules may report on (each rule's text gate, `rule-gates.ts`), and cross-file ones
  // only the files they need. So every file's syntax is checked here, once, up front, with
  // TypeScript's parser alone (a fraction of a lint parse); the codemods then see only files that
  // parse, and one that parses a file the check let through still reports its own parse error.
  for (const w of active()) {
    const error = syntaxProblem(w.report.absolutePath, w.text, options.parser);
    if (error) fail(w, codemods[0], error);
  }

  for (const [codemodIndex, codemod] of codemods.entries()) {
    const step = { phase: 'transform' as const, codemod: codemod.id, codemodIndex, codemodCount: codemods.length };
    if (codemod.transformProject) {
      let inputs = active();
      progress({ ...step, done: 0, total: inputs.length });
      for (;;) {
        let result;
        try {
          result = codemod.transformProject(
            inputs.map((w) => ({ path: w.report.absolutePath, source: w.text })),
            { ...baseOptions },
          );
        } catch (error) {
          // A file the codemod could not parse is that file's error: run again without it.
          const parse = asParseError(error);
          const culprit = parse ? byPath.get(path.resolve(cwd, parse.path)) : undefined;
          if (culprit && inputs.includes(culprit)) {
            fail(culprit, codemod, error);
            inputs = inputs.filter((w) => w !== culprit);
            continue;
          }
          summary.runErrors.push({ codemod: codemod.id, message: `codemod ${codemod.id} failed: ${errorMessage(error)}` });
          break;
        }
        for (const [file, fileResult] of result?.results ?? []) {
          const w = byPath.get(path.resolve(cwd, file)) ?? (await adopt(path.resolve(cwd, file), inputs));
          if (!w || !inputs.includes(w)) {
            summary.warnings.push({ path: display(path.resolve(cwd, file)), codemod: codemod.id, message: `codemod ${codemod.id} returned a result for a file outside this run; ignored` });
            continue;
          }
          try {
            apply(w, codemod, fileResult);
          } catch (error) {
            fail(w, codemod, error);
          }
        }
        for (const message of result?.notes ?? []) addNote(codemod.id, message);
        break;
      }
      progress({ ...step, done: inputs.length, total: inputs.length });
    } else if (codemod.transformFile) {
      const inputs = active();
      for (const [i, w] of inputs.entries()) {
        progress({ ...step, done: i, total: inputs.length, path: w.report.path });
        try {
          apply(w, codemod, codemod.transformFile({ path: w.report.absolutePath, source: w.text }, { ...baseOptions }));
        } catch (error) {
          fail(w, codemod, error);
        }
      }
      progress({ ...step, done: inputs.length, total: inputs.length });
    } else {
      summary.runErrors.push({ codemod: codemod.id, message: `codemod ${codemod.id} has neither transformFile nor transformProject` });
    }
  }

  // 4. Results: what changed, the diffs or sources asked for.
  const changed: { w: Work; bytes: Buffer }[] = [];
  for (const w of active()) {
    const bytes = encodeSource(w.text, w);
    w.todos.sort((a, b) => a.line - b.line);
    summary.todos.push(...dedupeTodos(w.todos));
    if (bytes.equals(w.original)) continue;
    w.report.status = 'changed';
    w.report.changedBy = [...w.changedBy];
    const newText = restoreLineEndings(w.text, w);
    if (w.isNew) w.report.message = 'created';
    if (summary.mode === 'dry') {
      const name = path.isAbsolute(w.report.path) ? w.report.path : null;
      w.report.diff = unifiedDiff(w.originalText, newText, w.isNew ? '/dev/null' : name ?? `a/${w.report.path}`, name ?? `b/${w.report.path}`);
    } else if (summary.mode === 'print') {
      w.report.output = (w.bom ? '\uFEFF' : '') + newText;
    }
    changed.push({ w, bytes });
  }

  // 5. Write, unless dry or refused.
  if (summary.mode === 'write' && changed.length > 0) {
    if (!options.force) {
      const check = uncommittedChanges(changed.map((c) => c.w.realPath));
      for (const { w } of changed) {
        if (check.dirty.has(w.realPath)) summary.refused.push({ path: w.report.path, reason: 'uncommitted changes' });
        else if (check.unknown.has(w.realPath)) summary.refused.push({ path: w.report.path, reason: `git cannot tell whether it has uncommitted changes: ${check.unknown.get(w.realPath)}` });
      }
    }
    if (summary.refused.length === 0) {
      for (const [i, { w, bytes }] of changed.entries()) {
        progress({ phase: 'write', done: i, total: changed.length, path: w.report.path });
        try {
          const current = await fs.readFile(w.realPath).catch((error: NodeJS.ErrnoException) => {
            if (w.isNew && error.code === 'ENOENT') return w.original;
            throw error;
          });
          if (!current.equals(w.original)) throw new Error(w.isNew ? 'the file appeared on disk during the run; not written' : 'the file changed on disk during the run; not written');
          await writeFileAtomic(w.realPath, bytes);
          summary.written++;
        } catch (error) {
          w.report.status = 'error';
          w.report.message = `cannot write: ${describeError(error)}`;
        }
      }
      progress({ phase: 'write', done: changed.length, total: changed.length });
    }
  }

  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  summary.files.sort((a, b) => byName(a.path, b.path));
  summary.todos.sort((a, b) => byName(a.path, b.path) || a.line - b.line);
  for (const f of summary.files) {
    if (f.status === 'error') summary.counts.errors++;
    else summary.counts[f.status]++;
  }
  summary.counts.scanned = summary.files.length;
  summary.counts.errors += summary.runErrors.length;
  summary.durationMs = performance.now() - started;
  summary.exitCode = summary.refused.length > 0 ? 2 : summary.counts.errors > 0 ? 1 : 0;
  return summary;
}

type Loaded = { bytes: Buffer; text: string; bom: boolean; crlf: boolean } | { skip: string } | { error: string };

async function readSource(file: string, maxBytes: number): Promise<Loaded> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const stat = await handle.stat();
      if (stat.size > maxBytes) return { skip: `larger than ${formatBytes(maxBytes)} (${formatBytes(stat.size)})` };
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { error: `cannot read: ${describeError(error)}` };
  }
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return { skip: decoded.reason };
  return { bytes, text: decoded.text, bom: decoded.bom, crlf: decoded.crlf };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** `CodemodParseError` by shape, so one thrown by a codemod loaded from another copy of the engine counts too. */
function asParseError(error: unknown): { path: string; line?: number; column?: number; parserMessage: string } | undefined {
  const e = error as { name?: unknown; path?: unknown; parserMessage?: unknown; line?: unknown; column?: unknown } | null;
  if (!e || e.name !== 'CodemodParseError' || typeof e.parserMessage !== 'string' || typeof e.path !== 'string') return undefined;
  return {
    path: e.path,
    parserMessage: e.parserMessage,
    line: typeof e.line === 'number' ? e.line : undefined,
    column: typeof e.column === 'number' ? e.column : undefined,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function dedupeTodos(todos: readonly CodemodTodo[]): CodemodTodo[] {
  const seen = new Set<string>();
  return todos.filter((t) => {
    const key = `${t.line}\0${t.ruleId}\0${t.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
