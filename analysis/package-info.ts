import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's name and version, read from its package.json (from the sources or from dist/). */
function read(): { name: string; version: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'eslint-plugin-otel-context') return { name: pkg.name, version: pkg.version ?? '0.0.0' };
    } catch {
      // not here; keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { name: 'eslint-plugin-otel-context', version: '0.0.0' };
    dir = parent;
  }
}

export const packageInfo = read();
