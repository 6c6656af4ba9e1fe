// `npm run demo`: the 2 a.m. incident, in Node. Lints the bundled order service, shows what the
// codemods would change (--dry), applies them to a copy, then runs the service before and after
// under the real OpenTelemetry SDK and prints both traces as trees.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import plugin from '../dist/index.js';
import { codemods } from '../dist/codemods/index.js';
import { runCodemods } from '../dist/engine/runner.js';
import { checkTraceIntegrity, formatTraceTree, normalizeSpans } from '../dist/testing/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE = path.join(ROOT, 'example', 'order-service');
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s) => paint('1', s);
const dim = (s) => paint('2', s);
const red = (s) => paint('31', s);
const green = (s) => paint('32', s);
const heading = (n, s) => console.log(`\n${bold(`── ${n}. ${s} `)}${dim('─'.repeat(Math.max(0, 70 - s.length)))}\n`);

console.log(bold('The incident: ') + 'order-service P99 jumps from 120 ms to 2.8 s. In the trace UI the call to the');
console.log('inventory service (CheckStock) is not under CreateOrder; the trace just stops. Here is why, and the fix.');

// 1. Lint the service with the recommended config and type information.
heading(1, 'eslint with otel-context/recommended (typed)');
const eslint = new ESLint({
  cwd: SERVICE,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: SERVICE } } },
    plugin.configs.recommended,
  ],
});
const results = await eslint.lintFiles(['src/**/*.ts']);
let findings = 0;
for (const r of results) {
  for (const m of r.messages) {
    findings++;
    console.log(`${path.relative(SERVICE, r.filePath)}:${m.line}:${m.column}  ${red(m.ruleId ?? 'error')}`);
    console.log(`  ${m.message}`);
  }
}
console.log(`\n${findings} finding(s) in ${results.length} files.`);

// 2. A working copy outside this repo (so the codemod's git checks see a clean tree of its own).
const work = mkdtempSync(path.join(os.tmpdir(), 'otel-context-demo-'));
const before = path.join(work, 'before');
const after = path.join(work, 'after');
for (const dir of [before, after]) cpSync(SERVICE, dir, { recursive: true });
symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');

try {
  heading(2, 'otel-context-codemod all src --dry');
  const dry = await runCodemods({ codemods, paths: ['src'], cwd: after, dry: true });
  for (const f of dry.files) if (f.diff) process.stdout.write(colorDiff(f.diff));
  const applied = await runCodemods({ codemods, paths: ['src'], cwd: after, force: true });
  console.log(dim(`\n${applied.counts.changed ?? 0} file(s) changed by the codemods (applied to a copy in ${after}).`));
  for (const t of applied.todos) console.log(dim(`  review by hand: ${t.path}:${t.line} ${t.ruleId}`));

  // 3. Run both versions under the real SDK.
  heading(3, 'the trace, before and after (real SDK 2.x, in-memory exporter)');
  const beforeSpans = runService(before);
  const afterSpans = runService(after);
  printSideBySide('BEFORE', beforeSpans, 'AFTER', afterSpans);
  for (const [label, spans] of [['before', beforeSpans], ['after', afterSpans]]) {
    const under = descendants(spans, 'CheckStock', 'CreateOrder');
    const report = checkTraceIntegrity(spans);
    const line = `${label}: CheckStock under CreateOrder in ${under.found} of ${under.total} orders; ` +
      `${report.traces.length} trace(s), ${report.problems.length} integrity problem(s)`;
    console.log(under.found === under.total && report.problems.length === 0 ? green(line) : red(line));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function runService(dir) {
  const build = path.join(dir, 'build');
  mkdirSync(build, { recursive: true });
  for (const file of readdirSync(path.join(dir, 'src'))) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(path.join(dir, 'src', file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    writeFileSync(path.join(build, file.replace(/\.ts$/, '.js')), outputText);
  }
  cpSync(path.join(dir, 'drive.cjs'), path.join(build, 'drive.cjs'));
  const run = spawnSync(process.execPath, [path.join(build, 'drive.cjs')], { cwd: build, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`the service failed to run:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** How many `childName` spans have an `ancestorName` span somewhere above them in their trace. */
function descendants(rawSpans, childName, ancestorName) {
  const spans = normalizeSpans(rawSpans);
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const children = spans.filter((s) => s.name === childName);
  const found = children.filter((s) => {
    for (let p = byId.get(`${s.traceId}/${s.parentSpanId}`); p; p = byId.get(`${p.traceId}/${p.parentSpanId}`)) {
      if (p.name === ancestorName) return true;
    }
    return false;
  }).length;
  return { found, total: children.length };
}

function colorDiff(diff) {
  return diff
    .split('\n')
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? green(l) : l.startsWith('-') && !l.startsWith('---') ? red(l) : l))
    .join('\n');
}

function printSideBySide(leftTitle, leftSpans, rightTitle, rightSpans) {
  const left = `${leftTitle}\n${formatTraceTree(leftSpans)}`.split('\n');
  const right = `${rightTitle}\n${formatTraceTree(rightSpans)}`.split('\n');
  const width = Math.max(...left.map((l) => l.length)) + 4;
  const columns = process.stdout.columns ?? 0;
  if (columns && columns < width + Math.max(...right.map((l) => l.length))) {
    console.log(left.join('\n'));
    console.log();
    console.log(right.join('\n'));
    return;
  }
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    console.log((left[i] ?? '').padEnd(width) + (right[i] ?? ''));
  }
}
