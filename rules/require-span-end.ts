import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { createRule } from '../analysis/create-rule.js';
import { getOtelResolver } from '../analysis/resolve-otel-symbol.js';
import { asSpanStartCall } from '../analysis/span-start-call.js';
import { endCallOf, endsSpansFromContext, owningFunction, spanOwnership } from '../analysis/span-ownership.js';
import { trackSpanPaths, type OpenPathKind, type TrackedCodePath } from '../analysis/span-open-paths.js';
import { buildEndInFinallyFix, type SpanAnchor } from '../analysis/end-in-finally-fix.js';
import { createNonRejectingAwait } from '../analysis/non-rejecting-await.js';
import { unwrapExpression } from '../analysis/value-origin.js';
import { isTestModule } from '../analysis/test-module.js';

export type Options = [
  {
    awaitRejections?: boolean;
  },
];
export type MessageIds =
  | 'neverEnded'
  | 'callbackIgnoresSpan'
  | 'discarded'
  | 'openOnReturn'
  | 'openOnThrow'
  | 'openOnRejection'
  | 'openOnYield'
  | 'openAtEnd'
  | 'endInFinally'
  | 'endAfterStart';

/** A span this rule follows: a `const span = tracer.startSpan(...)`, or the span a `startActiveSpan` callback receives. */
interface TrackedSpan {
  readonly name: string;
  /** Undefined for a callback that takes no parameter: nothing can end its span. */
  readonly variable: TSESLint.Scope.Variable | undefined;
  /** The function whose code path runs the span's life. */
  readonly owner: TSESTree.Node;
  readonly reportNode: TSESTree.Node;
  readonly anchor: SpanAnchor | undefined;
}

const OPEN_MESSAGES: Record<OpenPathKind, MessageIds> = {
  return: 'openOnReturn',
  throw: 'openOnThrow',
  rejection: 'openOnRejection',
  yield: 'openOnYield',
  completion: 'openAtEnd',
};

/** Cheap pre-check: a file that never names a span-start method has nothing to report. */
export const STARTS_SPANS = /\bstart(?:Active)?Span\b/;

