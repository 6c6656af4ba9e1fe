import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Node, Project, SyntaxKind, type SourceFile, type Statement } from 'ts-morph';
import { toJscodeshiftTransform } from '../engine/create-codemod.js';
import { applyEdits, type Edit } from '../engine/apply-edits.js';
import type { Codemod, CodemodInput, CodemodOptions, CodemodResult, CodemodTodo, ProjectResult } from '../engine/types.js';
import rule from '../rules/instrumentation-first.js';
import { entryInfo } from '../analysis/entry-points.js';
import { moduleFormat } from '../analysis/module-format.js';
import { nearestPackage } from '../analysis/package-json.js';

/**
 * Puts the tracing setup before what it instruments, across files (ts-morph):
 * - an entry that loads the setup module too late gets it moved up, just before the first
 *   instrumented import (what the rule's suggestion does);
 * - a setup written inline in an entry that loads instrumented modules first (always the case for a
 *   static `import` in an ES module) is extracted into `instrumentation.<ext>` next to the entry, which
 *   the entry then loads first. An ES module setup also registers the loader hook;
 * - with `--mode=preload`, an ES module entry's setup is instead preloaded by `--import` in the
 *   package.json scripts that start the entry, and the entry stops importing it.
 * Extraction needs `options.createFiles: true` (a runner that writes the created module and the
 * package.json it returns); without it the inline setup is only TODO-marked.
 * What remains reported (an ES module that imports its setup, code whose order has side effects)
 * gets a `// TODO(otel-context): ...` marker.
 */
const RULE_ID = 'otel-context/instrumentation-first';
const TODO_TAG = 'TODO(otel-context)';
const HOOK = `register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);`;
const SETUP_MODULE = /^@opentelemetry\/|^@splunk\/otel|^@elastic\/opentelemetry-node|^@azure\/monitor-opentelemetry|^@honeycombio\/opentelemetry-node/;
const SETUP_CALL = /^(NodeSDK|startNodeSDK|startNodeSdk|registerInstrumentations|getNodeAutoInstrumentations|HoneycombSDK|useAzureMonitor|start|\w+Instrumentation)$/;

interface RuleMessage extends Linter.LintMessage {
  messageId?: string;
}

function lint(file: string, text: string, settings: Record<string, unknown> | undefined): RuleMessage[] {
  // ESLint ignores files outside its cwd: the file's own folder always contains it.
  const linter = new Linter({ configType: 'flat', cwd: path.dirname(file) });
  return linter.verify(
    text,
    [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: { parser: tsParser as unknown as Linter.Parser, sourceType: /\.c[jt]s$/.test(file) ? 'commonjs' : 'module' },
        plugins: { 'otel-context': { rules: { 'instrumentation-first': rule as never } } },
        settings: settings ?? {},
        rules: { [RULE_ID]: 'error' },
      },
    ],
    { filename: file },
  );
}

const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;

/** A TODO marker above the top-level statement holding `pos`, unless one is there. */
function todoEdit(sf: SourceFile, pos: number, message: string): Edit | undefined {
  const text = sf.getFullText();
  const statement = sf.getStatements().find((s) => pos < s.getEnd());
  if (!statement) return undefined;
  const start = lineStart(text, statement.getStart());
  const previous = text.slice(lineStart(text, start - 1), start);
  if (previous.includes(`${TODO_TAG}: ${RULE_ID}`)) return undefined;
  const indent = /^[ \t]*/.exec(text.slice(start))![0];
  return { range: [start, start], text: `${indent}// ${TODO_TAG}: ${RULE_ID}: ${message.split('\n')[0]} See ${rule.meta.docs!.url}\n` };
}

/** Imported names of a module import, and whether it is a side-effect-only import. */
function importedNames(statement: Statement): string[] {
  if (!Node.isImportDeclaration(statement)) return [];
  return [statement.getDefaultImport()?.getText(), statement.getNamespaceImport()?.getText(), ...statement.getNamedImports().map((n) => (n.getAliasNode() ?? n.getNameNode()).getText())].filter((n): n is string => !!n);
}

const identifiersIn = (node: Node): Set<string> => new Set([...(Node.isIdentifier(node) ? [node] : []), ...node.getDescendantsOfKind(SyntaxKind.Identifier)].map((i) => i.getText()));

