import { Linter } from 'eslint';
import type { ESLint, SourceCode } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import path from 'node:path';
import { CodemodParseError, type CodemodInput, type CodemodResult, type CodemodTodo, type ParserName } from './types.js';
import { applyEdits, type Edit } from './apply-edits.js';
import { parserFor } from './parser-choice.js';
import { anyRuleMayReport } from './rule-gates.js';
import { rules } from '../rules/index.js';

export { parserFor };

/**
 * The engine behind every per-file codemod: run the plugin's own rules on the file, apply their
 * fixes and the suggestion the codemod names, and repeat until nothing is left to apply. So the
 * codemod fixes exactly what the rule reports, with the rule's own edits. What remains reported
 * gets a `// TODO(otel-context): ...` comment above it.
 */
export interface LintFixSpec {
  /** rule id (without the plugin prefix) -> rule options */
  rules: Record<string, unknown[]>;
  /**
   * Which suggestion to apply for a message: return its index, or -1 for none.
   * Default: the message's fix if it has one, else its first suggestion.
   */
  pickSuggestion?: (ruleId: string, messageId: string | undefined, suggestions: readonly Linter.LintSuggestion[]) => number;
  /** Leave a TODO marker for what remains reported (default true). */
  todo?: boolean;
  /** Which reports to act on at all (default: every report of the rules). */
  applies?: (ruleId: string, messageId: string | undefined) => boolean;
}

export interface LintFixOptions {
  parser?: ParserName;
  settings?: Record<string, unknown>;
  /** Lint the file under its own path, so rules that resolve neighbouring files (a worker module) see the real ones. */
  realPath?: boolean;
}

const PREFIX = 'otel-context/';
const MAX_PASSES = 10;
const TODO_TAG = 'TODO(otel-context)';

const plugin: ESLint.Plugin = { rules: rules as unknown as ESLint.Plugin['rules'] };

function languageOptions(filePath: string, parser: ParserName): Linter.LanguageOptions {
  const ext = path.extname(filePath).toLowerCase();
  const sourceType = ext === '.cjs' || ext === '.cts' ? 'commonjs' : 'module';
  if (parser === 'babel') {
    return { ecmaVersion: 'latest', sourceType, parserOptions: { ecmaFeatures: { jsx: true } } };
  }
  return {
    ecmaVersion: 'latest',
    sourceType,
    parser: tsParser,
    parserOptions: { ecmaFeatures: { jsx: parser === 'tsx' } },
  };
}

