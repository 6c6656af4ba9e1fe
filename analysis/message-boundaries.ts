import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, TSESLint } from '@typescript-eslint/utils';
import type { OtelResolver } from './resolve-otel-symbol.js';
import { findVariable } from './resolve-otel-symbol.js';
import { moduleExportRefs, type ModuleExportRefs } from './module-export-ref.js';
import { unwrapExpression, valueOrigin } from './value-origin.js';
import { isFunctionNode, resolveFunction, type CodeUnit, type FunctionNode } from './active-context-use.js';
import { asSpanStartCall, calledMethodName, rootOption, type SpanStartCall } from './span-start-call.js';
import { workerModule, type WorkerModule } from './worker-module.js';
import { walk } from './ast-walk.js';
import { declaredTypes } from './declared-type.js';
import { bullmqProcessors } from './queue-processors.js';

/**
 * Answers "is this call a message that crosses a thread, process or queue boundary" (the sending
 * side) and "is this function the code that handles such messages" (the receiving side), for
 * `worker_threads`, piscina, workerpool, `child_process.fork`, `cluster`, bullmq and configured
 * queue clients. Values are recognised by how this file made them (`new Worker(...)`,
 * `new Piscina(...)`, `fork(...)`, `new Queue(...)` from the module) and, with type information,
 * by their declared type (a `Worker` parameter, a `Piscina` field).
 */
export type BoundaryKind = 'worker-data' | 'worker-message' | 'piscina' | 'workerpool' | 'child-message' | 'child-env' | 'cluster-message' | 'queue';

export interface MessageSend {
  readonly kind: BoundaryKind;
  /** The sending call (`worker.postMessage(...)`, `new Worker(...)`). */
  readonly call: TSESTree.CallExpression | TSESTree.NewExpression;
  /** The payload (message, `workerData`, task, job data, params array); undefined when none is passed. */
  readonly payload: TSESTree.Expression | undefined;
  /** Where the receiving code runs; queues: `unknown` unless the processor is in this file. */
  readonly receiver: WorkerModule | { kind: 'configured' };
  /** piscina: the task export; workerpool: the method name; bullmq: the queue name; `fork` or `spawn`. */
  readonly target?: string;
  /** `fork`/`spawn`: the arguments, to add an `env` to. */
  readonly args?: readonly TSESTree.CallExpressionArgument[];
}

export type ReceiverKind = 'worker-message' | 'worker-data' | 'process-message' | 'process-startup' | 'piscina-task' | 'workerpool-method' | 'queue-processor';

export interface MessageReceiver {
  readonly kind: ReceiverKind;
  /** The handler function; for `process-startup`, the block a child process runs at startup. */
  readonly fn: CodeUnit;
  /** bullmq: the queue name; piscina: the export name; workerpool: the method name. */
  readonly target?: string;
}

export interface QueueClient {
  /** Module the client comes from. */
  module: string;
  /** Method that enqueues. */
  method: string;
  /** Index of the payload argument. */
  payloadArgument: number;
}

const WORKER_THREADS = ['worker_threads'];
const CHILD_PROCESS = ['child_process'];
const CLUSTER = ['cluster'];
const PISCINA = ['piscina'];
const WORKERPOOL = ['workerpool'];
const BULLMQ = ['bullmq'];
const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

type SourceCode = Readonly<TSESLint.SourceCode>;

export interface BoundaryAnalysis {
  send(node: TSESTree.CallExpression | TSESTree.NewExpression): MessageSend | undefined;
  /** Handlers this file registers for messages (always recognisable on their own). */
  receivers(): readonly MessageReceiver[];
  /** Receivers in this file that a same-file sender points at: piscina task exports, workerpool methods, `workerData` readers. */
  pairedReceivers(send: MessageSend): readonly MessageReceiver[];
  /** A worker entry's spans started at its top level, from no context (see `startupSpans`). */
  startupSpans(): readonly SpanStartCall[];
  /** The file imports one of the boundary modules (or a configured one). */
  readonly relevant: boolean;
}