function declaredNames(statement: Statement): string[] {
  if (Node.isVariableStatement(statement)) return statement.getDeclarations().flatMap((d) => [...identifiersIn(d.getNameNode())]);
  if (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) return [statement.getName() ?? ''].filter(Boolean);
  return [];
}

interface Extraction {
  /** Statements that move to the new module (setup, what it needs, what only it uses). */
  moved: Statement[];
  /** Import declarations the new module needs, as text. */
  imports: string[];
  /** Imports of the entry that only the moved code used. */
  removedImports: Statement[];
}

/** The inline setup of an entry and its closure, or undefined when it cannot be separated cleanly. */
function planExtraction(sf: SourceFile): Extraction | undefined {
  const statements = sf.getStatements();
  const imports = statements.filter((s) => Node.isImportDeclaration(s));
  const body = statements.filter((s) => !Node.isImportDeclaration(s));
  const setupImportNames = new Map<string, Statement>();
  for (const i of imports) {
    if (Node.isImportDeclaration(i) && SETUP_MODULE.test(i.getModuleSpecifierValue())) for (const n of importedNames(i)) setupImportNames.set(n, i);
  }
  const isSetup = (s: Statement) =>
    [...s.getDescendantsOfKind(SyntaxKind.CallExpression), ...s.getDescendantsOfKind(SyntaxKind.NewExpression)].some((c) => {
      const callee = c.getExpression();
      const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
      const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression().getText() : callee.getText();
      return SETUP_CALL.test(name) && setupImportNames.has(root);
    });
  const moved = new Set(body.filter(isSetup));
  if (moved.size === 0) return undefined;
  const declaredBy = new Map<string, Statement>();
  for (const s of body) for (const n of declaredNames(s)) declaredBy.set(n, s);
  // What the setup reads from the entry moves with it.
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of [...moved]) {
      for (const id of identifiersIn(s)) {
        const decl = declaredBy.get(id);
        if (decl && !moved.has(decl)) {
          moved.add(decl);
          changed = true;
        }
      }
    }
  }
  const movedNames = new Set([...moved].flatMap(declaredNames));
  // Statements that only use what moved (a shutdown hook) move too; any other user blocks the extraction.
  for (const s of body) {
    if (moved.has(s)) continue;
    const ids = identifiersIn(s);
    if (![...ids].some((id) => movedNames.has(id))) continue;
    const otherLocals = [...ids].filter((id) => declaredBy.has(id) && !movedNames.has(id));
    if (otherLocals.length > 0) return undefined;
    moved.add(s);
  }
  // The moved code must not read local values that stay (other than imports).
  for (const s of moved) for (const id of identifiersIn(s)) if (declaredBy.has(id) && !moved.has(declaredBy.get(id)!)) return undefined;
  const movedList = body.filter((s) => moved.has(s));
  const usedByMoved = new Set(movedList.flatMap((s) => [...identifiersIn(s)]));
  const usedByRest = new Set(statements.filter((s) => !moved.has(s) && !Node.isImportDeclaration(s)).flatMap((s) => [...identifiersIn(s)]));
  const newImports: string[] = [];
  const removedImports: Statement[] = [];
  for (const i of imports) {
    const names = importedNames(i);
    if (!names.some((n) => usedByMoved.has(n))) continue;
    if (!Node.isImportDeclaration(i)) continue;
    if (names.some((n) => usedByRest.has(n))) {
      // Shared: the new module imports what it uses; the entry keeps its import.
      const named = i.getNamedImports().filter((n) => usedByMoved.has((n.getAliasNode() ?? n.getNameNode()).getText()));
      const def = i.getDefaultImport();
      const ns = i.getNamespaceImport();
      const spec = i.getModuleSpecifier().getText();
      if (ns) newImports.push(`import * as ${ns.getText()} from ${spec};`);
      else newImports.push(`import ${[def && usedByMoved.has(def.getText()) ? def.getText() : '', named.length ? `{ ${named.map((n) => n.getText()).join(', ')} }` : ''].filter(Boolean).join(', ')} from ${spec};`);
    } else {
      newImports.push(i.getText());
      removedImports.push(i);
    }
  }
  return { moved: movedList, imports: newImports, removedImports };
}

