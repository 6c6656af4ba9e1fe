import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The fields of a package.json the rules read. */
export interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface NearestPackage {
  /** The folder that holds the package.json. */
  dir: string;
  json: PackageJson;
}

const byDir = new Map<string, NearestPackage | null>();

function readPackage(dir: string): NearestPackage | null {
  try {
    return { dir, json: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson };
  } catch {
    return null;
  }
}

/**
 * The package.json nearest to a file (its own folder first, then up), skipping those inside
 * node_modules of other packages only when the file itself is not there. Cached per folder for the
 * whole lint run: package.json files do not change while ESLint runs.
 */
export function nearestPackage(filePath: string): NearestPackage | undefined {
  const visited: string[] = [];
  let dir = path.dirname(path.resolve(filePath));
  let found: NearestPackage | null = null;
  for (;;) {
    const hit = byDir.get(dir);
    if (hit !== undefined) {
      found = hit;
      break;
    }
    visited.push(dir);
    const pkg = readPackage(dir);
    if (pkg) {
      found = pkg;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of visited) byDir.set(d, found);
  return found ?? undefined;
}

/** Every dependency name the package declares (runtime, dev and optional). */
export function declaredDependencies(pkg: PackageJson | undefined): ReadonlySet<string> {
  return new Set([...Object.keys(pkg?.dependencies ?? {}), ...Object.keys(pkg?.devDependencies ?? {}), ...Object.keys(pkg?.optionalDependencies ?? {})]);
}
