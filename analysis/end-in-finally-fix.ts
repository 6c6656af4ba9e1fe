import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, AST_TOKEN_TYPES } from '@typescript-eslint/utils';
import { applyEdits, type Edit } from '../engine/apply-edits.js';
import { walk } from './ast-walk.js';
import { isFunctionNode } from './active-context-use.js';
import { endCallOf, owningFunction } from './span-ownership.js';

/**
 * Builds the edit that gives a span a `try { ... } finally { span.end(); }` lifetime: the statements
 * after the span's declaration (or the whole body of its `startActiveSpan` callback) up to the end
 * of its scope, or up to its top-level `span.end()`, which moves into the `finally`.
 *
 * It keeps the code's meaning apart from when the span ends:
 * - other `span.end()` statements in the region are removed (the `finally` ends it once); a
 *   `finally` left empty by that is dropped, or unwrapped when its `try` has no `catch`;
 * - a region that is one `try`/`catch` gets the `finally` added to it, so its `catch` stays as is;
 * - a variable declared in the region and used after it keeps being visible: the region grows to
 *   the statement using it, if that adds no `await`/`yield` (the span would then time work that
 *   followed its old end); otherwise there is no fix;
 * - in an `async` function, `return call()` before the old `end()` (not inside another `try`)
 *   becomes `return await call()`, so the `finally` runs when the returned promise settles, not
 *   when it is handed back;
 * - spans started back to back and ended back to back in an order that nested `try`/`finally`
 *   blocks would reverse (`a`, `b` started, `a.end(); b.end();`: siblings that overlap) share one
 *   `try { ... } finally { a.end(); b.end(); }` that keeps their end order;
 * - comments move with their lines, lines are re-indented one level except inside template
 *   literals and other multi-line tokens, and the file's line endings and semicolon style are kept.
 * It returns undefined where that cannot be done safely (the caller then offers no fix).
 */
export type SpanAnchor =
  | { readonly kind: 'declaration'; readonly statement: TSESTree.VariableDeclaration }
  | { readonly kind: 'callback'; readonly callback: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression };

export interface EndInFinallyInput {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** The span variable's name. */
  readonly name: string;
  readonly anchor: SpanAnchor;
  /** Every `end()` call on the span in its own function. */
  readonly ends: readonly TSESTree.CallExpression[];
  /**
   * Whether a declarator starts a span (`const x = tracer.startSpan(...)`): with it, spans started
   * back to back and ended back to back in another order than nesting would give share one
   * `finally` that keeps their end order (see `backToBackGroup`).
   */
  readonly startsSpan?: (declarator: TSESTree.VariableDeclarator) => boolean;
}

export interface EndInFinallyFix {
  readonly range: readonly [number, number];
  readonly text: string;
  /** `'wrap'`: a `try`/`finally` was made; `'append'`: the span is ended right after its start (nothing follows it). */
  readonly shape: 'wrap' | 'append';
}

type SourceCode = Readonly<TSESLint.SourceCode>;
type Statement = TSESTree.Statement | TSESTree.ProgramStatement;

function statementList(node: TSESTree.Node | undefined): readonly Statement[] | undefined {
  switch (node?.type) {
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.StaticBlock:
      return node.body;
    case AST_NODE_TYPES.SwitchCase:
      return node.consequent;
    default:
      return undefined;
  }
}

/** Text helpers over the whole source. */
class Lines {
  readonly eol: string;
  constructor(readonly text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }
  start(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }
  /** End of the line holding `pos`, before its line break. */
  end(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    if (nl === -1) return this.text.length;
    return this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }
  /** Start of the line after the one holding `pos`. */
  next(pos: number): number {
    const nl = this.text.indexOf('\n', pos);
    return nl === -1 ? this.text.length : nl + 1;
  }
  indent(pos: number): string {
    const s = this.start(pos);
    return /^[ \t]*/.exec(this.text.slice(s, pos))![0];
  }
}

/** Nothing but whitespace before `node` on its line. */
function startsLine(lines: Lines, node: TSESTree.Node | TSESTree.Token): boolean {
  return /^[ \t]*$/.test(lines.text.slice(lines.start(node.range[0]), node.range[0]));
}

