import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import path from 'node:path';
import ts from 'typescript';
import { createRule } from '../analysis/create-rule.js';
import { readSettings } from '../analysis/settings.js';
import { entryInfo } from '../analysis/entry-points.js';
import { moduleFormat } from '../analysis/module-format.js';
import { importOrigin } from '../analysis/import-origin.js';
import { instrumentedModuleOf, isBuiltinModule } from '../analysis/instrumented-modules.js';
import { isLoaderHook, preloadedSetup, setupModule, textRegistersLoaderHook } from '../analysis/setup-modules.js';
import { loadedFiles, localImportGraph, resolveLocalModule } from '../analysis/local-import-graph.js';
import { programInstrumentations, lintedFileInstrumentations } from '../analysis/instrumentation-registrations.js';
import { statementLines } from '../analysis/statement-lines.js';
import { programFileName } from '../analysis/parser-services.js';

export type Options = [];
export type MessageIds =
  | 'importedBeforeSetup'
  | 'loadsBeforeSetup'
  | 'esmImportHoisted'
  | 'esmSetupNotPreloaded'
  | 'preloadWithoutLoaderHook'
  | 'moveSetupFirst';

/** Calls that start tracing or enable instrumentations, by module. Instrumentations enable themselves when constructed. */
const SETUP_CALLS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['@opentelemetry/instrumentation', new Set(['registerInstrumentations'])],
  ['@opentelemetry/sdk-node', new Set(['NodeSDK', 'startNodeSDK', 'startNodeSdk'])],
  ['@opentelemetry/auto-instrumentations-node', new Set(['getNodeAutoInstrumentations'])],
  ['@splunk/otel', new Set(['start'])],
  ['@azure/monitor-opentelemetry', new Set(['useAzureMonitor'])],
  ['@honeycombio/opentelemetry-node', new Set(['HoneycombSDK'])],
]);
const INSTRUMENTATION_MODULE = /^(@opentelemetry\/instrumentation-[a-z0-9.-]+|@fastify\/otel)$/;

type Ctx = Readonly<TSESLint.RuleContext<MessageIds, Options>>;

/** One top-level statement in the order Node evaluates it, with what it loads. */
interface LoadEvent {
  statement: TSESTree.ProgramStatement;
  /** Module specifiers the statement loads when it runs, with the node to report. */
  loads: Array<{ specifier: string; node: TSESTree.Node; dynamic: boolean }>;
  /** Static ES `import` (hoisted in an ES module). */
  staticImport: boolean;
  setup: boolean;
}

function calleeOrigin(context: Ctx, callee: TSESTree.Node): { module: string; name: string } | undefined {
  if (callee.type === AST_NODE_TYPES.Identifier) return importOrigin(context.sourceCode, callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier && callee.object.type === AST_NODE_TYPES.Identifier) {
    const ns = importOrigin(context.sourceCode, callee.object);
    return ns ? { module: ns.module, name: callee.property.name } : undefined;
  }
  return undefined;
}

/** Walks a statement without entering functions (their bodies run later, if ever). */
function walkOnLoad(context: Ctx, node: TSESTree.Node, visit: (n: TSESTree.Node) => void): void {
  const keys = context.sourceCode.visitorKeys as Record<string, readonly string[] | undefined>;
  const step = (n: TSESTree.Node): void => {
    visit(n);
    if (n.type === AST_NODE_TYPES.FunctionDeclaration || n.type === AST_NODE_TYPES.FunctionExpression || n.type === AST_NODE_TYPES.ArrowFunctionExpression) return;
    for (const key of keys[n.type] ?? []) {
      const child = (n as unknown as Record<string, unknown>)[key];
      for (const c of Array.isArray(child) ? child : [child]) if (c && typeof (c as TSESTree.Node).type === 'string') step(c as TSESTree.Node);
    }
  };
  step(node);
}

