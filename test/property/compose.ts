import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseForESLint } from '@typescript-eslint/parser';
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { fixturesRoot } from '../helpers/codemod-fixtures.js';

/**
 * Builds larger files out of the codemod fixtures' inputs for the property test: several inputs'
 * top-level statements interleaved (each input's own order kept, so its semantics are too), with
 * module-scope names renamed by scope analysis where they would clash, identical imports shared,
 * `export default` turned into a named export, and relative imports made absolute.
 */
export interface Snippet {
  codemod: string;
  name: string;
  file: string;
  source: string;
}

/** Every `fixtures/codemods/<id>/<case>.input.ts` (subfolders are for other modes and layouts). */
export function loadSnippets(): Snippet[] {
  const root = path.join(fixturesRoot, 'codemods');
  const out: Snippet[] = [];
  for (const codemod of readdirSync(root).sort()) {
    const dir = path.join(root, codemod);
    for (const f of readdirSync(dir).sort()) {
      const m = /^(.*)\.input\.ts$/.exec(f);
      if (!m || !existsSync(path.join(dir, f))) continue;
      out.push({ codemod, name: m[1], file: path.join(dir, f), source: readFileSync(path.join(dir, f), 'utf8') });
    }
  }
  return out;
}

/** mulberry32: a small seeded PRNG, so a seed gives the same cases everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...new Map(edits.map((e) => [`${e.start}:${e.end}`, e])).values()].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

interface ImportBinding {
  module: string;
  /** `default`, `*`, or the imported name. */
  imported: string;
  local: string;
  typeOnly: boolean;
}

const importKey = (b: Omit<ImportBinding, 'local'>) => `${b.module}\0${b.imported}\0${b.typeOnly}`;

