import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { findRepo, GitIgnoreChecker } from './git.js';
import { IgnoreStack, parseGitignore } from './gitignore.js';

/**
 * Finds the source files under the paths given on the command line.
 *
 * - Directories are walked in name order; files with a source extension are taken.
 * - Below a given directory, `node_modules`, build output and `.git` are skipped, and so are
 *   ignored paths: `git check-ignore` answers inside a git work tree, our own .gitignore matcher
 *   (nested .gitignore files) elsewhere. A path given explicitly is always taken: the user named it.
 * - Symlinks are followed, but only to targets inside the given paths (so nothing outside them
 *   is ever touched), each real file once, and a link back to an ancestor directory is reported
 *   as a loop instead of being walked.
 */
export const SOURCE_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
export const SKIPPED_DIRECTORIES: readonly string[] = ['node_modules', 'dist', 'build', 'out', 'coverage', '.next', '.git'];

export interface FoundFile {
  /** Absolute path as reached (through symlinks). */
  path: string;
  /** Absolute path of the file itself: where it is read and written. */
  realPath: string;
}

export interface WalkIssue {
  /** Absolute path as reached. */
  path: string;
  message: string;
}

export interface WalkResult {
  files: FoundFile[];
  /** Files found but not taken, with the reason (unsupported type, link outside the given paths ...). */
  skippedFiles: WalkIssue[];
  /** Directories not walked, with the reason (symlink loops, links outside the given paths). */
  warnings: WalkIssue[];
  /** Directories that could not be read. */
  errors: WalkIssue[];
  /** Given paths that do not exist. */
  missing: string[];
}

export interface WalkOptions {
  cwd: string;
  /** Called after each directory is read, with the number of files found so far. */
  onDirectory?: (dir: string, filesFound: number) => void;
}

type Ignorer = { kind: 'git'; checker: GitIgnoreChecker } | { kind: 'gitignore' };

interface Candidate {
  name: string;
  path: string;
  realPath: string;
  isDir: boolean;
  linked: boolean;
}

interface Frame {
  dir: string; // as reached
  realDir: string;
  ignorer: Ignorer;
  stack: IgnoreStack;
  ancestors: readonly string[]; // real paths of the directories above, this one included
}