/** The specifier an entry uses for a sibling module, in the entry's own module style. */
function siblingSpecifier(entry: string, file: string, esm: boolean): string {
  const base = `./${path.basename(file)}`;
  if (/\.[cm]?js$/.test(file)) return base;
  // TypeScript sources: ES modules name the emitted file; CommonJS resolves without an extension.
  return esm ? base.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs') : base.replace(/\.[cm]?ts$/, '');
}

/**
 * Removes whole statements (their lines, with the comment lines just above); a run of removed
 * statements between blank lines leaves one blank line, not two.
 */
function removalEdits(sf: SourceFile, statements: readonly Statement[]): Edit[] {
  const text = sf.getFullText();
  const ranges = statements
    .map((s): [number, number] => {
      const start = lineStart(text, s.getStart(true));
      const newline = text.indexOf('\n', s.getEnd());
      return [start, newline === -1 ? text.length : newline + 1];
    })
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && /^\s*$/.test(text.slice(last[1], r[0]))) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged.map(([start, end]) => {
    const blankAbove = start === 0 || text.slice(0, start).endsWith('\n\n');
    const blankBelow = /^\r?\n/.test(text.slice(end));
    return { range: [start, blankAbove && blankBelow ? end + (text[end] === '\r' ? 2 : 1) : end], text: '' };
  });
}

function transformProject(inputs: readonly CodemodInput[], options: CodemodOptions): ProjectResult {
  const settings = options.settings as Record<string, unknown> | undefined;
  const otel = (settings?.['otel-context'] ?? {}) as { entryPoints?: string[] };
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true } });
  const texts = new Map<string, string>(inputs.map((i) => [path.resolve(i.path), i.source]));
  const todos = new Map<string, CodemodTodo[]>();
  const notes: string[] = [];
  const created = new Map<string, string>();

  for (const input of inputs) {
    const file = path.resolve(input.path);
    if (!entryInfo(file, otel.entryPoints).isEntry) continue;
    let messages = lint(file, texts.get(file)!, settings).filter((m) => m.ruleId === RULE_ID);
    if (messages.length === 0) continue;
    const sf = project.createSourceFile(file, texts.get(file), { overwrite: true });
    const esm = moduleFormat(file) === 'esm';
    const edits: Edit[] = [];
    const ids = new Set(messages.map((m) => m.messageId));

    const suggestion = messages.find((m) => m.suggestions?.length)?.suggestions?.[0];
    if (suggestion) {
      // CommonJS: move the setup load up, as the rule suggests.
      edits.push({ range: suggestion.fix.range, text: suggestion.fix.text });
    } else if (ids.has('esmImportHoisted') || ids.has('loadsBeforeSetup') || ids.has('importedBeforeSetup')) {
      const plan = planExtraction(sf);
      const target = path.join(path.dirname(file), `instrumentation${path.extname(file)}`);
      // Extracting writes a new file (and, to preload, package.json): only for a runner that writes
      // results outside its inputs, or the entry would import a module that was never written.
      if (options.createFiles === true && plan && !existsSync(target) && !texts.has(target) && !created.has(target)) {
        const preload = esm && options.mode === 'preload';
        const header = esm ? [`import { register } from 'node:module';`, ...plan.imports, '', `// Lets the instrumentations patch what ES modules import.`, HOOK] : plan.imports;
        created.set(target, `${header.join('\n')}\n\n${plan.moved.map((s) => s.getFullText().replace(/^\s*\n/, '')).join('\n').trim()}\n`);
        edits.push(...removalEdits(sf, [...plan.moved, ...plan.removedImports]));
        const specifier = siblingSpecifier(file, target, esm);
        if (preload) addPreload(file, target, notes);
        else edits.push({ range: [0, 0], text: esm ? `import '${specifier}';\n` : `import '${specifier}';\n` });
        notes.push(`created ${path.relative(process.cwd(), target)}: the tracing setup of ${path.relative(process.cwd(), file)}`);
      }
    }
    let next = applyEdits(texts.get(file)!, edits);
    // Whatever the rule still reports gets a marker.
    messages = lint(file, next, settings).filter((m) => m.ruleId === RULE_ID);
    const after = project.createSourceFile(file, next, { overwrite: true });
    const markers: Edit[] = [];
    for (const m of messages) {
      const pos = after.compilerNode.getPositionOfLineAndCharacter(m.line - 1, m.column - 1);
      const marker = todoEdit(after, pos, m.message);
      if (marker && !markers.some((e) => e.range[0] === marker.range[0])) markers.push(marker);
      const list = todos.get(file) ?? [];
      list.push({ path: input.path, line: m.line, ruleId: RULE_ID, message: m.message });
      todos.set(file, list);
    }
    next = applyEdits(next, markers);
    // Moving the setup above code that runs on load can change what that code sees.
    if (suggestion && crossesCode(texts.get(file)!, suggestion.fix.range)) {
      const at = lineStart(next, suggestion.fix.range[0]);
      const message = 'The tracing setup now loads before code that used to run first; check that neither depends on the other.';
      next = applyEdits(next, [{ range: [at, at], text: `// ${TODO_TAG}: ${RULE_ID}: ${message} See ${rule.meta.docs!.url}\n` }]);
      const list = todos.get(file) ?? [];
      list.push({ path: input.path, line: next.slice(0, at).split('\n').length, ruleId: RULE_ID, message });
      todos.set(file, list);
    }
    texts.set(file, next);
  }

  const results = new Map<string, CodemodResult>();
  for (const input of inputs) {
    const file = path.resolve(input.path);
    const output = texts.get(file)!;
    if (output !== input.source || todos.has(file)) results.set(input.path, { output, todos: todos.get(file) ?? [] });
  }
  for (const [file, text] of created) results.set(file, { output: text, todos: [] });
  for (const [file, text] of preloadEdits) results.set(file, { output: text, todos: [] });
  preloadEdits.clear();
  return { results, notes };
}

