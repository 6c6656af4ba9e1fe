import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, AST_TOKEN_TYPES, ASTUtils } from '@typescript-eslint/utils';
import path from 'node:path';
import ts from 'typescript';
import { createRule } from '../analysis/create-rule.js';
import { findVariable, getOtelResolver } from '../analysis/resolve-otel-symbol.js';
import { apiReferences } from '../analysis/api-import-fix.js';
import { contextUseAnalysis, isFunctionNode, resolveFunction, type FunctionNode } from '../analysis/active-context-use.js';
import { enclosingActiveScope, type ScopeFollow } from '../analysis/active-span-scope.js';
import { effectiveContextManager } from '../analysis/context-manager-kind.js';
import { carrierAnalysis } from '../analysis/message-carrier.js';
import { boundaryAnalysis, type MessageReceiver, type MessageSend, type QueueClient } from '../analysis/message-boundaries.js';
import { moduleTracing } from '../analysis/worker-module.js';
import { emitsInside, emitterLifetime, listenerRegistration, type ListenerRegistration } from '../analysis/emitter-listener.js';
import { moduleExportRefs } from '../analysis/module-export-ref.js';
import { calledMethodName, type SpanStartCall } from '../analysis/span-start-call.js';
import { unwrapExpression, singleInitializer } from '../analysis/value-origin.js';
import { walk } from '../analysis/ast-walk.js';
import { lazyStarter, longLivedWork } from '../analysis/long-lived-work.js';
import type { ContextManagerKind } from '../analysis/settings.js';

export type Options = [
  {
    unknownReceivers?: boolean;
    parameterEmitters?: boolean;
    persistentListeners?: boolean;
    queues?: QueueClient[];
    processedFiles?: string[];
  },
];

export type MessageIds =
  | 'messageWithoutContext'
  | 'receiverWithoutContext'
  | 'listenerLosesContext'
  | 'callbackLosesContext'
  | 'awaitLosesContext'
  | 'longLivedWorkLeaksContext'
  | 'lazyStartLeaksContext'
  | 'suggestInject'
  | 'suggestExtract'
  | 'suggestBindListener'
  | 'suggestBindRoot';