/** Only whitespace and comments that end on the same line follow `node` on its last line. */
function endsLine(sourceCode: SourceCode, node: TSESTree.Node | TSESTree.Token, allowComments = true): boolean {
  const line = node.loc.end.line;
  let token = sourceCode.getTokenAfter(node, { includeComments: true });
  while (token && token.loc.start.line === line) {
    const isComment = token.type === AST_TOKEN_TYPES.Line || token.type === AST_TOKEN_TYPES.Block;
    if (!allowComments || !isComment || token.loc.end.line !== line) return false;
    token = sourceCode.getTokenAfter(token, { includeComments: true });
  }
  return true;
}

function hasCommentOnLine(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  return !endsLine(sourceCode, node, false) || sourceCode.getCommentsBefore(node).some((c) => c.loc.end.line === node.loc.start.line);
}

function indentUnit(lines: Lines, sourceCode: SourceCode, container: TSESTree.Node): string {
  // One level as this file writes it: the container's body against the container, else the first indented line.
  const body = statementList(container)?.[0];
  if (body && container.type !== AST_NODE_TYPES.Program) {
    const outer = lines.indent(container.range[0]);
    const inner = lines.indent(body.range[0]);
    if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
  }
  const m = /^([ \t]+)\S/m.exec(sourceCode.text);
  return m ? (m[1].startsWith('\t') ? '\t' : m[1].length >= 2 && m[1].length <= 8 ? m[1] : '  ') : '  ';
}

/** `stmt` is `<end call>;` for one of `ends`. */
function endStatementCall(stmt: TSESTree.Node, ends: ReadonlySet<TSESTree.Node>): boolean {
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const expr = stmt.expression.type === AST_NODE_TYPES.ChainExpression ? stmt.expression.expression : stmt.expression;
  return ends.has(expr);
}

function endStatementOf(call: TSESTree.CallExpression): TSESTree.Node {
  return call.parent.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
}

const within = (inner: TSESTree.Node, outer: TSESTree.Node): boolean => inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];

/** `stmt` (outside nested functions) waits: `await`, `yield`, `for await`, `await using`. */
function suspends(sourceCode: SourceCode, stmt: TSESTree.Node): boolean {
  let found = false;
  walk(sourceCode, stmt, (n) => {
    if (isFunctionNode(n)) return 'skip';
    found =
      n.type === AST_NODE_TYPES.AwaitExpression ||
      n.type === AST_NODE_TYPES.YieldExpression ||
      (n.type === AST_NODE_TYPES.ForOfStatement && n.await) ||
      (n.type === AST_NODE_TYPES.VariableDeclaration && n.kind === 'await using');
    return found ? 'stop' : undefined;
  });
  return found;
}

const MODULE_STATEMENTS = new Set<string>([
  AST_NODE_TYPES.ImportDeclaration,
  AST_NODE_TYPES.ExportNamedDeclaration,
  AST_NODE_TYPES.ExportDefaultDeclaration,
  AST_NODE_TYPES.ExportAllDeclaration,
  AST_NODE_TYPES.TSImportEqualsDeclaration,
  AST_NODE_TYPES.TSExportAssignment,
  AST_NODE_TYPES.TSNamespaceExportDeclaration,
]);

/**
 * The region grown until every declaration in it is used only inside it, or undefined when a
 * declaration is used before the region, outside the list, or the growth would add suspending work.
 */
function growRegion(sourceCode: SourceCode, region: readonly Statement[], rest: readonly Statement[]): Statement[] | undefined {
  let grown = [...region];
  let remaining = [...rest];
  let checked = 0;
  while (checked < grown.length) {
    const from = grown[0].range[0];
    let need = -1;
    for (const stmt of grown.slice(checked)) {
      if (MODULE_STATEMENTS.has(stmt.type)) return undefined;
      // `var` is function-scoped: still visible after the `try` block.
      if (stmt.type === AST_NODE_TYPES.VariableDeclaration && stmt.kind === 'var') continue;
      for (const variable of sourceCode.getDeclaredVariables(stmt)) {
        for (const ref of variable.references) {
          const at = ref.identifier.range[0];
          if (at >= from && at < grown.at(-1)!.range[1]) continue;
          if (at < from) return undefined;
          const index = remaining.findIndex((s) => at >= s.range[0] && at < s.range[1]);
          if (index === -1) return undefined;
          need = Math.max(need, index);
        }
      }
    }
    checked = grown.length;
    if (need === -1) break;
    const added = remaining.slice(0, need + 1);
    if (added.some((s) => suspends(sourceCode, s))) return undefined;
    grown = [...grown, ...added];
    remaining = remaining.slice(need + 1);
  }
  return grown;
}

