import path from 'node:path';
import { nearestPackage, type PackageJson } from './package-json.js';
import { nodeCommands, sourceKey, type NodeCommand } from './start-scripts.js';

/**
 * Is a file an entry module (what `node` starts), and which package.json commands start it?
 * `entryPoints` globs (relative to the package folder) decide when set. Otherwise: the files the
 * scripts run, `main`, `bin` and string `exports`, matched with their source (`dist/server.js` ↔
 * `src/server.ts`), and the common names `src/index.*`, `src/main.*`, `server.*`, `src/server.*`.
 */
export interface EntryInfo {
  isEntry: boolean;
  /** The package.json commands that run this file. */
  commands: readonly NodeCommand[];
  packageDir: string | undefined;
}

const COMMON = /^(src\/(index|main|server)|server)\.[cm]?[jt]sx?$/;

function declaredEntries(pkg: PackageJson): string[] {
  const out: string[] = [];
  if (typeof pkg.main === 'string') out.push(pkg.main);
  if (typeof pkg.bin === 'string') out.push(pkg.bin);
  else if (pkg.bin && typeof pkg.bin === 'object') out.push(...Object.values(pkg.bin).filter((v): v is string => typeof v === 'string'));
  if (typeof pkg.exports === 'string') out.push(pkg.exports);
  return out;
}

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function entryInfo(fileName: string, globs: readonly string[] | undefined): EntryInfo {
  const pkg = nearestPackage(fileName);
  const dir = pkg?.dir ?? process.cwd();
  const relative = path.relative(dir, path.resolve(fileName)).replace(/\\/g, '/');
  const key = sourceKey(relative);
  const commands = nodeCommands(pkg?.json.scripts).filter((c) => c.entry !== undefined && sourceKey(c.entry) === key);
  if (globs) return { isEntry: globs.some((g) => globToRegExp(g.replace(/^\.\//, '')).test(relative)), commands, packageDir: pkg?.dir };
  const isEntry = commands.length > 0 || (pkg ? declaredEntries(pkg.json).some((e) => sourceKey(e) === key) : false) || COMMON.test(relative);
  return { isEntry, commands, packageDir: pkg?.dir };
}
