import path from 'node:path';
import { nearestPackage } from './package-json.js';

/**
 * Is this file a test: `*.test.*`, `*.spec.*`, or under a `test`, `tests` or `__tests__` folder
 * (or a `spec` folder at the package root) of its package? Tests set up tracing for what they
 * assert, not for a service, and observe the spans they export: a rule may ask less of them.
 */
const TEST_FILE = /(?:^|[\\/])(?:__tests__|tests?)[\\/]|^spec[\\/]|\.(?:test|spec)\.[cm]?[jt]sx?$/;

export function isTestModule(filename: string): boolean {
  // Folders above the package (a checkout under `~/test/`) say nothing about the file.
  const pkg = nearestPackage(filename);
  const relative = pkg ? path.relative(pkg.dir, path.resolve(filename)) : path.basename(filename);
  return TEST_FILE.test(relative.startsWith('..') ? path.basename(filename) : relative);
}
