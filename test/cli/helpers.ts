import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parse } from '@typescript-eslint/typescript-estree';
import { CodemodParseError, type Codemod, type CodemodResult, type CodemodTodo } from '../../engine/types.js';

/** Fake codemods and temporary trees for the runner and CLI tests. */

/** Parses like a real codemod would, turning the parser's error into a CodemodParseError. */
function parseOrThrow(file: string, source: string): void {
  try {
    parse(source, { jsx: /\.[jt]sx$/.test(file), loc: true, range: true });
  } catch (error) {
    const e = error as { location?: { start: { line: number; column: number } }; message: string };
    throw new CodemodParseError(file, e.location?.start.line, (e.location?.start.column ?? 0) + 1, e.message);
  }
}

/** Per-file: renames the identifier `oldName` to `newName`. */
export const renameCodemod: Codemod = {
  id: 'rename',
  description: 'Rename oldName to newName',
  rules: ['fake-rule'],
  transformFile({ path: file, source }) {
    parseOrThrow(file, source);
    return { output: source.replace(/\boldName\b/g, 'newName'), todos: [] };
  },
};

/** Per-file: marks every `setInterval(` line with a TODO comment above it, idempotently. */
export const todoCodemod: Codemod = {
  id: 'todo',
  description: 'Mark setInterval calls',
  rules: ['fake-rule'],
  transformFile({ path: file, source }) {
    parseOrThrow(file, source);
    const lines = source.split('\n');
    const out: string[] = [];
    const todos: CodemodTodo[] = [];
    for (const [i, line] of lines.entries()) {
      if (line.includes('setInterval(')) {
        const indent = /^\s*/.exec(line)![0];
        if (!(lines[i - 1] ?? '').includes('TODO(otel-context)')) out.push(`${indent}// TODO(otel-context): otel-context/fake-rule: this timer leaks the request context.`);
        todos.push({ path: file, line: out.length, ruleId: 'otel-context/fake-rule', message: 'This timer leaks the request context.' });
      }
      out.push(line);
    }
    return { output: out.join('\n'), todos, notes: todos.length > 0 ? ['check the timers by hand'] : [] };
  },
};

/** Per-file: inserts a header line at the top of every file that lacks it. */
export const headerCodemod: Codemod = {
  id: 'header',
  description: 'Add a header comment',
  rules: [],
  transformFile({ source }) {
    const header = '// header\n';
    return { output: source.startsWith(header) ? source : header + source, todos: [] };
  },
};

/** Cross-file: in every file that mentions `@project`, records how many files it saw (and whether they were renamed already). */
export const projectCodemod: Codemod = {
  id: 'project',
  description: 'A cross-file codemod',
  rules: [],
  transformProject(inputs) {
    const results = new Map<string, CodemodResult>();
    const renamed = inputs.filter((i) => i.source.includes('newName')).length;
    for (const input of inputs) {
      parseOrThrow(input.path, input.source);
      if (!input.source.includes('@project')) continue;
      const line = `// project: ${inputs.length} files, ${renamed} renamed\n`;
      results.set(input.path, { output: input.source.includes(line) ? input.source : input.source + line, todos: [] });
    }
    return { results, notes: [`saw ${inputs.length} files`] };
  },
};

/** Per-file: throws on files that contain `explode`. */
export const throwingCodemod: Codemod = {
  id: 'throwing',
  description: 'Throws on some files',
  rules: [],
  transformFile({ source }) {
    if (source.includes('explode')) throw new Error('kaboom');
    return { output: source, todos: [] };
  },
};

export interface TempTree {
  dir: string;
  file(rel: string): string;
  write(rel: string, content: string | Buffer): string;
  list(): string[];
  cleanup(): void;
}

/** A temporary directory (real path) filled from a map of relative paths to contents. */
export function tempTree(files: Record<string, string | Buffer> = {}): TempTree {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'otel-cli-')));
  const tree: TempTree = {
    dir,
    file: (rel) => path.join(dir, rel),
    write(rel, content) {
      const target = path.join(dir, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
      return target;
    },
    list: () => listFiles(dir, dir),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [rel, content] of Object.entries(files)) tree.write(rel, content);
  return tree;
}

function listFiles(root: string, dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(root, path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name))]))
    .sort();
}

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

/** Makes the tree a git repository with everything committed. */
export function gitInitCommitted(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init', '--allow-empty');
}

const NOBODY = 65534;

/**
 * Runs `fn` where permission bits apply. root reads anything (so `chmod 000` proves nothing), so
 * as root it runs with the effective uid/gid of `nobody` (restored afterwards); the tree must be
 * reachable by others. Returns undefined when this process cannot switch users.
 */
export async function withoutRoot<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
  if (process.getuid?.() !== 0) return { value: await fn() };
  if (typeof process.seteuid !== 'function' || typeof process.setegid !== 'function') return undefined;
  try {
    process.setegid(NOBODY);
    process.seteuid(NOBODY);
  } catch {
    process.setegid(0);
    return undefined;
  }
  try {
    return { value: await fn() };
  } finally {
    process.seteuid(0);
    process.setegid(0);
  }
}
