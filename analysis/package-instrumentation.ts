import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { nearestPackage, type NearestPackage } from './package-json.js';
import { nodeCommands } from './start-scripts.js';
import { preloadedSetup } from './setup-modules.js';
import {
  AUTO_INSTRUMENTATION_DEFAULTS,
  fileInstrumentations,
  mergeInstrumentations,
  type InstrumentationRegistrations,
} from './instrumentation-registrations.js';

/**
 * What the nearest package.json says about instrumentation, for setups that live outside the
 * code (`node --require @opentelemetry/auto-instrumentations-node/register dist/index.js`,
 * `node --import ./instrumentation.mjs ...`): cheap, and visible without type information.
 * Cached per package folder for the lint run.
 */
export interface PackageInstrumentation {
  /** What the scripts preload (`--require`/`-r`/`--import`, also inside `NODE_OPTIONS`), merged. */
  readonly preloaded: InstrumentationRegistrations | undefined;
  /**
   * Instrumentation name -> the runtime dependencies (`dependencies`, `optionalDependencies`) that
   * can register it. Dev dependencies do not count: they are not installed where the service runs.
   */
  readonly providers: ReadonlyMap<string, readonly string[]>;
}

const PROVIDER_PACKAGES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['@opentelemetry/auto-instrumentations-node', AUTO_INSTRUMENTATION_DEFAULTS],
  ['@splunk/otel', AUTO_INSTRUMENTATION_DEFAULTS],
  ['@elastic/opentelemetry-node', AUTO_INSTRUMENTATION_DEFAULTS],
  ['@vercel/otel', new Set(['http', 'undici'])],
  ['@azure/monitor-opentelemetry', new Set(['http'])],
]);
const INSTRUMENTATION_PACKAGE = /^@opentelemetry\/instrumentation-([a-z0-9.-]+)$/;

const cache = new Map<string, PackageInstrumentation>();
const NONE: PackageInstrumentation = { preloaded: undefined, providers: new Map() };

export function packageInstrumentation(filePath: string): PackageInstrumentation {
  const pkg = nearestPackage(filePath);
  if (!pkg) return NONE;
  let hit = cache.get(pkg.dir);
  if (!hit) cache.set(pkg.dir, (hit = read(pkg)));
  return hit;
}

function read(pkg: NearestPackage): PackageInstrumentation {
  const providers = new Map<string, string[]>();
  const runtime = { ...pkg.json.optionalDependencies, ...pkg.json.dependencies };
  for (const dep of Object.keys(runtime)) {
    const short = INSTRUMENTATION_PACKAGE.exec(dep)?.[1];
    for (const n of PROVIDER_PACKAGES.get(dep) ?? (short ? [short] : [])) providers.set(n, [...(providers.get(n) ?? []), dep]);
  }
  const preloads: InstrumentationRegistrations[] = [];
  for (const command of nodeCommands(pkg.json.scripts)) {
    for (const { specifier } of command.preloads) {
      const registrations = specifier.startsWith('.') || path.isAbsolute(specifier) ? preloadedFile(pkg.dir, specifier) : distroPreload(specifier, command.env);
      if (registrations) preloads.push(registrations);
    }
  }
  return { preloaded: preloads.length > 0 ? mergeInstrumentations(preloads) : undefined, providers };
}

/** A distro's `register` entry point, with `OTEL_NODE_(EN|DIS)ABLED_INSTRUMENTATIONS` from the command applied. */
function distroPreload(specifier: string, env: Readonly<Record<string, string>>): InstrumentationRegistrations | undefined {
  const base = [...PROVIDER_PACKAGES.keys()].find((p) => specifier === p || specifier.startsWith(`${p}/`));
  if (!base) return undefined;
  const list = (name: string) => env[name]?.split(',').map((s) => s.trim()).filter(Boolean);
  const only = list('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const off = new Set(list('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []);
  const defaults = [...PROVIDER_PACKAGES.get(base)!];
  const enabled = new Set(defaults.filter((n) => (!only || only.includes(n)) && !off.has(n)));
  const disabled = new Set(defaults.filter((n) => !enabled.has(n)));
  return { setup: true, enabled, disabled, opaque: false, browser: false, importedModules: new Set([specifier]), sites: [] };
}

/** What a preloaded file of the package registers (a build output path is read from its source). */
function preloadedFile(dir: string, specifier: string): InstrumentationRegistrations | undefined {
  const file = preloadedSetup(dir, specifier)?.file;
  if (!file) return undefined;
  try {
    return fileInstrumentations(ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false));
  } catch {
    return undefined;
  }
}
