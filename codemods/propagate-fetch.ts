import path from 'node:path';
import ts from 'typescript';
import { Linter } from 'eslint';
import type { Rule } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import type { Codemod, CodemodInput, CodemodOptions, CodemodResult, ProjectResult } from '../engine/types.js';
import { lintFix, parserFor } from '../engine/lint-fix.js';
import { toJscodeshiftTransform } from '../engine/create-codemod.js';
import { fileInstrumentations, mergeInstrumentations, RELEVANT_TEXT, TEST_FILE, type InstrumentationRegistrations, type SetupSite } from '../analysis/instrumentation-registrations.js';
import { packageInstrumentation } from '../analysis/package-instrumentation.js';
import { instrumentationStateOf, registersItself } from '../analysis/instrumentation-state.js';
import { importKey, planImports, type NeededImport } from '../analysis/import-edits.js';
import { nearestPackage } from '../analysis/package-json.js';
import { missingInstrumentationReason } from '../rules/no-bare-fetch.js';

/**
 * The fix for `no-bare-fetch`. Default: the project-level one, since one registration carries
 * context for every fetch/undici call: `new UndiciInstrumentation()` joins the `instrumentations`
 * of the `NodeSDK`/`registerInstrumentations` setup found among the processed files (or a
 * `registerInstrumentations` call follows a provider or distro set up without a list), and the
 * summary says when package.json lacks the dependency. Without a setup to edit, the calls get TODO
 * markers and the summary says so. `--mode=inject`, for code that never runs under the undici
 * instrumentation, applies the rule's suggestion instead: each call's headers carry the context
 * `propagation.inject` writes.
 */
const RULE = 'no-bare-fetch';
const UNDICI_PACKAGE = '@opentelemetry/instrumentation-undici';
const INSTRUMENTATION_PACKAGE = '@opentelemetry/instrumentation';
const UNDICI: NeededImport = { module: UNDICI_PACKAGE, name: 'UndiciInstrumentation' };
const REGISTER: NeededImport = { module: INSTRUMENTATION_PACKAGE, name: 'registerInstrumentations' };
const TODO = 'TODO(otel-context)';

type Settings = Record<string, unknown> | undefined;

/** `settings['otel-context'].instrumented` with undici taken out (or set to `names` when unset). */
function withoutUndici(settings: Settings, names: Iterable<string>): Record<string, unknown> {
  const own = (settings?.['otel-context'] ?? {}) as Record<string, unknown>;
  const listed = Array.isArray(own.instrumented) ? (own.instrumented as string[]) : [...names];
  return { ...settings, 'otel-context': { ...own, instrumented: listed.filter((n) => n !== 'undici' && n !== 'fetch') } };
}

/** `settings['otel-context'].instrumented` with undici added (or `names` and undici when unset). */
function withUndici(settings: Settings, names: Iterable<string>): Record<string, unknown> {
  const own = (settings?.['otel-context'] ?? {}) as Record<string, unknown>;
  const listed = Array.isArray(own.instrumented) ? (own.instrumented as string[]) : [...names];
  return { ...settings, 'otel-context': { ...own, instrumented: [...listed, 'undici'] } };
}

/**
 * Once undici is instrumented, a `traceparent` the code writes itself on a fetch/undici request is
 * doubled and rejected, including one that `propagation.inject` wrote correctly before. These are
 * the `no-traceparent-overwrite` reports that only say so; their fixes remove the manual writes.
 */
const DOUBLING = new Set(['manualInjection', 'doubledHeader']);

function removeDoubledInjections(inputs: readonly CodemodInput[], results: Map<string, CodemodResult>, settings: Record<string, unknown>, options: CodemodOptions): number {
  let cleaned = 0;
  for (const input of inputs) {
    const current = results.get(input.path)!;
    const spec = { rules: { 'no-traceparent-overwrite': [] }, applies: (_rule: string, messageId: string | undefined) => DOUBLING.has(messageId ?? ''), todo: false };
    const { output } = lintFix({ path: input.path, source: current.output }, spec, { parser: options.parser, settings, realPath: true });
    if (output !== current.output) {
      results.set(input.path, { ...current, output });
      cleaned++;
    }
  }
  return cleaned;
}

