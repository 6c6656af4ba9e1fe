import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SDK_LINES as LINES, type SdkLine } from '../../harness/run-fixture.js';

/** The harness's own fixtures. */
export const fixture = (name: string): string =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/runtime/harness', name);

export const SDK_LINES: SdkLine[] = [...LINES];