const SEMICOLON_STATEMENTS = new Set<string>([AST_NODE_TYPES.ExpressionStatement, AST_NODE_TYPES.VariableDeclaration, AST_NODE_TYPES.ReturnStatement, AST_NODE_TYPES.ThrowStatement]);

/** Whether the statement holding `node` ends with a semicolon (the file's style); true when unsure. */
function usesSemicolons(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  let stmt: TSESTree.Node | undefined = node;
  while (stmt && !SEMICOLON_STATEMENTS.has(stmt.type)) stmt = stmt.parent;
  return !stmt || sourceCode.getLastToken(stmt)?.value === ';';
}

/** A returned promise must settle before the `finally` ends the span. */
function awaitsReturn(ret: TSESTree.ReturnStatement, owner: TSESTree.Node, root: TSESTree.Node, unwrapped: TSESTree.Node | undefined): boolean {
  if (!('async' in owner) || !owner.async || owningFunction(ret) !== owner || !ret.argument) return false;
  const arg = ret.argument.type === AST_NODE_TYPES.ChainExpression ? ret.argument.expression : ret.argument;
  if (arg.type !== AST_NODE_TYPES.CallExpression && arg.type !== AST_NODE_TYPES.NewExpression) return false;
  // Inside another try, `await` would let its catch see the rejection or delay its finally.
  for (let p: TSESTree.Node | undefined = ret.parent; p && p !== root; p = p.parent) {
    if (p.type === AST_NODE_TYPES.TryStatement && p !== unwrapped) return false;
  }
  return true;
}

export function buildEndInFinallyFix(input: EndInFinallyInput): EndInFinallyFix | undefined {
  const { sourceCode, anchor } = input;
  const lines = new Lines(sourceCode.text);
  if (anchor.kind === 'callback' && anchor.callback.body.type !== AST_NODE_TYPES.BlockStatement) {
    return wrapExpressionBody(input, lines, anchor.callback as TSESTree.ArrowFunctionExpression & { body: TSESTree.Expression });
  }
  const group = anchor.kind === 'declaration' ? backToBackGroup(sourceCode, anchor.statement, input) : undefined;
  return (group && wrapRegion(input, lines, group)) ?? wrapRegion(input, lines, undefined);
}