function eventOf(context: Ctx, statement: TSESTree.ProgramStatement, isSetupSpecifier: (s: string) => boolean): LoadEvent {
  const loads: LoadEvent['loads'] = [];
  let setup = false;
  let staticImport = false;
  if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
    const typeOnly = statement.importKind === 'type' || (statement.specifiers.length > 0 && statement.specifiers.every((s) => s.type === AST_NODE_TYPES.ImportSpecifier && s.importKind === 'type'));
    if (!typeOnly) loads.push({ specifier: statement.source.value, node: statement.source, dynamic: false });
    staticImport = true;
  } else if (statement.type === AST_NODE_TYPES.ExportAllDeclaration || (statement.type === AST_NODE_TYPES.ExportNamedDeclaration && statement.source)) {
    if (statement.exportKind !== 'type') loads.push({ specifier: statement.source.value, node: statement.source, dynamic: false });
    staticImport = true;
  } else if (statement.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
    const ref = statement.moduleReference;
    if (ref.type === AST_NODE_TYPES.TSExternalModuleReference && ref.expression.type === AST_NODE_TYPES.Literal && statement.importKind !== 'type') {
      loads.push({ specifier: String(ref.expression.value), node: ref.expression, dynamic: false });
    }
  } else {
    walkOnLoad(context, statement, (n) => {
      if (n.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.Identifier && n.callee.name === 'require' && n.arguments[0]?.type === AST_NODE_TYPES.Literal && typeof n.arguments[0].value === 'string') {
        loads.push({ specifier: n.arguments[0].value, node: n.arguments[0], dynamic: false });
      } else if (n.type === AST_NODE_TYPES.ImportExpression && n.source.type === AST_NODE_TYPES.Literal && typeof n.source.value === 'string') {
        loads.push({ specifier: n.source.value, node: n.source, dynamic: true });
      } else if ((n.type === AST_NODE_TYPES.CallExpression || n.type === AST_NODE_TYPES.NewExpression) && !setup) {
        const origin = calleeOrigin(context, n.callee);
        if (origin && (SETUP_CALLS.get(origin.module)?.has(origin.name) || (INSTRUMENTATION_MODULE.test(origin.module) && /Instrumentation$/.test(origin.name)))) setup = true;
      }
    });
  }
  if (loads.some((l) => isSetupSpecifier(l.specifier))) setup = true;
  return { statement, loads, staticImport, setup };
}

