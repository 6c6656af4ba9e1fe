import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import ts from 'typescript';
import { findVariable, type OtelResolver } from './resolve-otel-symbol.js';
import { resolveFunction, type FunctionNode } from './active-context-use.js';
import { singleInitializer, unwrapExpression } from './value-origin.js';
import { walk } from './ast-walk.js';

/**
 * Answers "does this message payload carry a trace context": `'carried'` when it holds an object
 * that `propagation.inject` wrote into (or a field whose name says it is one: `traceparent`,
 * `carrier`, `otel...`, `headers`, `...context`), `'missing'` when it evidently holds none (a
 * primitive, an object literal without such a field, a value whose declared type has no such
 * property), `'unknown'` otherwise (a parameter or call result without type information, a spread
 * of something unknown). Rules report only `'missing'`.
 */
export type CarrierVerdict = 'carried' | 'missing' | 'unknown';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** A field name that suggests the payload brings its own trace context (`traceparent`, `otelCarrier`, `headers`, `spanContext`). */
export const CARRIER_KEY = /trace|carrier|otel|propagat|telemetry|baggage|header|span_?context/i;

export interface CarrierAnalysis {
  verdict(payload: TSESTree.Node | undefined): CarrierVerdict;
  /** The key under which an object-literal payload (or the literal a variable holds) carries an injected carrier. */
  carrierKey(payload: TSESTree.Node): string | undefined;
}

const analyses = new WeakMap<object, CarrierAnalysis>();

export function carrierAnalysis(sourceCode: SourceCode, resolver: OtelResolver): CarrierAnalysis {
  const hit = analyses.get(sourceCode);
  if (hit) return hit;
  const injectedVariables = new Set<TSESLint.Scope.Variable>();
  const injectingFunctions = new Set<FunctionNode>();
  const injectCalls: TSESTree.CallExpression[] = [];
  const calls: TSESTree.CallExpression[] = [];
  walk(sourceCode, sourceCode.ast, (n) => {
    if (n.type !== AST_NODE_TYPES.CallExpression) return;
    if (resolver.isApiCall(n, 'propagation', 'inject')) injectCalls.push(n);
    else calls.push(n);
  });
  const rootVariable = (node: TSESTree.Node | undefined): TSESLint.Scope.Variable | undefined => {
    let n = node && unwrapExpression(node);
    while (n && n.type === AST_NODE_TYPES.MemberExpression) n = unwrapExpression(n.object);
    return n?.type === AST_NODE_TYPES.Identifier ? findVariable(sourceCode, n) : undefined;
  };
  for (const call of injectCalls) {
    const v = rootVariable(call.arguments[1]);
    if (v) injectedVariables.add(v);
    for (let p: TSESTree.Node | undefined = call.parent; p; p = p.parent) {
      if (p.type === AST_NODE_TYPES.ArrowFunctionExpression || p.type === AST_NODE_TYPES.FunctionExpression || p.type === AST_NODE_TYPES.FunctionDeclaration) {
        injectingFunctions.add(p);
        break;
      }
    }
  }
  // Helpers that inject: `injectInto(msg)` marks msg, `const c = currentCarrier()` marks c.
  for (const call of calls) {
    const fn = resolveFunction(sourceCode, call.callee);
    if (!fn || !injectingFunctions.has(fn)) continue;
    for (const arg of call.arguments) {
      const v = rootVariable(arg);
      if (v) injectedVariables.add(v);
    }
    if (call.parent.type === AST_NODE_TYPES.VariableDeclarator && call.parent.id.type === AST_NODE_TYPES.Identifier) {
      const v = findVariable(sourceCode, call.parent.id);
      if (v) injectedVariables.add(v);
    }
  }
  const isInjectingCall = (n: TSESTree.Node): boolean => {
    if (n.type !== AST_NODE_TYPES.CallExpression) return false;
    const fn = resolveFunction(sourceCode, n.callee);
    return !!fn && injectingFunctions.has(fn);
  };

  const services = resolver.services;
  const typeVerdict = (node: TSESTree.Node): CarrierVerdict => {
    if (!services) return 'unknown';
    const tsNode = services.esTreeNodeToTSNodeMap.get(node);
    if (!tsNode) return 'unknown';
    const checker = services.program.getTypeChecker();
    return typeCarrier(checker, checker.getTypeAtLocation(tsNode), 0);
  };

  const verdict = (payload: TSESTree.Node | undefined, depth: number): CarrierVerdict => {
    if (!payload) return 'missing';
    if (depth > 4) return 'unknown';
    const n = unwrapExpression(payload);
    switch (n.type) {
      case AST_NODE_TYPES.Literal:
      case AST_NODE_TYPES.TemplateLiteral:
        return 'missing';
      case AST_NODE_TYPES.ObjectExpression:
      case AST_NODE_TYPES.ArrayExpression: {
        let unknown = false;
        const elements = n.type === AST_NODE_TYPES.ObjectExpression ? n.properties : n.elements;
        for (const el of elements) {
          if (!el) continue;
          if (el.type === AST_NODE_TYPES.SpreadElement) {
            const v = verdict(el.argument, depth + 1);
            if (v === 'carried') return 'carried';
            if (v === 'unknown') unknown = true;
            continue;
          }
          if (el.type === AST_NODE_TYPES.Property) {
            if (el.computed) unknown = true;
            else if (keyName(el.key) !== undefined && CARRIER_KEY.test(keyName(el.key)!)) return 'carried';
            if (holdsCarrier(el.value, depth)) return 'carried';
            continue;
          }
          if (holdsCarrier(el, depth)) return 'carried';
        }
        return unknown ? 'unknown' : 'missing';
      }
      case AST_NODE_TYPES.Identifier: {
        if (n.name === 'undefined' && !findVariable(sourceCode, n)) return 'missing';
        const v = findVariable(sourceCode, n);
        if (v && injectedVariables.has(v)) return 'carried';
        const init = singleInitializer(v);
        // Handed to other code or written through a member: the carrier may be added there.
        const escapes = v?.references.some((r) => r.identifier !== n && r.identifier.type === AST_NODE_TYPES.Identifier && isEscapingUse(r.identifier));
        if (init && !escapes) return verdict(init, depth + 1);
        return typeVerdict(n);
      }
      case AST_NODE_TYPES.CallExpression: {
        if (isInjectingCall(n)) return 'carried';
        // JSON.stringify(x) carries what x carries.
        const callee = n.callee;
        if (
          callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.object.type === AST_NODE_TYPES.Identifier &&
          callee.object.name === 'JSON' && callee.property.type === AST_NODE_TYPES.Identifier && callee.property.name === 'stringify'
        ) {
          return verdict(n.arguments[0], depth + 1);
        }
        return typeVerdict(n);
      }
      case AST_NODE_TYPES.MemberExpression:
        // The parent's own environment, handed on to a child: it carries no context of this process.
        if (sourceCode.getText(n) === 'process.env' && n.object.type === AST_NODE_TYPES.Identifier && !findVariable(sourceCode, n.object)) return 'missing';
        return typeVerdict(n);
      default:
        return typeVerdict(n);
    }
  };

  /** A value inside a payload literal that is, or contains, an injected carrier. */
  const holdsCarrier = (value: TSESTree.Node, depth: number): boolean => {
    const n = unwrapExpression(value);
    if (n.type === AST_NODE_TYPES.ObjectExpression || n.type === AST_NODE_TYPES.ArrayExpression) return verdict(n, depth + 1) === 'carried';
    if (isInjectingCall(n)) return true;
    const v = rootVariable(n);
    return !!v && injectedVariables.has(v);
  };

  const analysis: CarrierAnalysis = {
    verdict: (payload) => verdict(payload, 0),
    carrierKey(payload) {
      let n = unwrapExpression(payload);
      if (n.type === AST_NODE_TYPES.Identifier) {
        const init = singleInitializer(findVariable(sourceCode, n));
        if (init) n = unwrapExpression(init);
      }
      if (n.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
      for (const p of n.properties) {
        if (p.type === AST_NODE_TYPES.Property && !p.computed && holdsCarrier(p.value, 0)) return keyName(p.key);
      }
      return undefined;
    },
  };
  analyses.set(sourceCode, analysis);
  return analysis;
}

function keyName(key: TSESTree.Node): string | undefined {
  if (key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal) return String(key.value);
  return undefined;
}

/** A use that lets other code add fields: passed as an argument, assigned through a member, or stored elsewhere. */
function isEscapingUse(id: TSESTree.Identifier): boolean {
  const parent = id.parent;
  if (parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression) return parent.arguments.includes(id);
  if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === id) {
    const grand = parent.parent;
    return (grand.type === AST_NODE_TYPES.AssignmentExpression && grand.left === parent) || (grand.type === AST_NODE_TYPES.CallExpression && grand.callee !== parent);
  }
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === id) return true;
  if (parent.type === AST_NODE_TYPES.Property && parent.value === id) return true;
  return false;
}

