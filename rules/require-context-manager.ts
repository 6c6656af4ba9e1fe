import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { createRule } from '../analysis/create-rule.js';
import { findVariable, getOtelResolver, type OtelResolver } from '../analysis/resolve-otel-symbol.js';
import { importOrigin } from '../analysis/import-origin.js';
import { readSettings } from '../analysis/settings.js';
import { reliesOnActiveContext, setupEvidenceAround, setupEvidenceInText, type GlobalSetupEvidence } from '../analysis/tracer-provider-setup.js';
import { isTestModule } from '../analysis/test-module.js';
import { programFileName } from '../analysis/parser-services.js';
import { installedPackage, majorVersion, packageOfDeclaration } from '../analysis/installed-package.js';
import { declaredDependencies, nearestPackage } from '../analysis/package-json.js';
import { importKey, planImports, type NeededImport } from '../analysis/import-edits.js';

export type Options = [];
export type MessageIds =
  | 'noContextManager'
  | 'contextManagerDisabled'
  | 'noPropagator'
  | 'exporterNotWrapped'
  | 'addAsyncLocalStorage'
  | 'addZoneContextManager'
  | 'addW3CPropagators'
  | 'removeNullContextManager';

const SDK_TRACE_PACKAGE = /^@opentelemetry\/sdk-trace(-base|-node|-web)?$/;
const SDK_TRACE_DECLARATION = /[\\/]node_modules[\\/]@opentelemetry[\\/]sdk-trace(-base|-node|-web)?[\\/]/;
const PROCESSORS = new Set(['SimpleSpanProcessor', 'BatchSpanProcessor']);
const API = '@opentelemetry/api';
const ALS_PACKAGE = '@opentelemetry/context-async-hooks';
const ZONE_PACKAGE = '@opentelemetry/context-zone';
const CORE_PACKAGE = '@opentelemetry/core';

type Ctx = Readonly<TSESLint.RuleContext<MessageIds, Options>>;

/** `new X(...)` for the node or for the `const` it names. */
function constructionOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): TSESTree.NewExpression | undefined {
  if (node.type === AST_NODE_TYPES.NewExpression) return node;
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = findVariable(sourceCode, node)?.defs[0];
  if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init?.type === AST_NODE_TYPES.NewExpression) return def.node.init;
  return undefined;
}

/** Is the value a tracer provider from the OpenTelemetry trace SDK (2.x or 3.x)? */
function isSdkProvider(context: Ctx, resolver: OtelResolver, node: TSESTree.Node): boolean {
  if (resolver.services) {
    const checker = resolver.services.program.getTypeChecker();
    const type = checker.getTypeAtLocation(resolver.services.esTreeNodeToTSNodeMap.get(node));
    if (!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
      const decls = type.getSymbol()?.declarations ?? [];
      return decls.some((d) => SDK_TRACE_DECLARATION.test(d.getSourceFile().fileName)) && /TracerProvider$/.test(type.getSymbol()!.getName());
    }
  }
  const made = constructionOf(context.sourceCode, node);
  if (made?.callee.type !== AST_NODE_TYPES.Identifier) return false;
  const from = importOrigin(context.sourceCode, made.callee);
  return !!from && SDK_TRACE_PACKAGE.test(from.module) && /TracerProvider$/.test(from.name);
}

/**
 * A span processor class whose constructor takes `{ exporter }` (and so silently exports nothing
 * when given the exporter itself): `@opentelemetry/sdk-trace` (2.x and 3.x), not the 2.x
 * `sdk-trace-base`/`sdk-trace-node` shims that keep the old signature. Typed: from the declared
 * constructor parameter; untyped: from the package, and the installed major version for the others.
 */
