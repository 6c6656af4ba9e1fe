import type ts from 'typescript';
import { definePackageFact } from './program-facts.js';
import { connectedFiles, localImportGraph } from './local-import-graph.js';

/**
 * What a setup registers globally besides the tracer provider. A provider made global by hand
 * (`trace.setGlobalTracerProvider`) brings neither a context manager nor a propagator; these are
 * the ways code installs them. Text evidence on purpose: it is cheap, and it errs towards "installed"
 * (a rule that reads it reports less, never more).
 */
export interface GlobalSetupEvidence {
  /** `context.setGlobalContextManager(...)`, a provider's `register()` that keeps its default manager, NodeSDK. */
  contextManager: boolean;
  /** `propagation.setGlobalPropagator(...)`, a provider's `register()` that keeps its default propagator, NodeSDK. */
  propagator: boolean;
  /** The code calls `propagation.inject`/`propagation.extract` (or `.inject(`/`.extract(` in a file that imports the API). */
  injectsOrExtracts: boolean;
}

/** Installs the ALS context manager and the W3C propagators: NodeSDK and the packages that start it. */
const STARTS_NODE_SDK = /\bnew\s+NodeSDK\b|\bstartNodeS[dD][kK]\s*\(|auto-instrumentations-node\/register|\bregisterOTel\s*\(/;
/** `provider.register()` / `register({ ... })`, not `module.register('hook')`. */
const PROVIDER_REGISTER = /\.register\(\s*(\)|\{[^}]*\})/g;

export function setupEvidenceInText(text: string): GlobalSetupEvidence {
  const sdk = STARTS_NODE_SDK.test(text);
  let registerKeepsManager = false;
  let registerKeepsPropagator = false;
  for (const m of text.matchAll(PROVIDER_REGISTER)) {
    if (!/contextManager\s*:\s*null/.test(m[1])) registerKeepsManager = true;
    if (!/propagator\s*:\s*null/.test(m[1])) registerKeepsPropagator = true;
  }
  return {
    contextManager: sdk || registerKeepsManager || /\bsetGlobalContextManager\s*\(/.test(text),
    propagator: sdk || registerKeepsPropagator || /\bsetGlobalPropagator\s*\(/.test(text),
    injectsOrExtracts: /@opentelemetry\/api/.test(text) && /\.(inject|extract)\s*\(/.test(text),
  };
}

/**
 * The code relies on the active context: `startActiveSpan`, `context.with`/`bind`, or
 * instrumentations (which parent their spans to the active one). Code that passes every parent
 * explicitly, or only inspects a provider, runs the same with or without a context manager.
 */
export function reliesOnActiveContext(text: string): boolean {
  return /\bstartActiveSpan\b|\bcontext\s*\.\s*(?:with|bind)\s*\(|\bregisterInstrumentations\b|\bnew\s+\w*Instrumentation\b/.test(text);
}

const evidenceCache = new WeakMap<ts.SourceFile, GlobalSetupEvidence>();

/** Per source file, cached as long as the file object lives (one program's version of it). */
function evidenceOf(sf: ts.SourceFile): GlobalSetupEvidence {
  let e = evidenceCache.get(sf);
  if (!e) evidenceCache.set(sf, (e = setupEvidenceInText(sf.text)));
  return e;
}

/** Some file of the package injects or extracts (a propagator matters only to a service that propagates). */
const packageInjectsOrExtracts = definePackageFact((files) => files.some((sf) => evidenceOf(sf).injectsOrExtracts));

/**
 * Registrations from the files of the process the file runs in (see `connectedFiles`); inject and
 * extract calls from the file's package.
 */
export function setupEvidenceAround(program: ts.Program, fileName: string): GlobalSetupEvidence {
  const out: GlobalSetupEvidence = { contextManager: false, propagator: false, injectsOrExtracts: false };
  for (const f of connectedFiles(localImportGraph(program), fileName)) {
    const sf = program.getSourceFile(f);
    if (!sf) continue;
    const e = evidenceOf(sf);
    out.contextManager ||= e.contextManager;
    out.propagator ||= e.propagator;
  }
  out.injectsOrExtracts = packageInjectsOrExtracts(program, fileName);
  return out;
}