/** The `try`/`finally` around the span's region; with a group, around the region all its spans share. */
function wrapRegion(input: EndInFinallyInput, lines: Lines, group: SpanGroup | undefined): EndInFinallyFix | undefined {
  const { sourceCode, anchor } = input;
  // The list the span lives in, and where its region begins.
  let list: readonly Statement[];
  let first: number;
  let head: TSESTree.Node | TSESTree.Token;
  let container: TSESTree.Node;
  if (anchor.kind === 'declaration') {
    const statement = anchor.statement;
    container = statement.parent;
    const owned = statementList(container);
    if (!owned) return undefined;
    list = owned;
    // A group's region begins after its last declaration.
    head = group ? group.last : statement;
    first = list.indexOf(head as Statement) + 1;
  } else {
    container = anchor.callback.body;
    list = (anchor.callback.body as TSESTree.BlockStatement).body;
    first = 0;
    head = sourceCode.getFirstToken(container)!;
  }
  const endSet = new Set<TSESTree.Node>(group ? group.calls : input.ends);
  const after = list.slice(first);
  const topEnd = group ? after.indexOf(group.ends[0]) : after.findIndex((s) => endStatementCall(s, endSet));
  const initial = topEnd === -1 ? after : after.slice(0, topEnd);
  const moved = topEnd === -1 ? undefined : after[topEnd];
  // The last statement that moves into the `finally`: a group moves all its end() statements, in order.
  const movedLast = group ? group.ends.at(-1)! : moved;
  const semi = usesSemicolons(sourceCode, anchor.kind === 'declaration' ? anchor.statement : anchor.callback);
  const call = endCallText(sourceCode, input);
  // Ends with different arguments (an explicit end time) cannot become one.
  if (call === undefined) return undefined;
  const endText = call + (semi ? ';' : '');

  if (initial.length === 0) {
    if (group || moved || anchor.kind !== 'declaration' || after.length > 0 || !endsLine(sourceCode, head)) return undefined;
    // Nothing runs in the span: end it where it starts.
    const at = lines.end(head.range[1]);
    return { range: [at, at], text: `${lines.eol}${lines.indent(head.range[0])}${endText}`, shape: 'append' };
  }

  // A group's region does not grow over its end() statements.
  const region = growRegion(sourceCode, initial, topEnd === -1 || group ? [] : after.slice(topEnd + 1));
  if (!region) return undefined;
  const last = region.at(-1)!;
  const moves = (end: TSESTree.CallExpression): boolean => (group ? group.ends.includes(endStatementOf(end) as Statement) : moved !== undefined && endStatementCall(moved, new Set([end])));
  if (!(group ? group.calls : input.ends).every((end) => moves(end) || region.some((s) => within(end, s)))) return undefined;
  if (!endsLine(sourceCode, head) || !endsLine(sourceCode, last)) return undefined;
  if (moved && (!startsLine(lines, moved) || !endsLine(sourceCode, movedLast!))) return undefined;

  const unit = indentUnit(lines, sourceCode, container);
  const base = lines.indent(region[0].range[0]);
  const regionStart = lines.next(head.range[1]);
  // Up to the line before a trailing moved end(): comment lines above it stay in the try.
  const regionEnd = moved && moved.range[0] > last.range[1] ? lines.end(lines.start(moved.range[0]) - 1) : lines.end(last.range[1]);
  const replaceEnd = moved && moved.range[0] > last.range[1] ? lines.end(movedLast!.range[1]) : regionEnd;

  // Edits inside the region, on the original text.
  const edits: Edit[] = [];
  const noIndent: Array<[number, number]> = [];
  const removeLines = (from: TSESTree.Node | TSESTree.Token, to: TSESTree.Node | TSESTree.Token): void => {
    const range: [number, number] = [lines.start(from.range[0]), Math.min(lines.next(to.range[1]), regionEnd)];
    edits.push({ range, text: '' });
    noIndent.push(range);
  };

  if (moved && moved.range[0] < last.range[1]) removeLines(moved, moved);

  // Existing end() statements inside the region; a `finally` they leave empty goes too.
  let unwrapped: TSESTree.TryStatement | undefined;
  const emptied = new Set<TSESTree.BlockStatement>();
  for (const end of group ? group.calls : input.ends) {
    const stmt = endStatementOf(end);
    if (moves(end)) continue;
    const block = stmt.parent;
    if (!block || !statementList(block)) return undefined;
    if (block.type === AST_NODE_TYPES.BlockStatement && block.parent.type === AST_NODE_TYPES.TryStatement && block.parent.finalizer === block && block.body.every((s) => endStatementCall(s, endSet))) {
      emptied.add(block);
      continue;
    }
    if (startsLine(lines, stmt) && !hasCommentOnLine(sourceCode, stmt)) {
      removeLines(stmt, stmt);
    } else {
      const before = /[ \t]*$/.exec(lines.text.slice(lines.start(stmt.range[0]), stmt.range[0]))![0].length;
      const range: [number, number] = [stmt.range[0] - (startsLine(lines, stmt) ? 0 : before), stmt.range[1]];
      edits.push({ range, text: '' });
      noIndent.push([range[0] + 1, range[1]]);
    }
  }
  for (const finalizer of emptied) {
    const tryStmt = finalizer.parent as TSESTree.TryStatement;
    if (sourceCode.getCommentsInside(finalizer).length > 0) return undefined;
    if (tryStmt.handler) {
      edits.push({ range: [tryStmt.handler.range[1], finalizer.range[1]], text: '' });
      continue;
    }
    // `try { ... } finally { span.end(); }` with no catch: keep only the block's statements.
    if (!region.includes(tryStmt) || unwrapped || !unwrapSafe(sourceCode, lines, tryStmt, region)) return undefined;
    unwrapped = tryStmt;
    const block = tryStmt.block;
    removeLines(tryStmt, sourceCode.getFirstToken(block)!);
    removeLines(sourceCode.getLastToken(block)!, finalizer);
    // The block's lines already sit one level deeper than the `try`: where the wrap puts them.
    noIndent.push([lines.next(sourceCode.getFirstToken(block)!.range[1]), lines.start(sourceCode.getLastToken(block)!.range[0])]);
  }

  // The moved end() keeps its line and comments, one level in.
  const finallyBody =
    moved === undefined
      ? `${base}${unit}${endText}`
      : lines
          .text.slice(lines.start(moved.range[0]), lines.end(movedLast!.range[1]))
          .split(/\r?\n/)
          .map((line) => (line.trim() === '' ? line : unit + line))
          .join(lines.eol);

  // The merge shape: the region is one try/catch, which gets the finally.
  const only = region.length === 1 ? region[0] : undefined;
  if (only?.type === AST_NODE_TYPES.TryStatement && only.handler && !only.finalizer && !unwrapped && startsLine(lines, only)) {
    // A one-line try/catch gets a one-line finally.
    const inline =
      only.loc.start.line === only.loc.end.line &&
      (group ? !sourceCode.getAllComments().some((c) => c.range[0] >= lines.start(moved!.range[0]) && c.range[1] <= lines.end(movedLast!.range[1])) : moved === undefined || !hasCommentOnLine(sourceCode, moved));
    const inlineText = group ? group.ends.map((s) => sourceCode.getText(s)).join(' ') : endText;
    const finallyText = inline ? ` finally { ${inlineText} }` : ` finally {${lines.eol}${finallyBody}${lines.eol}${base}}`;
    const all: Edit[] = [...edits, { range: [only.handler.range[1], only.handler.range[1]], text: finallyText }];
    if (moved && moved.range[0] > last.range[1]) all.push({ range: [lines.start(moved.range[0]), lines.next(movedLast!.range[1])], text: '' });
    return sliceEdit(sourceCode.text, all, 'wrap');
  }

  // Only returns that never ended the span before; one pulled in from after the old end() keeps its timing.
  const owner = owningFunction(region[0]);
  for (const node of region.filter((s) => initial.includes(s))) {
    walk(sourceCode, node, (n) => {
      if (isFunctionNode(n)) return 'skip';
      if (n.type === AST_NODE_TYPES.ReturnStatement && awaitsReturn(n, owner, container, unwrapped)) {
        edits.push({ range: [n.argument!.range[0], n.argument!.range[0]], text: 'await ' });
      }
    });
  }
  for (const token of sourceCode.ast.tokens) {
    if (token.range[1] <= regionStart || token.range[0] >= regionEnd) continue;
    if (token.loc.start.line !== token.loc.end.line) noIndent.push([token.range[0] + 1, token.range[1]]);
  }
  for (let at = regionStart; at < regionEnd; at = lines.next(at)) {
    if (/^[ \t]*$/.test(lines.text.slice(at, lines.end(at)))) continue;
    if (noIndent.some(([a, b]) => at >= a && at < b)) continue;
    edits.push({ range: [at, at], text: unit });
  }

  const body = applyEdits(lines.text.slice(regionStart, regionEnd), edits.map((e) => ({ range: [e.range[0] - regionStart, e.range[1] - regionStart] as const, text: e.text }))).replace(/(\r?\n[ \t]*)+$/, '');
  const eol = lines.eol;
  const text = `${base}try {${eol}${body}${eol}${base}} finally {${eol}${finallyBody}${eol}${base}}`;
  return { range: [regionStart, replaceEnd], text, shape: 'wrap' };
}

