// The robustness run: every rule (strict config; untyped and typed) and every codemod (each alone,
// then `all`) over the whole benchmark corpus plus fixtures/robustness and files made at run time
// (empty, a 256 KiB line, unreadable, a symlink loop, a link leaving the given paths), in a temp
// directory. It fails (exit 1) on any crash, on a codemod output that does not parse, on a second
// codemod run that changes something, on a `--dry` run that writes, on anything touched outside
// the given paths, and on an odd file without its per-file message.
//
//   node bench/robustness.mjs [--fraction=1] [--quick] [--skip=typed,untyped,codemods,cli] [--write] [--keep]
//
// --quick = --fraction=0.05. --write puts the results into docs/robustness.md (a full run writes
// by default). Needs a built dist/ (`npm run build`).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { parse as parseEstree } from '@typescript-eslint/typescript-estree';
import { selectCorpus, countBySource, materializeCorpus, removeDir, repoRoot, TSCONFIG } from './corpus.mjs';
import { makeOddTree, makeOutsideTree, hashTree, diffTrees, lintEach, codemodTwice, checkOddMessages, sourceFiles, EXPECTED_CODEMOD, EXPECTED_LINT_PARSE_ERRORS } from './robustness-core.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => /^--([^=]+)(?:=(.*))?$/.exec(a)).map((m) => [m[1], m[2] ?? true]));
const fraction = Number(args.fraction ?? (args.quick ? 0.05 : 1));
const skip = new Set(String(args.skip ?? '').split(','));
const write = args.write === true || (fraction >= 1 && !args.skip && args.write !== 'false');
const dist = (p) => path.join(repoRoot, 'dist', p);
if (!existsSync(dist('index.js'))) throw new Error('dist/ is missing: run `npm run build` first');

const { default: plugin } = await import(dist('index.js'));
const { runCodemods } = await import(dist('engine/runner.js'));
const { codemods } = await import(dist('codemods/index.js'));
const { parserFor } = await import(dist('engine/lint-fix.js'));

