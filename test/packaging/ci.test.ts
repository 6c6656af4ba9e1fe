import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createProject, fileBlocks, packPackage, parseYaml, readDoc, PACKAGE, ROOT, type PackedPackage, type TempProject } from '../helpers/packed-project.js';

/**
 * docs/ci.md and examples/github-actions/otel-context.yml, from the packed tarball in a fresh
 * project: the documented config (typed linting), `--concurrency 2` against `--concurrency off`,
 * the SARIF output for code scanning, the example workflow's own `run:` steps, and the `--cache`
 * caveat the doc states.
 */
interface Message {
  ruleId: string | null;
  line: number;
  column: number;
  message: string;
  [key: string]: unknown;
}
interface FileResult {
  filePath: string;
  messages: Message[];
  [key: string]: unknown;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
}
interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; rules: { id: string; helpUri?: string; shortDescription?: { text: string } }[] } }; results: SarifResult[] }[];
}
interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { permissions?: Record<string, string>; steps: WorkflowStep[] }>;
}

const WORKFLOW = 'examples/github-actions/otel-context.yml';
/** The findings the sample must produce with any build of the plugin: the manual-span rules and no-bare-fetch. */
const REQUIRED = [
  ['src/checkout.ts', 'otel-context/no-orphan-span'],
  ['src/checkout.ts', 'otel-context/require-span-end'],
  ['src/inventory.ts', 'otel-context/no-bare-fetch'],
] as const;

let packed: PackedPackage;
let app: TempProject;
let serial: FileResult[];

const rel = (filePath: string) => path.relative(app.dir, filePath);
const sortResults = (results: FileResult[]) => [...results].sort((a, b) => a.filePath.localeCompare(b.filePath));