export async function walkFiles(paths: readonly string[], options: WalkOptions): Promise<WalkResult> {
  const result: WalkResult = { files: [], skippedFiles: [], warnings: [], errors: [], missing: [] };
  const roots: { given: string; real: string; stat: Stats }[] = [];
  for (const given of paths) {
    const abs = path.resolve(options.cwd, given);
    try {
      const stat = await fs.stat(abs);
      roots.push({ given: abs, real: await fs.realpath(abs), stat });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        // A dangling symlink exists but has no target.
        const isLink = await fs.lstat(abs).then((s) => s.isSymbolicLink(), () => false);
        if (isLink) result.skippedFiles.push({ path: abs, message: 'broken symlink (its target does not exist)' });
        else result.missing.push(given);
      } else if (code === 'ELOOP') result.skippedFiles.push({ path: abs, message: 'symlink loop' });
      else result.errors.push({ path: abs, message: `cannot read: ${describeError(error)}` });
    }
  }
  if (result.missing.length > 0) return result;
  const allowed = roots.map((r) => r.real);
  const inside = (real: string) => allowed.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));

  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const checkers = new Map<string, GitIgnoreChecker>();
  const checkerFor = (top: string) => {
    let checker = checkers.get(top);
    if (!checker) checkers.set(top, (checker = new GitIgnoreChecker(top)));
    return checker;
  };
  const takeFile = (file: FoundFile) => {
    if (seenFiles.has(file.realPath)) return;
    seenFiles.add(file.realPath);
    result.files.push(file);
  };

  try {
    for (const root of roots) {
      if (root.stat.isFile()) {
        if (!hasSourceExtension(root.given)) result.skippedFiles.push({ path: root.given, message: `not a source file (takes ${SOURCE_EXTENSIONS.join(' ')})` });
        else takeFile({ path: root.given, realPath: root.real });
        continue;
      }
      if (!root.stat.isDirectory()) {
        result.skippedFiles.push({ path: root.given, message: 'not a regular file' });
        continue;
      }
      const frame = await rootFrame(root.given, root.real, checkerFor);
      await walkDirectory(frame);
    }
  } finally {
    for (const checker of checkers.values()) checker.close();
  }
  return result;

  async function walkDirectory(frame: Frame): Promise<void> {
    if (seenDirs.has(frame.realDir)) return; // reached again through another link
    seenDirs.add(frame.realDir);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(frame.dir, { withFileTypes: true });
    } catch (error) {
      result.errors.push({ path: frame.dir, message: `cannot read directory: ${describeError(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    let { stack, ignorer } = frame;
    if (frame.ancestors.length > 1 && entries.some((e) => e.name === '.git')) {
      // A nested work tree (submodule, vendored clone) answers for its own files.
      ignorer = gitIgnorer(frame.realDir);
      stack = IgnoreStack.empty();
    }
    if (entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      const text = await fs.readFile(path.join(frame.realDir, '.gitignore'), 'utf8').catch(() => '');
      stack = stack.with(frame.realDir, parseGitignore(text));
    }

    // Classify every entry first (following symlinks), then ask about ignores in one batch.
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      const entryPath = path.join(frame.dir, entry.name);
      const lexicalReal = path.join(frame.realDir, entry.name);
      const type = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'link' : await lstatType(entryPath);
      if (type === 'dir') {
        if (!SKIPPED_DIRECTORIES.includes(entry.name)) candidates.push({ name: entry.name, path: entryPath, realPath: lexicalReal, isDir: true, linked: false });
      } else if (type === 'file') {
        if (hasSourceExtension(entry.name)) candidates.push({ name: entry.name, path: entryPath, realPath: lexicalReal, isDir: false, linked: false });
      } else if (type === 'link') {
        const link = await followLink(entryPath, entry.name, frame);
        if (link) candidates.push({ name: entry.name, path: entryPath, ...link, linked: true });
      }
    }

    const ignored = await ignoredFlags(candidates, ignorer, stack, frame);
    if (ignored.fallback) ignorer = { kind: 'gitignore' };
    options.onDirectory?.(frame.dir, result.files.length);

    for (const [i, c] of candidates.entries()) {
      if (ignored.flags[i]) continue;
      if (!c.isDir) {
        takeFile({ path: c.path, realPath: c.realPath });
        continue;
      }
      // A linked directory may live in another work tree (or none).
      const childIgnorer = c.linked ? gitIgnorer(c.realPath) : ignorer;
      await walkDirectory({ dir: c.path, realDir: c.realPath, ignorer: childIgnorer, stack, ancestors: [...frame.ancestors, c.realPath] });
    }
  }

  /** A symlink's target if it should be walked or taken; reports loops and links leaving the given paths. */
  async function followLink(entryPath: string, name: string, frame: Frame): Promise<{ realPath: string; isDir: boolean } | undefined> {
    let stat: Stats;
    let real: string;
    try {
      stat = await fs.stat(entryPath);
      real = await fs.realpath(entryPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!hasSourceExtension(name) && code !== 'ELOOP') return undefined;
      const message = code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? 'broken symlink (its target does not exist)' : `cannot follow symlink: ${describeError(error)}`;
      (hasSourceExtension(name) ? result.skippedFiles : result.warnings).push({ path: entryPath, message });
      return undefined;
    }
    if (stat.isDirectory()) {
      if (SKIPPED_DIRECTORIES.includes(name)) return undefined;
      if (frame.ancestors.includes(real)) {
        result.warnings.push({ path: entryPath, message: `symlink loop: points back to ${real}, a directory already being walked; not followed` });
        return undefined;
      }
      if (!inside(real)) {
        result.warnings.push({ path: entryPath, message: `symlink to ${real}, outside the given paths; not followed` });
        return undefined;
      }
      return { realPath: real, isDir: true };
    }
    if (!hasSourceExtension(name)) return undefined;
    if (!stat.isFile()) {
      result.skippedFiles.push({ path: entryPath, message: 'not a regular file' });
      return undefined;
    }
    if (!inside(real)) {
      result.skippedFiles.push({ path: entryPath, message: `symlink to ${real}, outside the given paths; not changed` });
      return undefined;
    }
    return { realPath: real, isDir: false };
  }

  async function ignoredFlags(
    candidates: readonly Candidate[],
    ignorer: Ignorer,
    stack: IgnoreStack,
    frame: Frame,
  ): Promise<{ flags: boolean[]; fallback: boolean }> {
    const own = () => candidates.map((c) => stack.ignores(path.join(frame.realDir, c.name), c.isDir));
    if (candidates.length === 0 || ignorer.kind === 'gitignore') return { flags: own(), fallback: false };
    try {
      // Ask git about the entry itself (a symlink is a file to git), by its place in this work tree.
      return { flags: await ignorer.checker.query(candidates.map((c) => path.join(frame.realDir, c.name))), fallback: false };
    } catch {
      return { flags: own(), fallback: true };
    }
  }

  function gitIgnorer(dir: string): Ignorer {
    const repo = findRepo(dir);
    return repo.kind === 'repo' ? { kind: 'git', checker: checkerFor(repo.top) } : { kind: 'gitignore' };
  }
}

/**
 * The walk state at a given directory: inside a work tree, git answers (unless the directory is
 * itself ignored: the user named it, so only the .gitignore files from there down apply); the
 * .gitignore stack from the work tree's top down is kept as the fallback.
 */
async function rootFrame(given: string, real: string, checkerFor: (top: string) => GitIgnoreChecker): Promise<Frame> {
  const repo = findRepo(real);
  let stack = IgnoreStack.empty();
  if (repo.kind === 'repo' && real !== repo.top && real.startsWith(repo.top + path.sep)) {
    const checker = checkerFor(repo.top);
    const rootIgnored = await checker.query([real]).then(([ignored]) => ignored === true, () => true);
    if (!rootIgnored) {
      // The ancestors' .gitignore files, for the fallback matcher.
      const parts = path.relative(repo.top, path.dirname(real)).split(path.sep).filter(Boolean);
      let dir = repo.top;
      for (const part of ['', ...parts]) {
        dir = part ? path.join(dir, part) : dir;
        const text = await fs.readFile(path.join(dir, '.gitignore'), 'utf8').catch(() => '');
        stack = stack.with(dir, parseGitignore(text));
      }
      return { dir: given, realDir: real, ignorer: { kind: 'git', checker }, stack, ancestors: [real] };
    }
    return { dir: given, realDir: real, ignorer: { kind: 'gitignore' }, stack, ancestors: [real] };
  }
  const ignorer: Ignorer = repo.kind === 'repo' ? { kind: 'git', checker: checkerFor(repo.top) } : { kind: 'gitignore' };
  return { dir: given, realDir: real, ignorer, stack, ancestors: [real] };
}

async function lstatType(file: string): Promise<'dir' | 'file' | 'link' | 'other'> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat) return 'other';
  return stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'link' : 'other';
}

export function hasSourceExtension(file: string): boolean {
  return SOURCE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `permission denied (${e.code})`;
  if (e?.code) return `${e.code}: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`;
  return e?.message ?? String(error);
}
