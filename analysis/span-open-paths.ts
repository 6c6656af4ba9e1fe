import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';

/**
 * Answers "is there a path on which this span is still open when control leaves its function, and
 * which one", on ESLint's code path analysis.
 *
 * ESLint's graph already routes `return`, `throw`, `break`/`continue`, conditionals, loops, `switch`,
 * short-circuits, optional chains and `try`/`catch`/`finally`. Two things are added here:
 * - **Rejected `await`s.** ESLint has no edge for an `await` (or `for await`) that rejects; a
 *   rejection is followed as a `throw` from that point: into the nearest enclosing `catch`, through
 *   a `finally` (which then rethrows), or out of the function.
 * - **Which exits count.** Any call may throw, and ESLint adds a "first throwable" edge into every
 *   `catch`/`finally`. Paths into a `catch` count (the author says the block can throw), but a path
 *   that leaves the function only because some call might throw does not: flagging that would flag
 *   nearly every span. Counted exits: `return`, `throw`, a rejected `await`, a `yield` where the
 *   consumer may stop the generator, and falling off the end of the function.
 * ESLint merges the `return` and `throw` paths leaving a `finally` into one segment; the search
 * keeps apart which of the two entered it, so that a `return` is not taken for a `throw` or the
 * other way round.
 */
export type OpenPathKind = 'return' | 'throw' | 'rejection' | 'yield' | 'completion';

export interface OpenPath {
  readonly kind: OpenPathKind;
  /** The `return`/`throw`/`await`/`yield`, or for `completion` the function (or program) left. */
  readonly node: TSESTree.Node;
}

export interface OpenPathOptions {
  /** Follow rejected `await`s as throws (default true). */
  readonly rejections: boolean;
}

export interface TrackedCodePath<T> {
  /** The function or program. */
  readonly node: TSESTree.Node;
  /** The spans started in this code path, in the order they were started. */
  readonly spans: readonly T[];
  /** A path from the span's start to an exit of the function that passes none of `ends`. */
  openPath(span: T, ends: readonly TSESTree.CallExpression[], options: OpenPathOptions): OpenPath | undefined;
}

export interface SpanPathTracker<T> {
  /** Listeners to spread into the rule's listener object (code path events and a few node types). */
  readonly listeners: TSESLint.RuleListener;
  /** `span` starts at the node being visited, in the current code path. */
  startHere(span: T): void;
  /** `span` starts when the current code path (a `startActiveSpan` callback) starts. */
  startAtEntry(span: T): void;
}

type Segment = TSESLint.CodePathSegment;
type CodePath = TSESLint.CodePath;

interface PathEvent<T> {
  readonly kind: 'start' | 'end' | 'await' | 'return' | 'throw' | 'yield';
  readonly node: TSESTree.Node;
  readonly span?: T;
}

/** `return` / `throw` entered a `finally`; undefined: both or neither. */
type Leaving = 'return' | 'throw' | undefined;

interface Step<T> {
  readonly segment: Segment;
  readonly from: number;
  readonly leaving: Leaving;
  readonly transfer: PathEvent<T> | undefined;
}

class Frame<T> {
  readonly current = new Set<Segment>();
  readonly events = new Map<Segment, Array<PathEvent<T>>>();
  readonly catchEntries = new Map<TSESTree.CatchClause, Segment>();
  /** Segments started at each `finally` block, in ESLint's order: the normal ones, then the leaving ones. */
  readonly finalizerSegments = new Map<TSESTree.BlockStatement, Segment[]>();
  readonly starts = new Map<T, Array<{ segment: Segment; index: number }> | 'entry'>();

  constructor(
    readonly codePath: CodePath,
    readonly node: TSESTree.Node,
  ) {}

  record(kind: PathEvent<T>['kind'], node: TSESTree.Node, span?: T): void {
    for (const segment of this.current) {
      let list = this.events.get(segment);
      if (!list) this.events.set(segment, (list = []));
      list.push({ kind, node, span });
    }
  }
}