function importLine(b: ImportBinding): string {
  const type = b.typeOnly ? 'type ' : '';
  const from = JSON.stringify(b.module);
  if (b.imported === 'default') return `import ${type}${b.local} from ${from};`;
  if (b.imported === '*') return `import ${type}* as ${b.local} from ${from};`;
  return `import ${type}{ ${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`} } from ${from};`;
}

const parse = (text: string) =>
  parseForESLint(text, { range: true, loc: true, sourceType: 'module', ecmaVersion: 'latest', comment: true, tokens: true, filePath: 'snippet.ts' });

/** The state of one composed file: names taken at module scope, imports by what they bind. */
class Composer {
  readonly taken = new Set<string>();
  readonly imports = new Map<string, ImportBinding>();
  readonly sideEffectImports = new Set<string>();

  /** Adds one snippet: returns its top-level statements (with the comments above them), renamed. */
  add(snippet: Snippet, prefix: string): string[] {
    const { ast, scopeManager } = parse(snippet.source);
    const moduleScope = scopeManager.globalScope!.childScopes.find((s) => s.type === TSESLint.Scope.ScopeType.module)!;
    const renames = new Map<string, string>();
    const resolveSpecifier = (spec: string) => (spec.startsWith('.') ? path.resolve(path.dirname(snippet.file), spec) : spec);

    // Imports first: share an identical binding, rename a clashing one.
    for (const stmt of ast.body) {
      if (stmt.type !== AST_NODE_TYPES.ImportDeclaration) continue;
      const module = resolveSpecifier(stmt.source.value);
      if (stmt.specifiers.length === 0) {
        this.sideEffectImports.add(module);
        continue;
      }
      for (const s of stmt.specifiers) {
        const imported =
          s.type === AST_NODE_TYPES.ImportDefaultSpecifier ? 'default' : s.type === AST_NODE_TYPES.ImportNamespaceSpecifier ? '*' : s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value;
        const typeOnly = stmt.importKind === 'type' || (s.type === AST_NODE_TYPES.ImportSpecifier && s.importKind === 'type');
        const key = importKey({ module, imported, typeOnly });
        const existing = this.imports.get(key);
        if (existing) {
          if (existing.local !== s.local.name) renames.set(s.local.name, existing.local);
          continue;
        }
        const local = this.fresh(s.local.name, prefix);
        if (local !== s.local.name) renames.set(s.local.name, local);
        this.imports.set(key, { module, imported, local, typeOnly });
      }
    }
    // Then the module's own declarations.
    for (const v of moduleScope.variables) {
      if (v.defs.some((d) => d.type === TSESLint.Scope.DefinitionType.ImportBinding)) continue;
      const local = this.fresh(v.name, prefix);
      if (local !== v.name) renames.set(v.name, local);
    }

    const edits: Edit[] = [];
    const renameIdentifier = (id: TSESTree.Identifier, to: string) => {
      const parent = id.parent;
      const shorthand =
        parent?.type === AST_NODE_TYPES.Property && parent.shorthand && (parent.value === id || (parent.value.type === AST_NODE_TYPES.AssignmentPattern && parent.value.left === id));
      edits.push({ start: id.range[0], end: id.range[1], text: shorthand ? `${id.name}: ${to}` : to });
    };
    for (const v of moduleScope.variables) {
      const to = renames.get(v.name);
      if (!to) continue;
      for (const d of v.defs) if (d.type !== TSESLint.Scope.DefinitionType.ImportBinding) renameIdentifier(d.name as TSESTree.Identifier, to);
      for (const r of v.references) renameIdentifier(r.identifier as TSESTree.Identifier, to);
    }
    // `export default function main()` -> `export function main()`; `export default <expr>` -> a named const.
    for (const stmt of ast.body) {
      if (stmt.type !== AST_NODE_TYPES.ExportDefaultDeclaration) continue;
      const decl = stmt.declaration;
      const named = (decl.type === AST_NODE_TYPES.FunctionDeclaration || decl.type === AST_NODE_TYPES.ClassDeclaration) && decl.id;
      edits.push({ start: stmt.range[0], end: decl.range[0], text: named ? 'export ' : `export const ${this.fresh('defaultExport', prefix)} = ` });
      if (!named && decl.type !== AST_NODE_TYPES.FunctionDeclaration && decl.type !== AST_NODE_TYPES.ClassDeclaration && !snippet.source.slice(stmt.range[0], stmt.range[1]).trimEnd().endsWith(';')) {
        edits.push({ start: stmt.range[1], end: stmt.range[1], text: ';' });
      }
    }

    // Each non-import statement with the comments and blank lines above it.
    const statements: string[] = [];
    let from = 0;
    for (const stmt of ast.body) {
      const end = stmt.range[1];
      if (stmt.type !== AST_NODE_TYPES.ImportDeclaration) {
        const inRange = edits.filter((e) => e.start >= from && e.end <= end).map((e) => ({ ...e, start: e.start - from, end: e.end - from }));
        statements.push(applyEdits(snippet.source.slice(from, end), inRange).replace(/^\n+/, ''));
      }
      from = end;
    }
    return statements;
  }

  private fresh(name: string, prefix: string): string {
    let candidate = name;
    for (let i = 2; this.taken.has(candidate); i++) candidate = `${prefix}${i > 2 ? i : ''}${name}`;
    this.taken.add(candidate);
    return candidate;
  }

  header(): string {
    return [...[...this.sideEffectImports].map((m) => `import ${JSON.stringify(m)};`), ...[...this.imports.values()].map(importLine)].join('\n');
  }
}

/** One composed file: `count` snippets chosen by `random`, their statements interleaved. */
export function compose(snippets: readonly Snippet[], random: () => number, count: number): { source: string; parts: string[] } {
  const pool = [...snippets];
  const chosen: Snippet[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  const composer = new Composer();
  const lists = chosen.map((s, i) => composer.add(s, `c${i + 1}_`));
  const merged: string[] = [];
  const cursors = lists.map(() => 0);
  for (;;) {
    const open = lists.map((l, i) => i).filter((i) => cursors[i] < lists[i].length);
    if (open.length === 0) break;
    const pick = open[Math.floor(random() * open.length)];
    merged.push(lists[pick][cursors[pick]++]);
  }
  const parts = chosen.map((s) => `${s.codemod}/${s.name}`);
  return { source: `// Composed from: ${parts.join(', ')}\n${composer.header()}\n\n${merged.join('\n\n')}\n`, parts };
}
