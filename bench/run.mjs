// `npm run bench`: rule overhead and codemod throughput on a corpus of 2,000+ real files, as
// ratios against baselines measured in the same run (DESIGN.md §8). Every job runs in its own
// process; the jobs of one round run back to back (A B C ... A B C ...), ratios are taken within a
// round, and each figure is the median over the rounds with its min–max.
//
//   node bench/run.mjs [--runs=3] [--quick | --fraction=0.1] [--only=typed,untyped,concurrency,codemod]
//                      [--stats-runs=1] [--profile] [--write] [--keep] [--otel-builds=src,esm]
//
// --keep: keep the temp corpus, the raw results (results.json) and the CPU profiles.
//
// --quick: every 10th file, 1 round, no profile (for developing the benchmark itself).
// --write: put the results into docs/performance.md (between the bench markers); a full run
//          (no --quick/--fraction/--only) writes by default.
// --profile: also one --cpu-prof run each of the strict typed lint and the codemod `all`,
//          summarized (bench/profile-summary.mjs) into the results.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectCorpus, countBySource, materializeCorpus, copyCorpus, writeLintConfig, removeDir, repoRoot, TSCONFIG } from './corpus.mjs';
import { measureNode, measureMethod } from './measure.mjs';
import { summarizeProfile, formatProfileSummary } from './profile-summary.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2] ?? true];
  }),
);
const quick = !!args.quick;
const fraction = Number(args.fraction ?? (quick ? 0.1 : 1));
const runs = Number(args.runs ?? (quick ? 1 : 3));
const statsRuns = Number(args['stats-runs'] ?? 1);
const only = new Set(String(args.only ?? 'typed,untyped,concurrency,codemod').split(','));
const otelBuilds = String(args['otel-builds'] ?? 'src,esm').split(',');
const fullRun = fraction >= 1 && !args.only;
const write = args.write === true || (fullRun && args.write !== 'false');
const profile = !!args.profile;

