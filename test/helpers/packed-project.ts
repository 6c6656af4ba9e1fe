import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/**
 * Temporary projects that install this package the way a user does: from the `npm pack` tarball,
 * with `npm install`, in a fresh git repository. Pack once per test file (`packPackage` in a
 * `beforeAll`), make as few projects as the file needs, and reset a project between tests with
 * `project.reset(ref)` instead of installing again.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface PackedPackage {
  /** A temporary folder that holds the tarball and every project made from it. */
  readonly work: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  remove(): void;
}

/** `npm pack` the checkout (its `dist` must be built) into a new temporary folder. */
export function packPackage(): PackedPackage {
  const work = mkdtempSync(path.join(os.tmpdir(), 'otel-context-pack-'));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  return { work, tarball: path.join(work, name), remove: () => rmSync(work, { recursive: true, force: true }) };
}

/**
 * The environment for commands in a project: without the git variables of an outer repository or
 * hook, without what `npm test` sets for this package (the lower-case `npm_*` variables, among them
 * `npm_config_local_prefix` pointing at this checkout; its node_modules/.bin on the PATH), and
 * without a husky opt-out.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('GIT_') || key.startsWith('npm_') || key === 'HUSKY') continue;
    env[key] = value;
  }
  // `npm test` also puts this checkout's node_modules/.bin on the PATH: a project must use its own.
  env.PATH = (env.PATH ?? '').split(path.delimiter).filter((dir) => !dir.startsWith(path.join(ROOT, 'node_modules'))).join(path.delimiter);
  return { ...env, CI: 'true', ...extra };
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class TempProject {
  constructor(readonly dir: string) {}

  run(cmd: string, args: readonly string[], options: RunOptions = {}): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, { cwd: options.cwd ?? this.dir, encoding: 'utf8', env: cleanEnv(options.env), maxBuffer: 64 * 1024 * 1024 });
  }

  /** A git command that must succeed; its stdout. */
  git(...args: string[]): string {
    const r = this.run('git', args);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  write(rel: string, text: string): void {
    mkdirSync(path.dirname(this.path(rel)), { recursive: true });
    writeFileSync(this.path(rel), text);
  }

  /** Copy a file or folder of this repository (relative to the repository root) into the project. */
  copyIn(fromRoot: string, rel: string): void {
    cpSync(path.join(ROOT, fromRoot), this.path(rel), { recursive: true });
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** Stage everything and commit without running hooks; the new HEAD. */
  commitAll(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--no-verify', '-m', message);
    return this.head();
  }

  /** Back to a commit: tracked files reset, untracked ones removed; ignored ones (node_modules) stay. */
  reset(ref: string): void {
    this.git('reset', '-q', '--hard', ref);
    this.git('clean', '-qfd');
  }
}

export interface ProjectSpec {
  /** Folder name under the pack's work folder, and the package name. */
  name: string;
  /** Files or folders of this repository to copy in first: repository path -> project path. */
  files?: Record<string, string>;
  /** Files to write, after the copies: project path -> text. */
  write?: Record<string, string>;
  /** Package specs (`eslint@10`); `PACKAGE` stands for this package's tarball. */
  dependencies?: readonly string[];
  devDependencies?: readonly string[];
  /** Extra package.json fields. */
  packageJson?: Record<string, unknown>;
}

/** This package, in `dependencies`/`devDependencies` of a `ProjectSpec`. */
export const PACKAGE = 'eslint-plugin-otel-context';

function specMap(specs: readonly string[], tarball: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    if (spec === PACKAGE) {
      out[PACKAGE] = `file:${tarball}`;
      continue;
    }
    const at = spec.lastIndexOf('@');
    if (at <= 0) throw new Error(`give a version range: ${spec}`);
    out[spec.slice(0, at)] = spec.slice(at + 1);
  }
  return out;
}

/**
 * A git repository with a package.json, the given files, and its dependencies installed by one
 * `npm install --prefer-offline`; `node_modules` is git-ignored and everything else is committed.
 */
export function createProject(packed: PackedPackage, spec: ProjectSpec): TempProject {
  const project = new TempProject(path.join(packed.work, spec.name));
  mkdirSync(project.dir, { recursive: true });
  for (const [from, to] of Object.entries(spec.files ?? {})) project.copyIn(from, to);
  for (const [rel, text] of Object.entries(spec.write ?? {})) project.write(rel, text);
  const pkg = {
    name: spec.name,
    version: '1.0.0',
    private: true,
    type: 'module',
    ...spec.packageJson,
    dependencies: specMap(spec.dependencies ?? [], packed.tarball),
    devDependencies: specMap(spec.devDependencies ?? [], packed.tarball),
  };
  project.write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  project.write('.gitignore', 'node_modules/\n');
  project.git('init', '-q', '-b', 'main', '.');
  project.git('config', 'user.email', 'dev@example.com');
  project.git('config', 'user.name', 'Dev');
  project.git('config', 'commit.gpgsign', 'false');
  const install = project.run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr.slice(-2000)}`);
  project.commitAll('init');
  return project;
}

/** Markdown fenced blocks whose info string names a file: ```` ```yaml file=.pre-commit-config.yaml ````. */
export function fileBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of markdown.matchAll(/^```[\w-]*[ \t]+file=(\S+)[^\n]*\n([\s\S]*?)^```$/gm)) {
    if (blocks.has(m[1])) throw new Error(`two blocks for ${m[1]}`);
    blocks.set(m[1], m[2]);
  }
  return blocks;
}

/**
 * An ESLint message template (`{{name}}` placeholders) as a regular expression for its rendered
 * text. The final period is optional: ESLint's default (stylish) formatter drops it.
 */
export function messagePattern(template: string): RegExp {
  const parts = template.replace(/\.$/, '').split(/\{\{\s*\w+\s*\}\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`${parts.join('[^\\n]+?')}\\.?`);
}

/** `yaml` (the YAML 1.2 parser lint-staged depends on), resolved as lint-staged resolves it. */
export function parseYaml(text: string): unknown {
  const yaml = createRequire(path.join(ROOT, 'node_modules/lint-staged/package.json'))('yaml') as { parse(text: string): unknown };
  return yaml.parse(text);
}

/** This package's doc, as text. */
export function readDoc(rel: string): string {
  return readFileSync(path.join(ROOT, rel), 'utf8');
}

/** The message templates of one rule, read from the plugin installed in the project. */
export function installedRuleMessages(project: TempProject, ruleId: string): Record<string, string> {
  const script = `const p = (await import('eslint-plugin-otel-context')).default; process.stdout.write(JSON.stringify(p.rules[${JSON.stringify(ruleId)}]?.meta.messages ?? null));`;
  const r = project.run('node', ['--input-type=module', '-e', script]);
  if (r.status !== 0) throw new Error(`cannot load the installed plugin: ${r.stderr}`);
  const messages = JSON.parse(r.stdout) as Record<string, string> | null;
  if (!messages) throw new Error(`the installed plugin has no rule ${ruleId}`);
  return messages;
}