type Fix = (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[];
interface Edit {
  range: [number, number];
  text: string;
}

/** The property a fix injects the carrier under, and reads it from on the receiving side. */
const CARRIER_KEY = 'otelCarrier';

/**
 * Worth a look at all: the OTel API, a thread/process/queue module, or span calls through a local
 * helper. `cluster` counts only as a module specifier (`'node:cluster'`, `require('cluster')`): the
 * only way `message-boundaries` knows the module, and a common word otherwise.
 */
export const RELEVANT = /@opentelemetry\/|startActiveSpan|startSpan|getActiveSpan|worker_threads|child_process|['"](?:node:)?cluster['"]|piscina|workerpool|bullmq|process\.on\(/;

/** The rule's cheap-first text gate (also the codemod engine's, `engine/rule-gates.ts`), with the `queues` option's modules. */
export function mayLoseContext(text: string, queues: readonly { module: string }[] = []): boolean {
  return RELEVANT.test(text) || queues.some((q) => text.includes(q.module));
}

const SCHEDULERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'requestIdleCallback']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
const STATEMENT_OWNERS = new Set<string>([
  AST_NODE_TYPES.IfStatement, AST_NODE_TYPES.ForStatement, AST_NODE_TYPES.ForInStatement, AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement, AST_NODE_TYPES.DoWhileStatement, AST_NODE_TYPES.LabeledStatement, AST_NODE_TYPES.WithStatement,
  AST_NODE_TYPES.PropertyDefinition, AST_NODE_TYPES.ClassBody,
]);

const SEND_LABELS: Record<MessageSend['kind'], string> = {
  'worker-data': 'This `workerData`',
  'worker-message': 'This `postMessage()` payload',
  piscina: 'This piscina task',
  workerpool: 'This workerpool call',
  'child-message': 'This `send()` message',
  'child-env': 'This child process environment',
  'cluster-message': 'This `send()` message',
  queue: 'This queued job',
};
const SEND_WHERE: Record<MessageSend['kind'], string> = {
  'worker-data': 'a worker thread',
  'worker-message': 'a worker thread',
  piscina: 'a piscina worker thread',
  workerpool: 'a workerpool worker',
  'child-message': 'a child process',
  'child-env': 'a child process',
  'cluster-message': 'a cluster worker process',
  queue: 'the queue processor',
};
const RECEIVER_LABELS: Record<MessageReceiver['kind'], { what: string; unit: string }> = {
  'worker-message': { what: 'worker message handler', unit: 'message' },
  'worker-data': { what: 'worker code reading `workerData`', unit: 'worker' },
  'process-message': { what: 'process message handler', unit: 'message' },
  'process-startup': { what: 'child process code', unit: 'child process' },
  'piscina-task': { what: 'piscina task', unit: 'task' },
  'workerpool-method': { what: 'workerpool method', unit: 'call' },
  'queue-processor': { what: 'queue processor', unit: 'job' },
};
const MANAGER_NAMES: Record<ContextManagerKind, string> = {
  'async-local-storage': 'AsyncLocalStorage',
  zone: '`ZoneContextManager`',
  stack: '`StackContextManager`',
  none: 'no',
};

export default createRule<Options, MessageIds>({
  name: 'no-lost-context',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow work that crosses a thread, process, queue, emitter or timer boundary without its trace context',
      recommended: 'recommended',
      requiresTypeChecking: false,
      strictOptions: [{ unknownReceivers: true, parameterEmitters: true, persistentListeners: true }],
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          unknownReceivers: {
            type: 'boolean',
            description:
              'Also report a message sent from traced code when the receiving side cannot be seen (an unresolvable worker path, a queue processor in another file or service). On in `strict`.',
          },
          parameterEmitters: {
            type: 'boolean',
            description: 'Also report listeners registered inside a span on an emitter received as a function parameter. On in `strict`.',
          },
          persistentListeners: {
            type: 'boolean',
            description:
              'Also report `on()` listeners that outlive the span they were registered in (not removed there), such as listeners set up inside a startup span. On in `strict`.',
          },
          queues: {
            type: 'array',
            description: 'Queue clients besides bullmq whose enqueue calls carry work to a traced processor.',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['module', 'method', 'payloadArgument'],
              properties: {
                module: { type: 'string', description: 'The module the client comes from, e.g. `bee-queue`.' },
                method: { type: 'string', description: 'The method that enqueues, e.g. `createJob`.' },
                payloadArgument: { type: 'integer', minimum: 0, description: 'The index of the argument that holds the job payload.' },
              },
            },
          },
          processedFiles: {
            type: 'array',
            items: { type: 'string' },
            description:
              'The files a codemod run rewrites (set by `bind-context`): a message whose receiving side is in a file not listed gets no suggestion, so one side is never fixed alone.',
          },
        },
      },
    ],
    defaultOptions: [{ unknownReceivers: false, parameterEmitters: false, persistentListeners: false, queues: [] }],
    messages: {
      messageWithoutContext:
        '{{what}} crosses to {{where}} without the trace context, so the spans started there begin a new trace; inject it into the payload with `propagation.inject(context.active(), carrier)` and extract it on the receiving side{{partner}}.',
      receiverWithoutContext:
        'This {{what}} starts spans without extracting the sender\'s trace context, so each {{unit}} begins a new trace; run it in `context.with(propagation.extract(ROOT_CONTEXT, carrier), ...)` with the carrier the sender injected.',
      listenerLosesContext:
        'This listener runs in the context of whoever calls `{{emitter}}.emit()`, not in the span it was registered in, so the spans it starts get the wrong parent; bind it with `context.bind(context.active(), listener)`.',
      callbackLosesContext:
        'Under the {{manager}} context manager this `{{api}}` callback does not run in the context it was scheduled in, so the spans it starts lose their parent; bind it with `context.bind(context.active(), callback)`.',
      awaitLosesContext:
        'Under the {{manager}} context manager the code after `await` no longer runs in the span\'s context, so this span loses its parent; capture `context.active()` before the first `await` and pass it as the parent context.',
      longLivedWorkLeaksContext:
        'This {{what}} is started inside a span and outlives it, so every later {{unit}} runs in that span\'s context: its spans join that trace long after it ended; start it at boot, or in the root context with `{{fix}}`.',
      lazyStartLeaksContext:
        'This {{what}} is started by the first call of {{starter}} and keeps that caller\'s context for good, so the spans of every later {{unit}} join the first caller\'s trace (often another request\'s); start it at boot, or in the root context with `{{fix}}`, and carry each job\'s own context with the job.',
      suggestInject: 'Inject the active context into the payload under `{{key}}`.',
      suggestExtract: 'Run the handler in the context extracted from `{{carrier}}`.',
      suggestBindListener: 'Bind the listener to the active context.',
      suggestBindRoot: 'Run it in the root context.',
    },
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const queues = options.queues ?? [];
    if (!mayLoseContext(sourceCode.text, queues)) return {};
    const manager = effectiveContextManager(context);
    // Without a context manager nothing is connected, not even synchronous code: a setup bug
    // (`require-context-manager`), and none of the fixes below would help.
    if (manager === 'none') return {};
    const resolver = getOtelResolver(context);
    const uses = contextUseAnalysis(sourceCode, resolver);
    const fileName = context.physicalFilename;
    const isTypeScript = /\.[cm]?tsx?$/.test(fileName);
    const boundaries = boundaryAnalysis(sourceCode, resolver, fileName, queues);
    const follow: ScopeFollow =
      manager === 'stack' ? { callbacks: 'sync', awaits: true } : manager === 'zone' ? { callbacks: 'async', awaits: true } : { callbacks: 'async', awaits: false };
    const activeScope = (node: TSESTree.Node) => enclosingActiveScope(sourceCode, resolver, node, follow);
    /** Boundary reports wait for the end of the file: one carrier key serves all its senders and receivers. */
    const sends: MessageSend[] = [];
    const receiversToCheck = new Map<TSESTree.Node, MessageReceiver>();
    const keysInUse = new Set<string>();

    const withApi = (site: TSESTree.Node, names: string[], edits: (n: Record<string, string>) => Fix): Fix => {
      const api = apiReferences(sourceCode, [site], names);
      return (fixer) => [...(api.fix ? [api.fix(fixer)] : []), ...edits(api.names)(fixer)];
    };

    // ---- threads, processes, queues: the sending side ----
    const collectSend = (node: TSESTree.CallExpression | TSESTree.NewExpression): void => {
      const send = boundaries.send(node);
      if (!send) return;
      sends.push(send);
      const key = send.payload && carrierAnalysis(sourceCode, resolver).carrierKey(send.payload);
      if (key) keysInUse.add(key);
      for (const r of boundaries.pairedReceivers(send)) receiversToCheck.set(r.fn, r);
    };

    const checkSend = (send: MessageSend, key: string): void => {
      const scope = enclosingActiveScope(sourceCode, resolver, send.call, { callbacks: 'async', awaits: false });
      if (scope?.kind === 'root') return;
      if (carrierAnalysis(sourceCode, resolver).verdict(send.payload) !== 'missing') return;
      const receiver = send.receiver;
      let partner: string | undefined;
      if (receiver.kind === 'same-file') {
        if (!boundaries.pairedReceivers(send).some((r) => uses.traces(r.fn))) return;
      } else if (receiver.kind === 'file') {
        if (!moduleTracing(receiver.path).traces) return;
        partner = receiver.path;
      } else if (receiver.kind === 'unknown') {
        if (!options.unknownReceivers || !(resolver.importsOtel || scope)) return;
      }
      const relPartner = partner && path.relative(path.dirname(fileName), partner);
      const fixable = !partner || !options.processedFiles || options.processedFiles.some((f) => path.resolve(f) === path.resolve(partner));
      const fix = fixable ? injectFix(send, key) : undefined;
      const shownKey = send.kind === 'child-env' ? 'TRACEPARENT' : key;
      context.report({
        node: send.payload ?? send.call,
        messageId: 'messageWithoutContext',
        data: {
          what: SEND_LABELS[send.kind],
          where: send.kind === 'queue' && send.target ? `the \`${send.target}\` queue processor` : SEND_WHERE[send.kind],
          partner: relPartner ? ` (\`${relPartner}\`)` : '',
        },
        suggest: fix ? [{ messageId: 'suggestInject', data: { key: shownKey }, fix }] : [],
      });
    };

    /** Keys receivers extract from: `propagation.extract(ROOT_CONTEXT, msg.carrier)`. */
    const noteExtractKeys = (r: MessageReceiver): void => {
      walk(sourceCode, isFunctionNode(r.fn) ? r.fn.body : r.fn, (n) => {
        if (n.type !== AST_NODE_TYPES.CallExpression || !resolver.isApiCall(n, 'propagation', 'extract')) return;
        const carrier = n.arguments[1] && unwrapExpression(n.arguments[1]);
        if (carrier?.type === AST_NODE_TYPES.MemberExpression && !carrier.computed && carrier.property.type === AST_NODE_TYPES.Identifier) {
          keysInUse.add(carrier.property.name);
        }
      });
    };

    const injectFix = (send: MessageSend, key: string): Fix | undefined => {
      if (send.kind === 'child-env') return envInjectFix(send);
      if (!send.payload) return undefined;
      const payload = unwrapExpression(send.payload);
      let literal: TSESTree.ObjectExpression | undefined;
      let holder: TSESTree.Identifier | undefined;
      if (payload.type === AST_NODE_TYPES.ObjectExpression) literal = payload;
      else if (payload.type === AST_NODE_TYPES.Identifier) {
        const init = singleInitializer(findVariable(sourceCode, payload));
        const decl = init && unwrapExpression(init);
        // Only a literal declared in the same function, so the added field cannot leak elsewhere.
        if (decl?.type === AST_NODE_TYPES.ObjectExpression && enclosingFunction(decl) === enclosingFunction(send.call)) {
          literal = decl;
          holder = payload;
        }
      }
      if (!literal || literal.properties.some((p) => p.type === AST_NODE_TYPES.Property && !p.computed && propertyName(p.key) === key)) return undefined;
      const carrierVar = holder ? `${holder.name}.${key}` : freeName(key);
      const statements = (api: Record<string, string>) =>
        holder ? [`${api.propagation}.inject(${api.context}.active(), ${carrierVar});`] : [`const ${carrierVar} = {};`, `${api.propagation}.inject(${api.context}.active(), ${carrierVar});`];
      const anchor = statementInsertion(send.call);
      if (!anchor) return undefined;
      const property = holder ? `${key}: {}` : carrierVar === key ? key : `${key}: ${carrierVar}`;
      return withApi(send.call, ['context', 'propagation'], (api) => (fixer) => anchor(fixer, statements(api), addProperty(literal, property)));
    };

    /**
     * A child's environment carries the context as `TRACEPARENT`/`TRACESTATE`/`BAGGAGE`, the names
     * the OpenTelemetry specification gives environment-variable carriers: `env: { ...process.env,
     * ...otelEnv }` (a spread last, so it wins), added to the options when there are none.
     */
    const envInjectFix = (send: MessageSend): Fix | undefined => {
      const args = send.args!;
      const env = send.payload && unwrapExpression(send.payload);
      if (env && env.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
      const options = args.find((a): a is TSESTree.ObjectExpression => a.type === AST_NODE_TYPES.ObjectExpression);
      const fork = send.target === 'fork';
      // Without options: `fork(script)`, `fork(script, [args])`, `spawn(node, [script])` get one appended.
      const appendable = fork ? args.length === 1 || (args.length === 2 && args[1].type === AST_NODE_TYPES.ArrayExpression) : args.length === 2;
      if (!env && !options && !appendable) return undefined;
      const anchor = statementInsertion(send.call);
      if (!anchor) return undefined;
      const name = freeName('otelEnv');
      const envEdit: Edit = env
        ? addProperty(env, `...${name}`)
        : options
          ? addProperty(options, `env: { ...process.env, ...${name} }`)
          : { range: [args.at(-1)!.range[1], args.at(-1)!.range[1]], text: `${fork && args.length === 1 ? ', []' : ''}, { env: { ...process.env, ...${name} } }` };
      return withApi(send.call, ['context', 'propagation'], (api) => (fixer) =>
        anchor(
          fixer,
          [
            `const ${name}${isTypeScript ? ': Record<string, string>' : ''} = {};`,
            `${api.propagation}.inject(${api.context}.active(), ${name}, { set: (carrier, key, value) => { carrier[key.toUpperCase()] = value; } });`,
          ],
          envEdit,
        ),
      );
    };

    // ---- threads, processes, queues: the receiving side ----
    const checkReceiver = (r: MessageReceiver, key: string): void => {
      if (!uses.activeContextUse(r.fn) || uses.restoresContext(r.fn)) return;
      if (!isFunctionNode(r.fn)) {
        checkStartupBlock(r.fn);
        return;
      }
      const fix = extractFix(r as MessageReceiver & { fn: FunctionNode }, key);
      context.report({
        loc: ASTUtils.getFunctionHeadLocation(r.fn, sourceCode),
        messageId: 'receiverWithoutContext',
        data: RECEIVER_LABELS[r.kind],
        suggest: fix ? [{ messageId: 'suggestExtract', data: { carrier: fix.carrier }, fix: fix.fix }] : [],
      });
    };

    /** A span a worker starts at its top level: give it the context extracted from `workerData` as its parent. */
    const checkStartupSpan = (start: SpanStartCall, key: string): void => {
      const local = workerDataName();
      const fix = local
        ? withApi(start.node, ['propagation', 'ROOT_CONTEXT'], (api) => (fixer) => {
            const parent = `${api.propagation}.extract(${api.ROOT_CONTEXT}, ${local}.${key} ?? {})`;
            const [name] = start.node.arguments;
            if (start.method === 'startSpan') {
              return [start.options ? fixer.insertTextAfter(start.options, `, ${parent}`) : fixer.insertTextAfter(name, `, {}, ${parent}`)];
            }
            return [fixer.insertTextBefore(start.callback!, start.options ? `${parent}, ` : `{}, ${parent}, `)];
          })
        : undefined;
      context.report({
        node: start.node,
        messageId: 'receiverWithoutContext',
        data: RECEIVER_LABELS['worker-data'],
        suggest: fix ? [{ messageId: 'suggestExtract', data: { carrier: `${local}.${key}` }, fix }] : [],
      });
    };

    /** `if (process.env.CHILD) { ... }` in a child started with an environment: extract from `process.env`. */
    const checkStartupBlock = (block: TSESTree.BlockStatement): void => {
      const statement = block.parent as TSESTree.IfStatement;
      // Top-level await in the block: the wrapped code must stay awaited.
      let awaits = false;
      walk(sourceCode, block, (n) => {
        if (isFunctionNode(n)) return 'skip';
        if (n.type === AST_NODE_TYPES.AwaitExpression || (n.type === AST_NODE_TYPES.ForOfStatement && n.await)) {
          awaits = true;
          return 'stop';
        }
      });
      const fix = withApi(block, ['context', 'propagation', 'ROOT_CONTEXT'], (api) => (fixer) => {
        const outer = lineIndent(statement);
        const inner = outer + indentUnit();
        const open = sourceCode.getFirstToken(block)!;
        const close = sourceCode.getLastToken(block)!;
        const content = reindent([open.range[1], close.range[0]], indentUnit()).replace(/^[ \t]*\n?/, '').trimEnd();
        const getter = '{ get: (carrier, key) => carrier[key.toUpperCase()], keys: (carrier) => Object.keys(carrier) }';
        const head = `${awaits ? 'await ' : ''}${api.context}.with(${api.propagation}.extract(${api.ROOT_CONTEXT}, process.env, ${getter}), ${awaits ? 'async ' : ''}() => {`;
        return [fixer.replaceTextRange(block.range, `{\n${inner}${head}\n${content ? `${content}\n` : ''}${inner}});\n${outer}}`)];
      });
      context.report({
        node: statement.test,
        messageId: 'receiverWithoutContext',
        data: RECEIVER_LABELS['process-startup'],
        suggest: [{ messageId: 'suggestExtract', data: { carrier: 'process.env' }, fix }],
      });
    };

    const extractFix = (r: MessageReceiver & { fn: FunctionNode }, key: string): { carrier: string; fix: Fix } | undefined => {
      const fn = r.fn;
      if (fn.generator || (fn.body.type !== AST_NODE_TYPES.BlockStatement && fn.type !== AST_NODE_TYPES.ArrowFunctionExpression)) return undefined;
      let carrier: string;
      let paramEdit: Fix | undefined;
      if (r.kind === 'worker-data') {
        const local = workerDataName();
        if (!local) return undefined;
        carrier = `${local}.${key}`;
      } else if (r.kind === 'workerpool-method') {
        return undefined;
      } else {
        const param = fn.params[0];
        const suffix = r.kind === 'queue-processor' ? `.data.${key}` : `.${key}`;
        if (!param) {
          if (r.kind === 'queue-processor') return undefined;
          const name = freeName('otelMessage');
          const open = sourceCode.getFirstToken(fn, (t) => t.value === '(');
          if (!open) return undefined;
          carrier = `${name}${suffix}`;
          paramEdit = (fixer) => [fixer.insertTextAfter(open, name)];
        } else if (param.type === AST_NODE_TYPES.Identifier) {
          const read = carrierRead(r, param, key);
          if (!read) return undefined;
          carrier = read.text;
          paramEdit = read.edit;
        } else if (param.type === AST_NODE_TYPES.ObjectPattern && r.kind !== 'queue-processor') {
          const edit = patternEdit(param, key);
          if (!edit) return undefined;
          carrier = key;
          paramEdit = edit;
        } else {
          return undefined;
        }
      }
      const arrow = sourceCode.getTokenBefore(fn.body, (t) => t.value === '=>');
      const fix = withApi(fn, ['context', 'propagation', 'ROOT_CONTEXT'], (api) => (fixer) => {
        const head = `${api.context}.with(${api.propagation}.extract(${api.ROOT_CONTEXT}, ${carrier} ?? {}), ${fn.async ? 'async ' : ''}() =>`;
        const edits: TSESLint.RuleFix[] = paramEdit ? paramEdit(fixer) : [];
        if (fn.type === AST_NODE_TYPES.ArrowFunctionExpression && arrow) {
          edits.push(fixer.insertTextAfter(arrow, ` ${head}`), fixer.insertTextAfter(fn, ')'));
        } else {
          // `function (msg) { body }` → `function (msg) { return context.with(..., () => { body }); }`, the body one level deeper.
          const body = fn.body as TSESTree.BlockStatement;
          const outer = lineIndent(fn);
          const inner = outer + indentUnit();
          const open = sourceCode.getFirstToken(body)!;
          const close = sourceCode.getLastToken(body)!;
          const content = reindent([open.range[1], close.range[0]], indentUnit()).replace(/^[ \t]*\n?/, '').trimEnd();
          edits.push(fixer.replaceTextRange(body.range, `{\n${inner}return ${head} {\n${content ? `${content}\n` : ''}${inner}});\n${outer}}`));
        }
        return edits;
      });
      return { carrier, fix };
    };

    /**
     * Adds the carrier to a destructured parameter (`({ n }) =>` → `({ n, otelCarrier }) =>`), and to
     * its inline type literal if it has one; a named type cannot be extended here.
     */
    const patternEdit = (param: TSESTree.ObjectPattern, key: string): Fix | undefined => {
      if (param.properties.some((p) => p.type === AST_NODE_TYPES.Property && propertyName(p.key) === key)) return undefined;
      if (isBound(key)) return undefined;
      const annotation = param.typeAnnotation?.typeAnnotation;
      if (annotation && annotation.type !== AST_NODE_TYPES.TSTypeLiteral) return undefined;
      const rest = param.properties.find((p) => p.type === AST_NODE_TYPES.RestElement);
      const last = param.properties.filter((p) => p.type === AST_NODE_TYPES.Property).at(-1);
      return (fixer) => {
        const edits = [
          rest ? fixer.insertTextBefore(rest, `${key}, `) : last ? fixer.insertTextAfter(last, `, ${key}`) : fixer.replaceTextRange([param.range[0], (param.typeAnnotation ?? param).range[0]], `{ ${key} }`),
        ];
        if (annotation?.type === AST_NODE_TYPES.TSTypeLiteral) edits.push(typeMemberEdit(fixer, annotation, key));
        return edits;
      };
    };

    /** `{ n: number }` → `{ n: number; otelCarrier?: Record<string, string> }`. */
    const typeMemberEdit = (fixer: TSESLint.RuleFixer, literal: TSESTree.TSTypeLiteral, key: string): TSESLint.RuleFix => {
      const close = sourceCode.getLastToken(literal)!;
      const before = sourceCode.getTokenBefore(close)!;
      const member = `${key}?: Record<string, string>`;
      if (before.value === '{') return fixer.insertTextAfter(before, ` ${member} `);
      return [';', ','].includes(before.value) ? fixer.insertTextAfter(before, ` ${member};`) : fixer.insertTextAfter(before, `; ${member}`);
    };

    /**
     * How the fix reads the carrier from a message parameter: `msg.otelCarrier` where the parameter
     * is untyped or `any` (or its type declares the field), `(msg as { ... }).otelCarrier` where it
     * is `unknown` (Node types a process `'message'` as `unknown`), and an added member where it is
     * annotated with an inline type literal. Undefined for any other declared type.
     */
    const carrierRead = (r: MessageReceiver, param: TSESTree.Identifier, key: string): { text: string; edit?: Fix } | undefined => {
      const message = r.kind === 'queue-processor' ? `${param.name}.data` : param.name;
      const plain = { text: `${message}.${key}` };
      const cast = { text: `(${message} as { ${key}?: Record<string, string> }).${key}` };
      const annotation = param.typeAnnotation?.typeAnnotation;
      if (annotation) {
        if (annotation.type === AST_NODE_TYPES.TSAnyKeyword) return plain;
        if (annotation.type === AST_NODE_TYPES.TSUnknownKeyword && r.kind !== 'queue-processor') return cast;
        if (annotation.type === AST_NODE_TYPES.TSTypeLiteral && r.kind !== 'queue-processor') return { ...plain, edit: (fixer) => [typeMemberEdit(fixer, annotation, key)] };
      }
      const services = resolver.services;
      const tsNode = services?.esTreeNodeToTSNodeMap.get(param);
      if (services && tsNode) {
        const checker = services.program.getTypeChecker();
        let type = checker.getTypeAtLocation(tsNode);
        if (r.kind === 'queue-processor') {
          const data = type.getProperty('data');
          if (!data) return undefined;
          type = checker.getTypeOfSymbolAtLocation(data, tsNode);
        }
        if (type.flags & ts.TypeFlags.Any || type.getProperty(key)) return plain;
        return type.flags & ts.TypeFlags.Unknown && isTypeScript ? cast : undefined;
      }
      if (annotation) return undefined;
      return r.kind === 'process-message' && isTypeScript ? cast : plain;
    };

    const workerDataName = (): string | undefined => {
      const refs = moduleExportRefs(sourceCode);
      let name: string | undefined;
      walk(sourceCode, sourceCode.ast, (n) => {
        if (n.type === AST_NODE_TYPES.Identifier && n.parent.type !== AST_NODE_TYPES.ImportSpecifier && refs.isExport(n, ['worker_threads'], 'workerData')) {
          name = n.name;
          return 'stop';
        }
      });
      return name;
    };

    // ---- event emitters ----
    const checkListener = (call: TSESTree.CallExpression): void => {
      // zone.js patches Node's EventEmitter to run listeners in their registration zone.
      if (manager === 'zone') return;
      const reg = listenerRegistration(sourceCode, resolver, call);
      if (!reg) return;
      const scope = activeScope(call);
      if (!scope || scope.kind !== 'span' || scope.await) return;
      const lifetime = emitterLifetime(sourceCode, reg.emitter, scope.fn);
      if (lifetime !== 'outlives' && !(lifetime === 'parameter' && options.parameterEmitters)) return;
      // A listener that stays after the span (`on` without a removal in the span) may just as well be
      // boot-time registration inside a startup span, where emit-time context is what is wanted.
      const once = ['once', 'prependOnceListener'].includes(calledMethodName(call) ?? '');
      if (!once && !options.persistentListeners && !removedInScope(reg, scope.fn)) return;
      const listener = resolveFunction(sourceCode, reg.listener);
      if (!listener || !uses.activeContextUse(listener)) return;
      if (emitsInside(sourceCode, reg, scope.fn) || emitterBoundBefore(reg.emitter, call)) return;
      context.report({
        node: reg.listener,
        messageId: 'listenerLosesContext',
        data: { emitter: sourceCode.getText(unwrapExpression(reg.emitter)) },
        suggest: bindTarget(reg.listener, scope.fn).map((target) => ({ messageId: 'suggestBindListener' as const, fix: bindFix(target, 'active') })),
      });
    };

    /** The span's own code removes the listener again (`off`/`removeListener` of it, `removeAllListeners`): a subscription for the span's lifetime. */
    const removedInScope = (reg: ListenerRegistration, scope: FunctionNode): boolean => {
      const emitter = sourceCode.getText(unwrapExpression(reg.emitter));
      const listener = sourceCode.getText(reg.listener);
      let removed = false;
      walk(sourceCode, scope.body, (n) => {
        if (n.type !== AST_NODE_TYPES.CallExpression || n.callee.type !== AST_NODE_TYPES.MemberExpression) return;
        if (sourceCode.getText(unwrapExpression(n.callee.object)) !== emitter) return;
        const method = calledMethodName(n);
        removed =
          method === 'removeAllListeners' ||
          ((method === 'off' || method === 'removeListener') && reg.listener.type === AST_NODE_TYPES.Identifier && !!n.arguments[1] && sourceCode.getText(n.arguments[1]) === listener);
        return removed ? 'stop' : undefined;
      });
      return removed;
    };

    /** `context.bind(ctx, emitter)` earlier in the file binds every listener added after it. */
    const emitterBoundBefore = (emitter: TSESTree.Node, call: TSESTree.Node): boolean => {
      const text = sourceCode.getText(unwrapExpression(emitter));
      let bound = false;
      walk(sourceCode, sourceCode.ast, (n) => {
        if (n.range[0] >= call.range[0]) return 'skip';
        if (n.type === AST_NODE_TYPES.CallExpression && resolver.isApiCall(n, 'context', 'bind') && n.arguments[1] && sourceCode.getText(unwrapExpression(n.arguments[1])) === text) {
          bound = true;
          return 'stop';
        }
      });
      return bound;
    };

    /**
     * What to wrap in `context.bind`: the listener itself, or, for a named listener that is also
     * removed (wrapping the argument would break `off`), its `const` initialiser in the span's scope,
     * which keeps one identity for `on` and `off`. Nothing when neither is safe.
     */
    const bindTarget = (listener: TSESTree.Node, scope: FunctionNode): TSESTree.Node[] => {
      if (listener.type !== AST_NODE_TYPES.Identifier || !removedElsewhere(listener)) return [listener];
      const v = findVariable(sourceCode, listener);
      const def = v?.defs[0];
      const init = singleInitializer(v);
      const declaredInScope = !!def && def.node.range[0] >= scope.range[0] && def.node.range[1] <= scope.range[1];
      return init && isFunctionNode(init) && declaredInScope && def?.parent?.type === AST_NODE_TYPES.VariableDeclaration && def.parent.kind === 'const' ? [init] : [];
    };

    /** A named listener also passed to `off`/`removeListener`: wrapping it would break the removal. */
    const removedElsewhere = (id: TSESTree.Identifier): boolean => {
      const v = findVariable(sourceCode, id);
      return !!v?.references.some((r) => {
        const call = r.identifier.parent;
        return call.type === AST_NODE_TYPES.CallExpression && call.arguments.some((a) => a === r.identifier) && ['off', 'removeListener'].includes(calledMethodName(call) ?? '');
      });
    };

    const bindFix = (callback: TSESTree.Node, ctx: 'active' | 'root'): Fix =>
      withApi(callback, ctx === 'active' ? ['context'] : ['context', 'ROOT_CONTEXT'], (api) => (fixer) => [
        fixer.insertTextBefore(callback, `${api.context}.bind(${ctx === 'active' ? `${api.context}.active()` : api.ROOT_CONTEXT}, `),
        fixer.insertTextAfter(callback, ')'),
      ]);

    // ---- timers and promise callbacks ----
    const scheduledCallbacks = (call: TSESTree.CallExpression): { api: string; callbacks: TSESTree.Node[] } | undefined => {
      const callee = call.callee;
      if (callee.type === AST_NODE_TYPES.Identifier && SCHEDULERS.has(callee.name) && !findVariable(sourceCode, callee) && call.arguments[0]) {
        return { api: callee.name, callbacks: [call.arguments[0]] };
      }
      const method = calledMethodName(call);
      if (method === 'nextTick' && callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === 'process' && call.arguments[0]) {
        return { api: 'process.nextTick', callbacks: [call.arguments[0]] };
      }
      if (method && PROMISE_METHODS.has(method)) return { api: `.${method}`, callbacks: call.arguments.slice(0, method === 'then' ? 2 : 1) };
      return undefined;
    };

    // Only the StackContextManager loses them; AsyncLocalStorage and zones follow them.
    const checkScheduled = (call: TSESTree.CallExpression): void => {
      if (manager !== 'stack') return;
      const scheduled = scheduledCallbacks(call);
      if (!scheduled) return;
      const scope = activeScope(call);
      if (!scope || scope.kind !== 'span' || scope.await) return;
      for (const cb of scheduled.callbacks) {
        const fn = resolveFunction(sourceCode, cb);
        if (!fn || !uses.activeContextUse(fn)) continue;
        context.report({ node: cb, messageId: 'callbackLosesContext', data: { manager: MANAGER_NAMES[manager], api: scheduled.api }, fix: bindFix(cb, 'active') });
      }
    };

    // ---- long-lived work started in a span or by a first caller ----
    const checkLongLived = (call: TSESTree.CallExpression): void => {
      // AsyncLocalStorage and zones carry the starting context into every later tick or iteration.
      if (manager === 'stack') return;
      const work = longLivedWork(sourceCode, call);
      if (!work || !uses.activeContextUse(work.work)) return;
      const what = work.kind === 'interval' ? '`setInterval`' : work.kind === 'timer-loop' ? 'timer loop' : 'endless async loop';
      const unit = work.kind === 'async-loop' ? 'iteration' : 'tick';
      const fix = work.wrap === 'callback' ? 'context.bind(ROOT_CONTEXT, callback)' : 'context.with(ROOT_CONTEXT, () => ...)';
      const suggest = [{ messageId: 'suggestBindRoot' as const, fix: work.wrap === 'callback' ? bindFix(work.start, 'root') : rootWrapFix(work.start) }];
      // An IIFE is reported at its head, not over its whole body.
      const loc = isFunctionNode(call.callee) ? ASTUtils.getFunctionHeadLocation(call.callee, sourceCode) : call.callee.loc;
      const scope = enclosingActiveScope(sourceCode, resolver, call, { callbacks: 'async', awaits: false });
      if (scope?.kind === 'root') return;
      if (scope?.kind === 'span') {
        if (work.kind === 'interval' && clearedInScope(call, scope.fn)) return;
        context.report({ loc, messageId: 'longLivedWorkLeaksContext', data: { what, unit, fix }, suggest });
        return;
      }
      const starter = lazyStarter(sourceCode, call);
      if (!starter) return;
      context.report({ loc, messageId: 'lazyStartLeaksContext', data: { what, unit, fix, starter: functionName(starter) }, suggest });
    };

    const rootWrapFix = (start: TSESTree.Node): Fix =>
      withApi(start, ['context', 'ROOT_CONTEXT'], (api) => (fixer) => [
        fixer.insertTextBefore(start, `${api.context}.with(${api.ROOT_CONTEXT}, () => `),
        fixer.insertTextAfter(start, ')'),
      ]);

    const functionName = (fn: FunctionNode): string => {
      const parent = fn.parent;
      const name =
        fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.id
          ? fn.id.name
          : parent.type === AST_NODE_TYPES.MethodDefinition || parent.type === AST_NODE_TYPES.Property || parent.type === AST_NODE_TYPES.PropertyDefinition
            ? sourceCode.getText(parent.key)
            : parent.type === AST_NODE_TYPES.VariableDeclarator
              ? sourceCode.getText(parent.id)
              : undefined;
      return name ? `\`${name}\`` : 'its enclosing function';
    };

    /** `const t = setInterval(...)` declared in the scope and `clearInterval(t)` somewhere in it. */
    const clearedInScope = (call: TSESTree.CallExpression, scope: FunctionNode): boolean => {
      const decl = call.parent;
      if (decl.type !== AST_NODE_TYPES.VariableDeclarator || decl.id.type !== AST_NODE_TYPES.Identifier) return false;
      const v = findVariable(sourceCode, decl.id);
      return !!v?.references.some((r) => {
        const c = r.identifier.parent;
        return (
          c.type === AST_NODE_TYPES.CallExpression && c.callee.type === AST_NODE_TYPES.Identifier && c.callee.name === 'clearInterval' &&
          r.identifier.range[0] >= scope.range[0] && r.identifier.range[1] <= scope.range[1]
        );
      });
    };

    // ---- code after await under a manager that does not follow it ----
    const checkAfterAwait = (call: TSESTree.CallExpression): void => {
      if (manager !== 'stack' && manager !== 'zone') return;
      if (!uses.dependsOnActiveContext(call)) return;
      const scope = activeScope(call);
      if (!scope || scope.kind !== 'span' || !scope.await) return;
      context.report({ node: call, messageId: 'awaitLosesContext', data: { manager: MANAGER_NAMES[manager] } });
    };

    // ---- fix helpers ----
    const enclosingFunction = (node: TSESTree.Node): TSESTree.Node | undefined => {
      for (let n: TSESTree.Node | undefined = node.parent; n; n = n.parent) if (isFunctionNode(n)) return n;
      return undefined;
    };

    /**
     * A name bound nowhere in the file and not yet given to another fix of this run (fixes that do
     * not overlap are applied together, so two sends in one block must not both declare `otelCarrier`).
     */
    const givenNames = new Set<string>();
    const isBound = (name: string): boolean =>
      sourceCode.scopeManager?.scopes.some((s) => s.set.has(name) || s.through.some((r) => r.identifier.name === name)) ?? true;
    const freeName = (base: string): string => {
      const taken = (name: string) => givenNames.has(name) || isBound(name);
      let name = base;
      for (let i = 2; taken(name); i++) name = `${base}${i}`;
      givenNames.add(name);
      return name;
    };

    /**
     * Inserts statements right before the statement that holds `node`, applying `inner` (an edit
     * inside that statement) too; an arrow's expression body becomes a block to make room.
     */
    const statementInsertion = (node: TSESTree.Node): ((fixer: TSESLint.RuleFixer, statements: string[], inner: Edit) => TSESLint.RuleFix[]) | undefined => {
      let child: TSESTree.Node = node;
      for (let p: TSESTree.Node | undefined = node.parent; p; child = p, p = p.parent) {
        if (p.type === AST_NODE_TYPES.BlockStatement || p.type === AST_NODE_TYPES.Program || p.type === AST_NODE_TYPES.SwitchCase || p.type === AST_NODE_TYPES.StaticBlock) {
          if (p.type === AST_NODE_TYPES.SwitchCase && p.test === child) return undefined;
          const stmt = child;
          const indent = lineIndent(stmt);
          return (fixer, statements, inner) => [
            fixer.insertTextBefore(stmt, statements.map((s) => `${s}\n${indent}`).join('')),
            fixer.replaceTextRange(inner.range, inner.text),
          ];
        }
        if (p.type === AST_NODE_TYPES.ArrowFunctionExpression && p.body === child) {
          const body = child;
          const outer = lineIndent(p);
          const step = outer + indentUnit();
          const [start, end] = ASTUtils.isParenthesized(body, sourceCode)
            ? [sourceCode.getTokenBefore(body)!.range[0], sourceCode.getTokenAfter(body)!.range[1]]
            : body.range;
          return (fixer, statements, inner) => {
            const insideBody = inner.range[0] >= body.range[0] && inner.range[1] <= body.range[1];
            const text = insideBody
              ? sourceCode.text.slice(body.range[0], inner.range[0]) + inner.text + sourceCode.text.slice(inner.range[1], body.range[1])
              : sourceCode.getText(body);
            const block = `{\n${statements.map((s) => `${step}${s}\n`).join('')}${step}return ${text};\n${outer}}`;
            return insideBody ? [fixer.replaceTextRange([start, end], block)] : [fixer.replaceTextRange([start, end], block), fixer.replaceTextRange(inner.range, inner.text)];
          };
        }
        // A statement that is not in a list (`if (x) send()`, a loop body) or another function: no safe place.
        if (isFunctionNode(p) || STATEMENT_OWNERS.has(p.type)) return undefined;
      }
      return undefined;
    };

    const lineIndent = (node: TSESTree.Node): string => {
      const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
      return /^\s*/.exec(line)![0];
    };
    /** The text of `range` with every line after a line break indented by `unit`, except lines inside a template literal. */
    const reindent = (range: readonly [number, number], unit: string): string => {
      const text = sourceCode.text.slice(range[0], range[1]);
      const templates = sourceCode.ast.tokens.filter((t) => t.type === AST_TOKEN_TYPES.Template && t.range[1] > range[0] && t.range[0] < range[1]);
      return text.replace(/\n(?=[^\n])/g, (match, offset: number) => {
        const at = range[0] + offset + 1;
        return templates.some((t) => t.range[0] < at && t.range[1] > at) ? match : `\n${unit}`;
      });
    };
    const indentUnit = (): string => {
      const m = /^( +|\t)\S/m.exec(sourceCode.text);
      return m ? m[1] : '  ';
    };

    /** The edit that appends `property` to an object literal, on its own line when the literal spans lines. */
    const addProperty = (literal: TSESTree.ObjectExpression, property: string): Edit => {
      const last = literal.properties.at(-1);
      if (!last) return { range: literal.range, text: `{ ${property} }` };
      const after = sourceCode.getTokenAfter(last)!;
      if (last.loc.start.line !== literal.loc.start.line) {
        const indent = lineIndent(last);
        return after.value === ',' ? { range: [after.range[1], after.range[1]], text: `\n${indent}${property},` } : { range: [last.range[1], last.range[1]], text: `,\n${indent}${property}` };
      }
      return { range: [last.range[1], last.range[1]], text: `, ${property}` };
    };

    return {
      NewExpression: collectSend,
      CallExpression(node) {
        collectSend(node);
        checkListener(node);
        checkScheduled(node);
        checkLongLived(node);
        checkAfterAwait(node);
      },
      'Program:exit'() {
        if (boundaries.relevant) for (const r of boundaries.receivers()) receiversToCheck.set(r.fn, r);
        for (const r of receiversToCheck.values()) noteExtractKeys(r);
        // The key the file's code already uses, if it is a single one.
        const key = keysInUse.size === 1 ? [...keysInUse][0] : CARRIER_KEY;
        for (const send of sends) checkSend(send, key);
        for (const r of receiversToCheck.values()) checkReceiver(r, key);
        if (boundaries.relevant) for (const start of boundaries.startupSpans()) checkStartupSpan(start, key);
      },
    };
  },
});

function propertyName(key: TSESTree.Node): string | undefined {
  if (key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal) return String(key.value);
  return undefined;
}
