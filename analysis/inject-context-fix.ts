import { parserServices } from './parser-services.js';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { apiReferences } from './api-import-fix.js';
import { findVariable } from './resolve-otel-symbol.js';
import { carrierKind, unwrap } from './header-carriers.js';
import type { OutboundCall } from './outbound-http-calls.js';

/**
 * The per-call fix for a fetch/undici request that must carry the active context by itself (code
 * that never runs under the undici instrumentation): a carrier filled by `propagation.inject`
 * right before the statement, merged into the request's headers. Uses only `@opentelemetry/api`,
 * keeps every header and option, and returns undefined where it cannot be done without changing
 * what is sent: a `fetch` whose input may be a `Request` (its headers would be replaced), options
 * built from spreads it cannot see, or a headers value it would have to evaluate earlier.
 */
type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
type SourceCode = Readonly<TSESLint.SourceCode>;
type Fix = (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[];

const STATEMENT_LISTS = new Set<string>([AST_NODE_TYPES.Program, AST_NODE_TYPES.BlockStatement, AST_NODE_TYPES.SwitchCase, AST_NODE_TYPES.StaticBlock]);
const FUNCTIONS = new Set<string>([AST_NODE_TYPES.ArrowFunctionExpression, AST_NODE_TYPES.FunctionExpression, AST_NODE_TYPES.FunctionDeclaration]);
const CONDITIONAL = new Set<string>([AST_NODE_TYPES.ConditionalExpression, AST_NODE_TYPES.LogicalExpression, AST_NODE_TYPES.ChainExpression]);

/** Where the carrier statements go: before `statement` in its list, in a new block around it, or in an arrow's new body. */
interface Anchor {
  kind: 'before' | 'wrap-statement' | 'wrap-arrow';
  node: TSESTree.Node;
  /** Something between the call and the anchor evaluates conditionally. */
  conditional: boolean;
}

function anchorOf(call: TSESTree.Node): Anchor | undefined {
  let conditional = false;
  let child: TSESTree.Node = call;
  for (let n = call.parent; n; child = n, n = n.parent) {
    if (CONDITIONAL.has(n.type) && child !== (n as TSESTree.ConditionalExpression).test && child !== (n as TSESTree.LogicalExpression).left) conditional = true;
    if (n.type === AST_NODE_TYPES.ArrowFunctionExpression && n.body === child && child.type !== AST_NODE_TYPES.BlockStatement) {
      return { kind: 'wrap-arrow', node: n, conditional };
    }
    if (FUNCTIONS.has(n.type) || n.type === AST_NODE_TYPES.ClassBody || n.type === AST_NODE_TYPES.PropertyDefinition) return undefined;
    if (/Statement$|Declaration$/.test(n.type) && n.parent) {
      if (STATEMENT_LISTS.has(n.parent.type)) return { kind: 'before', node: n, conditional };
      // loops and `if`s without braces: the statement becomes a block
      if (/Statement$/.test(n.parent.type) && n.parent.type !== AST_NODE_TYPES.BlockStatement && n.type !== AST_NODE_TYPES.VariableDeclaration) {
        return { kind: 'wrap-statement', node: n, conditional };
      }
    }
  }
  return undefined;
}

function lineIndent(sourceCode: SourceCode, node: TSESTree.Node): string {
  return /^[ \t]*/.exec(sourceCode.lines[node.loc.start.line - 1] ?? '')![0];
}

function indentUnit(sourceCode: SourceCode): string {
  const m = /^( +|\t)\S/m.exec(sourceCode.text);
  return m?.[1] === '\t' ? '\t' : ' '.repeat(Math.min(m?.[1]?.length ?? 2, 4));
}

function nameTaken(sourceCode: SourceCode, name: string): boolean {
  const manager = sourceCode.scopeManager;
  if (!manager) return true;
  return manager.scopes.some((s) => s.set.has(name) || s.through.some((r) => r.identifier.name === name));
}

function freeName(sourceCode: SourceCode, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!nameTaken(sourceCode, name)) return name;
  }
}

/**
 * Side-effect free and cheap to evaluate a little earlier: literals, identifiers, property reads of
 * them, object/array literals and `new Headers(...)` of such values.
 */
function movable(n: TSESTree.Node): boolean {
  const u = unwrap(n);
  switch (u.type) {
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.Literal:
      return true;
    case AST_NODE_TYPES.TemplateLiteral:
      return u.expressions.every(movable);
    case AST_NODE_TYPES.MemberExpression:
      return !u.computed && u.object.type !== AST_NODE_TYPES.Super && movable(u.object);
    case AST_NODE_TYPES.ObjectExpression:
      return u.properties.every((p) => (p.type === AST_NODE_TYPES.SpreadElement ? movable(p.argument) : !p.computed && movable(p.value)));
    case AST_NODE_TYPES.ArrayExpression:
      return u.elements.every((e) => e !== null && movable(e.type === AST_NODE_TYPES.SpreadElement ? e.argument : e));
    case AST_NODE_TYPES.NewExpression:
      return u.callee.type === AST_NODE_TYPES.Identifier && u.callee.name === 'Headers' && u.arguments.every(movable);
    default:
      return false;
  }
}