export function lintFix(input: CodemodInput, spec: LintFixSpec, options: LintFixOptions = {}): CodemodResult {
  const parser = parserFor(input.path, options.parser);
  const hasBom = input.source.charCodeAt(0) === 0xfeff;
  let text = hasBom ? input.source.slice(1) : input.source;
  // Cheap first: when no rule of the spec can report on this text (each rule's own text gate), there
  // is nothing to fix or mark, so skip the parse. The runner checks the syntax of every file itself.
  if (!anyRuleMayReport(text, spec.rules)) return { output: input.source, todos: [] };
  const linter = new Linter({ configType: 'flat', ...(options.realPath ? { cwd: path.dirname(path.resolve(input.path)) } : {}) });
  const rules = Object.fromEntries(Object.entries(spec.rules).map(([id, opts]) => [PREFIX + id, ['error', ...opts] as Linter.RuleEntry]));
  const config: Linter.Config[] = [
    {
      files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
      languageOptions: languageOptions(input.path, parser),
      linterOptions: { reportUnusedDisableDirectives: 'off' },
      plugins: { 'otel-context': plugin },
      settings: options.settings ?? {},
      rules,
    },
  ];
  const filename = options.realPath ? path.resolve(input.path) : `file${path.extname(input.path) || '.ts'}`;
  const verify = (code: string) => {
    const messages = linter.verify(code, config, { filename });
    // Only a parse failure stops the codemod. ESLint also marks the file's own inline-config problems
    // fatal (a legacy `/* eslint-env node */` comment, a malformed `/* eslint ... */`), but it still
    // runs the rules then, and such a comment is none of the codemod's business.
    const fatal = messages.find((m) => m.fatal && m.message.startsWith('Parsing error: '));
    // A message that is neither fatal nor from a rule means the config did not apply (no rule ran).
    const configProblem = messages.find((m) => !m.fatal && !m.ruleId);
    if (configProblem) throw new Error(`${input.path}: internal error: ${configProblem.message}`);
    return { messages: messages.filter((m) => m.ruleId?.startsWith(PREFIX)), fatal };
  };

  const first = verify(text);
  let messages = first.messages;
  const fatal = first.fatal;
  if (fatal) {
    // As the runner's own syntax check reports it: the parser's message, a 1-based column (ESLint
    // passes typescript-estree's 0-based one through; espree's is 1-based already).
    const column = parser === 'babel' ? fatal.column : fatal.column + 1;
    throw new CodemodParseError(input.path, fatal.line, column, fatal.message.replace(/^Parsing error: /, ''));
  }

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const edits: Edit[] = [];
    for (const m of messages) {
      if (spec.applies && !spec.applies(m.ruleId!.slice(PREFIX.length), m.messageId)) continue;
      if (m.fix) {
        edits.push({ range: m.fix.range, text: m.fix.text });
        continue;
      }
      const suggestions = m.suggestions ?? [];
      if (suggestions.length === 0) continue;
      const ruleId = m.ruleId!.slice(PREFIX.length);
      const index = spec.pickSuggestion ? spec.pickSuggestion(ruleId, m.messageId, suggestions) : 0;
      const chosen = suggestions[index];
      if (chosen) edits.push({ range: chosen.fix.range, text: chosen.fix.text });
    }
    if (edits.length === 0) break;
    const next = applyEdits(text, edits);
    if (next === text) break;
    const after = verify(next);
    if (after.fatal) {
      throw new Error(`${input.path}: internal error: the fix would not parse (${after.fatal.message}); the file was left unchanged`);
    }
    text = next;
    messages = after.messages;
  }

  const todos: CodemodTodo[] = [];
  if (spec.todo !== false && messages.length > 0) {
    const sourceCode = linter.getSourceCode();
    const markerEdits: Edit[] = [];
    const seenLines = new Set<number>();
    const reported: { m: Linter.LintMessage; offset: number }[] = [];
    for (const m of messages) {
      const ruleId = m.ruleId!;
      const marker = todoMarker(sourceCode, m, ruleId);
      if (!marker) continue;
      const key = marker.edit.range[0];
      if (seenLines.has(key)) continue;
      seenLines.add(key);
      if (!marker.present) markerEdits.push(marker.edit);
      reported.push({ m, offset: sourceCode.getIndexFromLoc({ line: m.line, column: 0 }) });
    }
    let inserted = markerEdits;
    if (markerEdits.length > 0) {
      const next = applyEdits(text, markerEdits);
      if (verify(next).fatal) inserted = [];
      else text = next;
    }
    // Report each place at its line in the output: line-comment markers above it shift it down.
    for (const { m, offset } of reported) {
      const shift = inserted.filter((e) => e.text.endsWith('\n') && e.range[0] <= offset).length;
      todos.push({ path: input.path, line: m.line + shift, ruleId: m.ruleId!, message: m.message });
    }
  }
  return { output: (hasBom ? '\uFEFF' : '') + text, todos };
}

function docsUrl(ruleId: string): string {
  const rule = plugin.rules?.[ruleId.slice(PREFIX.length)];
  return rule?.meta?.docs?.url ?? '';
}

/** The TODO comment for a remaining report: above the statement that holds it, idempotently. */
function todoMarker(sourceCode: SourceCode, m: Linter.LintMessage, ruleId: string): { edit: Edit; present: boolean } | undefined {
  const offset = sourceCode.getIndexFromLoc({ line: m.line, column: m.column - 1 });
  type AnyNode = { type: string; range?: [number, number]; parent?: AnyNode | null };
  let node = sourceCode.getNodeByRangeIndex(offset) as AnyNode | null;
  while (node && node.parent && !/Statement|Declaration$/.test(node.type)) node = node.parent;
  while (node && node.parent && !/^(Program|BlockStatement|StaticBlock|SwitchCase|TSModuleBlock)$/.test(node.parent.type)) node = node.parent;
  if (!node || !node.range) return undefined;
  const start = node.range[0];
  const lineStart = sourceCode.text.lastIndexOf('\n', start - 1) + 1;
  const prevLineStart = sourceCode.text.lastIndexOf('\n', lineStart - 2) + 1;
  const previousLine = lineStart > 0 ? sourceCode.text.slice(prevLineStart, lineStart) : '';
  const present = previousLine.includes(`${TODO_TAG}: ${ruleId}`) || sourceCode.text.slice(lineStart, start).includes(`${TODO_TAG}: ${ruleId}`);
  const firstLine = m.message.split('\n')[0].replace(/\*\//g, '* /');
  const body = `${TODO_TAG}: ${ruleId}: ${firstLine} See ${docsUrl(ruleId)}`;
  const before = sourceCode.text.slice(lineStart, start);
  // A line start inside a multi-line token (template literal) cannot take a line comment.
  const insideToken = sourceCode.ast.tokens.some((t) => t.range[0] < lineStart && t.range[1] > lineStart);
  if (/^\s*$/.test(before) && !insideToken) {
    return { edit: { range: [lineStart, lineStart], text: `${before}// ${body}\n` }, present };
  }
  return { edit: { range: [start, start], text: `/* ${body} */ ` }, present: present || before.includes(`${TODO_TAG}: ${ruleId}`) };
}