function userUndiciState(settings: Settings): 'registered' | 'absent' | undefined {
  const listed = (settings?.['otel-context'] as { instrumented?: unknown } | undefined)?.instrumented;
  if (!Array.isArray(listed)) return undefined;
  return listed.some((n) => n === 'undici' || n === 'fetch') ? 'registered' : 'absent';
}

/**
 * The user's `instrumented` setting omits undici, but the processed setup registers it. The rules
 * already trust a registration they can see (the setup file itself, the whole program with types),
 * but a file linted without types cannot see another file's setup: the setting must say it.
 */
function staleSettingNote(files: string, verb: 'registers' | 'now registers'): string {
  return `settings['otel-context'].instrumented does not list undici, but ${files} ${verb} UndiciInstrumentation: the setting is stale; add 'undici' to it (without type information, no-bare-fetch sees the registration only in the file that makes it and keeps reporting the calls of other files)`;
}

/**
 * The probe tells the rule through the setting what the processed files showed; where the user has
 * no such setting, its TODO markers name the processed files' setup instead.
 */
function reworded(result: CodemodResult, settings: Settings): CodemodResult {
  if (userUndiciState(settings) !== undefined) return result;
  const said = missingInstrumentationReason('setting', 'undici');
  const meant = 'the tracing setup of the processed files has no undici instrumentation';
  return {
    ...result,
    output: result.output.split(said).join(meant),
    todos: result.todos.map((t) => ({ ...t, message: t.message.split(said).join(meant) })),
  };
}

/**
 * A file whose text fails `fileInstrumentations`' own gate registers nothing, and the modules it
 * imports cannot include an instrumentation provider (every provider's name passes the gate): its
 * registrations are empty either way, so it is not parsed. Only for reading registrations.
 */
const NOTHING_REGISTERED = ts.createSourceFile('nothing-registered.ts', '', ts.ScriptTarget.Latest, true);

function sourceFileOf(input: CodemodInput): ts.SourceFile {
  if (!RELEVANT_TEXT.test(input.source)) return NOTHING_REGISTERED;
  return ts.createSourceFile(input.path, stripBom(input.source), ts.ScriptTarget.Latest, true);
}

const stripBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

