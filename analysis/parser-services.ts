import type { ParserServicesWithTypeInformation, TSESLint } from '@typescript-eslint/utils';

/** The file's type information, or `{ program: null }` when it has none. */
export type MaybeTypedServices = ParserServicesWithTypeInformation | { program: null; esTreeNodeToTSNodeMap?: undefined };

/**
 * Like `ESLintUtils.getParserServices(context, true)`, but never throws: that one throws for
 * files parsed without typescript-eslint (espree on `.js`/`.mjs`/`.cjs`, e.g. `eslint.config.mjs`),
 * which would crash every rule on plain JavaScript. Those files simply have no type information.
 */
export function parserServices(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): MaybeTypedServices {
  const services = context.sourceCode.parserServices as Partial<ParserServicesWithTypeInformation> | undefined;
  return services?.program && services.esTreeNodeToTSNodeMap ? (services as ParserServicesWithTypeInformation) : { program: null };
}

/**
 * The linted file's name as its program knows it (absolute), when it has type information: a
 * harness such as RuleTester may hand rules a relative `context.filename`.
 */
export function programFileName(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): string {
  const services = parserServices(context);
  return services.program ? services.esTreeNodeToTSNodeMap.get(context.sourceCode.ast).fileName : context.filename;
}