/** The `x.end()` call of `if (<test on x only>) x.end();` (no `else`). */
function guardedEnd(node: TSESTree.IfStatement): TSESTree.CallExpression | undefined {
  if (node.alternate) return undefined;
  let stmt: TSESTree.Statement = node.consequent;
  if (stmt.type === AST_NODE_TYPES.BlockStatement) {
    if (stmt.body.length !== 1) return undefined;
    stmt = stmt.body[0]!;
  }
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
  const call = stmt.expression.type === AST_NODE_TYPES.ChainExpression ? stmt.expression.expression : stmt.expression;
  if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const { object, property } = call.callee;
  if (object.type !== AST_NODE_TYPES.Identifier || property.type !== AST_NODE_TYPES.Identifier || property.name !== 'end' || call.callee.computed) return undefined;
  return testsOnly(node.test, object.name) ? call : undefined;
}

/** Every name `test` reads is `name` (or `undefined`); it calls nothing but methods of `name`. */
function testsOnly(test: TSESTree.Node, name: string): boolean {
  switch (test.type) {
    case AST_NODE_TYPES.Identifier:
      return test.name === name || test.name === 'undefined';
    case AST_NODE_TYPES.Literal:
      return true;
    case AST_NODE_TYPES.UnaryExpression:
      return testsOnly(test.argument, name);
    case AST_NODE_TYPES.LogicalExpression:
    case AST_NODE_TYPES.BinaryExpression:
      return testsOnly(test.left, name) && testsOnly(test.right, name);
    case AST_NODE_TYPES.ChainExpression:
      return testsOnly(test.expression, name);
    case AST_NODE_TYPES.MemberExpression:
      return !test.computed && test.object.type === AST_NODE_TYPES.Identifier && test.object.name === name;
    case AST_NODE_TYPES.CallExpression:
      return test.arguments.length === 0 && test.callee.type === AST_NODE_TYPES.MemberExpression && testsOnly(test.callee, name);
    default:
      return false;
  }
}

function isFinalizer(node: TSESTree.Node): node is TSESTree.BlockStatement {
  return node.parent?.type === AST_NODE_TYPES.TryStatement && node.parent.finalizer === node;
}

const within = (inner: TSESTree.Node, outer: TSESTree.Node): boolean => inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];

class Tracked<T> implements TrackedCodePath<T> {
  private readonly finals: ReadonlySet<Segment>;
  private readonly returned: ReadonlySet<Segment>;
  private readonly thrown: ReadonlySet<Segment>;
  private readonly catchEntrySet: ReadonlySet<Segment>;
  private readonly leaving = new Map<TSESTree.BlockStatement, Segment[]>();
  private readonly leavingSet = new Set<Segment>();
  private readonly finalizerOf = new Map<Segment, TSESTree.BlockStatement>();

  constructor(private readonly frame: Frame<T>) {
    this.finals = new Set(frame.codePath.finalSegments);
    this.returned = new Set(frame.codePath.returnedSegments);
    this.thrown = new Set(frame.codePath.thrownSegments);
    this.catchEntrySet = new Set(frame.catchEntries.values());
    for (const [block, segments] of frame.finalizerSegments) {
      // ESLint creates N normal segments, then N that leave (merging `return` and `throw`).
      for (const s of segments) this.finalizerOf.set(s, block);
      const leaving = segments.slice(Math.ceil(segments.length / 2));
      this.leaving.set(block, leaving);
      for (const s of leaving) this.leavingSet.add(s);
    }
  }

  get node(): TSESTree.Node {
    return this.frame.node;
  }

  get spans(): readonly T[] {
    return [...this.frame.starts.keys()];
  }

