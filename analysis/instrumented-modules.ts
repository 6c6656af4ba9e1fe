import { builtinModules } from 'node:module';

/**
 * Which modules the require/import-hook instrumentations patch, by instrumentation short name
 * (`express` for `@opentelemetry/instrumentation-express`), read from each package's
 * `InstrumentationNodeModuleDefinition`s. Patching happens when the module is loaded, so these are
 * the modules whose load order matters. undici (fetch) is absent on purpose: its instrumentation
 * subscribes to `diagnostics_channel` and works whatever the order; fs is off by default.
 */
export const PATCHED_MODULES: ReadonlyMap<string, readonly string[]> = new Map([
  ['http', ['http', 'https']],
  ['express', ['express']],
  ['koa', ['koa']],
  ['connect', ['connect']],
  ['hapi', ['@hapi/hapi']],
  ['restify', ['restify']],
  ['router', ['router']],
  ['nestjs-core', ['@nestjs/core']],
  ['fastify', ['fastify']],
  ['pg', ['pg', 'pg-pool']],
  ['mysql', ['mysql']],
  ['mysql2', ['mysql2']],
  ['ioredis', ['ioredis']],
  ['redis', ['redis', '@redis/client', '@node-redis/client']],
  ['mongodb', ['mongodb']],
  ['mongoose', ['mongoose']],
  ['graphql', ['graphql']],
  ['grpc', ['@grpc/grpc-js']],
  ['kafkajs', ['kafkajs']],
  ['amqplib', ['amqplib']],
  ['knex', ['knex']],
  ['tedious', ['tedious']],
  ['cassandra-driver', ['cassandra-driver']],
  ['memcached', ['memcached']],
  ['socket.io', ['socket.io']],
  ['pino', ['pino']],
  ['winston', ['winston']],
  ['bunyan', ['bunyan']],
  ['dataloader', ['dataloader']],
  ['generic-pool', ['generic-pool']],
  ['lru-memoizer', ['lru-memoizer']],
  ['oracledb', ['oracledb']],
  ['openai', ['openai']],
  ['aws-sdk', ['@aws-sdk/']],
  ['net', ['net']],
  ['dns', ['dns']],
]);

const BUILTINS = new Set(builtinModules);

/** The package (or builtin) a specifier loads: `node:http` → `http`, `pg/lib/x` → `pg`, `@a/b/c` → `@a/b`. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  const name = bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  // `fs/promises`, `dns/promises` are the builtin's own modules.
  return name;
}

export const isBuiltinModule = (name: string): boolean => BUILTINS.has(name);

/**
 * The instrumented module a specifier loads, or undefined. `enabled` are the instrumentations the
 * program registers (short names); undefined means unknown, and every patched module counts.
 */
export function instrumentedModuleOf(specifier: string, enabled: ReadonlySet<string> | undefined): string | undefined {
  const name = packageOfSpecifier(specifier);
  if (!name) return undefined;
  for (const [short, modules] of PATCHED_MODULES) {
    if (enabled && !enabled.has(short)) continue;
    if (modules.some((m) => (m.endsWith('/') ? name.startsWith(m) : m === name))) return name;
  }
  return undefined;
}