const eslintBin = path.join(repoRoot, 'node_modules/eslint/bin/eslint.js');
if (!existsSync(path.join(repoRoot, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---- corpus -------------------------------------------------------------------------------
const selection = selectCorpus({ fraction, otelBuilds });
const counts = countBySource(selection);
const corpusDir = materializeCorpus(selection);
const outDir = mkdtempSync(path.join(os.tmpdir(), 'otel-bench-out-'));
const codemodDir = only.has('codemod') ? copyCorpus(corpusDir) : undefined;
log(`corpus: ${JSON.stringify(counts)} in ${corpusDir}`);

// ---- jobs -------------------------------------------------------------------------------
const jobs = [];
const lintJob = (id, variant, typed, concurrency = 'off') => {
  const config = writeLintConfig(corpusDir, variant, { typed });
  jobs.push({ id, kind: 'lint', variant, typed, concurrency, config });
};
if (only.has('typed')) {
  lintJob('typed baseline', 'baseline', true);
  lintJob('typed checker only', 'checker', true);
  lintJob('typed strict', 'strict', true);
  lintJob('typed no-floating-promises', 'nfp', true);
  lintJob('typed no-floating-promises + strict', 'nfp+strict', true);
}
if (only.has('concurrency')) {
  if (!only.has('typed')) lintJob('typed strict', 'strict', true);
  lintJob('typed strict --concurrency=2', 'strict', true, '2');
  lintJob('typed strict --concurrency=auto', 'strict', true, 'auto');
}
if (only.has('untyped')) {
  lintJob('untyped baseline', 'baseline', false);
  lintJob('untyped strict', 'strict', false);
}
if (only.has('codemod')) {
  jobs.push({ id: 'codemod no-op (jscodeshift, typescript-estree)', kind: 'codemod', mode: 'noop-estree' });
  jobs.push({ id: 'codemod no-op (jscodeshift, babel ts/tsx)', kind: 'codemod', mode: 'noop-babel' });
  jobs.push({ id: 'codemod all --dry', kind: 'codemod', mode: 'all' });
}

function lintArgs(job, outFile, extra = []) {
  return [eslintBin, '-c', job.config, '-f', 'json', '-o', outFile, '--concurrency', job.concurrency, ...extra, '.'];
}

/** What a lint run found: fatal (parse) errors and reports per rule; identical runs must agree. */
function lintOutcome(file) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const byRule = {};
  let fatal = 0;
  for (const r of results) {
    for (const m of r.messages) {
      if (m.fatal) fatal++;
      byRule[m.ruleId ?? '(none)'] = (byRule[m.ruleId ?? '(none)'] ?? 0) + 1;
    }
  }
  return { files: results.length, fatal, byRule, results };
}

let sequence = 0;
async function runJob(job, { stats = false } = {}) {
  const n = ++sequence;
  if (job.kind === 'lint') {
    const outFile = path.join(outDir, `lint-${n}.json`);
    const m = await measureNode(lintArgs(job, outFile, stats ? ['--stats'] : []), { cwd: corpusDir });
    // ESLint exits 1 when rules report; 2 is a crash or a config error.
    if (m.code !== 0 && m.code !== 1) throw new Error(`${job.id} exited ${m.code}:\n${m.stderr}\n${m.stdout}`);
    const outcome = lintOutcome(outFile);
    removeDir(outFile);
    return { ...m, outcome };
  }
  const outFile = path.join(outDir, `codemod-${n}.json`);
  const m = await measureNode([path.join(repoRoot, 'bench/codemod-child.mjs'), job.mode, codemodDir, outFile], { cwd: codemodDir });
  if (m.code !== 0) throw new Error(`${job.id} exited ${m.code}:\n${m.stderr}`);
  return { ...m, outcome: JSON.parse(readFileSync(outFile, 'utf8')) };
}

// ---- measure ----------------------------------------------------------------------------
const loadBefore = os.loadavg();
const started = Date.now();
const samples = new Map(jobs.map((j) => [j.id, []]));
const outcomes = new Map();
const outcomeKey = (o) => JSON.stringify({ files: o.files, fatal: o.fatal, byRule: o.byRule, counts: o.counts });

// Warm the file-system cache (the corpus, and the .d.ts files typed runs read) once, not measured.
for (const typed of [false, true]) {
  if (!jobs.some((j) => j.kind === 'lint' && j.typed === typed)) continue;
  log(`warm-up: ${typed ? 'typed' : 'untyped'} baseline`);
  await runJob({ id: 'warm-up', kind: 'lint', variant: 'baseline', typed, concurrency: 'off', config: writeLintConfig(corpusDir, 'baseline', { typed }) });
}
for (let round = 1; round <= runs; round++) {
  for (const job of jobs) {
    const r = await runJob(job);
    log(`round ${round}/${runs} ${job.id}: ${(r.wallMs / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU, ${r.maxRssMiB?.toFixed(0)} MiB`);
    samples.get(job.id).push({ round, wallMs: r.wallMs, cpuMs: r.cpuMs, maxRssMiB: r.maxRssMiB });
    const key = outcomeKey(r.outcome);
    if (!outcomes.has(job.id)) outcomes.set(job.id, { key, outcome: r.outcome });
    else if (outcomes.get(job.id).key !== key) throw new Error(`${job.id}: round ${round} found something else than round 1 (${key})`);
  }
}

// Per-rule times: separate --stats runs (the timing wrappers cost something, so they are not
// mixed into the timed runs).
const ruleStats = [];
for (const job of jobs.filter((j) => j.kind === 'lint' && j.concurrency === 'off' && ['strict', 'nfp'].includes(j.variant))) {
  const perRun = [];
  for (let i = 0; i < statsRuns; i++) {
    const r = await runJob(job, { stats: true });
    const rules = {};
    let parseMs = 0;
    let totalMs = 0;
    for (const f of r.outcome.results) {
      for (const p of f.stats?.times?.passes ?? []) {
        parseMs += p.parse?.total ?? 0;
        totalMs += p.total ?? 0;
        for (const [id, t] of Object.entries(p.rules ?? {})) rules[id] = (rules[id] ?? 0) + t.total;
      }
    }
    perRun.push({ parseMs, totalMs, rules, wallMs: r.wallMs });
  }
  ruleStats.push({ job: job.id, perRun });
  log(`stats ${job.id}: done`);
}

// CPU profiles.
const profiles = [];
const profDir = profile ? mkdtempSync(path.join(os.tmpdir(), 'otel-bench-prof-')) : undefined;
if (profile) {
  for (const job of jobs.filter((j) => (j.kind === 'lint' && j.variant === 'strict' && j.concurrency === 'off') || (j.kind === 'codemod' && j.mode === 'all'))) {
    const dir = path.join(profDir, String(++sequence));
    const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    const r =
      job.kind === 'lint'
        ? await measureNode(lintArgs(job, path.join(outDir, 'profile.json')), { cwd: corpusDir, nodeArgs })
        : await measureNode([path.join(repoRoot, 'bench/codemod-child.mjs'), job.mode, codemodDir, path.join(outDir, 'profile.json')], { cwd: codemodDir, nodeArgs });
    if (r.code !== 0 && r.code !== 1) throw new Error(`profile of ${job.id} exited ${r.code}: ${r.stderr}`);
    const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile')));
    profiles.push({ job: job.id, file, summary: summarizeProfile(file, 25) });
    log(`profile ${job.id}: ${file}`);
  }
}
const loadAfter = os.loadavg();

// ---- report -----------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs, fmt) => (xs.length > 1 ? `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : fmt(xs[0]));
const sec = (ms) => (ms / 1000).toFixed(1);
const mib = (x) => x.toFixed(0);
const times = (x) => `${x.toFixed(2)}×`;

/** Ratios of `a` over `b`, round by round (both ran in the same round, back to back). */
function ratio(a, b, key) {
  const as = samples.get(a);
  const bs = samples.get(b);
  if (!as || !bs) return undefined;
  return as.map((s) => s[key] / bs.find((t) => t.round === s.round)[key]);
}

const comparisons = [
  ['typed strict', 'typed baseline', 'typed lint: `strict` vs one trivial rule'],
  ['typed no-floating-promises', 'typed baseline', 'typed lint: `no-floating-promises` alone vs one trivial rule'],
  ['typed strict', 'typed no-floating-promises', 'typed lint: `strict` vs `no-floating-promises` alone'],
  ['typed checker only', 'typed baseline', 'typed lint: creating the type checker (no query) vs one trivial rule'],
  ['typed strict', 'typed checker only', 'typed lint: `strict` vs creating the type checker'],
  ['typed no-floating-promises', 'typed checker only', 'typed lint: `no-floating-promises` vs creating the type checker'],
  ['typed no-floating-promises + strict', 'typed no-floating-promises', 'typed lint: `strict` added to `no-floating-promises`'],
  ['untyped strict', 'untyped baseline', 'untyped lint: `strict` vs one trivial rule'],
  ['typed strict --concurrency=2', 'typed strict', 'typed strict: `--concurrency=2` vs off'],
  ['typed strict --concurrency=auto', 'typed strict', 'typed strict: `--concurrency=auto` vs off'],
  ['codemod all --dry', 'codemod no-op (jscodeshift, typescript-estree)', 'codemod `all` vs jscodeshift no-op (typescript-estree)'],
  ['codemod all --dry', 'codemod no-op (jscodeshift, babel ts/tsx)', 'codemod `all` vs jscodeshift no-op (babel ts/tsx)'],
];

const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
};
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
};
const nproc = () => {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
};
const dirty = git('status', '--porcelain').split('\n').filter(Boolean).length;
const cpu = os.cpus()[0]?.model ?? '?';

