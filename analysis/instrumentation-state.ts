import { parserServices, programFileName } from './parser-services.js';
import type { TSESLint } from '@typescript-eslint/utils';
import { readSettings } from './settings.js';
import {
  lintedFileInstrumentations,
  mergeInstrumentations,
  programInstrumentations,
  type InstrumentationRegistrations,
} from './instrumentation-registrations.js';
import { packageInstrumentation } from './package-instrumentation.js';

/**
 * Is an instrumentation (`undici`, `http`) registered for the code a rule is looking at?
 *
 * - `registered`: the `instrumented` setting names it, or the code / a preloaded file registers it
 *   (also when the setting omits it: a registration in sight means the setting is stale, and a
 *   rule that believed it would flag working code).
 * - `absent`: the setting omits it and nothing in sight registers it, or tracing is set up where the
 *   rule can see it (the program in typed mode, the file and its package's preloads without types)
 *   and nothing registers it.
 * - `unknown`: no setup in sight (it lives outside the code, e.g. a `--require` in a Dockerfile),
 *   an instrumentation list the analysis cannot read, browser code, or a runtime dependency that
 *   provides the instrumentation but is never imported by the code in sight.
 *
 * Rules report only what breaks in the states they are sure of.
 */
export type InstrumentationState = 'registered' | 'absent' | 'unknown';

export interface InstrumentationView {
  state(name: 'undici' | 'http'): InstrumentationState;
  /** Where the answer came from, for messages: the setting, the program, or this file. */
  readonly source: 'setting' | 'program' | 'file';
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** Other names the `instrumented` setting may use for an instrumentation. */
const ALIASES: Record<string, readonly string[]> = { undici: ['undici', 'fetch'], http: ['http', 'https'] };

const views = new WeakMap<object, InstrumentationView>();

export function instrumentationView(context: AnyContext): InstrumentationView {
  const hit = views.get(context.sourceCode);
  if (hit) return hit;
  const settings = readSettings(context);
  const program = parserServices(context).program ?? undefined;
  let registrations: InstrumentationRegistrations | undefined;
  /** What the code in sight registers: the program with types, else the file; plus the package's preloads. */
  const get = (): InstrumentationRegistrations => {
    if (registrations) return registrations;
    const code = program
      ? programInstrumentations(program, programFileName(context))
      : lintedFileInstrumentations(context.filename, context.sourceCode);
    const preloaded = packageInstrumentation(context.filename).preloaded;
    return (registrations = preloaded ? mergeInstrumentations([code, preloaded]) : code);
  };
  let view: InstrumentationView;
  if (settings.instrumented) {
    const listed = settings.instrumented;
    // The setting decides, except that it cannot take away a registration the code in sight makes
    // (`new UndiciInstrumentation()` added after the setting was written): that one is stale.
    view = { source: 'setting', state: (name) => (ALIASES[name].some((a) => listed.has(a)) || registersItself(get(), name) ? 'registered' : 'absent') };
  } else {
    view = {
      source: program ? 'program' : 'file',
      state: (name) => instrumentationStateOf(get(), name, context.filename),
    };
  }
  views.set(context.sourceCode, view);
  return view;
}

/**
 * The code registers the instrumentation itself (a constructor, auto-instrumentations, a distro).
 * The browser fetch instrumentation covers `fetch` where it applies; it counts as undici.
 */
export function registersItself(r: InstrumentationRegistrations, name: 'undici' | 'http'): boolean {
  return r.enabled.has(name) || (name === 'undici' && r.enabled.has('fetch'));
}

/** The state of an instrumentation given what some code registers; `filename` locates the package.json. */
export function instrumentationStateOf(r: InstrumentationRegistrations, name: 'undici' | 'http', filename: string): InstrumentationState {
  if (registersItself(r, name)) return 'registered';
  if (!r.setup || r.browser) return 'unknown';
  if (r.opaque && !r.disabled.has(name)) return 'unknown';
  const providers = packageInstrumentation(filename).providers.get(name) ?? [];
  const imported = [...r.importedModules];
  if (providers.some((p) => !imported.some((m) => m === p || m.startsWith(`${p}/`)))) return 'unknown';
  return 'absent';
}
