import path from 'node:path';
import type { ParserName } from './types.js';

/** The parser for a file: `--parser` when given, else by extension (`.js` may hold JSX). */
export function parserFor(filePath: string, forced?: ParserName): ParserName {
  if (forced) return forced;
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.tsx' || ext === '.jsx' || ext === '.js') return 'tsx';
  return 'ts';
}
