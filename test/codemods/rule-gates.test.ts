import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import { rules } from '../../rules/index.js';
import { ruleGates, anyRuleMayReport } from '../../engine/rule-gates.js';
import { lintFix } from '../../engine/lint-fix.js';

/**
 * The codemods skip the parse of a file when no rule of theirs passes its text gate
 * (`engine/rule-gates.ts`). A gate must be an exact superset of what its rule reports on, and the
 * same predicate the rule applies first.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesRoot = path.join(repoRoot, 'fixtures');
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : fixtureFiles(p);
    return e.isFile() && SOURCE.test(e.name) ? [p] : [];
  });
}

const gated = Object.keys(ruleGates);

/** Rule options and settings that make the rules report the most (and the defaults). */
const variants: { name: string; options: Record<string, unknown[]>; settings: Record<string, unknown> }[] = [
  { name: 'defaults', options: {}, settings: {} },
  {
    name: 'widest',
    options: {
      'no-bare-fetch': [{ httpClients: true }],
      'no-lost-context': [{ unknownReceivers: true, parameterEmitters: true, persistentListeners: true }],
    },
    // Nothing instrumented: every fetch/undici/http call is bare (what propagate-fetch's probe asks).
    settings: { 'otel-context': { instrumented: [] } },
  },
];

/**
 * Text that passes every gate, in a comment: with it, a rule runs as if it had no gate. A report
 * on the file with it, from a rule whose gate rejects the file without it, is a report the gate
 * would have skipped.
 */
const WITNESS = '\n/* startSpan startActiveSpan getActiveSpan Span .use( traceparent headers .inject @opentelemetry/ process.on( fetch undici http axios got */\n';

function lint(file: string, text: string, ruleIds: readonly string[], variant: (typeof variants)[number]): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat', cwd: repoRoot });
  const ext = path.extname(file);
  return linter.verify(
    text,
    [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: {
          sourceType: ext === '.cjs' || ext === '.cts' ? 'commonjs' : 'module',
          parser: tsParser as unknown as Linter.Parser,
          parserOptions: { ecmaFeatures: { jsx: /\.(tsx|jsx|js)$/.test(ext) } },
        },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        plugins: { 'otel-context': { rules: rules as never } },
        settings: variant.settings,
        rules: Object.fromEntries(ruleIds.map((id) => [`otel-context/${id}`, ['error', ...(variant.options[id] ?? [])]])),
      },
    ],
    { filename: file },
  );
}

/** Reports the fixtures may not show: a span only from `trace.wrapSpanContext`, which names no `Span`. */
const EXTRA_CASES: { name: string; code: string }[] = [
  { name: 'wrap-span-context-with.ts', code: "import { trace, context } from '@opentelemetry/api';\nexport function f(sc) { return context.with(trace.wrapSpanContext(sc), () => 1); }\n" },
  { name: 'wrap-span-context-inject.ts', code: "import { trace, propagation } from '@opentelemetry/api';\nexport function f(sc, c) { propagation.inject(trace.wrapSpanContext(sc), c); }\n" },
  { name: 'get-span-with.ts', code: "import { trace, context } from '@opentelemetry/api';\nexport function f(c) { const s = trace.getSpan(c); return context.with(s, () => 1); }\n" },
];

describe('rule text gates (codemod engine, cheap first)', () => {
  const files = fixtureFiles(fixturesRoot);
  const cases = [
    ...files.map((file) => ({ file, text: readFileSync(file, 'utf8').replace(/^\uFEFF/, '') })),
    ...EXTRA_CASES.map((c) => ({ file: path.join(repoRoot, 'test/codemods', c.name), text: c.code })),
  ];

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  it('every gate is an exact superset: no fixture a rule reports on is one its gate rejects, with or without the gate in the rule', { timeout: 120_000 }, () => {
    const problems: string[] = [];
    let reportedOn = 0;
    for (const { file, text } of cases) {
      const rel = path.relative(repoRoot, file);
      for (const variant of variants) {
        const gate = (id: string) => ruleGates[id](text, variant.options[id] ?? []);
        const messages = lint(file, text, gated, variant);
        if (messages.some((m) => m.fatal)) break; // the unparsable robustness fixtures
        for (const m of messages) {
          const id = m.ruleId!.replace('otel-context/', '');
          reportedOn++;
          if (!gate(id)) problems.push(`${rel} (${variant.name}): ${id} reports, but its gate rejects the file`);
        }
        const rejecting = gated.filter((id) => !gate(id));
        if (rejecting.length === 0) continue;
        for (const m of lint(file, text + WITNESS, rejecting, variant)) {
          problems.push(`${rel} (${variant.name}): ${m.ruleId} reports once its gate is passed (line ${m.line}: ${m.message.slice(0, 80)}), but the gate rejects the file`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(reportedOn).toBeGreaterThan(100);
  });

  it('each rule applies its own gate first (the same exported predicate)', () => {
    const applied: Record<string, RegExp> = {
      'require-span-end': /if \(!STARTS_SPANS\.test\(sourceCode\.text\)\) return \{\};/,
      'middleware-order': /if \(!REGISTRATION_CALL\.test\(sourceCode\.text\)\) return \{\};/,
      'no-traceparent-overwrite': /if \(!MENTIONS_HEADERS\.test\(sourceCode\.text\) \|\|/,
      'no-lost-context': /if \(!mayLoseContext\(sourceCode\.text, queues\)\) return \{\};/,
      'no-bare-fetch': /if \(!mayCallOutbound\(sourceCode\.text\) \|\|/,
      'no-orphan-span': /if \(!(mentionsSpan\(sourceCode\.text\)|MENTIONS_SPAN\.test\(sourceCode\.text\))\) return \{\};/,
    };
    expect(Object.keys(applied).sort()).toEqual([...gated].sort());
    for (const [id, pattern] of Object.entries(applied)) {
      expect(readFileSync(path.join(repoRoot, 'rules', `${id}.ts`), 'utf8'), id).toMatch(pattern);
    }
  });

  it('lintFix returns a file no rule of the spec can match unchanged, without parsing it', () => {
    const broken = 'const x = ;\n';
    expect(anyRuleMayReport(broken, { 'require-span-end': [] })).toBe(false);
    expect(lintFix({ path: 'a.ts', source: broken }, { rules: { 'require-span-end': [] } })).toEqual({ output: broken, todos: [] });
    // A rule without a gate always runs: the parse error surfaces.
    expect(() => lintFix({ path: 'a.ts', source: broken }, { rules: { 'require-context-manager': [] } })).toThrow(/cannot parse: Expression expected\./);
    // Options widen a gate: no-lost-context's queue modules.
    expect(anyRuleMayReport("import { q } from 'my-queue';\n", { 'no-lost-context': [{ queues: [{ module: 'my-queue', method: 'add' }] }] })).toBe(true);
    expect(anyRuleMayReport("import { q } from 'my-queue';\n", { 'no-lost-context': [] })).toBe(false);
  });
});