/** The identifiers an expression reads (not property names). */
function readIdentifiers(n: TSESTree.Node, out: TSESTree.Identifier[] = []): TSESTree.Identifier[] {
  const u = unwrap(n);
  if (u.type === AST_NODE_TYPES.Identifier) out.push(u);
  else if (u.type === AST_NODE_TYPES.MemberExpression) readIdentifiers(u.object, out);
  else if (u.type === AST_NODE_TYPES.TemplateLiteral) u.expressions.forEach((e) => readIdentifiers(e, out));
  else if (u.type === AST_NODE_TYPES.ObjectExpression) u.properties.forEach((p) => readIdentifiers(p.type === AST_NODE_TYPES.SpreadElement ? p.argument : p.value, out));
  else if (u.type === AST_NODE_TYPES.ArrayExpression) u.elements.forEach((e) => e && readIdentifiers(e.type === AST_NODE_TYPES.SpreadElement ? e.argument : e, out));
  else if (u.type === AST_NODE_TYPES.NewExpression) u.arguments.forEach((a) => readIdentifiers(a, out));
  return out;
}

/** The expression's variables are declared before the anchor and not assigned inside it. */
function stableAcross(sourceCode: SourceCode, expr: TSESTree.Node, anchor: TSESTree.Node): boolean {
  const [start, end] = anchor.range;
  return readIdentifiers(expr).every((id) => {
    const v = findVariable(sourceCode, id);
    if (!v) return true;
    if (v.defs.some((d) => d.name.range[0] >= start && d.name.range[1] <= end)) return false;
    return !v.references.some((r) => r.isWrite() && r.identifier.range[0] >= start && r.identifier.range[1] <= end);
  });
}

/** `fetch(input)` may receive a `Request`, whose headers a new `init.headers` would replace. */
function inputIsNotRequest(context: AnyContext, input: TSESTree.Node | undefined, depth = 0): boolean {
  if (!input || depth > 3) return false;
  const i = unwrap(input);
  if (i.type === AST_NODE_TYPES.Literal || i.type === AST_NODE_TYPES.TemplateLiteral) return true;
  if (i.type === AST_NODE_TYPES.BinaryExpression && i.operator === '+') return true;
  if (i.type === AST_NODE_TYPES.NewExpression && i.callee.type === AST_NODE_TYPES.Identifier && i.callee.name === 'URL') return true;
  const services = parserServices(context);
  if (services.program) {
    const tsNode = services.esTreeNodeToTSNodeMap.get(i);
    const type = services.program.getTypeChecker().getTypeAtLocation(tsNode);
    if (!(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
      const parts = type.isUnion() ? type.types : [type];
      return parts.every((t) => t.flags & ts.TypeFlags.StringLike || (t.aliasSymbol ?? t.getSymbol())?.getName() === 'URL');
    }
  }
  if (i.type === AST_NODE_TYPES.Identifier) {
    const def = findVariable(context.sourceCode, i)?.defs[0];
    if (def?.name.type === AST_NODE_TYPES.Identifier && def.name.typeAnnotation) return stringOrUrl(def.name.typeAnnotation.typeAnnotation);
    if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init && def.node.parent.kind === 'const') return inputIsNotRequest(context, def.node.init, depth + 1);
  }
  return false;
}

/** A written type annotation that admits only strings and URLs (`string`, `URL`, `string | URL`). */
function stringOrUrl(t: TSESTree.TypeNode): boolean {
  if (t.type === AST_NODE_TYPES.TSStringKeyword) return true;
  if (t.type === AST_NODE_TYPES.TSTypeReference) return t.typeName.type === AST_NODE_TYPES.Identifier && t.typeName.name === 'URL';
  if (t.type === AST_NODE_TYPES.TSUnionType) return t.types.every(stringOrUrl);
  return false;
}

const isHeadersKey = (p: TSESTree.ObjectLiteralElement): p is TSESTree.Property =>
  p.type === AST_NODE_TYPES.Property && !p.computed && ((p.key.type === AST_NODE_TYPES.Identifier && p.key.name === 'headers') || (p.key.type === AST_NODE_TYPES.Literal && p.key.value === 'headers'));

/** A text edit on the original source. */
export interface TextEdit {
  range: readonly [number, number];
  text: string;
}

/** Adds `text` as the last member of an object literal, in its layout (one line or one member per line). */
export function appendToObject(sourceCode: SourceCode, obj: TSESTree.ObjectExpression, text: string): TextEdit {
  const last = obj.properties.at(-1);
  if (!last) return { range: obj.range, text: `{ ${text} }` };
  const after = sourceCode.getTokenAfter(last)!;
  if (last.loc.start.line !== obj.loc.start.line) {
    const indent = lineIndent(sourceCode, last);
    return after.value === ',' ? { range: [after.range[1], after.range[1]], text: `\n${indent}${text},` } : { range: [last.range[1], last.range[1]], text: `,\n${indent}${text}` };
  }
  return { range: [last.range[1], last.range[1]], text: `, ${text}` };
}

