import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The README quick start from the packed tarball, in a fresh project: `npm pack`, install it with
 * eslint, typescript and typescript-eslint, lint a sample with `configs.recommended`, run the
 * codemod (`--dry` writes nothing; the real run fixes; a second run changes nothing), and check
 * that the output type-checks and eslint is then silent.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'otel-context-pack-'));
const app = path.join(work, 'app');

const run = (cmd: string, args: string[], cwd = app) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: app, encoding: 'utf8' });
const status = () => git('status', '--porcelain', 'src');

function lintFindings(): { ruleId: string; line: number }[] {
  const r = run('npx', ['eslint', '-f', 'json', 'src']);
  const files = JSON.parse(r.stdout) as { messages: { ruleId: string; line: number }[] }[];
  return files.flatMap((f) => f.messages);
}

describe('packaging: the README quick start from the npm pack tarball', () => {
  beforeAll(() => {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    cpSync(path.join(ROOT, 'fixtures/quickstart'), app, { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'quickstart-app', private: true, type: 'module' }));
    git('init', '-q', '.');
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, packed), 'eslint@10', 'typescript@~6.0.3', 'typescript-eslint@8', '@opentelemetry/api@1']);
    if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr.slice(-2000)}`);
    writeFileSync(path.join(app, '.gitignore'), 'node_modules/\n');
    git('add', '-A');
    git('commit', '-qm', 'init');
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the tarball ships dist, docs and the bin, and no tests or fixtures', () => {
    const listing = execFileSync('tar', ['-tzf', path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!)], { encoding: 'utf8' });
    expect(listing).toContain('package/dist/index.js');
    expect(listing).toContain('package/dist/testing/index.js');
    expect(listing).toContain('package/dist/cli/otel-context-codemod.js');
    expect(listing).toContain('package/README.md');
    expect(listing).not.toMatch(/package\/(test|fixtures|harness)\//);
  });

  it('lint with configs.recommended reports both manual-span rules', () => {
    const rules = new Set(lintFindings().map((m) => m.ruleId));
    expect(rules).toContain('otel-context/no-orphan-span');
    expect(rules).toContain('otel-context/require-span-end');
  });

  it('codemod --dry prints a diff and writes nothing; the real run fixes; a rerun is a no-op; output type-checks; lint is silent', () => {
    const dry = run('npx', ['otel-context-codemod', 'all', 'src', '--dry']);
    expect(status()).toBe('');
    expect(dry.stdout).toMatch(/^[-+]/m);

    const fix = run('npx', ['otel-context-codemod', 'all', 'src']);
    expect(fix.status, fix.stderr).toBe(0);
    expect(status()).not.toBe('');
    git('add', '-A');
    git('commit', '-qm', 'fixed');

    const again = run('npx', ['otel-context-codemod', 'all', 'src']);
    expect(again.status, again.stderr).toBe(0);
    expect(status()).toBe('');

    const tsc = run('npx', ['tsc', '-p', '.']);
    expect(tsc.status, tsc.stdout).toBe(0);
    expect(lintFindings()).toEqual([]);
  });
});