function optionsFormProcessor(context: Ctx, resolver: OtelResolver, callee: TSESTree.Expression): { name: string; pkg: string; version: string } | undefined {
  if (resolver.services) {
    const checker = resolver.services.program.getTypeChecker();
    const tsCallee = resolver.services.esTreeNodeToTSNodeMap.get(callee);
    let symbol = checker.getSymbolAtLocation(tsCallee);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const decl = symbol?.declarations?.[0];
    if (decl && symbol && PROCESSORS.has(symbol.getName())) {
      const pkg = packageOfDeclaration(decl.getSourceFile().fileName);
      if (!pkg || !/^@opentelemetry\/sdk-trace/.test(pkg.name)) return undefined;
      const first = checker.getTypeAtLocation(tsCallee).getConstructSignatures()[0]?.getParameters()[0];
      const paramType = first && checker.getTypeOfSymbol(first);
      return paramType?.getProperty('exporter') ? { name: symbol.getName(), pkg: pkg.name, version: pkg.version } : undefined;
    }
  }
  if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const from = importOrigin(context.sourceCode, callee);
  if (!from || !SDK_TRACE_PACKAGE.test(from.module) || !PROCESSORS.has(from.name)) return undefined;
  const installed = installedPackage(context.filename, from.module);
  if (!installed) return undefined;
  const optionsForm = from.module === '@opentelemetry/sdk-trace' || (majorVersion(installed.version) ?? 0) >= 3;
  return optionsForm ? { name: from.name, pkg: from.module, version: installed.version } : undefined;
}

