import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  cleanEnv,
  createProject,
  fileBlocks,
  installedRuleMessages,
  messagePattern,
  packPackage,
  parseYaml,
  readDoc,
  PACKAGE,
  ROOT,
  TempProject,
  type PackedPackage,
} from '../helpers/packed-project.js';
import { makeHookRelease } from '../../scripts/hook-release.mjs';

/**
 * docs/pre-commit.md and .pre-commit-hooks.yaml, from the packed tarball, with real `git commit`s in
 * one temporary repository (reset between the tests): a commit that adds a bare `fetch` to a
 * program whose tracing setup registers the http instrumentation but not the undici one is refused
 * with the `no-bare-fetch` message; the commit that registers the undici instrumentation goes
 * through. Once through husky + lint-staged, once through the pre-commit framework, whose hook
 * repository is the packed package plus the manifest, at a `v<version>` tag.
 */
interface HookDefinition {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames?: boolean;
  stages?: string[];
  additional_dependencies?: string[];
  verbose?: boolean;
}

const SAMPLE = 'fixtures/packaging/order-service';
const DOC = 'docs/pre-commit.md';
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let packed: PackedPackage;
let app: TempProject;
let base: string;
let bareFetch: RegExp;
const blocks = fileBlocks(readDoc(DOC));
/** Why the `pre-commit` command cannot be had here, if it cannot. */
let missing: string | undefined;
let hookRepo: string;
let hookEnvironment: Promise<{ status: number | null; output: string }> | undefined;
let hookInstaller: ChildProcess | undefined;
const manifest = parseYaml(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookDefinition[];

/** pre-commit's store (hook environments) in the temporary folder; npm inside it prefers its cache. */
const preCommitEnv = () => ({ PRE_COMMIT_HOME: path.join(packed.work, 'pre-commit-home'), npm_config_prefer_offline: 'true' });

/** Where the documented config is written, outside the project, for install-hooks and validate-config. */
const configFile = () => path.join(packed.work, 'pre-commit-config.yaml');
/** The documented .pre-commit-config.yaml, pointing at the local hook repository. */
const preCommitConfig = () => block('.pre-commit-config.yaml').replace(/^(\s*- repo: ).*$/m, `$1${hookRepo}`);

/**
 * The hook repository as a release tag holds it, made by the release script from the packed tarball:
 * the built package with its runtime package.json fields only, plus the manifest, tagged `v<version>`.
 */
function makeHookRepo(): string {
  const dir = path.join(packed.work, 'hook-repo');
  const release = makeHookRelease({ dir, tarball: packed.tarball });
  expect(release.tag).toBe(`v${VERSION}`);
  return dir;
}

/** A command that runs while the tests go on, in its own process group; its output goes to a file, read when it ends. */
function runInBackground(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<{ status: number | null; output: string }> {
  const fd = openSync(log, 'w');
  const child = spawn(cmd, args, { cwd, env: cleanEnv(env), stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  hookInstaller = child;
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ status: null, output: String(error) }));
    child.on('exit', (status) => resolve({ status, output: readFileSync(log, 'utf8') }));
  });
}

function block(file: string): string {
  const text = blocks.get(file);
  if (!text) throw new Error(`${DOC} has no block for ${file}`);
  return text;
}

/** Stage a new file with a bare `fetch`, in a program that instruments only node:http. */
function stageBareFetch(): void {
  app.copyIn(`${SAMPLE}/src/inventory.ts`, 'src/inventory.ts');
  app.git('add', 'src/inventory.ts');
}

/** Stage the fix the message asks for: the undici instrumentation in the tracing setup. */
function stageFix(): void {
  app.copyIn('fixtures/packaging/fixed/instrumentation.ts', 'src/instrumentation.ts');
  app.git('add', 'src/instrumentation.ts');
}

