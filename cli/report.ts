import type { Codemod } from '../engine/types.js';
import type { RunSummary } from '../engine/runner.js';

/** What `otel-context-codemod` prints: usage, the codemod list, the run summary. */

export const BIN = 'otel-context-codemod';

export function formatCodemodList(codemods: readonly Codemod[]): string {
  const rows: [string, string][] = codemods.map((c) => [c.id, c.description]);
  rows.push(['all', rows.length > 0 ? `run every codemod above, in this order (${codemods.map((c) => c.id).join(', ')})` : 'run every codemod (none are registered yet)']);
  const width = Math.max(...rows.map(([id]) => id.length));
  return rows.map(([id, description]) => `  ${id.padEnd(width)}  ${description}`).join('\n') + '\n';
}

export function formatUsage(codemods: readonly Codemod[]): string {
  return `Usage: ${BIN} <codemod|all> <paths...> [options]

Rewrites code that breaks OpenTelemetry traces. Files: .ts .tsx .mts .cts .js .jsx .mjs .cjs
under the given paths, without node_modules, build output (dist, build, out, coverage, .next)
and .gitignored paths; a file named on the command line is always taken.

Codemods:
${formatCodemodList(codemods)}
Options:
  --dry              write nothing; print a unified diff of every file that would change
  --print            write nothing; print the new source of every file that would change
  --force            write files even if they have uncommitted changes in git
  --parser <name>    parse every file with ts, tsx or babel (default: by file extension)
  --mode <mode>      codemod-specific mode, e.g. --mode=inject
  -q, --quiet        no progress line and no summary: only errors (and --dry/--print output)
  --list             list the codemods
  -h, --help         show this help
  -v, --version      print the version

Diffs and sources go to stdout; progress and the summary go to stderr.

Exit codes:
  0  done, no errors
  1  some file could not be read, parsed, transformed or written (the others were)
  2  usage error, or refused to write files with uncommitted changes (nothing was written)

Examples:
  ${BIN} --list
  ${BIN} all src --dry                 # review every change as a diff
  ${BIN} all src                       # apply them (the files must be committed first)
  ${BIN} all src/orders.ts --print     # see one file's result
  ${BIN} all . --force --parser tsx    # write over uncommitted changes; parse everything as TSX
`;
}

/**
 * What goes to stdout: the diffs of a dry run, or the new sources of a print run (each headed by
 * `==> path <==` when there are several).
 */
export function formatOutput(summary: RunSummary): string {
  const printed = summary.files.filter((f) => f.output !== undefined);
  if (printed.length > 0) {
    return printed.length === 1 ? printed[0].output! : printed.map((f) => `==> ${f.path} <==\n${f.output!}${f.output!.endsWith('\n') ? '' : '\n'}`).join('\n');
  }
  return summary.files.map((f) => f.diff ?? '').join('');
}

export interface SummaryOptions {
  quiet?: boolean;
}

/** The end-of-run report (for stderr). */
export function formatSummary(summary: RunSummary, options: SummaryOptions = {}): string {
  const out: string[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push(`${title}`, ...lines.map((l) => `  ${l}`));
  };

  const errors = summary.files
    .filter((f) => f.status === 'error')
    .map((f) => `${f.path}${f.line ? `:${f.line}:${f.column ?? 0}` : ''}: ${f.message ?? 'failed'}`);
  for (const e of summary.runErrors) errors.push(`${e.path ? `${e.path}: ` : ''}${e.message}`);
  section('Errors:', errors);

  if (summary.refused.length > 0) {
    out.push('Refusing to write: these files have uncommitted changes. Commit or stash them, or run again with --force. Nothing was written.');
    out.push(...summary.refused.map((r) => `  ${r.path}${r.reason === 'uncommitted changes' ? '' : ` (${r.reason})`}`));
  }
  if (options.quiet) return out.length > 0 ? out.join('\n') + '\n' : '';

  section(
    'Skipped:',
    summary.files.filter((f) => f.status === 'skipped').map((f) => `${f.path}: ${f.message ?? 'skipped'}`),
  );
  section(
    'Warnings:',
    summary.warnings.map((w) => `${w.path ? `${w.path}: ` : ''}${w.message}`),
  );
  if (summary.todos.length > 0) {
    section(
      `Review by hand (${summary.todos.length} TODO(otel-context) marker${summary.todos.length === 1 ? '' : 's'}):`,
      summary.todos.map((t) => `${t.path}:${t.line} ${t.ruleId} ${t.message.split('\n')[0]}`),
    );
  }
  section(
    'Notes:',
    summary.notes.map((n) => `[${n.codemod}] ${n.message}`),
  );

  const c = summary.counts;
  const changedLabel = summary.mode === 'write' && summary.refused.length === 0 ? 'changed' : 'would change';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.push(
    `${plural(c.scanned, 'file')} scanned: ${c.changed} ${changedLabel}, ${c.unchanged} unchanged, ${c.skipped} skipped, ${plural(c.errors, 'error')} (${(summary.durationMs / 1000).toFixed(2)}s)`,
  );
  return out.join('\n') + '\n';
}
