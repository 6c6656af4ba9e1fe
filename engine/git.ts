import { spawn, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * What the runner asks git: which work tree a directory is in, which paths are ignored (the exact
 * answer, with nested .gitignore files, .git/info/exclude and core.excludesFile), and which files
 * have uncommitted changes.
 */
export type RepoLookup = { kind: 'repo'; top: string } | { kind: 'none' } | { kind: 'unknown'; message: string };

const GIT_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_FLUSH: '1', LC_ALL: 'C' };
for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_LITERAL_PATHSPECS', 'GIT_GLOB_PATHSPECS']) delete GIT_ENV[name];
/** For commands taking pathspecs: file names are names, not globs (check-ignore rejects this). */
const LITERAL_ENV: NodeJS.ProcessEnv = { ...GIT_ENV, GIT_LITERAL_PATHSPECS: '1' };

const repoCache = new Map<string, RepoLookup>();

/** The git work tree containing a directory, 'none' outside git, 'unknown' when git refuses to say. */
export function findRepo(dir: string): RepoLookup {
  // The nearest directory holding a `.git` (a directory, or a file for worktrees and submodules)
  // is the only candidate, so git runs once per work tree rather than once per directory.
  let top = dir;
  while (!existsSync(path.join(top, '.git'))) {
    const parent = path.dirname(top);
    if (parent === top) return { kind: 'none' };
    top = parent;
  }
  const cached = repoCache.get(top);
  if (cached) return cached;
  const lookup = askGit(top);
  repoCache.set(top, lookup);
  return lookup;
}

function askGit(dir: string): RepoLookup {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
  let lookup: RepoLookup;
  if (result.error) lookup = { kind: 'none' }; // git is not installed
  else if (result.status === 0) {
    const top = result.stdout.trim();
    lookup = top ? { kind: 'repo', top: safeRealpath(top) } : { kind: 'none' }; // empty inside .git itself
  } else if (/not a git repository/i.test(result.stderr)) lookup = { kind: 'none' };
  else lookup = { kind: 'unknown', message: result.stderr.trim().split('\n')[0] ?? `git exited with ${result.status}` };
  return lookup;
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function toGitPath(top: string, absolutePath: string): string {
  return path.relative(top, absolutePath).split(path.sep).join('/');
}

/**
 * A long-lived `git check-ignore --stdin -z -v -n` for one work tree: every query path gets one
 * record, so answers are matched to questions in order. Rejects once git fails (the caller then
 * falls back to its own .gitignore matcher).
 */
export class GitIgnoreChecker {
  private readonly child;
  private buffer = '';
  private fields: string[] = [];
  private readonly pending: { resolve: (ignored: boolean) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(readonly top: string) {
    this.child = spawn('git', ['check-ignore', '--stdin', '-z', '-v', '-n'], { cwd: top, env: GIT_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (stderr += chunk));
    this.child.stdin.on('error', () => {}); // reported through 'close'
    this.child.on('error', (error) => this.fail(error));
    this.child.on('close', (code) => this.fail(new Error(`git check-ignore exited with ${code}: ${stderr.trim()}`)));
  }

  /** Whether each absolute path (inside this work tree, not through a symlink) is ignored. */
  query(absolutePaths: readonly string[]): Promise<boolean[]> {
    if (this.failure) return Promise.reject(this.failure);
    const answers = absolutePaths.map(
      (p) =>
        new Promise<boolean>((resolve, reject) => {
          this.pending.push({ resolve, reject });
          // "./" keeps a name that starts with ":" from being read as pathspec magic.
          this.child.stdin.write(`./${toGitPath(this.top, p)}\0`);
        }),
    );
    return Promise.all(answers);
  }

  close(): void {
    this.child.stdin.end();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nul: number;
    while ((nul = this.buffer.indexOf('\0')) !== -1) {
      this.fields.push(this.buffer.slice(0, nul));
      this.buffer = this.buffer.slice(nul + 1);
      if (this.fields.length === 4) {
        // source, line, pattern, path: an empty pattern is "not matched", a "!" pattern re-includes.
        const pattern = this.fields[2];
        this.fields = [];
        this.pending.shift()?.resolve(pattern !== '' && !pattern.startsWith('!'));
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }
}

export interface DirtyCheck {
  /** Files (absolute) with uncommitted changes, untracked files included. */
  dirty: Set<string>;
  /** Files whose state git could not tell, with the reason. */
  unknown: Map<string, string>;
}

/** `git status --porcelain -- <files>` for every work tree the files are in; files outside git are clean. */
export function uncommittedChanges(files: readonly string[]): DirtyCheck {
  const dirty = new Set<string>();
  const unknown = new Map<string, string>();
  const byRepo = new Map<string, string[]>();
  for (const file of files) {
    const repo = findRepo(path.dirname(file));
    if (repo.kind === 'none') continue;
    if (repo.kind === 'unknown') {
      unknown.set(file, repo.message);
      continue;
    }
    const list = byRepo.get(repo.top) ?? [];
    list.push(file);
    byRepo.set(repo.top, list);
  }
  const CHUNK = 200;
  for (const [top, list] of byRepo) {
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      const result = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...chunk.map((f) => toGitPath(top, f))], {
        cwd: top,
        env: LITERAL_ENV,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (result.error || result.status !== 0) {
        const message = result.error?.message ?? result.stderr.trim().split('\n')[0] ?? 'git status failed';
        for (const f of chunk) unknown.set(f, message);
        continue;
      }
      const entries = result.stdout.split('\0');
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[e];
        if (entry.length < 4) continue;
        dirty.add(path.join(top, entry.slice(3)));
        // A rename or copy is followed by its source path.
        if (entry[0] === 'R' || entry[0] === 'C') dirty.add(path.join(top, entries[++e] ?? ''));
      }
    }
  }
  return { dirty, unknown };
}