function transformProject(inputs: readonly CodemodInput[], options: CodemodOptions): ProjectResult {
  const settings = options.settings as Settings;
  const results = new Map<string, CodemodResult>();
  const unchanged = (input: CodemodInput): CodemodResult => ({ output: input.source, todos: [] });

  if (options.mode === 'inject') {
    // The user says this code never runs under the undici instrumentation: every call is bare.
    const injectSettings = withoutUndici(settings, ['http']);
    for (const input of inputs) results.set(input.path, lintFix(input, { rules: { [RULE]: [] } }, { parser: options.parser, settings: injectSettings, realPath: true }));
    return { results, notes: [] };
  }
  // Any other --mode (another codemod's, in an `all` run) means the default.
  const files = inputs.map((input) => ({ input, registrations: fileInstrumentations(sourceFileOf(input)) }));
  const setupFiles = files.filter((f) => !TEST_FILE.test(f.input.path));
  const project = mergeInstrumentations([
    ...setupFiles.map((f) => f.registrations),
    ...[...new Set(inputs.map((i) => packageInstrumentation(i.path).preloaded))].filter((p): p is InstrumentationRegistrations => p !== undefined),
  ]);
  // What the processed files register wins over the setting: a setting that omits undici while the
  // setup constructs it is stale (typically: this codemod registered it on an earlier run).
  const user = userUndiciState(settings);
  if (registersItself(project, 'undici')) {
    for (const input of inputs) results.set(input.path, unchanged(input));
    const where = setupFiles.filter((f) => registersItself(f.registrations, 'undici')).map((f) => path.basename(f.input.path));
    return { results, notes: user === 'absent' ? [staleSettingNote(where.length > 0 ? where.join(', ') : 'a setup the package scripts preload', 'registers')] : [] };
  }
  const state = user ?? (inputs[0] ? instrumentationStateOf(project, 'undici', inputs[0].path) : 'unknown');
  if (state !== 'absent') {
    for (const input of inputs) results.set(input.path, unchanged(input));
    return { results, notes: [] };
  }

  // Which calls the rule reports once it knows undici is missing (wrappers, injected calls and
  // module-level calls stay exempt, as in the rule).
  const probeSettings = withoutUndici(settings, project.enabled);
  const probes = new Map(inputs.map((input) => [input.path, reworded(lintFix(input, { rules: { [RULE]: [] }, pickSuggestion: () => -1 }, { parser: options.parser, settings: probeSettings, realPath: true }), settings)]));
  const reported = [...probes.values()].reduce((n, r) => n + r.todos.length, 0);
  if (reported === 0) {
    for (const input of inputs) results.set(input.path, unchanged(input));
    return { results, notes: [] };
  }

  const callFiles = [...probes.values()].filter((r) => r.todos.length > 0).length;
  const attempts = setupFiles.filter((f) => f.registrations.sites.length > 0).map(({ input, registrations }) => ({ input, ...registerUndici(input, registrations.sites, options) }));
  const edited = attempts.filter((a) => a.edited);
  if (edited.length > 0) {
    for (const a of attempts) results.set(a.input.path, a.result);
    for (const input of inputs) if (!results.has(input.path)) results.set(input.path, unchanged(input));
    const notes = [`registered UndiciInstrumentation in ${edited.length} setup file(s): it carries the trace context for the ${reported} fetch/undici call(s) in ${callFiles} file(s)`];
    const cleaned = removeDoubledInjections(inputs, results, withUndici(settings, project.enabled), options);
    if (cleaned > 0) notes.push(`removed the manual trace-context injections into fetch/undici requests that the undici instrumentation would now double, in ${cleaned} file(s)`);
    if (user === 'absent') notes.push(staleSettingNote(edited.map((a) => path.basename(a.input.path)).join(', '), 'now registers'));
    return { results, notes: [...notes, ...attempts.flatMap((a) => a.notes)] };
  }
  // Nothing registered: every reported call keeps a TODO marker, and so does a setup that turns undici off.
  const notes: string[] = [];
  for (const input of inputs) {
    const probe = probes.get(input.path)!;
    const sites = attempts.some((a) => a.input.path === input.path) ? fileInstrumentations(sourceFileOf({ path: input.path, source: probe.output })).sites : [];
    const marked = sites.length > 0 ? registerUndici({ path: input.path, source: probe.output }, sites, options) : undefined;
    results.set(input.path, marked ? { output: marked.result.output, todos: [...probe.todos, ...marked.result.todos] } : probe);
    if (marked) notes.push(...marked.notes);
  }
  if (attempts.length === 0) {
    notes.push(`no tracing setup (NodeSDK, registerInstrumentations, a tracer provider) found among the processed files: register new UndiciInstrumentation() where tracing is set up; ${reported} fetch/undici call(s) are marked ${TODO}`);
  }
  return { results, notes };
}

interface SiteEdit {
  range: [number, number];
  text: (ref: (i: NeededImport) => string) => string;
}

