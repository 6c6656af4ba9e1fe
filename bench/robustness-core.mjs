// The checks of the robustness run, shared by `bench/robustness.mjs` (whole corpus, built plugin,
// typed and untyped) and `test/robustness/` (a sample, TypeScript sources, untyped). The engine
// (ESLint, runCodemods, the codemods, the rules, the parser) is passed in, so each caller decides
// what it tests.
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const oddFixtures = path.join(repoRoot, 'fixtures/robustness');

/**
 * What the codemod runner must say about each odd file (relative to the odd folder): `error` or
 * `skipped` with a message matching the pattern, or a walk warning. Files not listed must be
 * processed without an error. `unreadable.ts` is readable for root: it errors only where the run
 * drops privileges.
 */
export const EXPECTED_CODEMOD = {
  'syntax-error.ts': { status: 'error', message: /^cannot parse: / },
  'garbage-text.ts': { status: 'error', message: /^cannot parse: / },
  'binary-junk.ts': { status: 'skipped', message: /^not a text file \(contains NUL bytes\)/ },
  'latin1.ts': { status: 'skipped', message: /^not a text file \(invalid UTF-8\)/ },
  'unreadable.ts': { status: 'error', message: /^cannot read: permission denied \(EACCES\)/, unprivilegedOnly: true },
  loop: { warning: /symlink loop/ },
  escape: { warning: /outside|leaves/ },
};

/** Lint: the files whose parse must fail (a fatal message); every other file must parse. */
export const EXPECTED_LINT_PARSE_ERRORS = ['syntax-error.ts', 'garbage-text.ts', 'binary-junk.ts'];

/**
 * Fills `<dir>/odd` with fixtures/robustness plus what cannot be stored in git usefully: an empty
 * file, a single-line file of about 256 KiB, an unreadable file (mode 000), a file reached through a link, a
 * symlink loop, and a link leaving the given paths (to `outsideDir`, which must exist).
 */
export function makeOddTree(dir, outsideDir) {
  const odd = path.join(dir, 'odd');
  mkdirSync(odd, { recursive: true });
  cpSync(oddFixtures, odd, { recursive: true, filter: (src) => !src.endsWith('README.md') });
  writeFileSync(path.join(odd, 'empty.ts'), '');
  // A minified-style line: 256 KiB of data around one function the rules report.
  const data = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 10007).join(',');
  writeFileSync(
    path.join(odd, 'long-line.ts'),
    `import { trace } from '@opentelemetry/api'; const tracer = trace.getTracer('long'); export const table = [${data}]; export async function f() { const s = tracer.startSpan('long'); await fetch('http://x.invalid/', { headers: { traceparent: 'x' } }); s.end(); } export const blob = '${'x'.repeat(128 * 1024)}';\n`,
  );
  writeFileSync(path.join(odd, 'unreadable.ts'), "import { trace } from '@opentelemetry/api';\nexport const span = trace.getTracer('u').startSpan('u');\n");
  chmodSync(path.join(odd, 'unreadable.ts'), 0o000);
  symlinkSync('..', path.join(odd, 'loop'));
  symlinkSync(path.relative(odd, outsideDir), path.join(odd, 'escape'));
  symlinkSync('bom.ts', path.join(odd, 'linked-bom.ts'));
  return odd;
}

/** A file tree that a link leaving the given paths points into; a run must never touch it. */
export function makeOutsideTree(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'victim.ts'),
    "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('victim');\nexport async function f() {\n  const span = tracer.startSpan('victim');\n  await fetch('http://victim.invalid/', { headers: { traceparent: 'x' } });\n  span.end();\n}\n",
  );
  return dir;
}