  openPath(span: T, ends: readonly TSESTree.CallExpression[], options: OpenPathOptions): OpenPath | undefined {
    const start = this.frame.starts.get(span);
    if (!start) return undefined;
    const endSet = new Set<TSESTree.Node>(ends);
    const work: Array<Step<T>> =
      start === 'entry'
        ? [{ segment: this.frame.codePath.initialSegment, from: 0, leaving: undefined, transfer: undefined }]
        : start.map((p) => ({ segment: p.segment, from: p.index + 1, leaving: undefined, transfer: undefined }));
    const seen = new Set<string>();
    while (work.length > 0) {
      const step = work.pop()!;
      const key = `${step.segment.id}|${step.from}|${step.leaving ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Any `finally` holding an end() ends the span, also when that end() is conditional.
      const finalizer = step.from === 0 ? this.finalizerOf.get(step.segment) : undefined;
      if (finalizer && ends.some((end) => within(end, finalizer))) continue;
      let transfer = step.transfer;
      let closed = false;
      const events = this.frame.events.get(step.segment) ?? [];
      for (let i = step.from; i < events.length && !closed; i++) {
        const e = events[i];
        switch (e.kind) {
          case 'end':
            closed = endSet.has(e.node);
            break;
          case 'start':
            // Back at its own start (a loop): this iteration's span was handled on the way here.
            closed = e.span === span;
            break;
          case 'await': {
            if (!options.rejections) break;
            const targets = this.rejectionTargets(e, ends);
            if (targets === 'exit') return { kind: 'rejection', node: e.node };
            work.push(...targets);
            break;
          }
          default:
            transfer = e;
        }
      }
      if (closed) continue;
      if (this.finals.has(step.segment)) {
        const open = this.exitOf(step.segment, step.leaving, transfer);
        if (open) return open;
      }
      for (const next of [...step.segment.nextSegments].reverse()) {
        const into = this.stepInto(next, step.leaving, transfer);
        if (into) work.push(into);
      }
    }
    return undefined;
  }

  private stepInto(next: Segment, leaving: Leaving, transfer: PathEvent<T> | undefined): Step<T> | undefined {
    if (this.catchEntrySet.has(next)) {
      // A `return` leaving a `finally` does not enter an outer `catch`; ESLint's merged segment does.
      return leaving === 'return' ? undefined : { segment: next, from: 0, leaving: undefined, transfer: undefined };
    }
    if (leaving === undefined && this.leavingSet.has(next)) {
      const kind: Leaving = transfer?.kind === 'return' ? 'return' : transfer?.kind === 'yield' ? undefined : 'throw';
      return { segment: next, from: 0, leaving: kind, transfer };
    }
    return { segment: next, from: 0, leaving, transfer: leaving === undefined ? undefined : transfer };
  }

  /** Where a rejection of `e` goes, as a throw from that point. */
  private rejectionTargets(e: PathEvent<T>, ends: readonly TSESTree.CallExpression[]): Array<Step<T>> | 'exit' {
    let child: TSESTree.Node = e.node;
    for (let p = child.parent; p && p !== this.frame.node; child = p, p = p.parent) {
      if (p.type !== AST_NODE_TYPES.TryStatement) continue;
      if (child === p.finalizer) {
        // A `finally` that ends the span is trusted, even if an `await` in it rejects first.
        if (ends.some((end) => within(end, p.finalizer!))) return [];
        continue;
      }
      if (child === p.block && p.handler) {
        const entry = this.frame.catchEntries.get(p.handler);
        return entry ? [{ segment: entry, from: 0, leaving: undefined, transfer: undefined }] : [];
      }
      if (p.finalizer) {
        return (this.leaving.get(p.finalizer) ?? []).map((segment) => ({ segment, from: 0, leaving: 'throw' as const, transfer: e }));
      }
    }
    return 'exit';
  }

  private exitOf(segment: Segment, leaving: Leaving, transfer: PathEvent<T> | undefined): OpenPath | undefined {
    const returned = this.returned.has(segment);
    const thrown = this.thrown.has(segment);
    if ((leaving === 'throw' && !thrown) || (leaving === 'return' && !returned)) return undefined;
    switch (transfer?.kind) {
      case 'return':
        return returned ? { kind: 'return', node: transfer.node } : undefined;
      case 'throw':
        return thrown ? { kind: 'throw', node: transfer.node } : undefined;
      case 'await':
        return thrown ? { kind: 'rejection', node: transfer.node } : undefined;
      case 'yield':
        return { kind: 'yield', node: transfer.node };
      default:
        // Leaving only because a call might throw is not a counted path.
        if (leaving === 'throw' || !returned) return undefined;
        return { kind: 'completion', node: this.frame.node };
    }
  }
}

/**
 * Records, per code path, the events the search needs (span starts, `x.end()` calls, `await`,
 * `return`, `throw`, `yield`) in the segments where they happen, and hands every code path that
 * started a span to `onProgramEnd` once the whole file has been traversed.
 */
export function trackSpanPaths<T>(
  onProgramEnd: (paths: ReadonlyArray<TrackedCodePath<T>>) => void,
  /** `await`s of these arguments are known not to reject and are not followed as throws. */
  cannotReject: (argument: TSESTree.Expression) => boolean = () => false,
): SpanPathTracker<T> {
  const frames: Array<Frame<T>> = [];
  const done: Array<TrackedCodePath<T>> = [];
  const top = (): Frame<T> | undefined => frames.at(-1);

  const listeners = {
    onCodePathStart(codePath: CodePath, node: TSESTree.Node): void {
      frames.push(new Frame<T>(codePath, node));
    },
    onCodePathEnd(codePath: CodePath): void {
      const frame = frames.pop();
      if (frame && frame.starts.size > 0) done.push(new Tracked(frame));
      if (codePath.upper === null) onProgramEnd(done);
    },
    onCodePathSegmentStart(segment: Segment, node: TSESTree.Node): void {
      const frame = top();
      if (!frame) return;
      frame.current.add(segment);
      if (node.type === AST_NODE_TYPES.CatchClause && !frame.catchEntries.has(node)) frame.catchEntries.set(node, segment);
      if (isFinalizer(node)) (frame.finalizerSegments.get(node) ?? frame.finalizerSegments.set(node, []).get(node)!).push(segment);
    },
    onUnreachableCodePathSegmentStart(segment: Segment, node: TSESTree.Node): void {
      // Kept only for the position count in a `finally` (normal segments first, then leaving ones).
      const frame = top();
      if (frame && isFinalizer(node)) (frame.finalizerSegments.get(node) ?? frame.finalizerSegments.set(node, []).get(node)!).push(segment);
    },
    onCodePathSegmentEnd(segment: Segment): void {
      top()?.current.delete(segment);
    },
    CallExpression(node: TSESTree.CallExpression): void {
      // Recorded on entry: `span?.end()` forks on the optional chain after this point, and a span
      // that cannot be nullish always takes the calling branch.
      const callee = node.callee;
      if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier || callee.property.name !== 'end') return;
      top()?.record('end', node);
    },
    'AwaitExpression:exit'(node: TSESTree.AwaitExpression): void {
      if (!cannotReject(node.argument)) top()?.record('await', node);
    },
    IfStatement(node: TSESTree.IfStatement): void {
      // `if (span) span.end()`, `if (span.isRecording()) span.end()`: the guard is on the span
      // itself, which startSpan never leaves nullish, and a span that is not recording is not
      // exported either way. The end counts before the branch.
      const call = guardedEnd(node);
      if (call) top()?.record('end', call);
    },
    ForOfStatement(node: TSESTree.ForOfStatement): void {
      if (node.await) top()?.record('await', node);
    },
    'ReturnStatement:exit'(node: TSESTree.ReturnStatement): void {
      top()?.record('return', node);
    },
    'ThrowStatement:exit'(node: TSESTree.ThrowStatement): void {
      top()?.record('throw', node);
    },
    YieldExpression(node: TSESTree.YieldExpression): void {
      top()?.record('yield', node);
    },
  };

  return {
    // typescript-eslint cannot type code path listeners on RuleListener (typescript-eslint#6993).
    listeners: listeners as unknown as TSESLint.RuleListener,
    startHere(span) {
      const frame = top();
      if (!frame) return;
      frame.record('start', frame.node, span);
      frame.starts.set(
        span,
        [...frame.current].map((segment) => ({ segment, index: frame.events.get(segment)!.length - 1 })),
      );
    },
    startAtEntry(span) {
      top()?.starts.set(span, 'entry');
    },
  };
}