/** Adds the undici instrumentation to the file's setup sites; TODO markers where a list turns it off on purpose. */
function registerUndici(input: CodemodInput, sites: readonly SetupSite[], options: CodemodOptions): { result: CodemodResult; notes: string[]; edited: boolean } {
  const text = stripBom(input.source);
  const bom = input.source.length !== text.length ? '\uFEFF' : '';
  const edits: SiteEdit[] = [];
  const markers: SiteEdit[] = [];
  const todos: CodemodResult['todos'] = [];
  const mark = (node: ts.Node, message: string): void => {
    const start = statementOf(node).getStart();
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    todos.push({ path: input.path, line: lineOf(text, start), ruleId: `otel-context/${RULE}`, message });
    const previous = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart);
    if (previous.includes(`${TODO}: otel-context/${RULE}`)) return;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    markers.push({ range: [lineStart, lineStart], text: () => `${indent}// ${TODO}: otel-context/${RULE}: ${message}\n` });
  };
  const needed: NeededImport[] = [UNDICI];
  for (const site of sites.filter((s) => s.kind !== 'provider')) {
    if (site.disables.has('undici')) mark(site.node, 'this setup turns the undici instrumentation off, so fetch/undici requests carry no trace context; enable it unless that is deliberate.');
    // Never a second one: an UndiciInstrumentation already in the list is turned off (or not the OpenTelemetry one).
    else if (listsUndici(site)) mark(site.node, 'this setup lists an UndiciInstrumentation that is not enabled, so fetch/undici requests carry no trace context; enable it unless that is deliberate.');
    else edits.push(listEdit(text, site));
  }
  const provider = sites.find((s) => s.kind === 'provider');
  if (edits.length === 0 && todos.length === 0 && provider) {
    // A provider or distro without an instrumentation list: register undici right after it.
    const stmt = statementOf(provider.node);
    const indent = /[ \t]*$/.exec(text.slice(0, stmt.getStart()))![0];
    needed.push(REGISTER);
    edits.push({ range: [stmt.end, stmt.end], text: (ref) => `\n${indent}${ref(REGISTER)}({ instrumentations: [new ${ref(UNDICI)}()] });` });
  }
  const notes: string[] = [];
  let output: string | undefined;
  if (edits.length > 0) {
    output = applyWithImports(input, text, needed, [...edits, ...markers], options);
    if (output !== undefined) notes.push(...dependencyNotes(input.path, needed));
    else mark(sites[0].node, 'add new UndiciInstrumentation() to this setup (the name UndiciInstrumentation is taken in this file).');
  }
  if (todos.length > 0) notes.push(`${path.basename(input.path)}: left a ${TODO} marker where the undici instrumentation cannot be registered automatically`);
  const edited = output !== undefined;
  output ??= applyText(text, markers);
  return { result: { output: bom + output, todos }, notes, edited };
}

/** The site's `instrumentations` (through a variable of the file) constructs an `UndiciInstrumentation`. */
function listsUndici(site: SetupSite): boolean {
  const declared = (name: string): ts.Expression | undefined => {
    let init: ts.Expression | undefined;
    const visit = (n: ts.Node): void => {
      if (init) return;
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) init = n.initializer;
      else ts.forEachChild(n, visit);
    };
    visit(site.sourceFile);
    return init;
  };
  const has = (e: ts.Node | undefined, depth: number): boolean => {
    if (!e || depth > 3) return false;
    if (ts.isNewExpression(e)) {
      const callee = e.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name === 'UndiciInstrumentation') return true;
    }
    if (ts.isIdentifier(e) && !(ts.isNewExpression(e.parent) && e.parent.expression === e)) {
      const init = declared(e.text);
      if (init && has(init, depth + 1)) return true;
    }
    return ts.forEachChild(e, (c) => has(c, depth) || undefined) ?? false;
  };
  return has(site.list, 0);
}

function applyText(text: string, edits: readonly SiteEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, e.range[0]) + e.text(() => '') + out.slice(e.range[1]);
  return out;
}

function statementOf(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent) && !ts.isBlock(n.parent)) n = n.parent;
  return n;
}