/** package.json edits of the current run (path → new text). */
const preloadEdits = new Map<string, string>();

/** `--import <built setup>` in every script that starts the entry, edited in place in the package.json text. */
function addPreload(entry: string, setup: string, notes: string[]): void {
  const pkg = nearestPackage(entry);
  if (!pkg) return;
  const file = path.join(pkg.dir, 'package.json');
  let text = preloadEdits.get(file) ?? readFileSync(file, 'utf8');
  for (const command of entryInfo(entry, undefined).commands) {
    const script = pkg.json.scripts?.[command.script];
    if (!script || !command.entry) continue;
    const built = path.posix.join(path.posix.dirname(command.entry), path.basename(setup).replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs'));
    const flag = `--import ./${built.replace(/^\.\//, '')}`;
    if (script.includes(flag)) continue;
    const key = text.indexOf(JSON.stringify(command.script));
    const at = key === -1 ? -1 : text.indexOf(JSON.stringify(script), key);
    if (at === -1) continue;
    const updated = JSON.stringify(script.replace(command.entry, `${flag} ${command.entry}`));
    text = text.slice(0, at) + updated + text.slice(at + JSON.stringify(script).length);
    notes.push(`package.json: the "${command.script}" script preloads ./${built}`);
  }
  preloadEdits.set(file, text);
}

/** Does the setup move above code other than imports and declarations (code whose order has side effects)? */
function crossesCode(text: string, range: readonly [number, number]): boolean {
  const project = new Project({ useInMemoryFileSystem: true });
  const sf = project.createSourceFile('crossed.ts', text);
  const isRequire = (t: string | undefined) => /^require\(\s*['"][^'"]+['"]\s*\)$/.test(t ?? '');
  const crossed = sf.getStatements().filter((s) => s.getStart() >= range[0] && s.getEnd() <= range[1]);
  // The last statement of the range is the setup itself.
  return crossed.slice(0, -1).some((s) => {
    if (Node.isImportDeclaration(s) || Node.isFunctionDeclaration(s) || Node.isInterfaceDeclaration(s) || Node.isTypeAliasDeclaration(s)) return false;
    if (Node.isVariableStatement(s)) return !s.getDeclarations().every((d) => isRequire(d.getInitializer()?.getText()));
    if (Node.isExpressionStatement(s)) return !isRequire(s.getExpression().getText());
    return true;
  });
}

export const codemod: Codemod = {
  id: 'instrumentation-first',
  description: 'Load the tracing setup before the modules it instruments, extracting an inline setup into its own module',
  rules: ['instrumentation-first'],
  transformProject,
};

export default toJscodeshiftTransform(codemod);
