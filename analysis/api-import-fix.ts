import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { isRequireCall, OTEL_API } from './otel-imports.js';

/**
 * How a call-site fix writes `@opentelemetry/api` exports (`trace`, `context`, ...) so that they
 * resolve at the places it edits, and the one import edit that makes them exist.
 *
 * Reuses what the file already has (a named import or require, a namespace such as `api.trace`)
 * when it is visible at every use site; otherwise merges a specifier into the file's existing
 * `@opentelemetry/api` import/require, or adds one in the file's own style (ESM `import` vs
 * CommonJS `require`). A name that is taken anywhere in the file (a Koa or Lambda `context`
 * parameter, a mocha `context` global) is never shadowed or captured: the new binding gets an alias.
 */
export interface ApiReferences {
  /** The text to write for each requested export at the use sites, e.g. `trace`, `api.context`, `otelContext`. */
  readonly names: Readonly<Record<string, string>>;
  /** The import edit to apply with the call-site edit, when the file lacks a usable binding. */
  readonly fix: ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | undefined;
}

type SourceCode = Readonly<TSESLint.SourceCode>;

interface ApiBindings {
  /** exported name -> local identifiers bound to it */
  readonly named: ReadonlyArray<{ exported: string; local: TSESTree.Identifier }>;
  readonly namespaces: readonly TSESTree.Identifier[];
  /** a value `import { ... } from '@opentelemetry/api'` to merge specifiers into */
  readonly mergeableImport: TSESTree.ImportDeclaration | undefined;
  /** a top-level `const { ... } = require('@opentelemetry/api')` pattern to merge properties into */
  readonly mergeablePattern: TSESTree.ObjectPattern | undefined;
  readonly lastImport: TSESTree.ProgramStatement | undefined;
  readonly lastRequire: TSESTree.ProgramStatement | undefined;
  readonly commonJs: boolean;
  readonly quote: string;
  readonly semi: string;
}

const cache = new WeakMap<object, ApiBindings>();

function scan(sourceCode: SourceCode): ApiBindings {
  const hit = cache.get(sourceCode);
  if (hit) return hit;
  const named: Array<{ exported: string; local: TSESTree.Identifier }> = [];
  const namespaces: TSESTree.Identifier[] = [];
  let mergeableImport: TSESTree.ImportDeclaration | undefined;
  let mergeablePattern: TSESTree.ObjectPattern | undefined;
  let lastImport: TSESTree.ProgramStatement | undefined;
  let lastRequire: TSESTree.ProgramStatement | undefined;
  let moduleSyntax = false;
  let quoteSource: TSESTree.StringLiteral | undefined;

  for (const stmt of sourceCode.ast.body) {
    if (stmt.type === AST_NODE_TYPES.ImportDeclaration) {
      moduleSyntax = true;
      lastImport = stmt;
      quoteSource ??= stmt.source;
      if (stmt.source.value !== OTEL_API || stmt.importKind === 'type') continue;
      quoteSource = stmt.source;
      for (const spec of stmt.specifiers) {
        if (spec.type === AST_NODE_TYPES.ImportSpecifier) {
          if (spec.importKind === 'type') continue;
          named.push({ exported: spec.imported.type === AST_NODE_TYPES.Identifier ? spec.imported.name : spec.imported.value, local: spec.local });
          mergeableImport ??= stmt;
        } else {
          namespaces.push(spec.local);
        }
      }
    } else if (stmt.type === AST_NODE_TYPES.ExportNamedDeclaration || stmt.type === AST_NODE_TYPES.ExportDefaultDeclaration || stmt.type === AST_NODE_TYPES.ExportAllDeclaration) {
      moduleSyntax = true;
    } else if (stmt.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
      const ref = stmt.moduleReference;
      if (ref.type === AST_NODE_TYPES.TSExternalModuleReference && ref.expression.type === AST_NODE_TYPES.Literal) {
        lastImport = stmt;
        if (ref.expression.value === OTEL_API && stmt.importKind !== 'type') namespaces.push(stmt.id);
      }
    } else if (stmt.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const d of stmt.declarations) {
        if (!isRequireCall(d.init)) continue;
        lastRequire = stmt;
        const source = d.init.arguments[0] as TSESTree.StringLiteral;
        quoteSource ??= source;
        if (source.value !== OTEL_API) continue;
        quoteSource = source;
        if (d.id.type === AST_NODE_TYPES.Identifier) namespaces.push(d.id);
        else if (d.id.type === AST_NODE_TYPES.ObjectPattern) {
          let plain = true;
          for (const prop of d.id.properties) {
            if (prop.type !== AST_NODE_TYPES.Property || prop.computed || prop.key.type !== AST_NODE_TYPES.Identifier || prop.value.type !== AST_NODE_TYPES.Identifier) {
              plain = false;
              continue;
            }
            named.push({ exported: prop.key.name, local: prop.value });
          }
          if (plain && stmt.kind === 'const') mergeablePattern ??= d.id;
        }
      }
    }
  }
  // A statement that takes a semicolon tells the file's style (a function declaration never ends with one).
  const reference = lastImport ?? lastRequire ?? sourceCode.ast.body.find(takesSemicolon);
  const result: ApiBindings = {
    named,
    namespaces,
    mergeableImport,
    mergeablePattern,
    lastImport,
    lastRequire,
    commonJs: !moduleSyntax && (lastRequire !== undefined || sourceCode.ast.sourceType === 'script' || usesCommonJsExports(sourceCode)),
    quote: quoteSource?.raw.startsWith('"') ? '"' : "'",
    semi: reference && !sourceCode.getText(reference).trimEnd().endsWith(';') ? '' : ';',
  };
  cache.set(sourceCode, result);
  return result;
}

