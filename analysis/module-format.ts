import path from 'node:path';
import ts from 'typescript';
import { nearestPackage } from './package-json.js';

export type ModuleFormat = 'esm' | 'commonjs';

/**
 * How Node will load a file once built: ES module or CommonJS. With a program, from what tsc
 * emits (`module: commonjs` emits CommonJS whatever the syntax; `node16`/`nodenext` follow the
 * file's implied format). Without one, from the extension and the nearest package.json `type`.
 * `undefined` when it cannot be told (e.g. `module: esnext` for a bundler without `type: module`).
 */
export function moduleFormat(fileName: string, program?: ts.Program): ModuleFormat | undefined {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (ext === '.cjs' || ext === '.cts') return 'commonjs';
  const packageType = nearestPackage(fileName)?.json.type === 'module' ? 'esm' : 'commonjs';
  if (!program) return packageType;
  const options = program.getCompilerOptions();
  const kind = options.module ?? ts.ModuleKind.CommonJS;
  if (kind === ts.ModuleKind.CommonJS || kind === ts.ModuleKind.UMD || kind === ts.ModuleKind.AMD) return ext === '.js' || ext === '.jsx' ? packageType : 'commonjs';
  if (kind >= ts.ModuleKind.Node16 && kind <= ts.ModuleKind.NodeNext) {
    const format = program.getSourceFile(fileName)?.impliedNodeFormat;
    return format === ts.ModuleKind.ESNext ? 'esm' : format === ts.ModuleKind.CommonJS ? 'commonjs' : packageType;
  }
  // ES2015..ESNext and Preserve keep `import` syntax; what runs it decides.
  return packageType === 'esm' ? 'esm' : undefined;
}