/** Is the argument an exporter (not the 3.x options object)? */
function isExporterValue(context: Ctx, resolver: OtelResolver, node: TSESTree.Node): boolean {
  let arg = node;
  // `exporter as any` silences tsc, not the runtime.
  while (arg.type === AST_NODE_TYPES.TSAsExpression || arg.type === AST_NODE_TYPES.TSNonNullExpression || arg.type === AST_NODE_TYPES.TSSatisfiesExpression) arg = arg.expression;
  if (arg.type === AST_NODE_TYPES.ObjectExpression || arg.type === AST_NODE_TYPES.SpreadElement) return false;
  if (resolver.services) {
    const type = resolver.services.getTypeAtLocation(arg);
    if (!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return !!type.getProperty('export') && !type.getProperty('exporter');
  }
  const made = constructionOf(context.sourceCode, arg);
  if (made) return made.callee.type === AST_NODE_TYPES.Identifier && /Exporter$/.test(made.callee.name);
  return arg.type === AST_NODE_TYPES.Identifier && /exporter$/i.test(arg.name);
}

function dependsOn(filename: string, pkg: string): boolean {
  return declaredDependencies(nearestPackage(filename)?.json).has(pkg) || !!installedPackage(filename, pkg);
}

export default createRule<Options, MessageIds>({
  name: 'require-context-manager',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require a context manager and a propagator wherever a tracer provider is made global',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    fixable: 'code',
    schema: [],
    messages: {
      noContextManager:
        'This tracer provider is made global without a context manager, so `context.active()` is always the root context: every span starts a new trace and `startActiveSpan`/`context.with` parent nothing. Register one with `context.setGlobalContextManager(new AsyncLocalStorageContextManager())`, or start the SDK with `NodeSDK`.',
      contextManagerDisabled:
        '`register({ contextManager: null })` leaves the API without a context manager, so every span starts a new trace and `startActiveSpan`/`context.with` parent nothing. Drop `contextManager: null` to get the AsyncLocalStorage context manager, or set one with `context.setGlobalContextManager(...)`.',
      noPropagator:
        'No propagator is registered, yet this program calls `propagation.inject`/`extract`: inject writes no `traceparent` and extract finds none, so downstream services start new traces. Register the W3C propagators with `propagation.setGlobalPropagator(...)`.',
      exporterNotWrapped:
        '`{{processor}}` from {{pkg}} {{version}} takes `{ exporter }` (the 2.x `sdk-trace-base` form passed the exporter itself): given the exporter it constructs, then fails every export with an error only `diag` sees, so no span is ever exported. Pass `{ exporter: ... }`.',
      addAsyncLocalStorage: 'Register the AsyncLocalStorage context manager from `@opentelemetry/context-async-hooks` right after the provider.',
      addZoneContextManager: 'Register the `ZoneContextManager` from `@opentelemetry/context-zone` right after the provider (browser).',
      addW3CPropagators: 'Register the W3C trace-context and baggage propagators from `@opentelemetry/core` right after the provider.',
      removeNullContextManager: 'Remove `contextManager: null` so that `register()` installs the AsyncLocalStorage context manager.',
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    const text = sourceCode.text;
    // Cheap first: nothing to do in a file that makes no provider global and builds no processor.
    if (!/setGlobalTracerProvider|\.register\(|SpanProcessor/.test(text)) return {};
    const resolver = getOtelResolver(context);
    const settings = readSettings(context);
    let evidence: GlobalSetupEvidence | undefined;
    const getEvidence = (): GlobalSetupEvidence =>
      (evidence ??= resolver.services ? setupEvidenceAround(resolver.services.program, programFileName(context)) : setupEvidenceInText(text));
    // A test that passes every parent explicitly (or only inspects the provider) asserts what it
    // gets without a context manager; one that relies on the active context does not.
    const managerKnown =
      (settings.contextManager !== undefined && settings.contextManager !== 'none') || (isTestModule(context.filename) && !reliesOnActiveContext(text));

    /** Insert statements after the statement that holds `node`, with the imports they need. */
    const insertAfterStatement = (node: TSESTree.Node, needed: NeededImport[], build: (ref: (i: NeededImport) => string) => string) => {
      const plan = planImports(sourceCode, needed);
      if (!plan) return undefined;
      let stmt: TSESTree.Node = node;
      while (stmt.parent && stmt.parent.type !== AST_NODE_TYPES.Program && stmt.parent.type !== AST_NODE_TYPES.BlockStatement) stmt = stmt.parent;
      const indent = /^[ \t]*/.exec(sourceCode.lines[stmt.loc.start.line - 1] ?? '')![0];
      const code = build((i) => plan.refs.get(importKey(i))!);
      return (fixer: TSESLint.RuleFixer) => [...plan.fixes(fixer), fixer.insertTextAfter(stmt, `\n${indent}${code}`)];
    };

    const managerSuggestions = (node: TSESTree.Node): TSESLint.SuggestionReportDescriptor<MessageIds>[] => {
      const out: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      const ctxApi = { module: API, name: 'context' };
      for (const [pkg, cls, messageId] of [
        [ALS_PACKAGE, 'AsyncLocalStorageContextManager', 'addAsyncLocalStorage'],
        [ZONE_PACKAGE, 'ZoneContextManager', 'addZoneContextManager'],
      ] as const) {
        if (!dependsOn(context.filename, pkg)) continue;
        const manager = { module: pkg, name: cls };
        const fix = insertAfterStatement(node, [ctxApi, manager], (ref) => `${ref(ctxApi)}.setGlobalContextManager(new ${ref(manager)}());`);
        if (fix) out.push({ messageId, fix });
      }
      return out;
    };

    const propagatorSuggestions = (node: TSESTree.Node): TSESLint.SuggestionReportDescriptor<MessageIds>[] => {
      if (!dependsOn(context.filename, CORE_PACKAGE)) return [];
      const prop = { module: API, name: 'propagation' };
      const composite = { module: CORE_PACKAGE, name: 'CompositePropagator' };
      const tc = { module: CORE_PACKAGE, name: 'W3CTraceContextPropagator' };
      const baggage = { module: CORE_PACKAGE, name: 'W3CBaggagePropagator' };
      const fix = insertAfterStatement(
        node,
        [prop, composite, tc, baggage],
        (ref) => `${ref(prop)}.setGlobalPropagator(new ${ref(composite)}({ propagators: [new ${ref(tc)}(), new ${ref(baggage)}()] }));`,
      );
      return fix ? [{ messageId: 'addW3CPropagators', fix }] : [];
    };

    const checkPropagator = (node: TSESTree.Node) => {
      const e = getEvidence();
      if (e.injectsOrExtracts && !e.propagator) context.report({ node, messageId: 'noPropagator', suggest: propagatorSuggestions(node) });
    };

    return {
      CallExpression(node) {
        // A separate reference: the type guard must not narrow \`node\` for the code below.
        const candidate: TSESTree.Node = node;
        if (resolver.isApiCall(candidate, 'trace', 'setGlobalTracerProvider')) {
          const provider = node.arguments[0];
          if (!provider || !isSdkProvider(context, resolver, provider)) return;
          if (!managerKnown && !getEvidence().contextManager) context.report({ node, messageId: 'noContextManager', suggest: managerSuggestions(node) });
          checkPropagator(node);
          return;
        }
        const callee = node.callee;
        if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.property.type !== AST_NODE_TYPES.Identifier || callee.property.name !== 'register') return;
        const options = node.arguments[0];
        if (options?.type !== AST_NODE_TYPES.ObjectExpression) return;
        const propertyNamed = (name: string) =>
          options.properties.find(
            (p): p is TSESTree.Property =>
              p.type === AST_NODE_TYPES.Property && !p.computed && p.key.type === AST_NODE_TYPES.Identifier && p.key.name === name && p.value.type === AST_NODE_TYPES.Literal && p.value.value === null,
          );
        const nullManager = propertyNamed('contextManager');
        const nullPropagator = propertyNamed('propagator');
        if (!nullManager && !nullPropagator) return;
        const target = callee.object;
        const looksLikeProvider = resolver.typed
          ? resolver.isOtelType(target, 'TracerProvider') === true || isSdkProvider(context, resolver, target)
          : isSdkProvider(context, resolver, target) || (target.type === AST_NODE_TYPES.Identifier && /provider$/i.test(target.name));
        if (!looksLikeProvider) return;
        if (nullManager && !getEvidence().contextManager) {
          context.report({
            node: nullManager,
            messageId: 'contextManagerDisabled',
            suggest: [
              {
                messageId: 'removeNullContextManager',
                fix: (fixer) => {
                  const after = sourceCode.getTokenAfter(nullManager);
                  const before = sourceCode.getTokenBefore(nullManager);
                  if (options.properties.length === 1) return fixer.replaceText(options, '{}');
                  if (after?.value === ',') return fixer.removeRange([nullManager.range[0], sourceCode.getTokenAfter(after, { includeComments: true })!.range[0]]);
                  return fixer.removeRange([before!.range[0], nullManager.range[1]]);
                },
              },
            ],
          });
        }
        if (nullPropagator) checkPropagator(nullPropagator);
      },
      NewExpression(node) {
        const arg = node.arguments[0];
        if (!arg) return;
        // The callee first: a symbol lookup on the class, cheaper than the argument's type (every `new X(arg)` gets here).
        const sdk = optionsFormProcessor(context, resolver, node.callee);
        if (!sdk || !isExporterValue(context, resolver, arg)) return;
        const exporterText = sourceCode.getText(arg);
        const exporterProp = arg.type === AST_NODE_TYPES.Identifier && arg.name === 'exporter' ? 'exporter' : `exporter: ${exporterText}`;
        const config = node.arguments[1];
        context.report({
          node: arg,
          messageId: 'exporterNotWrapped',
          data: { processor: sdk.name, pkg: sdk.pkg, version: sdk.version },
          fix(fixer) {
            if (node.arguments.length > 2) return null;
            if (!config) return fixer.replaceText(arg, `{ ${exporterProp} }`);
            if (config.type === AST_NODE_TYPES.ObjectExpression) {
              const inner = config.properties.map((p) => sourceCode.getText(p)).join(', ');
              return fixer.replaceTextRange([arg.range[0], config.range[1]], inner ? `{ ${exporterProp}, ${inner} }` : `{ ${exporterProp} }`);
            }
            if (config.type === AST_NODE_TYPES.SpreadElement) return null;
            return fixer.replaceTextRange([arg.range[0], config.range[1]], `{ ...${sourceCode.getText(config)}, ${exporterProp} }`);
          },
        });
      },
    };
  },
});
