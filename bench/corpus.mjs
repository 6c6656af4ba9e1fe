// The benchmark and robustness corpus: real TypeScript and OpenTelemetry-heavy JavaScript from
// node_modules plus this repo's fixtures, copied into a temporary directory (node_modules is never
// touched) with a generated tsconfig.json for typed linting.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = path.join(repoRoot, 'node_modules');

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION = /\.d\.[cm]?ts$/;

function listFiles(dir, accept) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (e.isFile() && accept(e.name, p)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const isSource = (name) => SOURCE_FILE.test(name) && !DECLARATION.test(name);

/**
 * The corpus, as `{ source, from, to }` (absolute source path, path inside the corpus).
 * - `rxjs`: node_modules/rxjs/src (TypeScript, relative extensionless imports);
 * - `effect`: node_modules/effect/src (TypeScript, `.js`-suffixed imports, heavy types);
 * - `otel`: the built JavaScript of every `@opentelemetry/*` package (`build/<variant>` for each
 *   variant in `otelBuilds`), copied to `otel/<package>/<variant>/` (not `build/`: the codemod
 *   runner skips directories named `build`);
 * - `fixtures`: this repo's fixtures (rule cases, codemod inputs and outputs, runtime programs),
 *   with their package.json files; not fixtures/robustness (files made not to parse), which the
 *   robustness run adds itself.
 * `fraction` < 1 keeps every n-th file of each source (a quick, still mixed corpus).
 */
export function selectCorpus({ fraction = 1, otelBuilds = ['src', 'esm'], sources = ['rxjs', 'effect', 'otel', 'fixtures'] } = {}) {
  const files = [];
  const add = (source, from, to) => files.push({ source, from, to });
  if (sources.includes('rxjs')) {
    const root = path.join(nodeModules, 'rxjs/src');
    for (const f of listFiles(root, isSource)) add('rxjs', f, path.join('rxjs', path.relative(root, f)));
  }
  if (sources.includes('effect')) {
    const root = path.join(nodeModules, 'effect/src');
    for (const f of listFiles(root, isSource)) add('effect', f, path.join('effect', path.relative(root, f)));
  }
  if (sources.includes('otel')) {
    const scope = path.join(nodeModules, '@opentelemetry');
    for (const pkg of readdirSync(scope).sort()) {
      for (const variant of otelBuilds) {
        const root = path.join(scope, pkg, 'build', variant);
        for (const f of listFiles(root, (name) => /\.(js|mjs|cjs)$/.test(name))) add('otel', f, path.join('otel', pkg, variant, path.relative(root, f)));
      }
    }
  }
  if (sources.includes('fixtures')) {
    const root = path.join(repoRoot, 'fixtures');
    const odd = path.join(root, 'robustness');
    for (const f of listFiles(root, (name, p) => (isSource(name) || name === 'package.json') && !p.startsWith(odd + path.sep))) add('fixtures', f, path.join('fixtures', path.relative(root, f)));
  }
  if (fraction >= 1) return files;
  const step = Math.max(1, Math.round(1 / fraction));
  const bySource = new Map();
  for (const f of files) bySource.set(f.source, [...(bySource.get(f.source) ?? []), f]);
  // Keep package.json files: they are not linted, but rules read them.
  return [...bySource.values()].flatMap((list) => list.filter((f, i) => i % step === 0 || f.to.endsWith('package.json')));
}

/** Source files per corpus source (package.json files are copied but not counted). */
export function countBySource(files) {
  const counts = {};
  for (const f of files) if (isSource(path.basename(f.to))) counts[f.source] = (counts[f.source] ?? 0) + 1;
  counts.total = Object.values(counts).reduce((a, b) => a + b, 0);
  return counts;
}

export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    // Bundler resolution reads both rxjs's extensionless and effect's `.js`-suffixed imports.
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'DOM'],
    types: ['node'],
    allowJs: true,
    checkJs: false,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    jsx: 'react-jsx',
    resolveJsonModule: true,
    esModuleInterop: true,
    allowImportingTsExtensions: true,
  },
  include: ['**/*'],
  exclude: ['node_modules', 'eslint.*.mjs', '*.json'],
};