export default createRule<Options, MessageIds>({
  name: 'instrumentation-first',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require the tracing setup to run before the modules it instruments are loaded',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      importedBeforeSetup:
        '`{{module}}` is loaded before the tracing setup on line {{line}}, so its instrumentation never patches it: no {{module}} spans, and an app built from it keeps none even if it is loaded again. Load the tracing setup first.',
      loadsBeforeSetup:
        '`{{specifier}}` loads `{{module}}` ({{file}}) before the tracing setup on line {{line}}, so its instrumentation never patches it: no {{module}} spans. Load the tracing setup first.',
      esmImportHoisted:
        'In an ES module every static `import` is evaluated before the module body, so `{{module}}` is loaded before the tracing setup on line {{line}} whatever the order in the file: no {{module}} spans. Move the setup into its own module and preload it with `node --import` (registering the loader hook there).',
      esmSetupNotPreloaded:
        'Importing the tracing setup first is not enough in an ES module: `{{module}}` is loaded through the ES module loader before the setup runs, and without the loader hook it is never patched (measured: no {{module}} spans, no server spans). Preload the setup with `node --import {{specifier}}` and register the loader hook there.',
      preloadWithoutLoaderHook:
        'The `{{script}}` script preloads `{{preload}}` for this ES module, but nothing registers the instrumentation loader hook, so ES module imports such as `{{module}}` are never patched: server spans only, no {{module}} spans. Call `register(\'@opentelemetry/instrumentation/hook.mjs\', import.meta.url)` (from `node:module`) in the preload, or add `--experimental-loader=@opentelemetry/instrumentation/hook.mjs`.',
      moveSetupFirst: 'Load the tracing setup before `{{module}}`.',
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    const settings = readSettings(context);
    const entry = entryInfo(context.filename, settings.entryPoints);
    if (!entry.isEntry) return {};
    // Any parser: espree (plain .js/.cjs/.mjs) has no parser services at all.
    const program: ts.Program | undefined = (context.sourceCode.parserServices)?.program ?? undefined;
    const fileName = programFileName(context);
    const format = moduleFormat(context.filename, program) ?? 'commonjs';

    /** The instrumentations registered (short names), or undefined when unknown: then every patched module counts. */
    const enabled = (): ReadonlySet<string> | undefined => {
      if (settings.instrumented) return settings.instrumented;
      const regs = program ? programInstrumentations(program, fileName) : lintedFileInstrumentations(context.filename, sourceCode);
      return regs.setup && !regs.opaque && regs.enabled.size > 0 ? regs.enabled : undefined;
    };

    return {
      Program(node) {
        const setupSpecifiers = new Map<string, ReturnType<typeof setupModule>>();
        const isSetupSpecifier = (s: string) => {
          if (!setupSpecifiers.has(s)) setupSpecifiers.set(s, setupModule(context.filename, s, program));
          return setupSpecifiers.get(s) !== undefined;
        };
        const statements = node.body;
        const imports = statements.filter((s) => s.type === AST_NODE_TYPES.ImportDeclaration || s.type === AST_NODE_TYPES.ExportAllDeclaration || (s.type === AST_NODE_TYPES.ExportNamedDeclaration && s.source));
        // Node's evaluation order: an ES module's static imports first, then its body.
        const ordered = format === 'esm' ? [...imports, ...statements.filter((s) => !imports.includes(s))] : statements;
        const events = ordered.map((s) => eventOf(context, s, isSetupSpecifier));
        const instrumented = enabled();

        /** An instrumented module whose load order decides whether it is patched. Builtins other than http(s) (net, dns) are patched in place by any later require: order-fragile, not lost. */
        const orderSensitive = (specifier: string): string | undefined => {
          const module = instrumentedModuleOf(specifier, instrumented);
          return module && (!isBuiltinModule(module) || module === 'http' || module === 'https') ? module : undefined;
        };

        /** The instrumented module a load brings in: directly, or (typed) through local modules. */
        const instrumentedLoad = (specifier: string): { module: string; file?: string } | undefined => {
          const direct = orderSensitive(specifier);
          if (direct) return { module: direct };
          if (!program || !specifier.startsWith('.')) return undefined;
          const resolved = resolveLocalModule(program, fileName, specifier);
          if (!resolved) return undefined;
          const graph = localImportGraph(program);
          for (const f of loadedFiles(graph, resolved)) {
            for (const r of graph.references.get(f) ?? []) {
              if (!r.onLoad || r.typeOnly || r.kind === 'dynamic-import') continue;
              const module = orderSensitive(r.specifier);
              if (module) return { module, file: path.relative(path.dirname(fileName), f).replace(/\\/g, '/') };
            }
          }
          return undefined;
        };

        const loads = events.flatMap((e, index) => e.loads.map((l) => ({ ...l, event: e, index })));
        const instrumentedLoads = loads.filter((l) => !l.dynamic).map((l) => ({ ...l, hit: instrumentedLoad(l.specifier) })).filter((l) => l.hit);

        // A setup preloaded by the scripts that start this file: order in the file no longer matters.
        const preloaded = entry.commands.filter((c) => c.preloads.some((p) => entry.packageDir && preloadedSetup(entry.packageDir, p.specifier)));
        if (preloaded.length > 0) {
          if (format !== 'esm') return;
          for (const command of preloaded) {
            const setups = command.preloads.map((p) => ({ p, setup: preloadedSetup(entry.packageDir!, p.specifier) })).filter((x) => x.setup);
            const hooked = command.loaders.some(isLoaderHook) || command.preloads.some((p) => isLoaderHook(p.specifier)) || setups.some((x) => x.setup!.registersLoaderHook);
            const first = instrumentedLoads.find((l) => !isBuiltinModule(l.hit!.module));
            if (hooked || !first) continue;
            context.report({ node: first.node, messageId: 'preloadWithoutLoaderHook', data: { script: command.script, preload: setups[0].p.specifier, module: first.hit!.module } });
            return;
          }
          return;
        }

        const setupIndex = events.findIndex((e) => e.setup);
        if (setupIndex === -1) return;
        const setupEvent = events[setupIndex];
        const line = String(setupEvent.statement.loc.start.line);

        if (format === 'esm') {
          const esmLoads = instrumentedLoads.filter((l) => l.event.staticImport && !isBuiltinModule(l.hit!.module));
          if (setupEvent.staticImport) {
            // The setup is itself an import: wherever it stands, the hoisted imports bypass it.
            const first = esmLoads[0];
            if (first && !textRegistersLoaderHook(sourceCode.text)) {
              const setupLoad = setupEvent.loads.find((l) => isSetupSpecifier(l.specifier))!;
              context.report({ node: setupLoad.node, messageId: 'esmSetupNotPreloaded', data: { module: first.hit!.module, specifier: setupLoad.specifier } });
            }
            return;
          }
          for (const l of esmLoads) {
            context.report({ node: l.node, messageId: l.hit!.file ? 'loadsBeforeSetup' : 'esmImportHoisted', data: { module: l.hit!.module, specifier: l.specifier, file: l.hit!.file ?? '', line } });
          }
          return;
        }

        const early = instrumentedLoads.filter((l) => l.index < setupIndex);
        if (early.length === 0) return;
        const firstStatement = early[0].event.statement;
        const movable = movableSetup(setupEvent);
        for (const l of early) {
          const data = { module: l.hit!.module, specifier: l.specifier, file: l.hit!.file ?? '', line };
          const moved = movable && statementLines(sourceCode, setupEvent.statement);
          const lines = statementLines(sourceCode, firstStatement);
          // Comments at the very top of the file are its header, not the first statement's.
          const target = lines && lines.range[0] === 0 && firstStatement.range[0] > 0 ? { range: [sourceCode.text.lastIndexOf('\n', firstStatement.range[0] - 1) + 1] } : lines;
          context.report({
            node: l.node,
            messageId: l.hit!.file ? 'loadsBeforeSetup' : 'importedBeforeSetup',
            data,
            suggest:
              moved && target
                ? [{ messageId: 'moveSetupFirst', data, fix: (fixer) => [fixer.insertTextBeforeRange([target.range[0], target.range[0]], moved.text), fixer.removeRange(moved.range)] }]
                : [],
          });
        }
      },
    };
  },
});

/** A setup that is only a module load (`import './x'`, `require('./x')`, `const x = require('./x')`) can move up safely. */
function movableSetup(event: LoadEvent): boolean {
  const s = event.statement;
  if (s.type === AST_NODE_TYPES.ImportDeclaration || s.type === AST_NODE_TYPES.TSImportEqualsDeclaration) return true;
  const isRequire = (n: TSESTree.Node | null | undefined): boolean =>
    n?.type === AST_NODE_TYPES.CallExpression && n.callee.type === AST_NODE_TYPES.Identifier && n.callee.name === 'require' && n.arguments.length === 1 && n.arguments[0].type === AST_NODE_TYPES.Literal;
  if (s.type === AST_NODE_TYPES.ExpressionStatement) return isRequire(s.expression);
  if (s.type === AST_NODE_TYPES.VariableDeclaration) return s.declarations.every((d) => isRequire(d.init));
  return false;
}