function commit(message: string, env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const r = app.run('git', ['commit', '-m', message], { env });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** The refused commit: non-zero, the rule's message, nothing committed, the file still staged. */
function expectRefused(result: { status: number | null; output: string }, head: string): void {
  expect(result.status, result.output).not.toBe(0);
  expect(result.output).toMatch(bareFetch);
  expect(result.output).toContain('otel-context/no-bare-fetch');
  expect(app.head()).toBe(head);
  expect(app.git('diff', '--cached', '--name-only')).toContain('src/inventory.ts');
}

function expectCommitted(result: { status: number | null; output: string }, before: string): void {
  expect(result.status, result.output).toBe(0);
  expect(app.head()).not.toBe(before);
  expect(app.git('show', '--name-only', '--format=', 'HEAD').split('\n').filter(Boolean).sort()).toEqual(['src/instrumentation.ts', 'src/inventory.ts']);
}

describe('packaging: lint on commit (docs/pre-commit.md) from the npm pack tarball', () => {
  beforeAll(() => {
    packed = packPackage();
    hookRepo = makeHookRepo();
    missing = ensurePreCommit();
    // pre-commit's first run installs the hook environment (a minute or more): start it now, with the
    // documented config, so that it overlaps the project's npm install and the husky test.
    if (!missing) {
      writeFileSync(configFile(), preCommitConfig());
      hookEnvironment = runInBackground('pre-commit', ['install-hooks', '-c', configFile()], hookRepo, preCommitEnv(), path.join(packed.work, 'install-hooks.log'));
    }
    const config = fileBlocks(readDoc('docs/ci.md')).get('eslint.config.mjs');
    if (!config) throw new Error('docs/ci.md has no eslint.config.mjs block');
    app = createProject(packed, {
      name: 'hooks-app',
      files: {
        [`${SAMPLE}/tsconfig.json`]: 'tsconfig.json',
        [`${SAMPLE}/src/instrumentation.ts`]: 'src/instrumentation.ts',
        [`${SAMPLE}/src/health.ts`]: 'src/health.ts',
      },
      write: { 'eslint.config.mjs': config },
      dependencies: ['@opentelemetry/api@1'],
      devDependencies: [PACKAGE, 'eslint@10', 'typescript@~6.0.3', 'typescript-eslint@8', '@types/node@20', 'husky@9', 'lint-staged@16'],
    });
    base = app.head();
    bareFetch = messagePattern(installedRuleMessages(app, 'no-bare-fetch').bareFetch);
  }, 600_000);

  afterAll(() => {
    // A run that failed early must not leave the installer (and the npm it started) behind.
    if (hookInstaller?.pid && hookInstaller.exitCode === null && hookInstaller.signalCode === null) process.kill(-hookInstaller.pid, 'SIGTERM');
    packed?.remove();
  });

  describe('husky + lint-staged', () => {
    afterAll(() => app.run('git', ['config', '--unset', 'core.hooksPath']));

    it('husky init, the documented hook and lint-staged config: a bare fetch is refused with the rule message; the fixed setup commits', () => {
      app.reset(base);
      const init = app.run('npx', ['husky', 'init']);
      expect(init.status, init.stderr).toBe(0);
      expect(app.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
      app.write('.husky/pre-commit', block('.husky/pre-commit'));
      const pkg = JSON.parse(app.read('package.json')) as Record<string, unknown> & { scripts: Record<string, string> };
      expect(pkg.scripts.prepare).toBe('husky');
      app.write('package.json', `${JSON.stringify({ ...pkg, ...(JSON.parse(block('package.json')) as object) }, null, 2)}\n`);
      const setup = app.commitAll('husky + lint-staged');

      stageBareFetch();
      const refused = commit('check stock before placing the order');
      expectRefused(refused, setup);
      expect(refused.output).toContain('husky - pre-commit script failed');

      stageFix();
      expectCommitted(commit('check stock; trace fetch with the undici instrumentation'), setup);
    }, 300_000);
  });

  describe('the pre-commit framework', () => {
    it('the documented config pins this version; the two hooks are defined as docs/pre-commit.md describes', () => {
      expect(block('.pre-commit-config.yaml')).toMatch(new RegExp(`^\\s*rev: v${VERSION.replace(/\./g, '\\.')}$`, 'm'));
      const ids = [...block('.pre-commit-config.yaml').matchAll(/- id: (\S+)/g)].map((m) => m[1]);
      expect(ids).toEqual(manifest.map((h) => h.id));
      const [lint, codemod] = manifest;
      expect(lint).toMatchObject({ id: 'otel-context-lint', language: 'node', entry: 'eslint --max-warnings=0', files: '\\.(c|m)?[jt]sx?$', pass_filenames: true });
      expect(lint.stages).toBeUndefined();
      expect(codemod).toMatchObject({ id: 'otel-context-codemod-dry', language: 'node', entry: 'otel-context-codemod all --dry', stages: ['manual'], verbose: true });
      expect(codemod.additional_dependencies).toEqual(lint.additional_dependencies);
      const files = new RegExp(lint.files);
      for (const f of ['a.ts', 'a.tsx', 'a.mts', 'a.cts', 'a.js', 'a.jsx', 'a.mjs', 'a.cjs']) expect(f).toMatch(files);
      for (const f of ['a.json', 'a.md', 'a.tsbuildinfo', 'a.yml']) expect(f).not.toMatch(files);
    });

    it('the release tag (scripts/hook-release.mjs) holds the built package and the manifest, with no development-only package.json fields', () => {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: hookRepo, encoding: 'utf8' }).trim();
      expect(git('tag', '--points-at', 'HEAD')).toBe(`v${VERSION}`);
      expect(git('status', '--porcelain')).toBe('');
      const files = git('ls-files').split('\n');
      expect(files).toContain('.pre-commit-hooks.yaml');
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/cli/otel-context-codemod.js');
      const pkg = JSON.parse(readFileSync(path.join(hookRepo, 'package.json'), 'utf8')) as Record<string, unknown>;
      // pre-commit runs `npm install --include=dev` in the clone: devDependencies would install this
      // repository's test stack for every user, and scripts (prepare) would try to build it.
      for (const key of ['devDependencies', 'scripts', 'workspaces']) expect(pkg, key).not.toHaveProperty(key);
      const source = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
      for (const key of ['name', 'version', 'exports', 'bin', 'dependencies', 'peerDependencies']) expect(pkg[key], key).toEqual(source[key]);
    });

    it('the manifest and the documented config validate against pre-commit\'s schema', (ctx) => {
      if (missing) return reportGap(ctx, 'pre-commit validate-manifest / validate-config');
      for (const [cmd, file] of [['validate-manifest', path.join(ROOT, '.pre-commit-hooks.yaml')], ['validate-config', configFile()]] as const) {
        const r = app.run('pre-commit', [cmd, file]);
        expect(r.status, `${cmd}: ${r.stdout}${r.stderr}`).toBe(0);
      }
    });

    it('the otel-context-lint entry, run the way pre-commit runs it (entry + the staged files that match `files`), refuses the bare fetch', () => {
      app.reset(base);
      stageBareFetch();
      const hook = manifest.find((h) => h.id === 'otel-context-lint')!;
      const files = app.git('diff', '--cached', '--name-only').split('\n').filter((f) => f && new RegExp(hook.files).test(f));
      expect(files).toEqual(['src/inventory.ts']);
      const [cmd, ...args] = hook.entry.split(/\s+/);
      const r = app.run(cmd, [...args, ...files], { env: { PATH: `${app.path('node_modules/.bin')}${path.delimiter}${cleanEnv().PATH}` } });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(bareFetch);
    });

    it('a real git commit through `pre-commit install`: the bare fetch is refused with the rule message; the fixed setup commits', async (ctx) => {
      if (missing) return reportGap(ctx, 'a real commit through the pre-commit framework');
      const installed = await hookEnvironment!;
      expect(installed.status, `pre-commit install-hooks:\n${installed.output}`).toBe(0);
      app.reset(base);
      app.write('.pre-commit-config.yaml', preCommitConfig());
      const setup = app.commitAll('pre-commit');
      const install = app.run('pre-commit', ['install'], { env: preCommitEnv() });
      expect(install.status, install.stdout + install.stderr).toBe(0);

      stageBareFetch();
      const refused = commit('check stock before placing the order', preCommitEnv());
      expectRefused(refused, setup);
      expect(refused.output).toMatch(/otel-context \(eslint\)\.+Failed/);

      stageFix();
      const ok = commit('check stock; trace fetch with the undici instrumentation', preCommitEnv());
      expectCommitted(ok, setup);
      expect(ok.output).toMatch(/otel-context \(eslint\)\.+Passed/);
    }, 600_000);

    it('without the project\'s dependencies installed the hook fails loudly: ESLint resolves the config\'s imports from the project', (ctx) => {
      if (missing) return reportGap(ctx, 'the hook in a project without node_modules');
      renameSync(app.path('node_modules'), app.path('.node_modules.off'));
      try {
        const r = app.run('pre-commit', ['run', 'otel-context-lint', '--files', 'src/health.ts'], { env: preCommitEnv() });
        expect(r.status, r.stdout + r.stderr).not.toBe(0);
        expect(r.stdout).toMatch(/otel-context \(eslint\)\.+Failed/);
        expect(r.stdout).toMatch(/Cannot find package 'typescript-eslint' imported from \S*eslint\.config\.mjs/);
      } finally {
        renameSync(app.path('.node_modules.off'), app.path('node_modules'));
      }
    });

    it('the manual-stage codemod hook prints the --dry diff and writes nothing', (ctx) => {
      if (missing) return reportGap(ctx, 'the manual-stage codemod hook');
      app.copyIn(`${SAMPLE}/src/checkout.ts`, 'src/checkout.ts');
      app.commitAll('manual spans');
      const r = app.run('pre-commit', ['run', '--hook-stage', 'manual', 'otel-context-codemod-dry', '--files', 'src/checkout.ts'], { env: preCommitEnv() });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/otel-context-codemod --dry\.+Passed/);
      expect(r.stdout).toMatch(/^\+\+\+ b\/src\/checkout\.ts$/m);
      expect(app.git('status', '--porcelain')).toBe('');
    }, 600_000);
  });
});

/**
 * Make sure the `pre-commit` command exists: install Debian's package when it is missing and we are
 * root. The reason it cannot be had, otherwise.
 */
function ensurePreCommit(): string | undefined {
  const works = () => spawnSync('pre-commit', ['--version'], { env: cleanEnv() }).status === 0;
  if (works()) return undefined;
  if (process.getuid?.() !== 0) return 'pre-commit is not installed, and these tests are not root, so they cannot apt-get install it';
  if (spawnSync('apt-get', ['--version']).status !== 0) return 'pre-commit is not installed, and there is no apt-get to install it';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'pre-commit'], { env, encoding: 'utf8' });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env });
    r = install();
  }
  return works() ? undefined : `apt-get install pre-commit failed: ${r.stderr.slice(-500)}`;
}

/** Without the pre-commit command this test cannot run; say so in the report rather than pass in silence. */
async function reportGap(ctx: TestContext, what: string): Promise<void> {
  const message = `NOT TESTED: ${what}: ${missing}. Only the hook definitions and the lint hook's entry, run the way pre-commit runs it, were tested.`;
  console.warn(message);
  await ctx.annotate(message, 'warning');
}