export default createRule<Options, MessageIds>({
  name: 'require-span-end',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every span from `startSpan` or `startActiveSpan` to be ended on every path',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      neverEnded:
        'Span `{{name}}` is never ended, so it is never exported and the spans started under it point at a parent that does not exist; end it in a `finally` block that covers its work.',
      callbackIgnoresSpan:
        'This `startActiveSpan` callback takes no span parameter, so nothing ends its span: it is never exported and the spans started under it point at a parent that does not exist; take the span as the first parameter and end it in a `finally` block.',
      discarded:
        'This span is started and thrown away: it is never ended, so it is never exported and the spans started under it point at a parent that does not exist; keep it in a variable and end it in a `finally` block.',
      openOnReturn:
        'Span `{{name}}` is still open at the `return` on line {{line}}: on that path it is never ended, so it is never exported and the spans started under it point at a parent that does not exist; end it in a `finally` block.',
      openOnThrow:
        'Span `{{name}}` is still open when the `throw` on line {{line}} leaves the {{scope}}: on that path it is never ended, so it is never exported and the spans started under it point at a parent that does not exist; end it in a `finally` block.',
      openOnRejection:
        'Span `{{name}}` is still open if the `await` on line {{line}} rejects: on that path it is never ended, so it is never exported and the spans started under it point at a parent that does not exist; end it in a `finally` block.',
      openOnYield:
        'Span `{{name}}` is still open if the consumer stops the generator at the `yield` on line {{line}}: then it is never ended, so it is never exported and the spans started under it point at a parent that does not exist; end it in a `finally` block.',
      openAtEnd:
        'Span `{{name}}` is not ended on every path that reaches the end of the {{scope}} on line {{line}}: on such a path it is never exported and the spans started under it point at a parent that does not exist; end it in a `finally` block.',
      endInFinally: 'End `{{name}}` in a `finally` block that covers the rest of its scope.',
      endAfterStart: 'End `{{name}}` right after it starts: nothing else runs in its scope.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          awaitRejections: {
            type: 'boolean',
            description:
              'Count a rejected `await` (or `for await`) between a span\'s start and its `end()`, outside a `try` that ends it, as a path that leaves the span open. Turn off to check only `return`, `throw`, `yield` and the end of the function.',
          },
        },
      },
    ],
    defaultOptions: [{ awaitRejections: true }],
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    if (!STARTS_SPANS.test(sourceCode.text)) return {};
    const resolver = getOtelResolver(context);
    // A test observes the spans it exports: one it never ends is scaffolding (a parent for the spans
    // under test), and a rejection or throw that leaves a test fails it. Only paths that pass
    // silently, like an early return, are left to report there.
    const inTest = isTestModule(context.filename);
    const rejections = options.awaitRejections !== false && !inTest;
    /** A declarator that starts a span: for the fix, which keeps the end order of sibling spans ended back to back. */
    const startsSpan = (declarator: TSESTree.VariableDeclarator): boolean =>
      declarator.init !== null && asSpanStartCall(resolver, unwrapExpression(declarator.init))?.method === 'startSpan';
    /** Every `x.end()` call in the file, to learn whether it ends spans read back from a context. */
    const endCalls: TSESTree.CallExpression[] = [];

    const report = (span: TrackedSpan, path: TrackedCodePath<TrackedSpan>, contextEndsSpans: boolean): void => {
      const ownership = span.variable ? spanOwnership(sourceCode, resolver, span.variable, span.owner, contextEndsSpans) : { ends: [], escape: undefined };
      if (ownership.escape) return;
      const scope = path.node.type === AST_NODE_TYPES.Program ? 'module' : 'function';
      let messageId: MessageIds = span.variable ? 'neverEnded' : 'callbackIgnoresSpan';
      let line = 0;
      if (ownership.ends.length === 0 && inTest) return;
      if (ownership.ends.length > 0) {
        const open = path.openPath(span, ownership.ends, { rejections });
        if (!open || (inTest && open.kind === 'throw')) return;
        messageId = OPEN_MESSAGES[open.kind];
        line = open.kind === 'completion' ? open.node.loc.end.line : open.node.loc.start.line;
      }
      const fix = span.anchor && span.variable ? buildEndInFinallyFix({ sourceCode, name: span.name, anchor: span.anchor, ends: ownership.ends, startsSpan }) : undefined;
      context.report({
        node: span.reportNode,
        messageId,
        data: { name: span.name, line, scope },
        suggest: fix
          ? [
              {
                messageId: fix.shape === 'append' ? 'endAfterStart' : 'endInFinally',
                data: { name: span.name },
                fix: (fixer) => fixer.replaceTextRange([fix.range[0], fix.range[1]], fix.text),
              },
            ]
          : null,
      });
    };

    const tracker = trackSpanPaths<TrackedSpan>((paths) => {
      const contextEndsSpans = endsSpansFromContext(resolver, sourceCode, endCalls);
      for (const path of paths) for (const span of path.spans) report(span, path, contextEndsSpans);
    }, createNonRejectingAwait(sourceCode, resolver));

    return {
      ...tracker.listeners,
      'VariableDeclarator:exit'(node: TSESTree.VariableDeclarator): void {
        if (node.id.type !== AST_NODE_TYPES.Identifier || !node.init) return;
        const start = asSpanStartCall(resolver, unwrapExpression(node.init));
        if (start?.method !== 'startSpan') return;
        const declaration = node.parent;
        const variable = sourceCode.getDeclaredVariables(node).find((v) => v.name === (node.id as TSESTree.Identifier).name);
        if (!variable) return;
        // The fix needs the span's declarator last, so that nothing else in the statement runs inside it.
        const anchor: SpanAnchor | undefined = declaration.declarations.at(-1) === node ? { kind: 'declaration', statement: declaration } : undefined;
        tracker.startHere({ name: node.id.name, variable, owner: owningFunction(node), reportNode: node.id, anchor });
      },
      ExpressionStatement(node: TSESTree.ExpressionStatement): void {
        const start = asSpanStartCall(resolver, unwrapExpression(node.expression));
        if (start?.method === 'startSpan' && !inTest) context.report({ node: start.node, messageId: 'discarded' });
      },
      'ArrowFunctionExpression, FunctionExpression'(fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression): void {
        const call = fn.parent;
        if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.at(-1) !== fn) return;
        const start = asSpanStartCall(resolver, call);
        if (start?.method !== 'startActiveSpan' || start.callback !== fn) return;
        // The callback may end its span as the active one: `trace.getActiveSpan()?.end()`.
        if (/\bget(?:Active)?Span\b/.test(sourceCode.getText(fn.body))) return;
        const param = fn.params[0];
        if (param === undefined) {
          tracker.startAtEntry({ name: '', variable: undefined, owner: fn, reportNode: (call.callee as TSESTree.MemberExpression).property, anchor: undefined });
          return;
        }
        if (param.type !== AST_NODE_TYPES.Identifier) return;
        const variable = sourceCode.getDeclaredVariables(fn).find((v) => v.defs.some((d) => d.name === param));
        tracker.startAtEntry({ name: param.name, variable, owner: fn, reportNode: param, anchor: { kind: 'callback', callback: fn } });
      },
      'CallExpression:exit'(node: TSESTree.CallExpression): void {
        if (node.callee.type === AST_NODE_TYPES.MemberExpression && endCallOf(node.callee.object) === node) endCalls.push(node);
      },
    };
  },
});