function lintJson(args: string[], env: NodeJS.ProcessEnv = {}): { results: FileResult[]; stderr: string; status: number | null } {
  const r = app.run('npx', ['eslint', '-f', 'json', ...args], { env });
  let results: FileResult[];
  try {
    results = JSON.parse(r.stdout) as FileResult[];
  } catch {
    throw new Error(`eslint printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  }
  return { results, stderr: r.stderr, status: r.status };
}

const findings = (results: FileResult[]) => results.flatMap((f) => f.messages.map((m) => `${rel(f.filePath)} ${m.line}:${m.column} ${m.ruleId}`));

/** A SARIF log from @microsoft/eslint-formatter-sarif holds exactly the findings of the JSON run, with the rules they cite. */
function expectSarifOfFindings(sarif: SarifLog): void {
  expect(sarif.version).toBe('2.1.0');
  expect(sarif.runs).toHaveLength(1);
  const { tool, results } = sarif.runs[0];
  expect(tool.driver.name).toBe('ESLint');

  const expected = serial.flatMap((f) => f.messages.map((m) => ({ file: rel(f.filePath), ruleId: m.ruleId, line: m.line, column: m.column, text: m.message })));
  const actual = results.map((res) => {
    const loc = res.locations[0].physicalLocation;
    return { file: path.relative(app.dir, new URL(loc.artifactLocation.uri).pathname), ruleId: res.ruleId, line: loc.region.startLine, column: loc.region.startColumn, text: res.message.text };
  });
  const key = (x: { file: string; line: number; column: number; ruleId: string | null }) => `${x.file}:${x.line}:${x.column}:${x.ruleId}`;
  expect([...actual].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected].sort((a, b) => key(a).localeCompare(key(b))));
  expect(results.every((res) => res.level === 'error')).toBe(true);

  const ruleIds = tool.driver.rules.map((rule) => rule.id);
  expect(new Set(ruleIds)).toEqual(new Set(expected.map((e) => e.ruleId)));
  expect(ruleIds).toHaveLength(new Set(ruleIds).size);
  for (const res of results) expect(tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
  for (const rule of tool.driver.rules) {
    expect(rule.helpUri).toMatch(new RegExp(`/docs/rules/${rule.id.replace('otel-context/', '')}\\.md$`));
    expect(rule.shortDescription?.text).toBeTruthy();
  }
}

describe('packaging: ESLint in CI (docs/ci.md) from the npm pack tarball', () => {
  beforeAll(() => {
    packed = packPackage();
    const config = fileBlocks(readDoc('docs/ci.md')).get('eslint.config.mjs');
    if (!config) throw new Error('docs/ci.md has no eslint.config.mjs block');
    app = createProject(packed, {
      name: 'ci-app',
      files: { 'fixtures/packaging/order-service': '.' },
      write: { 'eslint.config.mjs': config },
      dependencies: ['@opentelemetry/api@1'],
      devDependencies: [PACKAGE, 'eslint@10', 'typescript@~6.0.3', 'typescript-eslint@8', '@types/node@20', '@microsoft/eslint-formatter-sarif@3'],
    });
    serial = sortResults(lintJson(['--concurrency', 'off', '.']).results);
  }, 600_000);

  afterAll(() => packed?.remove());

  it('the documented config lints with type information and reports the sample patterns', () => {
    const all = findings(serial);
    for (const [file, rule] of REQUIRED) expect(all.some((f) => f.startsWith(`${file} `) && f.endsWith(` ${rule}`)), `${file} ${rule} in\n${all.join('\n')}`).toBe(true);
    expect(all.every((f) => f.split(' ')[2].startsWith('otel-context/')), all.join('\n')).toBe(true);
    // A connected file and the tracing setup stay clean.
    expect(all.filter((f) => f.startsWith('src/health.ts ') || f.startsWith('src/instrumentation.ts '))).toEqual([]);
    // no-bare-fetch in src/inventory.ts needs the setup in src/instrumentation.ts: the program, not the file.
    const fetch = serial.find((f) => rel(f.filePath) === 'src/inventory.ts')!.messages.find((m) => m.ruleId === 'otel-context/no-bare-fetch')!;
    expect(fetch.message).toContain('this program sets tracing up without the undici instrumentation');
  });

  it('--concurrency 2 runs worker threads and gives exactly the findings of --concurrency off', () => {
    const threaded = lintJson(['--concurrency', '2', '.'], { DEBUG: 'eslint:eslint' });
    expect(threaded.stderr).toMatch(/Linting using 2 worker thread\(s\)/);
    expect(threaded.status).toBe(1);
    // Enough files with findings that both workers have some.
    expect(new Set(findings(serial).map((f) => f.split(' ')[0])).size).toBeGreaterThanOrEqual(3);
    expect(sortResults(threaded.results)).toEqual(serial);
  });

  it('the example workflow: checkout, setup-node, npm ci, ESLint to SARIF, upload-sarif; its ESLint step writes SARIF 2.1.0 with the rules and the findings', () => {
    const workflow = parseYaml(readFileSync(path.join(ROOT, WORKFLOW), 'utf8')) as Workflow;
    const lint = workflow.jobs.lint;
    expect(lint.permissions).toMatchObject({ 'security-events': 'write', contents: 'read' });
    const uses = lint.steps.map((s) => s.uses?.split('@')[0] ?? s.run?.split(' ').slice(0, 2).join(' '));
    expect(uses.slice(0, 3)).toEqual(['actions/checkout', 'actions/setup-node', 'npm ci']);
    const eslintStep = lint.steps.find((s) => s.run?.includes('npx eslint'))!;
    const out = /-o (\S+)/.exec(eslintStep.run!)?.[1];
    expect(eslintStep.run).toContain('-f @microsoft/eslint-formatter-sarif');
    const upload = lint.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with?.sarif_file).toBe(out);
    expect(upload.if).toMatch(/!cancelled\(\)/);

    // The ESLint step as written: it fails the job (findings) and leaves the SARIF file for the upload.
    app.reset('HEAD');
    const step = app.run('bash', ['-e', '-c', eslintStep.run!]);
    expect(step.status, step.stderr).toBe(1);
    expectSarifOfFindings(JSON.parse(app.read(out!)) as SarifLog);
  });

  it('the example workflow: the optional codemod job prints the --dry diff into the job summary and writes no source', () => {
    app.reset('HEAD');
    const workflow = parseYaml(readFileSync(path.join(ROOT, WORKFLOW), 'utf8')) as Workflow;
    // The optional codemod job, every step after `npm ci`: prints the diff, fills the summary, writes no source.
    const preview = workflow.jobs['codemod-preview'];
    const runs = preview.steps.filter((s) => s.run && s.run !== 'npm ci').map((s) => s.run!);
    expect(runs.some((r) => r.includes('npx otel-context-codemod all src --dry'))).toBe(true);
    const summary = path.join(packed.work, 'step-summary.md');
    for (const run of runs) {
      const r = app.run('bash', ['-e', '-c', run], { env: { GITHUB_STEP_SUMMARY: summary } });
      expect(r.status, `${run}\n${r.stderr}`).toBe(0);
    }
    expect(app.git('status', '--porcelain', 'src')).toBe('');
    const diff = app.read('otel-context-codemod.diff');
    expect(diff).toMatch(/^\+\+\+ b\/src\/checkout\.ts$/m);
    expect(readFileSync(summary, 'utf8')).toContain('```diff\n--- a/src/');
  });

  it('--cache reuses stale results of files whose findings depend on another file (the caveat in docs/ci.md)', () => {
    app.reset('HEAD');
    const cacheArgs = ['--cache', '--cache-location', path.join(packed.work, 'eslintcache'), 'src/inventory.ts', 'src/instrumentation.ts'];
    const bareFetch = (results: FileResult[]) => results.flatMap((f) => f.messages).filter((m) => m.ruleId === 'otel-context/no-bare-fetch').length;

    expect(bareFetch(lintJson(cacheArgs).results)).toBe(1);
    app.copyIn('fixtures/packaging/fixed/instrumentation.ts', 'src/instrumentation.ts');
    expect(bareFetch(lintJson(cacheArgs).results), 'cached: the fixed setup is not seen').toBe(1);
    expect(bareFetch(lintJson(['src/inventory.ts', 'src/instrumentation.ts']).results), 'uncached').toBe(0);
  });
});