const started = Date.now();
const log = (...a) => console.error(`[robustness ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...a);
const problems = [];
const report = { lint: {}, codemods: [], cli: {} };

// ---- the tree -----------------------------------------------------------------------------
const root = mkdtempSync(path.join(os.tmpdir(), 'otel-robustness-'));
const target = path.join(root, 'target');
const outside = makeOutsideTree(path.join(root, 'outside'));
mkdirSync(target);
const selection = selectCorpus({ fraction });
const counts = countBySource(selection);
materializeCorpus(selection, target);
const odd = makeOddTree(target, outside);
// The links are for the codemod walker; TypeScript's include walk must not chase them.
writeFileSync(path.join(target, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, exclude: [...TSCONFIG.exclude, 'odd/loop', 'odd/escape', 'odd/linked-bom.ts'] }, null, 2));
const files = sourceFiles(target);
const oddCount = files.filter((f) => f.startsWith(odd + path.sep)).length;
log(`tree ${root}: ${files.length} source files (${JSON.stringify(counts)} + ${oddCount} odd)`);
const outsideBefore = hashTree(outside);

// ---- lint ---------------------------------------------------------------------------------
for (const typed of [false, true]) {
  const mode = typed ? 'typed' : 'untyped';
  if (skip.has(mode)) continue;
  const eslint = new ESLint({
    cwd: target,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: { parser: tsParser, parserOptions: typed ? { project: './tsconfig.json', tsconfigRootDir: target } : {} },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        plugins: { 'otel-context': plugin },
        rules: plugin.configs.strict.rules,
      },
    ],
  });
  const t0 = Date.now();
  const r = await lintEach(eslint, files, {
    cwd: target,
    onProgress: (i, n) => {
      if (i % 250 === 0) log(`lint ${mode}: ${i}/${n}`);
    },
  });
  const unexpectedParse = r.parseErrors.filter((e) => !EXPECTED_LINT_PARSE_ERRORS.some((name) => e.file === path.join('odd', name)));
  const missingParse = EXPECTED_LINT_PARSE_ERRORS.filter((name) => !r.parseErrors.some((e) => e.file === path.join('odd', name)));
  for (const c of r.crashes) problems.push({ phase: `lint ${mode}`, kind: 'crash', path: c.file, message: `${c.rule ?? '?'}: ${c.message}`, stack: c.stack });
  for (const e of unexpectedParse) problems.push({ phase: `lint ${mode}`, kind: 'parse error', path: e.file, message: e.message });
  for (const name of missingParse) problems.push({ phase: `lint ${mode}`, kind: 'missing message', path: path.join('odd', name), message: 'expected a parse error' });
  report.lint[mode] = { linted: r.linted, parseErrors: r.parseErrors.length, crashes: r.crashes.length, reports: r.reports, seconds: (Date.now() - t0) / 1000 };
  log(`lint ${mode}: ${r.linted} linted, ${r.parseErrors.length} parse errors, ${r.crashes.length} crashes`);
}

// ---- codemods, each alone and all ----------------------------------------------------------
const parse = (file, text) => parseEstree(text, { jsx: parserFor(file) === 'tsx', loc: true, range: true });
const expectedUnparsable = Object.entries(EXPECTED_CODEMOD)
  .filter(([, w]) => w.status === 'error' && !w.unprivilegedOnly)
  .map(([name]) => path.join('odd', name));
if (!skip.has('codemods')) {
  for (const list of [...codemods.map((c) => [c]), codemods]) {
    const id = list.length === 1 ? list[0].id : 'all';
    const copy = path.join(root, `codemod-${id}`);
    cpSync(target, copy, { recursive: true, verbatimSymlinks: true });
    const t0 = Date.now();
    let r;
    try {
      r = await codemodTwice({ runCodemods, codemods: list, dir: copy, parse, expectedUnparsable });
    } catch (error) {
      problems.push({ phase: `codemod ${id}`, kind: 'crash', path: '(run)', message: String(error?.message ?? error), stack: String(error?.stack ?? '') });
      removeDir(copy);
      continue;
    }
    for (const p of r.problems) problems.push({ phase: `codemod ${id}`, ...p });
    for (const m of checkOddMessages({ files: r.files, warnings: r.warnings }, 'odd', { unprivileged: false })) problems.push({ phase: `codemod ${id}`, kind: 'missing message', path: 'odd', message: m });
    report.codemods.push({ id, ...r.counts, written: r.written, todos: r.todos, parsedOutputs: r.parsedOutputs, secondChanged: r.secondChanged, problems: r.problems.length, seconds: (Date.now() - t0) / 1000 });
    log(`codemod ${id}: ${JSON.stringify(r.counts)}, ${r.parsedOutputs} outputs parse, second run changed ${r.secondChanged}, ${r.problems.length} problems`);
    removeDir(copy);
  }
}

// ---- the CLI: --dry writes nothing, per-file messages, nothing outside the paths ----------
if (!skip.has('cli')) {
  const cli = path.join(root, 'cli');
  cpSync(target, cli, { recursive: true, verbatimSymlinks: true });
  // `nobody` must be able to read the tree (all but unreadable.ts) and reach it.
  chmodSync(root, 0o755);
  const openUp = (d) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink() || e === 'unreadable.ts') continue;
      chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
      if (st.isDirectory() && e !== 'node_modules') openUp(p);
    }
  };
  openUp(cli);
  openUp(outside);
  const bin = dist('cli/otel-context-codemod.js');
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const before = hashTree(root);
  const dry = spawnSync(process.execPath, [bin, 'all', '.', '--dry'], { cwd: cli, encoding: 'utf8', maxBuffer: 1 << 30, ...asNobody });
  const afterDry = hashTree(root);
  const dryChanges = diffTrees(before, afterDry);
  for (const c of dryChanges) problems.push({ phase: 'cli --dry', kind: 'wrote', path: c, message: 'a --dry run changed the tree' });
  if (dry.status !== 1) problems.push({ phase: 'cli --dry', kind: 'exit code', path: '.', message: `expected exit 1 (some files errored), got ${dry.status}: ${dry.stderr.slice(-2000)}` });
  const stderr = dry.stderr ?? '';
  for (const [name, want] of Object.entries(EXPECTED_CODEMOD)) {
    if (want.unprivilegedOnly && !asNobody.uid) continue;
    const pattern = want.warning ?? want.message;
    const line = stderr.split('\n').find((l) => l.includes(path.join('odd', name)) && pattern.test(l.slice(l.indexOf(': ', l.indexOf(path.join('odd', name))) + 2)));
    if (!line) problems.push({ phase: 'cli --dry', kind: 'missing message', path: path.join('odd', name), message: `no stderr line matching ${pattern}` });
  }
  const summaryLine = stderr.split('\n').find((l) => /files scanned/.test(l)) ?? '';
  const wouldChange = Number(/(\d+) would change/.exec(summaryLine)?.[1] ?? NaN);
  // One `+++ b/<path>` header per file diff (a file a codemod creates has `--- /dev/null`).
  const diffs = (dry.stdout.match(/^\+\+\+ /gm) ?? []).length;
  if (diffs !== wouldChange) problems.push({ phase: 'cli --dry', kind: 'output', path: '.', message: `${diffs} diffs on stdout but the summary says ${wouldChange} would change` });
  report.cli.dry = { exit: dry.status, summary: summaryLine.trim(), diffs, asNobody: !!asNobody.uid, changedEntries: dryChanges.length };
  log(`cli --dry: exit ${dry.status}, ${summaryLine.trim()}`);

  // A real write (as root: every file readable): only files in the given path change.
  const written = spawnSync(process.execPath, [bin, 'all', '.'], { cwd: cli, encoding: 'utf8', maxBuffer: 1 << 30 });
  const afterWrite = hashTree(root);
  const writeChanges = diffTrees(afterDry, afterWrite);
  // Files changed or created (a codemod may add a module next to one it changes) under cli/ only,
  // and no temporary file of the atomic writes left behind.
  const leftovers = writeChanges.filter((c) => /\.otel-context-\d+-[0-9a-f]+\.tmp$/.test(c));
  const inside = writeChanges.filter((c) => /^(changed|added) cli\//.test(c) && !leftovers.includes(c));
  const outsideChanges = writeChanges.filter((c) => !inside.includes(c));
  for (const c of outsideChanges) problems.push({ phase: 'cli write', kind: leftovers.includes(c) ? 'temp file left' : 'outside', path: c, message: 'changed by a run on cli/ only' });
  const writeSummary = (written.stderr.split('\n').find((l) => /files scanned/.test(l)) ?? '').trim();
  const changedCount = Number(/(\d+) changed/.exec(writeSummary)?.[1] ?? NaN);
  if (inside.length !== changedCount) problems.push({ phase: 'cli write', kind: 'output', path: '.', message: `${inside.length} files changed or created on disk but the summary says ${changedCount}` });
  report.cli.write = { exit: written.status, summary: writeSummary, changedOnDisk: inside.filter((c) => c.startsWith('changed')).length, createdOnDisk: inside.filter((c) => c.startsWith('added')).length, outsideChanges: outsideChanges.length };
  log(`cli write: exit ${written.status}, ${writeSummary}`);
}
const outsideChanges = diffTrees(outsideBefore, hashTree(outside));
for (const c of outsideChanges) problems.push({ phase: 'all', kind: 'outside', path: `outside/${c}`, message: 'the tree outside the given paths changed' });

// ---- report -------------------------------------------------------------------------------
const lines = [];
lines.push(`Run ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC by \`node bench/robustness.mjs\`${fraction < 1 ? ` (fraction ${fraction})` : ''} on ${files.length} source files: the benchmark corpus (${Object.entries(counts).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v}`).join(', ')}) plus ${oddCount} odd files (fixtures/robustness and files made at run time), in ${((Date.now() - started) / 60000).toFixed(1)} min.`);
lines.push('');
lines.push('| lint (strict config, file by file) | files | parse errors | crashes | reports |');
lines.push('| --- | --- | --- | --- | --- |');
for (const [mode, r] of Object.entries(report.lint)) lines.push(`| ${mode} | ${r.linted} | ${r.parseErrors} | ${r.crashes} | ${Object.values(r.reports).reduce((a, b) => a + b, 0)} |`);
lines.push('');
lines.push('| codemod (write, then a second run) | scanned | changed | unchanged | skipped | errors | outputs parse | TODOs | second run changes | problems |');
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const c of report.codemods) lines.push(`| ${c.id} | ${c.scanned} | ${c.changed} | ${c.unchanged} | ${c.skipped} | ${c.errors} | ${c.parsedOutputs}/${c.changed} | ${c.todos} | ${c.secondChanged} | ${c.problems} |`);
if (report.cli.dry) {
  lines.push('');
  lines.push(`CLI \`all . --dry\`${report.cli.dry.asNobody ? ' as `nobody`' : ''}: exit ${report.cli.dry.exit}; "${report.cli.dry.summary}"; ${report.cli.dry.diffs} diffs on stdout; ${report.cli.dry.changedEntries} entries of the tree changed (hashes of every file, mode and mtime, before and after).`);
  lines.push(`CLI \`all .\` (write): exit ${report.cli.write.exit}; "${report.cli.write.summary}"; ${report.cli.write.changedOnDisk} files changed and ${report.cli.write.createdOnDisk} created on disk; ${report.cli.write.outsideChanges} changes outside the given path or temp files left.`);
}
lines.push('');
lines.push(problems.length === 0 ? '**No problems.**' : `**${problems.length} problem(s):**`);
for (const p of problems) lines.push(`- ${p.phase}: ${p.kind}: \`${p.path}\`: ${p.message.split('\n')[0]}`);
const text = lines.join('\n');
console.log(text);
for (const p of problems.filter((x) => x.stack || x.message.includes('\n'))) console.log(`\n### ${p.phase} ${p.kind} ${p.path}\n${p.message}\n${p.stack ?? ''}`);
writeFileSync(path.join(root, 'robustness.json'), JSON.stringify({ report, problems }, null, 2));

if (write) {
  const doc = path.join(repoRoot, 'docs/robustness.md');
  const BEGIN = '<!-- robustness:begin (generated by node bench/robustness.mjs) -->';
  const END = '<!-- robustness:end -->';
  const current = readFileSync(doc, 'utf8');
  const i = current.indexOf(BEGIN);
  const j = current.indexOf(END);
  if (i < 0 || j < i) throw new Error(`docs/robustness.md has no ${BEGIN} ... ${END} block`);
  writeFileSync(doc, `${current.slice(0, i + BEGIN.length)}\n${text}\n${current.slice(j)}`);
  log('wrote docs/robustness.md');
}
if (args.keep) log(`kept ${root}`);
else {
  chmodSync(path.join(target, 'odd/unreadable.ts'), 0o600);
  removeDir(root);
}
process.exitCode = problems.length === 0 ? 0 : 1;