/** Spans started back to back that share one `finally`: see `backToBackGroup`. */
interface SpanGroup {
  /** The last of the group's declarations: the region begins after it. */
  readonly last: Statement;
  /** The group's first top-level `x.end();` statements, consecutive and in their order: they move into the `finally`. */
  readonly ends: readonly Statement[];
  /** Every `end()` call on the group's spans (the others go, as a lone span's do). */
  readonly calls: readonly TSESTree.CallExpression[];
}

/**
 * The spans declared back to back with the anchor's (`const a = tracer.startSpan(...); const b = ...;`)
 * whose first `end()` statements after them, in the same list, also follow each other, in an order
 * nested `try`/`finally` blocks would change: those blocks end the last started first, so
 * `a.end(); b.end();` would become `b`, then `a` (and `b` would look like `a`'s child). Every
 * `end()` of a group's span is in the declarations' function and has one text. Undefined when
 * there is no such group of two or more, or the end order is already the nested one.
 */
function backToBackGroup(sourceCode: SourceCode, statement: TSESTree.VariableDeclaration, input: EndInFinallyInput): SpanGroup | undefined {
  const list = statementList(statement.parent);
  const startsSpan = input.startsSpan;
  if (!list || !startsSpan || input.ends.length === 0) return undefined;
  const owner = owningFunction(statement);
  interface Span {
    readonly statement: Statement;
    /** The span's first top-level end() statement after the declarations, and all its end() calls. */
    readonly end: Statement | undefined;
    readonly calls: readonly TSESTree.CallExpression[];
  }
  /** The span a statement declares alone (undefined when it declares none). */
  const spanOf = (s: Statement | undefined): Span | undefined => {
    if (s?.type !== AST_NODE_TYPES.VariableDeclaration || s.declarations.length !== 1) return undefined;
    const declarator = s.declarations[0];
    if (declarator.id.type !== AST_NODE_TYPES.Identifier || !startsSpan(declarator)) return undefined;
    const name = declarator.id.name;
    const variable = sourceCode.getDeclaredVariables(declarator).find((v) => v.name === name);
    const calls =
      s === statement ? input.ends : variable ? variable.references.map((r) => endCallOf(r.identifier)).filter((c): c is TSESTree.CallExpression => c !== undefined) : [];
    const ok = calls.length > 0 && calls.every((c) => owningFunction(c) === owner) && new Set(calls.map((c) => sourceCode.getText(c))).size === 1;
    const set = new Set<TSESTree.Node>(calls);
    const end = ok ? list.find((t) => t.range[0] > s.range[1] && endStatementCall(t, set)) : undefined;
    return { statement: s, end, calls };
  };
  const at = list.indexOf(statement);
  let from = at;
  let to = at;
  while (from > 0 && spanOf(list[from - 1])) from--;
  while (spanOf(list[to + 1])) to++;
  const spans = list.slice(from, to + 1).map((s) => spanOf(s)!);
  const own = spans[at - from].end;
  if (!own) return undefined;
  // The run of such end() statements around the anchor's.
  const isEnd = (s: Statement | undefined) => s !== undefined && spans.some((span) => span.end === s);
  let e0 = list.indexOf(own);
  let e1 = e0;
  while (isEnd(list[e0 - 1])) e0--;
  while (isEnd(list[e1 + 1])) e1++;
  const ends = list.slice(e0, e1 + 1);
  // The declarations around the anchor's whose span ends in that run; the run holds no other end().
  const inRun = (i: number): boolean => {
    const end = spans[i].end;
    return end !== undefined && ends.includes(end);
  };
  let g0 = at - from;
  let g1 = g0;
  while (g0 > 0 && inRun(g0 - 1)) g0--;
  while (g1 + 1 < spans.length && inRun(g1 + 1)) g1++;
  const group = spans.slice(g0, g1 + 1);
  if (group.length < 2 || ends.length !== group.length) return undefined;
  // Nested blocks end them in reverse start order: when that is the order written, nesting keeps it.
  if (group.every((span, i) => span.end === ends[ends.length - 1 - i])) return undefined;
  const last = group.at(-1)!.statement;
  // Something must run between the starts and the ends.
  if (e0 <= list.indexOf(last) + 1) return undefined;
  return { last, ends, calls: group.flatMap((span) => span.calls) };
}

