import ts from 'typescript';
import { definePackageFact } from './program-facts.js';

/**
 * Which auto-instrumentations code registers (`http`, `undici`, `express`, ...), read syntactically
 * from TypeScript ASTs: instrumentation constructors (an instrumentation enables itself when it is
 * constructed), `getNodeAutoInstrumentations()` and its config, the `register` entry points and the
 * vendor distros whose defaults are known. Used per file (untyped mode, preload files), per program
 * (typed mode) and by setup codemods, which edit the `sites`.
 */
export interface InstrumentationRegistrations {
  /** Tracing is set up here: an SDK, a tracer provider, a distro or an instrumentation registration. */
  readonly setup: boolean;
  /** Instrumentation short names enabled (`http` for `@opentelemetry/instrumentation-http`). */
  readonly enabled: ReadonlySet<string>;
  /** Names explicitly disabled (`{ enabled: false }`, an auto-instrumentations config entry). */
  readonly disabled: ReadonlySet<string>;
  /** An instrumentation list or config the analysis cannot read: anything may be registered. */
  readonly opaque: boolean;
  /** Code for the browser (a web tracer provider): Node instrumentations do not apply. */
  readonly browser: boolean;
  /** Every module the code imports or requires (`node:` stripped). */
  readonly importedModules: ReadonlySet<string>;
  readonly sites: readonly SetupSite[];
}

/** A place that sets tracing up, for codemods that add an instrumentation. */
export interface SetupSite {
  readonly sourceFile: ts.SourceFile;
  /**
   * `node-sdk`: `new NodeSDK(options?)` / `startNodeSDK(options?)`; `register-instrumentations`:
   * `registerInstrumentations(options)`; `provider`: a tracer provider or distro set up without
   * an instrumentation list of its own.
   */
  readonly kind: 'node-sdk' | 'register-instrumentations' | 'provider';
  readonly node: ts.CallExpression | ts.NewExpression;
  /** The options object literal, when the call has one. */
  readonly options?: ts.ObjectLiteralExpression;
  /** The `instrumentations` value, when the options name one. */
  readonly list?: ts.Expression;
  /** The list (or an auto-instrumentations config in it) turns `name` off: `{ enabled: false }`. */
  readonly disables: ReadonlySet<string>;
}

const INSTRUMENTATION_PACKAGE = /^@opentelemetry\/instrumentation-([a-z0-9.-]+)$/;
const AUTO_PACKAGE = '@opentelemetry/auto-instrumentations-node';

/** `getNodeAutoInstrumentations()` defaults (auto-instrumentations-node 0.81/0.82: all but fs and host-metrics). */
export const AUTO_INSTRUMENTATION_DEFAULTS: ReadonlySet<string> = new Set([
  'amqplib', 'aws-lambda', 'aws-sdk', 'bunyan', 'cassandra-driver', 'connect', 'cucumber', 'dataloader', 'dns',
  'express', 'generic-pool', 'graphql', 'grpc', 'hapi', 'http', 'ioredis', 'kafkajs', 'knex', 'koa',
  'lru-memoizer', 'memcached', 'mongodb', 'mongoose', 'mysql', 'mysql2', 'nestjs-core', 'net', 'openai',
  'oracledb', 'pg', 'pino', 'redis', 'restify', 'router', 'runtime-node', 'socket.io', 'tedious', 'undici', 'winston',
]);

/**
 * Distros and entry points that register instrumentations by themselves, keyed by module, and
 * what they register by default. Splunk (`@splunk/otel` 3.x/4.x) and Elastic (EDOT Node.js) bundle
 * the undici instrumentation; Azure Monitor's distro does not (azure-sdk-for-js #29864, closed
 * "not planned"); `@vercel/otel` instruments `fetch` with its own instrumentation.
 */
const DISTROS: ReadonlyMap<string, { calls: readonly string[]; sideEffect: boolean; names: ReadonlySet<string> }> = new Map([
  [`${AUTO_PACKAGE}/register`, { calls: [], sideEffect: true, names: AUTO_INSTRUMENTATION_DEFAULTS }],
  ['@splunk/otel', { calls: ['start'], sideEffect: false, names: AUTO_INSTRUMENTATION_DEFAULTS }],
  ['@splunk/otel/instrument', { calls: [], sideEffect: true, names: AUTO_INSTRUMENTATION_DEFAULTS }],
  ['@elastic/opentelemetry-node', { calls: [], sideEffect: true, names: AUTO_INSTRUMENTATION_DEFAULTS }],
  ['@vercel/otel', { calls: ['registerOTel'], sideEffect: false, names: new Set(['http', 'undici']) }],
  ['@azure/monitor-opentelemetry', { calls: ['useAzureMonitor'], sideEffect: false, names: new Set(['http']) }],
  ['@azure/monitor-opentelemetry/loader', { calls: [], sideEffect: true, names: new Set(['http']) }],
  ['applicationinsights', { calls: ['useAzureMonitor'], sideEffect: false, names: new Set(['http']) }],
]);