/** The new `instrumentations` entry, in the list's own layout. */
function listEdit(text: string, site: SetupSite): SiteEdit {
  const entry = (ref: (i: NeededImport) => string) => `new ${ref(UNDICI)}()`;
  const list = site.list;
  if (list && ts.isArrayLiteralExpression(list)) {
    const last = list.elements.at(-1);
    if (!last) return { range: [list.getStart(), list.end], text: (ref) => `[${entry(ref)}]` };
    const multiline = text.slice(list.getStart(), last.getStart()).includes('\n');
    const afterLast = text.slice(last.end, list.end - 1);
    const comma = afterLast.trimStart().startsWith(',');
    if (multiline) {
      const indent = /[ \t]*$/.exec(text.slice(0, last.getStart()))![0];
      const at = comma ? last.end + afterLast.indexOf(',') + 1 : last.end;
      return { range: [at, at], text: (ref) => `${comma ? '' : ','}\n${indent}${entry(ref)}${comma ? ',' : ''}` };
    }
    return { range: [last.end, last.end], text: (ref) => `, ${entry(ref)}` };
  }
  if (list) {
    // `{ instrumentations }`: the shorthand property needs its name back
    const key = ts.isShorthandPropertyAssignment(list.parent) ? `${list.getText()}: ` : '';
    return { range: [list.getStart(), list.end], text: (ref) => `${key}[${list.getText()}, ${entry(ref)}]` };
  }
  const options = site.options;
  if (options) {
    const last = options.properties.at(-1);
    if (!last) return { range: [options.getStart(), options.end], text: (ref) => `{ instrumentations: [${entry(ref)}] }` };
    const multiline = text.slice(options.getStart(), last.getStart()).includes('\n');
    const afterLast = text.slice(last.end, options.end - 1);
    const comma = afterLast.trimStart().startsWith(',');
    const indent = multiline ? /[ \t]*$/.exec(text.slice(0, last.getStart()))![0] : '';
    const at = comma ? last.end + afterLast.indexOf(',') + 1 : last.end;
    const prop = (ref: (i: NeededImport) => string) => `instrumentations: [${entry(ref)}]`;
    return multiline
      ? { range: [at, at], text: (ref) => `${comma ? '' : ','}\n${indent}${prop(ref)}${comma ? ',' : ''}` }
      : { range: [at, at], text: (ref) => `${comma ? ' ' : ', '}${prop(ref)}` };
  }
  // `new NodeSDK()`: give it options
  const node = site.node;
  const open = text.indexOf('(', node.expression.end);
  const close = node.end - 1;
  return { range: [open + 1, close], text: (ref) => `{ instrumentations: [${entry(ref)}] }` };
}

/** Applies the site edits with the imports they need, in the file's own import style, through the shared import planner. */
function applyWithImports(input: CodemodInput, text: string, needed: NeededImport[], edits: SiteEdit[], options: CodemodOptions): string | undefined {
  let failed = false;
  const rule: Rule.RuleModule = {
    meta: { type: 'problem', fixable: 'code', schema: [] },
    create(context) {
      return {
        'Program:exit'(program) {
          const sourceCode = context.sourceCode as unknown as Readonly<TSESLint.SourceCode>;
          const plan = planImports(sourceCode, needed);
          if (!plan) {
            failed = true;
            return;
          }
          const ref = (i: NeededImport) => plan.refs.get(importKey(i))!;
          context.report({
            node: program,
            message: 'register the undici instrumentation',
            fix: (fixer) => [
              ...(plan.fixes(fixer) as unknown as Rule.Fix[]),
              ...edits.map((e) => fixer.replaceTextRange(e.range, e.text(ref))),
            ],
          });
        },
      };
    },
  };
  const ext = path.extname(input.path) || '.ts';
  const parser = parserFor(input.path, options.parser);
  const linter = new Linter({ configType: 'flat' });
  // One pass: the edits' ranges belong to this text, so the fix must not be re-derived from a fixed one.
  const messages = linter.verify(
    text,
    [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: {
          ecmaVersion: 'latest',
          sourceType: ext === '.cjs' || ext === '.cts' ? 'commonjs' : 'module',
          ...(parser === 'babel' ? {} : { parser: tsParser as unknown as Linter.Parser, parserOptions: { ecmaFeatures: { jsx: parser === 'tsx' } } }),
        },
        plugins: { local: { rules: { 'register-undici': rule } } },
        rules: { 'local/register-undici': 'error' },
      },
    ],
    { filename: `file${ext}` },
  );
  const fix = messages.find((m) => m.ruleId === 'local/register-undici')?.fix;
  return failed || !fix ? undefined : text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
}

function dependencyNotes(file: string, needed: readonly NeededImport[]): string[] {
  const pkg = nearestPackage(file);
  const deps = { ...pkg?.json.dependencies, ...pkg?.json.optionalDependencies };
  const where = pkg ? path.join(pkg.dir, 'package.json') : 'package.json';
  return [...new Set(needed.map((n) => n.module))].filter((m) => !(m in deps)).map((m) => `add ${m} to the dependencies in ${where} (${path.basename(file)} now imports it)`);
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

export const codemod: Codemod = {
  id: 'propagate-fetch',
  description: 'Register the undici instrumentation so fetch and undici requests carry the trace context (or inject it per call with --mode=inject)',
  rules: [RULE],
  transformProject,
};

export default toJscodeshiftTransform(codemod);