/** Every entry under `dir` (links not followed): content hash and mode of files, link targets, directory modes. */
export function hashTree(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, `dir ${(st.mode & 0o7777).toString(8)}`);
        if (name !== 'node_modules') walk(p);
      } else {
        let hash = 'unreadable';
        try {
          hash = createHash('sha256').update(readFileSync(p)).digest('hex');
        } catch {
          // mode 000 for an unprivileged reader: the mode is compared instead
        }
        out.set(rel, `file ${(st.mode & 0o7777).toString(8)} ${st.size} ${hash} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** What differs between two `hashTree` results: added, removed and changed entries. */
export function diffTrees(before, after) {
  const changes = [];
  for (const [k, v] of before) if (!after.has(k)) changes.push(`removed ${k}`);
  else if (after.get(k) !== v) changes.push(`changed ${k}`);
  for (const k of after.keys()) if (!before.has(k)) changes.push(`added ${k}`);
  return changes;
}

/**
 * Lints `files` one by one with an `ESLint` instance, so a rule that throws on one file is
 * reported with that file and the run goes on. Returns the counts, the parse errors, the crashes.
 */
export async function lintEach(eslint, files, { cwd, onProgress } = {}) {
  const result = { linted: 0, parseErrors: [], crashes: [], reports: {} };
  for (const [i, file] of files.entries()) {
    onProgress?.(i, files.length, file);
    try {
      const [r] = await eslint.lintFiles([file]);
      result.linted++;
      for (const m of r?.messages ?? []) {
        if (m.fatal) result.parseErrors.push({ file: path.relative(cwd, file), message: `${m.line}:${m.column} ${m.message}` });
        else result.reports[m.ruleId ?? '(none)'] = (result.reports[m.ruleId ?? '(none)'] ?? 0) + 1;
      }
    } catch (error) {
      const message = String(error?.message ?? error);
      result.crashes.push({ file: path.relative(cwd, file), rule: /Rule: "([^"]+)"/.exec(message)?.[1], message: message.split('\n')[0], stack: String(error?.stack ?? '').split('\n').slice(0, 12).join('\n') });
    }
  }
  return result;
}

/**
 * Runs a codemod list over `dir` twice: once writing (forced), then dry. Checks that no file
 * crashed a codemod, that only expected files failed to parse, that every written file parses
 * again and kept its BOM and CRLF line endings, and that the second run changes nothing.
 * `parse(file, text)` throws on a parse error.
 */
export async function codemodTwice({ runCodemods, codemods, dir, parse, expectedUnparsable = [] }) {
  const endings = new Map();
  for (const file of sourceFiles(dir)) {
    try {
      const bytes = readFileSync(file);
      const text = bytes.toString('utf8');
      endings.set(realpathSync(file), { bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, crlf: text.includes('\r\n') && !/(^|[^\r])\n/.test(text) });
    } catch {
      // unreadable: the run reports it
    }
  }
  const first = await runCodemods({ codemods, paths: ['.'], cwd: dir, force: true });
  const problems = [];
  for (const f of first.files) {
    if (f.status !== 'error') continue;
    const expected = expectedUnparsable.includes(f.path) && /^cannot parse: /.test(f.message ?? '');
    if (!expected) problems.push({ kind: /^codemod .* failed/.test(f.message ?? '') ? 'crash' : 'error', path: f.path, message: f.message });
  }
  for (const e of first.runErrors) problems.push({ kind: 'crash', path: e.path, message: e.message });
  let parsedOutputs = 0;
  for (const f of first.files.filter((x) => x.status === 'changed')) {
    const text = readFileSync(f.absolutePath, 'utf8');
    const was = endings.get(realpathSync(f.absolutePath));
    if (was?.bom && text.charCodeAt(0) !== 0xfeff) problems.push({ kind: 'corrupt', path: f.path, message: 'the UTF-8 BOM was lost' });
    if (was && !was.bom && text.charCodeAt(0) === 0xfeff) problems.push({ kind: 'corrupt', path: f.path, message: 'a BOM was added' });
    if (was?.crlf && /(^|[^\r])\n/.test(text)) problems.push({ kind: 'corrupt', path: f.path, message: 'a CRLF file now has LF line endings' });
    try {
      parse(f.absolutePath, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      parsedOutputs++;
    } catch (error) {
      problems.push({ kind: 'corrupt', path: f.path, message: `the output does not parse: ${String(error?.message ?? error).split('\n')[0]}` });
    }
  }
  const second = await runCodemods({ codemods, paths: ['.'], cwd: dir, dry: true });
  for (const f of second.files.filter((x) => x.status === 'changed')) {
    problems.push({ kind: 'not idempotent', path: f.path, message: `a second run changes it (${(f.changedBy ?? []).join(', ')}):\n${(f.diff ?? '').split('\n').slice(0, 16).join('\n')}` });
  }
  for (const f of second.files.filter((x) => x.status === 'error')) {
    if (!first.files.some((g) => g.path === f.path && g.status === 'error')) problems.push({ kind: 'second run error', path: f.path, message: f.message });
  }
  return { counts: first.counts, written: first.written, todos: first.todos.length, parsedOutputs, secondChanged: second.counts.changed, problems, files: first.files, warnings: first.warnings };
}

/**
 * Checks a run's per-file messages for the odd files (`oddRel` = the odd folder relative to the
 * run's cwd): each expected error/skip/warning is there with its message; the other odd files
 * went through without error.
 */
export function checkOddMessages(summary, oddRel, { unprivileged }) {
  const missing = [];
  const byPath = new Map(summary.files.map((f) => [f.path, f]));
  for (const [name, want] of Object.entries(EXPECTED_CODEMOD)) {
    const rel = path.join(oddRel, name);
    if (want.warning) {
      const found = [...summary.warnings, ...summary.files.filter((f) => f.status === 'skipped').map((f) => ({ path: f.path, message: f.message }))].find(
        (w) => (w.path === rel || w.path?.startsWith(`${rel}${path.sep}`)) && want.warning.test(w.message),
      );
      if (!found) missing.push(`${rel}: no warning matching ${want.warning}`);
      continue;
    }
    if (want.unprivilegedOnly && !unprivileged) continue;
    const f = byPath.get(rel);
    if (!f || f.status !== want.status || !want.message.test(f.message ?? '')) missing.push(`${rel}: expected ${want.status} ${want.message}, got ${f ? `${f.status} ${f.message ?? ''}` : 'nothing'}`);
  }
  for (const f of summary.files) {
    if (!f.path.startsWith(`${oddRel}${path.sep}`)) continue;
    const name = path.relative(oddRel, f.path);
    if (!EXPECTED_CODEMOD[name] && f.status === 'error') missing.push(`${f.path}: unexpected error ${f.message}`);
  }
  return missing;
}

/** Sorted list of source files under `dir` (links not followed, node_modules skipped). */
export function sourceFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name) && !/^eslint\..*\.mjs$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}