export function boundaryAnalysis(sourceCode: SourceCode, resolver: OtelResolver, fileName: string, queues: readonly QueueClient[]): BoundaryAnalysis {
  const refs = moduleExportRefs(sourceCode);
  const declared = declaredTypes(resolver);
  // The checker is asked only in files that import the module (a `Piscina` field needs its type imported):
  // `.add()`, `.run()` and `.send()` are far too common to type-check everywhere.
  const typeIs = (node: TSESTree.Node, module: string, name: string): boolean => !!declared && refs.imports([module]) && declared.isClass(node, module, name);
  const configuredModules = queues.map((q) => q.module);
  const relevant =
    refs.imports([...WORKER_THREADS, ...CHILD_PROCESS, ...CLUSTER, ...PISCINA, ...WORKERPOOL, ...BULLMQ, ...configuredModules]) || /\bprocess\.on\(\s*['"]message['"]/.test(sourceCode.text);

  const originNew = (node: TSESTree.Node, modules: readonly string[], className: string, defaultIsClass: boolean): TSESTree.NewExpression | undefined => {
    const origin = valueOrigin(sourceCode, node);
    if (origin?.type !== AST_NODE_TYPES.NewExpression) return undefined;
    const callee = origin.callee;
    return refs.isExport(callee, modules, className) || (defaultIsClass && refs.isModule(callee, modules)) ? origin : undefined;
  };
  const originCall = (node: TSESTree.Node, modules: readonly string[], fnName: string): TSESTree.CallExpression | undefined => {
    const origin = valueOrigin(sourceCode, node);
    if (origin?.type !== AST_NODE_TYPES.CallExpression) return undefined;
    return refs.isExport(origin.callee, modules, fnName) ? origin : undefined;
  };
  const option = (opts: TSESTree.Node | undefined, key: string): TSESTree.Expression | undefined | null => {
    if (!opts) return undefined;
    const o = unwrapExpression(opts);
    if (o.type !== AST_NODE_TYPES.ObjectExpression) return null;
    for (const p of o.properties) {
      if (p.type === AST_NODE_TYPES.Property && !p.computed && ((p.key.type === AST_NODE_TYPES.Identifier && p.key.name === key) || (p.key.type === AST_NODE_TYPES.Literal && p.key.value === key))) {
        return p.value as TSESTree.Expression;
      }
    }
    return o.properties.some((p) => p.type === AST_NODE_TYPES.SpreadElement) ? null : undefined;
  };
  const stringOf = (n: TSESTree.Node | undefined | null): string | undefined =>
    n && n.type === AST_NODE_TYPES.Literal && typeof n.value === 'string' ? n.value : undefined;
  const clusterReceiver = (): WorkerModule =>
    /\bcluster\.(isPrimary|isMaster|isWorker)\b/.test(sourceCode.text) ? { kind: 'same-file' } : { kind: 'unknown' };

  /** `fork(script, args?, options?)`, `spawn(process.execPath | 'node', [script, ...], options?)`: the environment is the child's only input at startup. */
  const childEnvSend = (node: TSESTree.CallExpression, forked: boolean): MessageSend | undefined => {
    const args = node.arguments;
    let script: TSESTree.Node | undefined | null;
    let options: TSESTree.Node | undefined;
    if (forked) {
      script = args[0];
      options = args[1]?.type === AST_NODE_TYPES.ArrayExpression ? args[2] : args[1];
    } else {
      const command = args[0] && unwrapExpression(args[0]);
      const isNode = stringOf(command) === 'node' || (command?.type === AST_NODE_TYPES.MemberExpression && sourceCode.getText(command) === 'process.execPath');
      const argv = args[1] && unwrapExpression(args[1]);
      if (!isNode || argv?.type !== AST_NODE_TYPES.ArrayExpression) return undefined;
      script = argv.elements[0];
      options = args[2];
    }
    if (!script || script.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const env = option(options, 'env');
    if (env === null) return undefined;
    // A child this file sends messages to gets its work through the IPC channel: the `send` is the boundary.
    if (forked && sendsTo(node)) return undefined;
    return { kind: 'child-env', call: node, payload: env, receiver: workerModule(sourceCode, fileName, script), args, target: forked ? 'fork' : 'spawn' };
  };

  const sendsTo = (fork: TSESTree.CallExpression): boolean => {
    let found = false;
    walk(sourceCode, sourceCode.ast, (n) => {
      if (n.type === AST_NODE_TYPES.CallExpression && calledMethodName(n) === 'send' && n.callee.type === AST_NODE_TYPES.MemberExpression && valueOrigin(sourceCode, n.callee.object) === fork) {
        found = true;
        return 'stop';
      }
    });
    return found;
  };

  const send = (node: TSESTree.CallExpression | TSESTree.NewExpression): MessageSend | undefined => {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const forked = refs.isExport(node.callee, CHILD_PROCESS, 'fork');
      if (forked || refs.isExport(node.callee, CHILD_PROCESS, 'spawn')) return childEnvSend(node, forked);
    }
    if (node.type === AST_NODE_TYPES.NewExpression) {
      const isWorker = refs.isExport(node.callee, WORKER_THREADS, 'Worker') || typeIs(node, 'worker_threads', 'Worker');
      if (!isWorker) return undefined;
      const workerData = option(node.arguments[1], 'workerData');
      if (!workerData) return undefined;
      return { kind: 'worker-data', call: node, payload: workerData, receiver: workerModule(sourceCode, fileName, node.arguments[0]) };
    }
    const method = calledMethodName(node);
    if (!method || node.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const object = node.callee.object;
    const args = node.arguments as TSESTree.Expression[];
    switch (method) {
      case 'postMessage': {
        const made = originNew(object, WORKER_THREADS, 'Worker', false);
        if (made) return { kind: 'worker-message', call: node, payload: args[0], receiver: workerModule(sourceCode, fileName, made.arguments[0]) };
        if (typeIs(object, 'worker_threads', 'Worker')) return { kind: 'worker-message', call: node, payload: args[0], receiver: { kind: 'unknown' } };
        return undefined;
      }
      case 'run':
      case 'runTask': {
        const made = originNew(object, PISCINA, 'Piscina', true);
        if (!made && !typeIs(object, 'piscina', 'Piscina')) return undefined;
        const poolOptions = made?.arguments[0];
        const filename = option(poolOptions, 'filename');
        const name = stringOf(option(args[1], 'name')) ?? stringOf(option(poolOptions, 'name')) ?? 'default';
        const receiver = filename ? workerModule(sourceCode, fileName, filename) : ({ kind: 'unknown' } as const);
        return { kind: 'piscina', call: node, payload: args[0], receiver, target: name };
      }
      case 'exec': {
        const made = originCall(object, WORKERPOOL, 'pool');
        if (!made && !typeIs(object, 'workerpool', 'Pool')) return undefined;
        const methodName = stringOf(args[0]);
        // `pool(script?, options?)`; without a script (or with a function as the method) the code runs inline.
        const receiver = methodName ? workerModule(sourceCode, fileName, made?.arguments[0]) : ({ kind: 'unknown' } as const);
        return { kind: 'workerpool', call: node, payload: args[1], receiver, target: methodName };
      }
      case 'send': {
        const forked = originCall(object, CHILD_PROCESS, 'fork');
        if (forked) return { kind: 'child-message', call: node, payload: args[0], receiver: workerModule(sourceCode, fileName, forked.arguments[0]) };
        const origin = valueOrigin(sourceCode, object);
        if (origin?.type === AST_NODE_TYPES.CallExpression && origin.callee.type === AST_NODE_TYPES.MemberExpression && calledMethodName(origin) === 'fork' && refs.isModule(origin.callee.object, CLUSTER)) {
          return { kind: 'cluster-message', call: node, payload: args[0], receiver: clusterReceiver() };
        }
        if (typeIs(object, 'cluster', 'Worker')) return { kind: 'cluster-message', call: node, payload: args[0], receiver: clusterReceiver() };
        if (typeIs(object, 'child_process', 'ChildProcess')) return { kind: 'child-message', call: node, payload: args[0], receiver: { kind: 'unknown' } };
        return undefined;
      }
      case 'add': {
        const made = originNew(object, BULLMQ, 'Queue', false);
        if (made || typeIs(object, 'bullmq', 'Queue')) {
          // bullmq's own telemetry option propagates the context itself.
          if (made && option(made.arguments[1], 'telemetry') !== undefined) return undefined;
          const queueName = made ? stringOf(made.arguments[0]) : undefined;
          const sameFile = queueName !== undefined && receivers().some((r) => r.kind === 'queue-processor' && r.target === queueName);
          const elsewhere = queueName !== undefined && resolver.services ? bullmqProcessors(resolver.services.program).get(queueName) : undefined;
          const receiver: WorkerModule = sameFile ? { kind: 'same-file' } : elsewhere ? { kind: 'file', path: elsewhere.file } : { kind: 'unknown' };
          return { kind: 'queue', call: node, payload: args[1], receiver, target: queueName };
        }
        break;
      }
    }
    for (const q of queues) {
      if (q.method !== method) continue;
      if (isConfiguredClient(refs, sourceCode, object, q.module) || (!!declared && refs.imports([q.module]) && declared.declaredIn(node.callee, q.module))) {
        return { kind: 'queue', call: node, payload: args[q.payloadArgument], receiver: { kind: 'configured' } };
      }
    }
    return undefined;
  };

  let registered: MessageReceiver[] | undefined;
  let makesWorkers = false;
  const receivers = (): readonly MessageReceiver[] => {
    if (registered) return registered;
    registered = [];
    const visit = (n: TSESTree.Node): void => {
      if (n.type === AST_NODE_TYPES.NewExpression && refs.isExport(n.callee, WORKER_THREADS, 'Worker')) makesWorkers = true;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const method = calledMethodName(n);
        if (method && LISTEN.has(method) && n.callee.type === AST_NODE_TYPES.MemberExpression && stringOf(n.arguments[0]) === 'message') {
          const object = unwrapExpression(n.callee.object);
          const fn = n.arguments[1] && resolveFunction(sourceCode, n.arguments[1]);
          if (fn) {
            if (refs.isExport(object, WORKER_THREADS, 'parentPort')) registered!.push({ kind: 'worker-message', fn });
            else if (object.type === AST_NODE_TYPES.Identifier && object.name === 'process' && !findVariable(sourceCode, object)) registered!.push({ kind: 'process-message', fn });
          }
        }
      } else if (n.type === AST_NODE_TYPES.NewExpression && refs.isExport(n.callee, BULLMQ, 'Worker') && option(n.arguments[2], 'telemetry') === undefined) {
        const fn = n.arguments[1] && resolveFunction(sourceCode, n.arguments[1]);
        if (fn) registered!.push({ kind: 'queue-processor', fn, target: stringOf(n.arguments[0]) });
      }
    };
    walk(sourceCode, sourceCode.ast, visit);
    // A worker entry of its own (it reads `workerData` and starts no workers): its readers are receivers.
    if (!makesWorkers) registered.push(...workerDataReaders());
    return registered;
  };

  /**
   * A worker entry's top-level spans (outside any function) when its top level reads `workerData`:
   * the worker's work at startup, with no context unless one is extracted there.
   */
  const startupSpans = (): readonly SpanStartCall[] => {
    receivers();
    if (makesWorkers) return [];
    let readsWorkerData = false;
    let restores = false;
    const starts: SpanStartCall[] = [];
    walk(sourceCode, sourceCode.ast, (n) => {
      if (isFunctionNode(n)) return 'skip';
      if (n.type === AST_NODE_TYPES.Identifier && n.parent.type !== AST_NODE_TYPES.ImportSpecifier && refs.isExport(n, WORKER_THREADS, 'workerData')) readsWorkerData = true;
      if (n.type !== AST_NODE_TYPES.CallExpression) return;
      if (resolver.isApiCall(n, 'propagation', 'extract') || resolver.isApiCall(n, 'context', 'with')) restores = true;
      const start = asSpanStartCall(resolver, n);
      if (start && !start.context && rootOption(sourceCode, start.options) === 'child') starts.push(start);
    });
    return readsWorkerData && !restores ? starts : [];
  };

  const pairedReceivers = (s: MessageSend): readonly MessageReceiver[] => {
    if (s.receiver.kind !== 'same-file') return [];
    switch (s.kind) {
      case 'worker-message':
        return receivers().filter((r) => r.kind === 'worker-message');
      case 'child-message':
      case 'cluster-message':
        return receivers().filter((r) => r.kind === 'process-message');
      case 'queue':
        return receivers().filter((r) => r.kind === 'queue-processor' && r.target === s.target);
      case 'worker-data':
        return workerDataReaders();
      case 'child-env':
        return startupBlocks();
      case 'piscina': {
        const fn = exportedFunction(sourceCode, s.target ?? 'default');
        return fn ? [{ kind: 'piscina-task', fn, target: s.target }] : [];
      }
      case 'workerpool':
        return s.target ? workerpoolMethods().filter((r) => r.target === s.target) : [];
    }
  };

  /** `if (process.env.X) { ... }` at the top level: the code a child process started with that variable runs. */
  const startupBlocks = (): MessageReceiver[] => {
    const out: MessageReceiver[] = [];
    for (const stmt of sourceCode.ast.body) {
      if (stmt.type !== AST_NODE_TYPES.IfStatement || stmt.consequent.type !== AST_NODE_TYPES.BlockStatement) continue;
      let readsEnv = false;
      walk(sourceCode, stmt.test, (n) => {
        if (n.type === AST_NODE_TYPES.MemberExpression && sourceCode.getText(n.object) === 'process' && !n.computed && n.property.type === AST_NODE_TYPES.Identifier && n.property.name === 'env') {
          readsEnv = true;
          return 'stop';
        }
      });
      // A child that waits for messages gets its work through them: its handlers are the receivers.
      const handlesMessages = receivers().some((r) => r.kind === 'process-message' && r.fn.range[0] >= stmt.range[0] && r.fn.range[1] <= stmt.range[1]);
      if (readsEnv && !handlesMessages) out.push({ kind: 'process-startup', fn: stmt.consequent });
    }
    return out;
  };

  const workerDataReaders = (): MessageReceiver[] => {
    const out: MessageReceiver[] = [];
    walk(sourceCode, sourceCode.ast, (n) => {
      if (n.type !== AST_NODE_TYPES.Identifier || !refs.isExport(n, WORKER_THREADS, 'workerData')) return;
      if (n.parent.type === AST_NODE_TYPES.ImportSpecifier || n.parent.type === AST_NODE_TYPES.Property) return;
      // The outermost function: the worker's entry (`async function runWorker()`, a message handler).
      let fn: FunctionNode | undefined;
      for (let p: TSESTree.Node | undefined = n.parent; p; p = p.parent) if (isFunctionNode(p)) fn = p;
      if (fn && !out.some((r) => r.fn === fn)) out.push({ kind: 'worker-data', fn });
    });
    return out;
  };

  const workerpoolMethods = (): MessageReceiver[] => {
    const out: MessageReceiver[] = [];
    walk(sourceCode, sourceCode.ast, (n) => {
      if (n.type !== AST_NODE_TYPES.CallExpression || !refs.isExport(n.callee, WORKERPOOL, 'worker')) return;
      const methods = n.arguments[0] && unwrapExpression(n.arguments[0]);
      if (methods?.type !== AST_NODE_TYPES.ObjectExpression) return;
      for (const p of methods.properties) {
        if (p.type !== AST_NODE_TYPES.Property || p.computed) continue;
        const name = p.key.type === AST_NODE_TYPES.Identifier ? p.key.name : stringOf(p.key);
        const fn = resolveFunction(sourceCode, p.value);
        if (name && fn) out.push({ kind: 'workerpool-method', fn, target: name });
      }
    });
    return out;
  };

  return { send, receivers, pairedReceivers, startupSpans, relevant };
}

/** `export default function`, `export function name`, `export const name = () => ...`, `export { fn as name }`. */
function exportedFunction(sourceCode: SourceCode, name: string): FunctionNode | undefined {
  for (const stmt of sourceCode.ast.body) {
    if (stmt.type === AST_NODE_TYPES.ExportDefaultDeclaration && name === 'default') {
      return resolveFunction(sourceCode, stmt.declaration);
    }
    if (stmt.type === AST_NODE_TYPES.ExportNamedDeclaration) {
      const d = stmt.declaration;
      if (d?.type === AST_NODE_TYPES.FunctionDeclaration && d.id?.name === name) return d;
      if (d?.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const v of d.declarations) {
          if (v.id.type === AST_NODE_TYPES.Identifier && v.id.name === name && v.init) return resolveFunction(sourceCode, v.init);
        }
      }
      for (const spec of stmt.specifiers) {
        const exported = spec.exported.type === AST_NODE_TYPES.Identifier ? spec.exported.name : spec.exported.value;
        if (exported === name && spec.local.type === AST_NODE_TYPES.Identifier) return resolveFunction(sourceCode, spec.local);
      }
    }
  }
  return undefined;
}

/** `q.publish()` where `q` is the module itself, made by `new X()` or `create()` with X/create exported by it. */
function isConfiguredClient(refs: ModuleExportRefs, sourceCode: SourceCode, object: TSESTree.Node, module: string): boolean {
  if (refs.isModule(unwrapExpression(object), [module])) return true;
  const origin = valueOrigin(sourceCode, object);
  if (!origin || (origin.type !== AST_NODE_TYPES.NewExpression && origin.type !== AST_NODE_TYPES.CallExpression)) return false;
  const callee = unwrapExpression(origin.callee);
  if (refs.isModule(callee, [module])) return true;
  if (callee.type === AST_NODE_TYPES.MemberExpression) return refs.isModule(unwrapExpression(callee.object), [module]);
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const v = findVariable(sourceCode, callee);
    return !!v?.defs.some((d) => d.type === TSESLint.Scope.DefinitionType.ImportBinding && d.parent?.type === AST_NODE_TYPES.ImportDeclaration && d.parent.source.value === module);
  }
  return false;
}