const lines = [];
lines.push(`Measured ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\`${quick || fraction < 1 ? ` (fraction ${fraction})` : ''}: ${runs} interleaved round(s), ${measureMethod}.`);
lines.push('');
lines.push(`- Machine: ${os.availableParallelism()} CPUs (\`nproc\` ${nproc()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${cpu}; load average ${loadBefore.map((x) => x.toFixed(1)).join(' / ')} before, ${loadAfter.map((x) => x.toFixed(1)).join(' / ')} after (1/5/15 min).`);
lines.push(`- Versions: Node ${process.version}, ESLint ${version('eslint')}, typescript-eslint ${version('typescript-eslint')}, TypeScript ${version('typescript')}, jscodeshift ${version('jscodeshift')}, eslint-plugin-otel-context ${JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}.`);
lines.push(`- Commit: \`${git('rev-parse', 'HEAD')}\`${dirty ? ` with a dirty tree (${dirty} changed/untracked paths; dist/ built from the working tree)` : ''}.`);
lines.push(`- Corpus: ${counts.total} files — rxjs/src ${counts.rxjs ?? 0} (TypeScript), effect/src ${counts.effect ?? 0} (TypeScript), @opentelemetry/* build/{${otelBuilds.join(',')}} ${counts.otel ?? 0} (JavaScript), fixtures/ ${counts.fixtures ?? 0}. Typed runs: \`parserOptions.project\` = one generated tsconfig (\`${TSCONFIG.compilerOptions.moduleResolution}\` resolution, \`allowJs\`).`);
lines.push('');
lines.push('| run | wall s, median (min–max) | CPU s | peak RSS MiB | what it found |');
lines.push('| --- | --- | --- | --- | --- |');
for (const job of jobs) {
  const s = samples.get(job.id);
  const o = outcomes.get(job.id)?.outcome;
  const found =
    job.kind === 'lint'
      ? `${o.files} files, ${o.fatal} parse errors, ${Object.entries(o.byRule).filter(([k]) => k !== '(none)').reduce((a, [, v]) => a + v, 0)} reports`
      : `${o.counts.scanned} files, ${o.counts.errors} errors${o.counts.changed !== undefined ? `, ${o.counts.changed} would change, ${o.todos} TODOs` : ''}`;
  lines.push(`| ${job.id} | ${spread(s.map((x) => x.wallMs), sec)} | ${spread(s.map((x) => x.cpuMs), sec)} | ${spread(s.map((x) => x.maxRssMiB), mib)} | ${found} |`);
}
lines.push('');
lines.push('| ratio (same round) | wall, median (min–max) | CPU |');
lines.push('| --- | --- | --- |');
for (const [a, b, title] of comparisons) {
  const w = ratio(a, b, 'wallMs');
  const c = ratio(a, b, 'cpuMs');
  if (w) lines.push(`| ${title} | ${spread(w, times)} | ${spread(c, times)} |`);
}
for (const { job, perRun } of ruleStats) {
  lines.push('');
  lines.push(`Rule times, \`${job}\` (ESLint \`--stats\`, ${perRun.length} run(s), median; share of the linted time ESLint measured, ${sec(median(perRun.map((p) => p.totalMs)))} s, of which parsing${job.startsWith('typed') ? ' and building the TypeScript program' : ''} ${sec(median(perRun.map((p) => p.parseMs)))} s):`);
  lines.push('');
  lines.push('| rule | ms | share |');
  lines.push('| --- | --- | --- |');
  const ids = Object.keys(perRun[0].rules).sort((x, y) => median(perRun.map((p) => p.rules[y] ?? 0)) - median(perRun.map((p) => p.rules[x] ?? 0)));
  let sum = 0;
  for (const id of ids) {
    const ms = median(perRun.map((p) => p.rules[id] ?? 0));
    if (id.startsWith('otel-context/')) sum += ms;
    lines.push(`| ${id} | ${ms.toFixed(0)} | ${((ms / median(perRun.map((p) => p.totalMs))) * 100).toFixed(1)}% |`);
  }
  if (sum > 0) lines.push(`| **all otel-context rules** | **${sum.toFixed(0)}** | **${((sum / median(perRun.map((p) => p.totalMs))) * 100).toFixed(1)}%** |`);
}
for (const p of profiles) {
  lines.push('');
  lines.push(`CPU profile, \`${p.job}\` (one \`--cpu-prof\` run):`);
  lines.push('');
  lines.push('```');
  lines.push(formatProfileSummary({ ...p.summary, files: p.summary.files.slice(0, 12), functions: p.summary.functions.slice(0, 15) }));
  lines.push('```');
}
const report = lines.join('\n');
console.log(report);

writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ counts, samples: Object.fromEntries(samples), ruleStats, profiles: profiles.map((p) => ({ job: p.job, file: p.file, summary: p.summary })) }, null, 2));

if (write) {
  const doc = path.join(repoRoot, 'docs/performance.md');
  const BEGIN = '<!-- bench:begin (generated by npm run bench) -->';
  const END = '<!-- bench:end -->';
  const current = existsSync(doc) ? readFileSync(doc, 'utf8') : `# Performance\n\n${BEGIN}\n${END}\n`;
  const i = current.indexOf(BEGIN);
  const j = current.indexOf(END);
  if (i < 0 || j < i) throw new Error(`docs/performance.md has no ${BEGIN} ... ${END} block`);
  writeFileSync(doc, `${current.slice(0, i + BEGIN.length)}\n${report}\n${current.slice(j)}`);
  log('wrote docs/performance.md');
}

const temps = [corpusDir, codemodDir, outDir, profDir].filter(Boolean);
if (args.keep) log(`kept ${temps.join(', ')} (raw results: ${path.join(outDir, 'results.json')})`);
else for (const dir of temps) removeDir(dir);
