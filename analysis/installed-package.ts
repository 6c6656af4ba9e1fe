import { readFileSync } from 'node:fs';
import path from 'node:path';

/** An installed package as Node would resolve it from a file: its folder and version. */
export interface InstalledPackage {
  dir: string;
  version: string;
}

const cache = new Map<string, InstalledPackage | null>();

function readVersion(dir: string): InstalledPackage | null {
  try {
    const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? { dir, version: json.version } : null;
  } catch {
    return null;
  }
}

/**
 * The copy of `packageName` that `require`/`import` would load from `fromFile`: the first
 * `node_modules/<packageName>/package.json` walking up from the file's folder. Cached per
 * (folder, package) for the lint run.
 */
export function installedPackage(fromFile: string, packageName: string): InstalledPackage | undefined {
  let dir = path.dirname(path.resolve(fromFile));
  const visited: string[] = [];
  let found: InstalledPackage | null = null;
  for (;;) {
    const key = `${dir}\0${packageName}`;
    const hit = cache.get(key);
    if (hit !== undefined) {
      found = hit;
      break;
    }
    visited.push(key);
    if (path.basename(dir) !== 'node_modules') {
      found = readVersion(path.join(dir, 'node_modules', packageName));
      if (found) break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const key of visited) cache.set(key, found);
  return found ?? undefined;
}

/** The package a declaration file belongs to (`.../node_modules/<name>/...`), with its version. */
export function packageOfDeclaration(fileName: string): { name: string; version: string } | undefined {
  const match = /^(.*[\\/]node_modules[\\/])((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(fileName);
  if (!match) return undefined;
  const name = match[2].replace(/\\/g, '/');
  const dir = match[1] + match[2];
  let pkg = cache.get(dir);
  if (pkg === undefined) cache.set(dir, (pkg = readVersion(dir)));
  return pkg ? { name, version: pkg.version } : undefined;
}

/** The major version number of a semver string, or undefined. */
export function majorVersion(version: string | undefined): number | undefined {
  const m = version ? /^(\d+)\./.exec(version) : null;
  return m ? Number(m[1]) : undefined;
}