const SDK_MODULES: ReadonlyMap<string, readonly string[]> = new Map([
  ['@opentelemetry/sdk-node', ['NodeSDK', 'startNodeSDK', 'startNodeSdk']],
  ['@honeycombio/opentelemetry-node', ['HoneycombSDK']],
]);
const PROVIDER_MODULE = /^@opentelemetry\/sdk-trace(-base|-node|-web)?$/;
/** Text gate of `fileInstrumentations`: a file without one of these registers nothing and imports no instrumentation provider. */
export const RELEVANT_TEXT = /@opentelemetry\/|@splunk\/otel|@elastic\/opentelemetry-node|@vercel\/otel|@azure\/monitor-opentelemetry|applicationinsights|@honeycombio\/opentelemetry-node/;

/** Test and mock files: a setup there (an in-memory provider for assertions) says nothing about production. */
export const TEST_FILE = /(^|[\\/])(__tests__|__mocks__|tests?|spec|e2e)[\\/]|\.(test|spec|e2e)\.[cm]?[jt]sx?$/;

interface Binding {
  module: string;
  /** The export, `*` for a namespace or the whole module. */
  name: string;
}

const moduleName = (specifier: string): string => specifier.replace(/^node:/, '');

function requireSpecifier(node: ts.Expression | undefined): string | undefined {
  let e = node;
  while (e && (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
  if (!e || !ts.isCallExpression(e) || !e.arguments[0] || !ts.isStringLiteralLike(e.arguments[0])) return undefined;
  const isRequire = ts.isIdentifier(e.expression) && e.expression.text === 'require';
  const isImport = e.expression.kind === ts.SyntaxKind.ImportKeyword;
  return isRequire || isImport ? moduleName(e.arguments[0].text) : undefined;
}

const propertyName = (name: ts.PropertyName | ts.BindingName | undefined): string | undefined =>
  name && (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) ? name.text : undefined;

function objectProperty(obj: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => !ts.isSpreadAssignment(p) && propertyName(p.name) === name);
}

function propertyValue(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const p = objectProperty(obj, name);
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return p.initializer;
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

/** `{ enabled: false }` (or the options object in a variable we cannot read: undefined). */
function disablesItself(arg: ts.Expression | undefined): boolean {
  if (!arg || !ts.isObjectLiteralExpression(arg)) return false;
  const enabled = propertyValue(arg, 'enabled');
  return enabled?.kind === ts.SyntaxKind.FalseKeyword;
}

const cache = new WeakMap<ts.SourceFile, InstrumentationRegistrations>();

/** The registrations one file shows. Pure; cached per source file. */
export function fileInstrumentations(sf: ts.SourceFile): InstrumentationRegistrations {
  const hit = cache.get(sf);
  if (hit) return hit;
  const result = RELEVANT_TEXT.test(sf.text) ? scan(sf) : emptyRegistrations(moduleImports(sf));
  cache.set(sf, result);
  return result;
}

const ofLintedText = new WeakMap<object, InstrumentationRegistrations>();

/**
 * The registrations the linted file's own text shows, for rules without type information: parsed
 * with TypeScript once per linted file (keyed by its `SourceCode`), however many rules ask.
 */
export function lintedFileInstrumentations(filename: string, sourceCode: { readonly text: string }): InstrumentationRegistrations {
  let result = ofLintedText.get(sourceCode);
  if (!result) ofLintedText.set(sourceCode, (result = fileInstrumentations(ts.createSourceFile(filename, sourceCode.text, ts.ScriptTarget.Latest, false))));
  return result;
}

function emptyRegistrations(importedModules: ReadonlySet<string>): InstrumentationRegistrations {
  return { setup: false, enabled: new Set(), disabled: new Set(), opaque: false, browser: false, importedModules, sites: [] };
}

/** Module specifiers of static imports and top-level requires (the cheap part, for files with nothing relevant). */
function moduleImports(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) out.add(moduleName(stmt.moduleSpecifier.text));
  }
  return out;
}

