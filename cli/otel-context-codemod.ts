#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { packageInfo } from '../analysis/package-info.js';
import { runCodemods, UsageError } from '../engine/runner.js';
import type { Codemod } from '../engine/types.js';
import { BIN, formatCodemodList, formatOutput, formatSummary, formatUsage } from './report.js';
import { createProgressLine } from './progress.js';

/** The `otel-context-codemod` command: parses arguments, runs the codemods, prints, sets the exit code. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        dry: { type: 'boolean' },
        print: { type: 'boolean' },
        force: { type: 'boolean' },
        parser: { type: 'string' },
        mode: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;

  if (values.version) {
    process.stdout.write(`${packageInfo.version}\n`);
    return 0;
  }
  // The codemods load ESLint and the rules: only when they are needed.
  const { codemods: registry } = await import('../codemods/index.js');
  if (values.help) {
    process.stdout.write(formatUsage(registry));
    return 0;
  }
  if (values.list) {
    process.stdout.write(formatCodemodList(registry));
    return 0;
  }

  const [id, ...paths] = positionals;
  if (id === undefined) return usageError('no codemod given');
  const codemod = id === 'all' ? undefined : registry.find((c) => c.id === id);
  if (id !== 'all' && !codemod) {
    process.stderr.write(`${BIN}: unknown codemod "${id}". Valid codemods:\n${formatCodemodList(registry)}`);
    return 2;
  }
  if (paths.length === 0) return usageError('no paths given');
  const parser = values.parser;
  if (parser !== undefined && parser !== 'ts' && parser !== 'tsx' && parser !== 'babel') {
    return usageError(`unknown parser "${parser}" (use ts, tsx or babel)`);
  }
  const selected: readonly Codemod[] = codemod ? [codemod] : registry;
  if (selected.length === 0) return usageError('no codemods are registered');

  const progress = process.stderr.isTTY && !values.quiet ? createProgressLine(process.stderr) : undefined;
  let summary;
  try {
    summary = await runCodemods({
      codemods: selected,
      paths,
      cwd: process.cwd(),
      dry: values.dry,
      print: values.print,
      force: values.force,
      parser,
      mode: values.mode,
      onProgress: progress?.update,
    });
  } catch (error) {
    progress?.clear();
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
  progress?.clear();

  process.stdout.write(formatOutput(summary));
  process.stderr.write(formatSummary(summary, { quiet: values.quiet }));
  return summary.exitCode;
}

function usageError(message: string): number {
  process.stderr.write(`${BIN}: ${message}\nUsage: ${BIN} <codemod|all> <paths...> [--dry] [--print] [--force] [--parser ts|tsx|babel] [--mode=<m>] [--quiet]\nRun ${BIN} --help for details, --list for the codemods.\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${BIN}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