/**
 * Copies the corpus into `dir` (created as a fresh temp directory when not given) and writes the
 * tsconfig.json, a root package.json and a `node_modules` symlink to this repo's node_modules (so
 * `@opentelemetry/api` imports resolve to their real types). Returns the directory.
 */
export function materializeCorpus(files, dir = mkdtempSync(path.join(os.tmpdir(), 'otel-corpus-'))) {
  for (const f of files) {
    const target = path.join(dir, f.to);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(f.from, target);
  }
  writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'otel-context-bench-corpus', private: true }, null, 2)}\n`);
  symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Copies a materialized corpus, without its lint configs (the node_modules link stays a link). */
export function copyCorpus(from, to = mkdtempSync(path.join(os.tmpdir(), 'otel-corpus-copy-'))) {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, filter: (src) => !isLintConfig(from, src) });
  return to;
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The lint variants the benchmark compares; each adds its rules to the trivial baseline rule. Every
 * variant loads the same plugins (ours, typescript-eslint's so that the corpus's `eslint-disable`
 * comments name known rules, and the bench's own), so only the rules that are on differ.
 */
export const LINT_VARIANTS = {
  // One trivial core rule: ESLint does the per-file work every rule pays for, and nothing more.
  baseline: "{ 'no-debugger': 'error' }",
  // What any typed rule pays before it asks anything: the TypeScript checker (binding every file of
  // the program). typescript-eslint builds the program for every typed run, the checker only on demand.
  checker: "{ 'no-debugger': 'error', 'bench/create-checker': 'error' }",
  strict: "{ 'no-debugger': 'error', ...plugin.configs.strict.rules }",
  recommended: "{ 'no-debugger': 'error', ...plugin.configs.recommended.rules }",
  // The peer anchor: typescript-eslint's most used typed rule, alone.
  nfp: "{ 'no-debugger': 'error', '@typescript-eslint/no-floating-promises': 'error' }",
  // Our plugin added to a config that already has a typed rule (so already has a checker).
  'nfp+strict': "{ 'no-debugger': 'error', '@typescript-eslint/no-floating-promises': 'error', ...plugin.configs.strict.rules }",
};

/**
 * Writes `eslint.<name>.mjs` into the corpus root: the @typescript-eslint parser on every source
 * extension, typed (`parserOptions.project` = the generated tsconfig: one program for the whole
 * corpus, which scales better on few cores than a project service opening 2,000 files) or not,
 * and the variant's rules. Returns the file name.
 */
export function writeLintConfig(dir, variant, { typed, pluginPath = path.join(repoRoot, 'dist/index.js') }) {
  const rules = LINT_VARIANTS[variant];
  if (!rules) throw new Error(`unknown lint variant ${variant}`);
  const pluginUrl = new URL(`file://${pluginPath}`).href;
  const name = `eslint.${variant}-${typed ? 'typed' : 'untyped'}.mjs`;
  const parserOptions = typed ? "{ project: './tsconfig.json', tsconfigRootDir: import.meta.dirname }" : '{}';
  writeFileSync(
    path.join(dir, name),
    `import parser from '@typescript-eslint/parser';
import tsPlugin from '@typescript-eslint/eslint-plugin';
import plugin from ${JSON.stringify(pluginUrl)};

const bench = {
  rules: {
    'create-checker': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        context.sourceCode.parserServices?.program?.getTypeChecker();
        return {};
      },
    },
  },
};

export default [
  { ignores: ['eslint.*.mjs'] },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    languageOptions: { parser, parserOptions: ${parserOptions} },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { 'otel-context': plugin, '@typescript-eslint': tsPlugin, bench },
    rules: ${rules},
  },
];
`,
  );
  return name;
}

/** Absolute paths of the source files in a materialized corpus (node_modules and configs left out). */
export function listCorpusSources(dir) {
  return listFiles(dir, (name, p) => isSource(name) && !isLintConfig(dir, p));
}

/** The benchmark's generated lint configs, in the corpus root (not a fixture's own eslint.config.mjs). */
function isLintConfig(root, file) {
  return path.dirname(file) === root && /^eslint\..*\.mjs$/.test(path.basename(file));
}