function scan(sf: ts.SourceFile): InstrumentationRegistrations {
  const bindings = new Map<string, Binding>();
  const localInits = new Map<string, ts.Expression>();
  const importedModules = new Set<string>();
  const sideEffects: string[] = [];
  const news: ts.NewExpression[] = [];
  const calls: ts.CallExpression[] = [];

  const bindPattern = (name: ts.BindingName, module: string): void => {
    if (ts.isIdentifier(name)) bindings.set(name.text, { module, name: '*' });
    else if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        const imported = propertyName(el.propertyName ?? el.name);
        if (imported && ts.isIdentifier(el.name)) bindings.set(el.name.text, { module, name: imported });
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = moduleName(node.moduleSpecifier.text);
      importedModules.add(module);
      const clause = node.importClause;
      if (!clause) sideEffects.push(module);
      else if (!clause.isTypeOnly) {
        if (clause.name) bindings.set(clause.name.text, { module, name: 'default' });
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) bindings.set(nb.name.text, { module, name: '*' });
        else if (nb) for (const el of nb.elements) bindings.set(el.name.text, { module, name: (el.propertyName ?? el.name).text });
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      const module = moduleName(node.moduleReference.expression.text);
      importedModules.add(module);
      bindings.set(node.name.text, { module, name: '*' });
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      const module = requireSpecifier(node.initializer);
      if (module !== undefined) {
        importedModules.add(module);
        bindPattern(node.name, module);
      } else if (ts.isIdentifier(node.name)) {
        localInits.set(node.name.text, node.initializer);
      }
    } else if (ts.isExpressionStatement(node)) {
      const module = requireSpecifier(node.expression);
      if (module !== undefined) {
        importedModules.add(module);
        sideEffects.push(module);
      }
    }
    if (ts.isNewExpression(node)) news.push(node);
    else if (ts.isCallExpression(node)) calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const resolve = (callee: ts.Expression): Binding | undefined => {
    if (ts.isIdentifier(callee)) return bindings.get(callee.text);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const ns = bindings.get(callee.expression.text);
      if (ns && (ns.name === '*' || ns.name === 'default')) return { module: ns.module, name: callee.name.text };
    }
    return undefined;
  };

  const enabled = new Set<string>();
  const disabled = new Set<string>();
  const sites: SetupSite[] = [];
  let setup = false;
  let opaque = false;
  let browser = false;

  const enableAll = (names: ReadonlySet<string>, except: ReadonlySet<string> = new Set()): void => {
    for (const n of names) if (!except.has(n)) enabled.add(n);
    for (const n of except) disabled.add(n);
  };

  /** Names an auto-instrumentations config turns off, or undefined when the config cannot be read. */
  const autoConfigDisables = (call: ts.CallExpression): Set<string> | undefined => {
    const config = call.arguments[0];
    const out = new Set<string>();
    if (!config) return out;
    if (!ts.isObjectLiteralExpression(config)) return undefined;
    for (const p of config.properties) {
      if (!ts.isPropertyAssignment(p)) {
        if (ts.isSpreadAssignment(p)) return undefined;
        continue;
      }
      const key = propertyName(p.name);
      const short = key ? INSTRUMENTATION_PACKAGE.exec(key)?.[1] : undefined;
      if (short && disablesItself(p.initializer)) out.add(short);
    }
    return out;
  };

  const isAutoCall = (e: ts.Expression): e is ts.CallExpression => {
    if (!ts.isCallExpression(e)) return false;
    const b = resolve(e.expression);
    return b?.module === AUTO_PACKAGE && b.name === 'getNodeAutoInstrumentations';
  };

  /**
   * Can the list (or one element of it) be read: OpenTelemetry instrumentations made here, not values
   * from elsewhere nor classes of unknown origin (a company wrapper may well instrument fetch)?
   */
  const readable = (e: ts.Expression, depth = 0): boolean => {
    if (depth > 3) return false;
    if (ts.isNewExpression(e)) return INSTRUMENTATION_PACKAGE.test(resolve(e.expression)?.module ?? '');
    if (isAutoCall(e)) return autoConfigDisables(e) !== undefined;
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((el) => readable(ts.isSpreadElement(el) ? el.expression : el, depth + 1));
    if (ts.isIdentifier(e)) {
      const init = localInits.get(e.text);
      return init !== undefined && readable(init, depth + 1);
    }
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return readable(e.expression, depth);
    return false;
  };

  const listDisables = (e: ts.Expression | undefined, depth = 0): Set<string> => {
    const out = new Set<string>();
    if (!e || depth > 3) return out;
    if (isAutoCall(e)) return autoConfigDisables(e) ?? out;
    if (ts.isArrayLiteralExpression(e)) {
      for (const el of e.elements) for (const n of listDisables(ts.isSpreadElement(el) ? el.expression : el, depth + 1)) out.add(n);
    } else if (ts.isIdentifier(e) && localInits.has(e.text)) return listDisables(localInits.get(e.text), depth + 1);
    return out;
  };

  const addListSite = (kind: SetupSite['kind'], node: ts.CallExpression | ts.NewExpression, optionsArg: ts.Expression | undefined): void => {
    setup = true;
    let options = optionsArg;
    if (options && ts.isIdentifier(options) && localInits.has(options.text)) options = localInits.get(options.text);
    if (options && !ts.isObjectLiteralExpression(options)) {
      opaque = true;
      sites.push({ sourceFile: sf, kind, node, disables: new Set() });
      return;
    }
    const list = options ? propertyValue(options, 'instrumentations') : undefined;
    if (options && (!list || !readable(list)) && (list || options.properties.some(ts.isSpreadAssignment))) opaque = true;
    sites.push({ sourceFile: sf, kind, node, options, list, disables: listDisables(list) });
  };

  for (const module of sideEffects) {
    const distro = DISTROS.get(module);
    if (distro?.sideEffect) {
      setup = true;
      enableAll(distro.names);
    }
  }
  for (const module of importedModules) {
    // EDOT Node.js starts its SDK on import, whatever the import names.
    if (module === '@elastic/opentelemetry-node') {
      setup = true;
      enableAll(AUTO_INSTRUMENTATION_DEFAULTS);
    }
  }

  for (const node of news) {
    const b = resolve(node.expression);
    if (!b) continue;
    const short = INSTRUMENTATION_PACKAGE.exec(b.module)?.[1];
    if (short && /Instrumentation$/.test(b.name)) {
      setup = true;
      if (disablesItself(node.arguments?.[0])) disabled.add(short);
      else enabled.add(short);
    } else if (SDK_MODULES.get(b.module)?.includes(b.name)) {
      addListSite('node-sdk', node, node.arguments?.[0]);
    } else if (PROVIDER_MODULE.test(b.module) && /TracerProvider$/.test(b.name)) {
      setup = true;
      if (/Web/.test(b.name) || b.module.endsWith('-web')) browser = true;
      sites.push({ sourceFile: sf, kind: 'provider', node, disables: new Set() });
    }
  }
  for (const node of calls) {
    const b = resolve(node.expression);
    if (!b) continue;
    if (b.module === '@opentelemetry/instrumentation' && b.name === 'registerInstrumentations') {
      addListSite('register-instrumentations', node, node.arguments[0]);
    } else if (b.module === AUTO_PACKAGE && b.name === 'getNodeAutoInstrumentations') {
      setup = true;
      const off = autoConfigDisables(node);
      if (off === undefined) opaque = true;
      enableAll(AUTO_INSTRUMENTATION_DEFAULTS, off ?? new Set());
    } else if (SDK_MODULES.get(b.module)?.includes(b.name)) {
      addListSite('node-sdk', node, node.arguments[0]);
    } else if (DISTROS.get(b.module)?.calls.includes(b.name)) {
      setup = true;
      enableAll(DISTROS.get(b.module)!.names);
      sites.push({ sourceFile: sf, kind: 'provider', node, disables: new Set() });
    }
  }
  // `trace.setGlobalTracerProvider(...)`, `api.trace.setGlobalTracerProvider(...)`
  for (const node of calls) {
    const callee = node.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'setGlobalTracerProvider') continue;
    const b = resolve(callee.expression);
    if (b?.module === '@opentelemetry/api') setup = true;
  }
  return { setup, enabled, disabled, opaque, browser, importedModules, sites };
}

/** The union of several files' registrations. */
export function mergeInstrumentations(parts: readonly InstrumentationRegistrations[]): InstrumentationRegistrations {
  const enabled = new Set<string>();
  const disabled = new Set<string>();
  const importedModules = new Set<string>();
  const sites: SetupSite[] = [];
  let setup = false;
  let opaque = false;
  let browser = false;
  for (const p of parts) {
    setup ||= p.setup;
    opaque ||= p.opaque;
    browser ||= p.browser;
    for (const n of p.enabled) enabled.add(n);
    for (const n of p.disabled) disabled.add(n);
    for (const m of p.importedModules) importedModules.add(m);
    sites.push(...p.sites);
  }
  return { setup, enabled, disabled, opaque, browser, importedModules, sites };
}

/**
 * What the non-test files of one package of the program register (the package of `fileName`, see
 * `packageSourceFiles`), computed once per program and package.
 */
export const programInstrumentations = definePackageFact((files) => mergeInstrumentations(files.filter((sf) => !TEST_FILE.test(sf.fileName)).map(fileInstrumentations)));
