import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codemods } from '../../codemods/index.js';
import { tempTree } from './helpers.js';

/** The real, built `otel-context-codemod` (its codemods are the real registry, which may still be empty). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'dist/cli/otel-context-codemod.js');

function newestSource(): number {
  const dirs = ['cli', 'engine', 'codemods', 'analysis', 'rules'];
  let newest = 0;
  for (const dir of dirs) {
    const full = path.join(root, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full, { recursive: true }) as string[]) {
      if (f.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(full, f)).mtimeMs);
    }
  }
  return newest;
}

beforeAll(() => {
  // Build when dist/ is missing or older than the sources (`npm test` builds first anyway). Type
  // errors elsewhere in the tree do not stop tsc from emitting, so only the output is checked.
  if (!existsSync(bin) || statSync(bin).mtimeMs < newestSource()) {
    spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  }
  expect(existsSync(bin), `${bin} was not built`).toBe(true);
});

function cli(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('otel-context-codemod (built)', () => {
  it('starts with a node shebang', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('--help prints usage, options, exit codes and examples on stdout', () => {
    const { code, stdout, stderr } = cli(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: otel-context-codemod <codemod\|all> <paths\.\.\.> \[options\]/);
    for (const flag of ['--dry', '--print', '--force', '--parser <name>', '--mode <mode>', '--quiet', '--list', '--help', '--version']) expect(stdout).toContain(flag);
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toContain('otel-context-codemod all src --dry');
    for (const c of codemods) expect(stdout).toContain(c.id);
    expect(cli(['-h']).stdout).toBe(stdout);
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--list prints every registered codemod with its description, then all', () => {
    const { code, stdout } = cli(['--list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(codemods.length + 1);
    for (const [i, c] of codemods.entries()) expect(lines[i]).toMatch(new RegExp(`^  ${c.id} +${c.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(lines.at(-1)).toMatch(/^ {2}all +run every codemod/);
  });

  it('an unknown codemod exits 2 and lists the valid ones', () => {
    const { code, stdout, stderr } = cli(['no-such-codemod', 'src']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown codemod "no-such-codemod". Valid codemods:');
    for (const c of codemods) expect(stderr).toContain(`${c.id}  `);
    expect(stderr).toMatch(/^ {2}all +run every codemod/m);
  });

  it.each([
    [[], 'no codemod given'],
    [['all'], 'no paths given'],
    [['all', 'src', '--bogus'], "Unknown option '--bogus'"],
    [['all', 'src', '--parser', 'flow'], 'unknown parser "flow" (use ts, tsx or babel)'],
  ])('usage error %j exits 2: %s', (args, message) => {
    const { code, stderr } = cli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Run otel-context-codemod --help for details');
  });

  it('a path that does not exist is a usage error (exit 2), nothing is run', () => {
    const { code, stderr } = cli(['all', 'no/such/dir']);
    expect(code).toBe(2);
    expect(stderr).toContain(codemods.length > 0 ? 'no such file or directory: no/such/dir' : 'no codemods are registered');
  });

  it('runs the real codemods over a clean file: nothing on stdout, the summary on stderr, exit 0', () => {
    const tree = tempTree({ 'src/plain.ts': 'export const answer = 42;\n' });
    try {
      const { code, stdout, stderr } = cli(['all', 'src', '--dry'], tree.dir);
      if (codemods.length === 0) {
        expect(code).toBe(2);
        expect(stderr).toContain('no codemods are registered');
        return;
      }
      expect(stderr).toMatch(/1 file scanned: 0 would change, 1 unchanged, 0 skipped, 0 errors \(\d+\.\d\ds\)\n$/);
      expect(stdout).toBe('');
      expect(code).toBe(0);
      expect(cli(['all', 'src', '--dry', '--quiet'], tree.dir)).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(execFileSync('ls', [tree.file('src')], { encoding: 'utf8' })).toBe('plain.ts\n');
    } finally {
      tree.cleanup();
    }
  });
});
