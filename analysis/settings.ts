import type { TSESLint } from '@typescript-eslint/utils';

export type ContextManagerKind = 'async-local-storage' | 'zone' | 'stack' | 'none';

/** `settings['otel-context']` as users write it (DESIGN.md §5). Every field is optional. */
export interface OtelContextSettings {
  contextManager?: ContextManagerKind;
  instrumented?: string[];
  propagatingWrappers?: string[];
  tracingMiddleware?: string[];
  entryPoints?: string[];
}

/** Settings with defaults applied. `undefined` means "detect from the program". */
export interface ResolvedSettings {
  contextManager: ContextManagerKind | undefined;
  instrumented: ReadonlySet<string> | undefined;
  propagatingWrappers: ReadonlySet<string>;
  tracingMiddleware: ReadonlySet<string>;
  entryPoints: readonly string[] | undefined;
}

const CONTEXT_MANAGERS = new Set<ContextManagerKind>(['async-local-storage', 'zone', 'stack', 'none']);

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;

const cache = new WeakMap<object, ResolvedSettings>();

export function readSettings(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): ResolvedSettings {
  const raw = (context.settings as Record<string, unknown> | undefined)?.['otel-context'];
  const key = (raw && typeof raw === 'object' ? raw : context.settings);
  const hit = cache.get(key);
  if (hit) return hit;
  const s = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const cm = s.contextManager;
  const instrumented = stringList(s.instrumented);
  const resolved: ResolvedSettings = {
    contextManager: typeof cm === 'string' && CONTEXT_MANAGERS.has(cm as ContextManagerKind) ? (cm as ContextManagerKind) : undefined,
    instrumented: instrumented ? new Set(instrumented.map((i) => i.toLowerCase())) : undefined,
    propagatingWrappers: new Set(stringList(s.propagatingWrappers) ?? []),
    tracingMiddleware: new Set(stringList(s.tracingMiddleware) ?? []),
    entryPoints: stringList(s.entryPoints),
  };
  cache.set(key, resolved);
  return resolved;
}