/** The text of the span's end call: `name.end()`, or the one text all its calls share (`span.end(endTime)`); undefined when they differ. */
function endCallText(sourceCode: SourceCode, input: EndInFinallyInput): string | undefined {
  const texts = new Set(input.ends.map((e) => sourceCode.getText(e)));
  if (texts.size > 1) return undefined;
  return texts.size === 1 ? [...texts][0] : `${input.name}.end()`;
}

/**
 * Unwrapping `try { A } finally {}` into the enclosing region needs the `try` on lines of its own
 * and no name declared at the top of `A` that the rest of the region declares or mentions.
 */
function unwrapSafe(sourceCode: SourceCode, lines: Lines, tryStmt: TSESTree.TryStatement, region: readonly Statement[]): boolean {
  const open = sourceCode.getFirstToken(tryStmt.block)!;
  const close = sourceCode.getLastToken(tryStmt.block)!;
  if (!startsLine(lines, tryStmt) || !endsLine(sourceCode, open, false) || !startsLine(lines, close) || !endsLine(sourceCode, tryStmt, false)) return false;
  // The `try {` and `} finally { ... }` lines go: no comment may sit on them.
  if (sourceCode.getCommentsInside(tryStmt).some((c) => c.range[0] < open.range[1] || c.range[1] > close.range[0])) return false;
  const names = new Set(tryStmt.block.body.flatMap((s) => sourceCode.getDeclaredVariables(s).map((v) => v.name)));
  if (names.size === 0) return true;
  return !region.some((s) => s !== tryStmt && sourceCode.getTokens(s).some((t) => t.type === AST_TOKEN_TYPES.Identifier && names.has(t.value)));
}