export function injectContextFix(context: AnyContext, call: OutboundCall): Fix | undefined {
  if (call.transport !== 'undici') return undefined;
  const sourceCode = context.sourceCode;
  const anchor = anchorOf(call.node);
  if (!anchor) return undefined;
  const globalFetch = call.client === 'fetch';
  const args = call.node.arguments;
  const optionsArg = args[call.optionsIndex];
  const options = optionsArg ? unwrap(optionsArg) : undefined;
  const inputOk = !call.fetchLike || inputIsNotRequest(context, args[0]);
  const carrier = freeName(sourceCode, 'traceHeaders');
  const api = apiReferences(sourceCode, [call.node], ['context', 'propagation']);
  const inject = `${api.names.propagation}.inject(${api.names.context}.active(), ${carrier}`;
  const typed = /\.[cm]?tsx?$/.test(context.filename);
  const recordCarrier = [`const ${carrier}${typed ? ': Record<string, string>' : ''} = {};`, `${inject});`];
  const headersCarrier = (from: string) => [`const ${carrier} = new Headers(${from});`, `${inject}, { set: (carrier, key, value) => carrier.set(key, value) });`];
  const moved = (expr: TSESTree.Node): boolean => movable(expr) && !anchor.conditional && stableAcross(sourceCode, expr, anchor.node);

  let lines: string[];
  let edit: TextEdit;
  if (!options) {
    if (!inputOk || args.length !== call.optionsIndex || args.length === 0) return undefined;
    lines = recordCarrier;
    edit = { range: [args.at(-1)!.range[1], args.at(-1)!.range[1]], text: `, { headers: ${carrier} }` };
  } else if (options.type === AST_NODE_TYPES.ObjectExpression) {
    const headersProp = options.properties.find(isHeadersKey);
    if (!headersProp) {
      if (!inputOk || options.properties.some((p) => p.type === AST_NODE_TYPES.SpreadElement)) return undefined;
      lines = recordCarrier;
      edit = appendToObject(sourceCode, options, `headers: ${carrier}`);
    } else {
      const value = unwrap(headersProp.value);
      const target = headersProp.shorthand ? headersProp : headersProp.value;
      const prefix = headersProp.shorthand ? 'headers: ' : '';
      if (value.type === AST_NODE_TYPES.ObjectExpression) {
        lines = recordCarrier;
        edit = appendToObject(sourceCode, value, `...${carrier}`);
      } else if (value.type === AST_NODE_TYPES.Identifier && carrierKind(context, value) === 'record') {
        lines = recordCarrier;
        edit = { range: target.range, text: `${prefix}{ ...${sourceCode.getText(headersProp.value)}, ...${carrier} }` };
      } else if (globalFetch && moved(value)) {
        lines = headersCarrier(sourceCode.getText(headersProp.value));
        edit = { range: target.range, text: `${prefix}${carrier}` };
      } else {
        return undefined;
      }
    }
  } else if (globalFetch && inputOk && optionsArg && moved(options)) {
    const text = sourceCode.getText(optionsArg);
    lines = headersCarrier(`${text}?.headers`);
    edit = { range: optionsArg.range, text: `{ ...${text}, headers: ${carrier} }` };
  } else {
    return undefined;
  }
  const body = carrierInsertion(sourceCode, anchor, lines, edit);
  return (fixer) => [...(api.fix ? [api.fix(fixer)] : []), ...body(fixer)];
}

/** The carrier statements and the call edit, as fixes that never overlap. */
function carrierInsertion(sourceCode: SourceCode, anchor: Anchor, lines: string[], edit: TextEdit): (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[] {
  const node = anchor.node;
  const indent = lineIndent(sourceCode, node);
  const unit = indentUnit(sourceCode);
  if (anchor.kind === 'before') {
    const startsLine = sourceCode.text.slice(sourceCode.text.lastIndexOf('\n', node.range[0] - 1) + 1, node.range[0]).trim() === '';
    const text = startsLine ? lines.map((l) => `${l}\n${indent}`).join('') : `${lines.join(' ')} `;
    return (fixer) => [fixer.insertTextBefore(node, text), fixer.replaceTextRange([edit.range[0], edit.range[1]], edit.text)];
  }
  // The wrapped code, with the call edit applied to it.
  const start = anchor.kind === 'wrap-arrow' ? sourceCode.getTokenAfter(sourceCode.getTokenBefore((node as TSESTree.ArrowFunctionExpression).body, (t) => t.value === '=>')!)!.range[0] : node.range[0];
  const end = node.range[1];
  const original = sourceCode.text.slice(start, end);
  const code = original.slice(0, edit.range[0] - start) + edit.text + original.slice(edit.range[1] - start);
  const inner = indent + unit;
  const reindented = code.split('\n').join(`\n${unit}`);
  const head = `{\n${lines.map((l) => `${inner}${l}\n`).join('')}${inner}`;
  const text = anchor.kind === 'wrap-arrow' ? `${head}return ${reindented};\n${indent}}` : `${head}${reindented}\n${indent}}`;
  return (fixer) => [fixer.replaceTextRange([start, end], text)];
}
