import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createProject, packPackage, PACKAGE, type PackedPackage, type TempProject } from '../helpers/packed-project.js';

/**
 * The README quick start from the packed tarball, in a fresh project: `npm pack`, install it with
 * eslint, typescript and typescript-eslint, lint a sample with `configs.recommended`, run the
 * codemod (`--dry` writes nothing; the real run fixes; a second run changes nothing), and check
 * that the output type-checks and eslint is then silent.
 */
let packed: PackedPackage;
let app: TempProject;

const status = () => app.git('status', '--porcelain', 'src');

function lintFindings(): { ruleId: string; line: number }[] {
  const r = app.run('npx', ['eslint', '-f', 'json', 'src']);
  const files = JSON.parse(r.stdout) as { messages: { ruleId: string; line: number }[] }[];
  return files.flatMap((f) => f.messages);
}

describe('packaging: the README quick start from the npm pack tarball', () => {
  beforeAll(() => {
    packed = packPackage();
    app = createProject(packed, {
      name: 'quickstart-app',
      files: { 'fixtures/quickstart': '.' },
      dependencies: [PACKAGE, 'eslint@10', 'typescript@~6.0.3', 'typescript-eslint@8', '@opentelemetry/api@1'],
    });
  }, 600_000);

  afterAll(() => packed?.remove());

  it('the tarball ships dist, docs and the bin, and no tests or fixtures', () => {
    const listing = execFileSync('tar', ['-tzf', packed.tarball], { encoding: 'utf8' });
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
    const dry = app.run('npx', ['otel-context-codemod', 'all', 'src', '--dry']);
    expect(status()).toBe('');
    expect(dry.stdout).toMatch(/^[-+]/m);

    const fix = app.run('npx', ['otel-context-codemod', 'all', 'src']);
    expect(fix.status, fix.stderr).toBe(0);
    expect(status()).not.toBe('');
    app.commitAll('fixed');

    const again = app.run('npx', ['otel-context-codemod', 'all', 'src']);
    expect(again.status, again.stderr).toBe(0);
    expect(status()).toBe('');

    const tsc = app.run('npx', ['tsc', '-p', '.']);
    expect(tsc.status, tsc.stdout).toBe(0);
    expect(lintFindings()).toEqual([]);
  });
});