/** The verdict of a value's declared type. */
function typeCarrier(checker: ts.TypeChecker, type: ts.Type, depth: number): CarrierVerdict {
  if (depth > 2) return 'unknown';
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.Never)) return 'unknown';
  if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) {
    return 'missing';
  }
  if (type.isUnion()) {
    const parts = type.types.map((t) => typeCarrier(checker, t, depth));
    if (parts.includes('carried')) return 'carried';
    return parts.every((p) => p === 'missing') ? 'missing' : 'unknown';
  }
  if (!(type.flags & ts.TypeFlags.Object)) return 'unknown';
  const name = type.getSymbol()?.getName();
  if (name && /^(ArrayBuffer|SharedArrayBuffer|Buffer|Uint8Array|Uint16Array|Uint32Array|Int8Array|Int16Array|Int32Array|Float32Array|Float64Array|BigInt64Array|BigUint64Array|DataView|Date|RegExp)$/.test(name)) {
    return 'missing';
  }
  if (checker.getIndexInfosOfType(type).length > 0) return 'unknown';
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    const args = checker.getTypeArguments(type as ts.TypeReference);
    const parts = args.map((t) => typeCarrier(checker, t, depth + 1));
    if (parts.includes('carried')) return 'carried';
    return parts.every((p) => p === 'missing') ? 'missing' : 'unknown';
  }
  const props = checker.getPropertiesOfType(type);
  if (props.some((p) => CARRIER_KEY.test(p.getName()))) return 'carried';
  for (const p of props) {
    const decl = p.valueDeclaration;
    if (!decl) return 'unknown';
    const v = typeCarrier(checker, checker.getTypeOfSymbolAtLocation(p, decl), depth + 1);
    if (v !== 'missing') return v;
  }
  return 'missing';
}
