#!/usr/bin/env node
// Makes the commit a pre-commit `rev: v<version>` tag points at (docs/pre-commit.md, "Releasing the
// hook repository"). pre-commit clones the hook repository at `rev` and runs `npm install` and
// `npm pack` in it, so that commit must hold the *built* package: main has no dist/. The release
// commit is the `npm pack` tarball's content plus .pre-commit-hooks.yaml, with a package.json that
// keeps only what the installed package needs (no devDependencies, scripts or workspaces: they would
// make every user's first hook run install this repository's test dependencies, or build it).
//
//   npm run build && node scripts/hook-release.mjs <empty-or-missing-dir> [--tarball=<file.tgz>]
//
// leaves a git repository in <dir> whose `main` commit is tagged `v<version>`. Push that commit and
// tag to the public repository (`git push <remote> v<version>`); a tag may point at a commit that
// shares no history with main.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The package.json fields the release keeps; everything else is for developing this repository. */
const KEEP = ['name', 'version', 'description', 'keywords', 'license', 'author', 'repository', 'homepage', 'bugs', 'type', 'main', 'types', 'exports', 'bin', 'files', 'engines', 'dependencies', 'peerDependencies', 'peerDependenciesMeta'];

/**
 * @param {{ dir: string, tarball?: string, root?: string }} options
 * @returns {{ dir: string, tag: string, commit: string }}
 */
export function makeHookRelease({ dir, tarball, root = ROOT }) {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  mkdirSync(dir, { recursive: true });
  let packDir;
  if (!tarball) {
    if (!existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    packDir = mkdtempSync(path.join(os.tmpdir(), 'otel-context-pack-'));
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop();
    tarball = path.join(packDir, name);
  }
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  } finally {
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  }
  const manifestPath = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const release = Object.fromEntries(KEEP.filter((key) => key in pkg).map((key) => [key, pkg[key]]));
  writeFileSync(manifestPath, `${JSON.stringify(release, null, 2)}\n`);
  copyFileSync(path.join(root, '.pre-commit-hooks.yaml'), path.join(dir, '.pre-commit-hooks.yaml'));

  const tag = `v${pkg.version}`;
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main', '.');
  git('add', '-A');
  const identity = ['-c', 'user.name=otel-context release', '-c', 'user.email=release@otel-context.invalid'];
  git(...identity, 'commit', '-q', '--no-verify', '-m', `Release ${tag} (built package and pre-commit hooks)`);
  git(...identity, 'tag', '-a', tag, '-m', tag);
  return { dir, tag, commit: git('rev-parse', 'HEAD') };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const tarball = args.find((a) => a.startsWith('--tarball='))?.slice('--tarball='.length);
  if (!dir) {
    console.error('usage: node scripts/hook-release.mjs <dir> [--tarball=<file.tgz>]');
    process.exit(2);
  }
  try {
    const { tag, commit } = makeHookRelease({ dir: path.resolve(dir), tarball: tarball && path.resolve(tarball) });
    console.log(`${path.resolve(dir)}: ${tag} at ${commit.slice(0, 12)}; push it with \`git -C ${dir} push <remote> ${tag}\``);
  } catch (error) {
    console.error(`hook-release: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
