import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { fileInstrumentations } from './instrumentation-registrations.js';
import { loadedFiles, localImportGraph, resolveLocalModule } from './local-import-graph.js';
import { sourceKey } from './start-scripts.js';

/**
 * Is a module a tracing setup (loading it starts an SDK or registers instrumentations), and does it
 * register the ESM loader hook? Local modules are read from the program (typed) or from disk
 * (untyped, two levels of local imports deep); a module that cannot be read counts as a setup when
 * its name says so (`./instrumentation`, `./tracing`, `./otel`, `./telemetry`).
 */

/** Packages whose import starts tracing by itself. */
const SELF_STARTING = new Set([
  '@opentelemetry/auto-instrumentations-node/register',
  '@splunk/otel/instrument',
  '@elastic/opentelemetry-node',
  '@azure/monitor-opentelemetry/loader',
]);

const SETUP_NAME = /(^|\/)(instrumentation|instrument|tracing|tracer|otel|opentelemetry|telemetry)$/;
const LOADER_HOOK = /(@opentelemetry\/instrumentation|import-in-the-middle)\/hook\.mjs/;
const EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'];

/** Does a `--loader`/`--experimental-loader` value install the instrumentation hook? */
export const isLoaderHook = (specifier: string): boolean => LOADER_HOOK.test(specifier);

/** Does this code register the instrumentation loader hook (`module.register('…/hook.mjs', …)`)? */
export const textRegistersLoaderHook = (text: string): boolean => LOADER_HOOK.test(text) && /\bregister(Hooks)?\s*\(/.test(text);

interface DiskModule {
  text: string;
  setup: boolean;
  imports: string[];
}

const disk = new Map<string, DiskModule | null>();

function readDisk(file: string): DiskModule | null {
  let hit = disk.get(file);
  if (hit !== undefined) return hit;
  hit = null;
  try {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    const imports = [...fileInstrumentations(sf).importedModules].filter((m) => m.startsWith('.'));
    hit = { text, setup: fileInstrumentations(sf).setup || [...fileInstrumentations(sf).importedModules].some((m) => SELF_STARTING.has(m)), imports };
  } catch {
    hit = null;
  }
  disk.set(file, hit);
  return hit;
}

/** The file a relative specifier names on disk (`.js` written for a `.ts` source, index files). */
export function resolveOnDisk(fromDir: string, specifier: string): string | undefined {
  const base = path.resolve(fromDir, specifier);
  const stem = base.replace(/\.[cm]?[jt]sx?$/, '');
  for (const candidate of [base, ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))]) {
    try {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    } catch {
      // unreadable: try the next
    }
  }
  return undefined;
}

export interface SetupModule {
  /** The file, when it could be read. */
  file?: string;
  /** It (or what it loads) registers the loader hook. */
  registersLoaderHook: boolean;
}

/** What a specifier loaded from `fromFile` is, when it is a tracing setup. */
export function setupModule(fromFile: string, specifier: string, program?: ts.Program): SetupModule | undefined {
  const bare = specifier.replace(/^node:/, '');
  if (SELF_STARTING.has(bare)) return { registersLoaderHook: false };
  if (!specifier.startsWith('.')) return undefined;
  if (program) {
    const resolved = resolveLocalModule(program, fromFile, specifier);
    if (resolved) {
      const files = [...loadedFiles(localImportGraph(program), resolved)].map((f) => program.getSourceFile(f)).filter((f): f is ts.SourceFile => !!f);
      if (!files.some((f) => fileInstrumentations(f).setup || [...fileInstrumentations(f).importedModules].some((m) => SELF_STARTING.has(m)))) return undefined;
      return { file: resolved, registersLoaderHook: files.some((f) => textRegistersLoaderHook(f.text)) };
    }
  }
  const file = resolveOnDisk(path.dirname(fromFile), specifier);
  const module = file ? readDisk(file) : null;
  if (file && module) {
    const nested = module.imports.map((i) => resolveOnDisk(path.dirname(file), i)).filter((f): f is string => !!f).map(readDisk).filter((m): m is DiskModule => !!m);
    if (!module.setup && !nested.some((m) => m.setup)) return undefined;
    return { file, registersLoaderHook: textRegistersLoaderHook(module.text) || nested.some((m) => textRegistersLoaderHook(m.text)) };
  }
  return SETUP_NAME.test(sourceKey(specifier)) ? { registersLoaderHook: false } : undefined;
}

/** A script's preload, resolved from the package folder (a built `dist/x.js` is read from its source when not built). */
export function preloadedSetup(packageDir: string, specifier: string): SetupModule | undefined {
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return setupModule(path.join(packageDir, 'package.json'), specifier);
  const direct = resolveOnDisk(packageDir, specifier);
  if (direct) return setupModule(path.join(packageDir, 'package.json'), `./${path.relative(packageDir, direct)}`);
  const key = sourceKey(specifier);
  for (const dir of ['src', '.']) {
    const source = resolveOnDisk(path.join(packageDir, dir), `./${key}`);
    if (source) return setupModule(path.join(packageDir, 'package.json'), `./${path.relative(packageDir, source)}`);
  }
  return SETUP_NAME.test(key) ? { registersLoaderHook: false } : undefined;
}