/** One replacement covering all edits. */
function sliceEdit(text: string, edits: readonly Edit[], shape: EndInFinallyFix['shape']): EndInFinallyFix {
  const from = Math.min(...edits.map((e) => e.range[0]));
  const to = Math.max(...edits.map((e) => e.range[1]));
  const body = applyEdits(text.slice(from, to), edits.map((e) => ({ range: [e.range[0] - from, e.range[1] - from] as const, text: e.text })));
  return { range: [from, to], text: body, shape };
}

/** `(span) => expr` becomes `(span) => { try { return expr; } finally { span.end(); } }`. */
function wrapExpressionBody(input: EndInFinallyInput, lines: Lines, fn: TSESTree.ArrowFunctionExpression & { body: TSESTree.Expression }): EndInFinallyFix | undefined {
  const { sourceCode } = input;
  const arrow = sourceCode.getTokenBefore(fn.body, { filter: (t) => t.type === AST_TOKEN_TYPES.Punctuator && t.value === '=>' });
  if (!arrow) return undefined;
  const exprStart = sourceCode.getTokenAfter(arrow)!.range[0];
  // `=> ({ ... })` needs its parentheses only as an arrow body; `return { ... }` does not.
  const bare = exprStart < fn.body.range[0] && sourceCode.getCommentsInside(fn).every((c) => c.range[0] > fn.body.range[0] && c.range[1] < fn.body.range[1]);
  const exprText = bare ? sourceCode.getText(fn.body) : lines.text.slice(exprStart, fn.range[1]);
  const textStart = bare ? fn.body.range[0] : exprStart;
  const unit = indentUnit(lines, sourceCode, sourceCode.ast);
  const base = lines.indent(fn.range[0]);
  const eol = lines.eol;
  // Later lines of a multi-line expression move two levels in, except inside template literals.
  const multiLine = sourceCode.ast.tokens.filter((t) => t.range[0] < fn.range[1] && t.range[1] > exprStart && t.loc.start.line !== t.loc.end.line);
  const edits: Edit[] = [];
  for (let at = lines.next(textStart); at < textStart + exprText.length; at = lines.next(at)) {
    if (/^[ \t]*$/.test(lines.text.slice(at, lines.end(at))) || multiLine.some((t) => at > t.range[0] && at < t.range[1])) continue;
    edits.push({ range: [at - textStart, at - textStart], text: unit + unit });
  }
  const body = applyEdits(exprText, edits);
  const returned = fn.body.type === AST_NODE_TYPES.ChainExpression ? fn.body.expression : fn.body;
  const awaited = fn.async && (returned.type === AST_NODE_TYPES.CallExpression || returned.type === AST_NODE_TYPES.NewExpression) ? 'await ' : '';
  const semi = usesSemicolons(sourceCode, fn) ? ';' : '';
  const call = endCallText(sourceCode, input);
  if (call === undefined) return undefined;
  const endText = call + semi;
  const inner = base + unit;
  const text = `{${eol}${inner}try {${eol}${inner}${unit}return ${awaited}${body}${semi}${eol}${inner}} finally {${eol}${inner}${unit}${endText}${eol}${inner}}${eol}${base}}`;
  return { range: [exprStart, fn.range[1]], text, shape: 'wrap' };
}
