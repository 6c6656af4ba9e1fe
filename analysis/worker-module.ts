import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unwrapExpression, valueOrigin } from './value-origin.js';

/**
 * Answers "which module runs on the other side of a thread or process boundary": the file itself
 * (`new Worker(new URL(import.meta.url))`, `fork(__filename)`), another local file
 * (`new URL('./worker.js', import.meta.url)`, `path.join(__dirname, 'worker.js')`,
 * `require.resolve('./worker')`, `'./worker.js'`), or unknown. A `.js` specifier also finds the
 * `.ts` source next to it, as TypeScript's NodeNext resolution does.
 *
 * And, for another file, "does it trace": a text check, cheap and approximate, of whether it starts
 * spans or reads the active context (`startActiveSpan(`, or `startSpan(`/`getActiveSpan(`/`context.active(`
 * in a file that imports `@opentelemetry/`), and whether it extracts a context (`.extract(`).
 */
export type WorkerModule = { kind: 'same-file' } | { kind: 'file'; path: string } | { kind: 'unknown' };

type SourceCode = Readonly<TSESLint.SourceCode>;

const isImportMetaProp = (n: TSESTree.Node, prop: string): boolean =>
  n.type === AST_NODE_TYPES.MemberExpression &&
  n.object.type === AST_NODE_TYPES.MetaProperty &&
  n.object.meta.name === 'import' &&
  !n.computed &&
  n.property.type === AST_NODE_TYPES.Identifier &&
  n.property.name === prop;

const isGlobal = (n: TSESTree.Node, name: string): boolean => n.type === AST_NODE_TYPES.Identifier && n.name === name;

/** `path.join(...)`, `join(...)`, `path.resolve(...)`, `resolve(...)` — by name, as these are used. */
function pathJoinArgs(n: TSESTree.Node): readonly TSESTree.CallExpressionArgument[] | undefined {
  if (n.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const c = n.callee;
  const name = c.type === AST_NODE_TYPES.Identifier ? c.name : c.type === AST_NODE_TYPES.MemberExpression && !c.computed && c.property.type === AST_NODE_TYPES.Identifier ? c.property.name : undefined;
  return name === 'join' || name === 'resolve' ? n.arguments : undefined;
}

const stringValue = (n: TSESTree.Node | undefined): string | undefined =>
  n?.type === AST_NODE_TYPES.Literal && typeof n.value === 'string'
    ? n.value
    : n?.type === AST_NODE_TYPES.TemplateLiteral && n.expressions.length === 0
      ? (n.quasis[0].value.cooked ?? undefined)
      : undefined;

export function workerModule(sourceCode: SourceCode, fileName: string, node: TSESTree.Node | undefined, depth = 0): WorkerModule {
  if (!node || depth > 3) return { kind: 'unknown' };
  const dir = path.dirname(fileName);
  const n = unwrapExpression(node);
  // `x.href`, `x.pathname`, `fileURLToPath(x)`, `url.fileURLToPath(x)`, `String(x)`, `x.toString()`: the same module as `x`.
  if (n.type === AST_NODE_TYPES.MemberExpression && !n.computed && n.property.type === AST_NODE_TYPES.Identifier && (n.property.name === 'href' || n.property.name === 'pathname')) {
    return workerModule(sourceCode, fileName, n.object, depth + 1);
  }
  if (n.type === AST_NODE_TYPES.CallExpression) {
    const c = n.callee;
    const fnName = c.type === AST_NODE_TYPES.Identifier ? c.name : c.type === AST_NODE_TYPES.MemberExpression && !c.computed && c.property.type === AST_NODE_TYPES.Identifier ? c.property.name : undefined;
    if ((fnName === 'fileURLToPath' || fnName === 'String') && n.arguments[0]) return workerModule(sourceCode, fileName, n.arguments[0], depth + 1);
    if (fnName === 'toString' && c.type === AST_NODE_TYPES.MemberExpression) return workerModule(sourceCode, fileName, c.object, depth + 1);
    if (fnName === 'resolve' && c.type === AST_NODE_TYPES.MemberExpression && isGlobal(c.object, 'require')) return local(dir, stringValue(n.arguments[0]));
    const args = pathJoinArgs(n);
    if (args && args.length === 2 && (isGlobal(args[0], '__dirname') || isImportMetaProp(args[0], 'dirname'))) return local(dir, stringValue(args[1]), true);
  }
  if (n.type === AST_NODE_TYPES.NewExpression && isGlobal(n.callee, 'URL')) {
    const [first, base] = n.arguments;
    if (first && isImportMetaProp(first, 'url') && !base) return { kind: 'same-file' };
    if (base && isImportMetaProp(base, 'url')) {
      const spec = stringValue(first);
      return spec === '' ? { kind: 'same-file' } : local(dir, spec);
    }
    return { kind: 'unknown' };
  }
  if (isImportMetaProp(n, 'url') || isImportMetaProp(n, 'filename') || isGlobal(n, '__filename')) return { kind: 'same-file' };
  const literal = stringValue(n);
  if (literal !== undefined) return local(dir, literal);
  if (n.type === AST_NODE_TYPES.Identifier || n.type === AST_NODE_TYPES.MemberExpression) {
    const origin = valueOrigin(sourceCode, n);
    if (origin && origin !== n) return workerModule(sourceCode, fileName, origin, depth + 1);
  }
  return { kind: 'unknown' };
}

const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];

function local(dir: string, spec: string | undefined, plainName = false): WorkerModule {
  if (spec === undefined || (!plainName && !spec.startsWith('.'))) return { kind: 'unknown' };
  const base = path.resolve(dir, spec);
  const ext = path.extname(base);
  const candidates = [base, ...(JS_TO_TS[ext] ?? []).map((alt) => base.slice(0, -ext.length) + alt), ...EXTENSIONS.map((e) => base + e)];
  for (const c of candidates) {
    if (isFile(c)) return { kind: 'file', path: c };
  }
  return { kind: 'unknown' };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export interface ModuleTracing {
  /** It starts spans or reads the active context. */
  traces: boolean;
  /** It extracts a propagated context. */
  extracts: boolean;
}

const scanned = new Map<string, { mtimeMs: number; result: ModuleTracing }>();

/** Whether another file traces (see above); cached per file and modification time. */
export function moduleTracing(file: string): ModuleTracing {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return { traces: false, extracts: false };
  }
  const hit = scanned.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.result;
  const text = readFileSync(file, 'utf8');
  const result = tracingInText(text);
  scanned.set(file, { mtimeMs, result });
  return result;
}

export function tracingInText(text: string): ModuleTracing {
  const otel = /@opentelemetry\//.test(text);
  return {
    traces: /\.startActiveSpan\s*\(/.test(text) || (otel && /\.startSpan\s*\(|\bgetActiveSpan\s*\(|\bcontext\.active\s*\(/.test(text)),
    extracts: /\.extract\s*\(/.test(text),
  };
}