function takesSemicolon(stmt: TSESTree.ProgramStatement): boolean {
  if (stmt.type === AST_NODE_TYPES.ExportNamedDeclaration) return stmt.declaration === null || stmt.declaration.type === AST_NODE_TYPES.VariableDeclaration;
  return stmt.type === AST_NODE_TYPES.ExpressionStatement || stmt.type === AST_NODE_TYPES.VariableDeclaration;
}

/** `module.exports` / `exports.x` used anywhere at the top level: a CommonJS file without requires. */
function usesCommonJsExports(sourceCode: SourceCode): boolean {
  return sourceCode.scopeManager?.globalScope?.through.some((r) => r.identifier.name === 'module' || r.identifier.name === 'exports') ?? false;
}

/** The variable `name` resolves to at `node`, or undefined. */
function resolveAt(sourceCode: SourceCode, node: TSESTree.Node, name: string): TSESLint.Scope.Variable | undefined {
  let scope: TSESLint.Scope.Scope | null = sourceCode.getScope(node);
  while (scope) {
    const v = scope.set.get(name);
    if (v) return v;
    scope = scope.upper;
  }
  return undefined;
}

/** Declared in any scope of the file, or used as an undeclared global: a new binding of this name could shadow or capture. */
function nameTaken(sourceCode: SourceCode, name: string): boolean {
  const manager = sourceCode.scopeManager;
  if (!manager) return true;
  return manager.scopes.some((s) => s.set.has(name)) || (manager.globalScope?.through.some((r) => r.identifier.name === name) ?? false);
}

function freeName(sourceCode: SourceCode, exported: string, reserved: ReadonlySet<string>): string {
  const free = (n: string) => !reserved.has(n) && !nameTaken(sourceCode, n);
  if (free(exported)) return exported;
  const base = `otel${exported[0].toUpperCase()}${exported.slice(1)}`;
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}${i}`;
    if (free(candidate)) return candidate;
  }
}

export function apiReferences(sourceCode: SourceCode, useSites: readonly TSESTree.Node[], exports: readonly string[]): ApiReferences {
  const bindings = scan(sourceCode);
  const visible = (local: TSESTree.Identifier): boolean => {
    const own = resolveAt(sourceCode, local, local.name);
    return own !== undefined && useSites.every((site) => resolveAt(sourceCode, site, local.name) === own);
  };
  const names: Record<string, string> = {};
  const missing: Array<{ exported: string; local: string }> = [];
  const reserved = new Set<string>();
  for (const exported of exports) {
    const local = bindings.named.find((b) => b.exported === exported && visible(b.local));
    if (local) {
      names[exported] = local.local.name;
      continue;
    }
    const ns = bindings.namespaces.find(visible);
    if (ns) {
      names[exported] = `${ns.name}.${exported}`;
      continue;
    }
    const name = freeName(sourceCode, exported, reserved);
    reserved.add(name);
    names[exported] = name;
    missing.push({ exported, local: name });
  }
  if (missing.length === 0) return { names, fix: undefined };
  missing.sort((a, b) => a.exported.localeCompare(b.exported));
  return { names, fix: importFix(sourceCode, bindings, missing) };
}

function importFix(sourceCode: SourceCode, b: ApiBindings, missing: ReadonlyArray<{ exported: string; local: string }>): (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix {
  const source = `${b.quote}${OTEL_API}${b.quote}`;
  if (b.commonJs) {
    const props = missing.map((m) => (m.exported === m.local ? m.exported : `${m.exported}: ${m.local}`));
    if (b.mergeablePattern) {
      const last = b.mergeablePattern.properties.at(-1);
      const pattern = b.mergeablePattern;
      return (fixer) => (last ? fixer.insertTextAfter(last, `, ${props.join(', ')}`) : fixer.replaceText(pattern, `{ ${props.join(', ')} }`));
    }
    const text = `const { ${props.join(', ')} } = require(${source})${b.semi}`;
    return insertStatement(sourceCode, b.lastRequire ?? lastDirective(sourceCode), text);
  }
  const specs = missing.map((m) => (m.exported === m.local ? m.exported : `${m.exported} as ${m.local}`));
  if (b.mergeableImport) {
    const last = b.mergeableImport.specifiers.filter((s) => s.type === AST_NODE_TYPES.ImportSpecifier).at(-1)!;
    return (fixer) => fixer.insertTextAfter(last, `, ${specs.join(', ')}`);
  }
  return insertStatement(sourceCode, b.lastImport, `import { ${specs.join(', ')} } from ${source}${b.semi}`);
}

/** Inserts a statement on its own line after `after`, or before the file's first statement. */
function insertStatement(sourceCode: SourceCode, after: TSESTree.Node | undefined, text: string): (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix {
  if (after) return (fixer) => fixer.insertTextAfter(after, `\n${text}`);
  const first = sourceCode.ast.body[0];
  if (first) return (fixer) => fixer.insertTextBefore(first, `${text}\n`);
  return (fixer) => fixer.insertTextAfterRange([sourceCode.text.length, sourceCode.text.length], `${text}\n`);
}

/** The last `'use strict'`-style directive at the top of the file, if any. */
function lastDirective(sourceCode: SourceCode): TSESTree.Node | undefined {
  let last: TSESTree.Node | undefined;
  for (const stmt of sourceCode.ast.body) {
    if (stmt.type === AST_NODE_TYPES.ExpressionStatement && stmt.directive !== undefined) last = stmt;
    else break;
  }
  return last;
}
