// Generates the README rules/codemods tables and each rule doc's header from rule and codemod
// metadata (like eslint-doc-generator). `node scripts/generate-docs.mjs` writes; `--check` exits 1
// when a file is stale. The test suite runs the same check (test/meta/docs.test.ts).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const RULES_BEGIN = '<!-- begin auto-generated rules list -->';
export const RULES_END = '<!-- end auto-generated rules list -->';
export const CODEMODS_BEGIN = '<!-- begin auto-generated codemods list -->';
export const CODEMODS_END = '<!-- end auto-generated codemods list -->';
const HEADER_END = '<!-- end auto-generated rule header -->';

const CONFIG_EMOJI = { recommended: '✅', strict: '🔒' };

function configsOf(rule) {
  const rec = rule.meta.docs?.recommended;
  return rec === 'recommended' ? ['recommended', 'strict'] : ['strict'];
}

export function rulesTable(rules, codemods) {
  const lines = [
    '💼 Configurations enabled in: ✅ `recommended`, 🔒 `strict`.  ',
    '🔧 Automatically fixable by `eslint --fix`. 💡 Manually fixable by editor suggestions (the codemod applies them).',
    '',
    '| Name | Description | 💼 | 🔧 | 💡 | Codemod |',
    '| :-- | :-- | :-- | :-- | :-- | :-- |',
  ];
  for (const id of Object.keys(rules).sort()) {
    const rule = rules[id];
    const fixers = codemods.filter((c) => c.rules.includes(id)).map((c) => `[\`${c.id}\`](docs/codemods/${c.id}.md)`);
    lines.push(
      `| [${id}](docs/rules/${id}.md) | ${rule.meta.docs.description} | ${configsOf(rule).map((c) => CONFIG_EMOJI[c]).join(' ')} | ${rule.meta.fixable ? '🔧' : ''} | ${rule.meta.hasSuggestions ? '💡' : ''} | ${fixers.join(', ')} |`,
    );
  }
  return lines.join('\n');
}

export function codemodsTable(codemods) {
  const lines = ['| Codemod | What it does | Fixes reports of |', '| :-- | :-- | :-- |'];
  for (const c of codemods) {
    lines.push(`| [\`${c.id}\`](docs/codemods/${c.id}.md) | ${c.description} | ${c.rules.map((r) => `\`${r}\``).join(', ')} |`);
  }
  lines.push('| `all` | Runs every codemod above, in this order | every rule with a codemod |');
  return lines.join('\n');
}

export function ruleHeader(id, rule) {
  const configs = configsOf(rule);
  const lines = [`# otel-context/${id}`, '', `${rule.meta.docs.description}.`, ''];
  lines.push(
    configs.includes('recommended')
      ? '💼 This rule is enabled in the ✅ `recommended` and 🔒 `strict` configs.'
      : '💼 This rule is enabled in the 🔒 `strict` config.',
  );
  if (rule.meta.fixable) lines.push('', '🔧 This rule is automatically fixable by the `--fix` CLI option.');
  if (rule.meta.hasSuggestions) lines.push('', '💡 This rule is manually fixable by editor suggestions.');
  lines.push('', HEADER_END);
  return lines.join('\n');
}

function replaceBetween(text, begin, end, body) {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a === -1 || b === -1 || b < a) throw new Error(`markers ${begin} / ${end} not found`);
  return `${text.slice(0, a + begin.length)}\n${body}\n${text.slice(b)}`;
}

/** The doc with its generated header: everything before the first `## ` heading (or the old header) is replaced. */
export function withRuleHeader(doc, id, rule) {
  const end = doc.indexOf(HEADER_END);
  const firstSection = doc.search(/^## /m);
  const rest = end !== -1 ? doc.slice(end + HEADER_END.length).replace(/^\n+/, '') : firstSection === -1 ? '' : doc.slice(firstSection);
  return `${ruleHeader(id, rule)}\n\n${rest}`;
}

/** Every file the generator owns, with its expected content. */
export function expectedFiles({ rules, codemods, root = ROOT }) {
  const files = new Map();
  const readme = path.join(root, 'README.md');
  let text = readFileSync(readme, 'utf8');
  text = replaceBetween(text, RULES_BEGIN, RULES_END, rulesTable(rules, codemods));
  text = replaceBetween(text, CODEMODS_BEGIN, CODEMODS_END, codemodsTable(codemods));
  files.set(readme, text);
  for (const [id, rule] of Object.entries(rules)) {
    const doc = path.join(root, 'docs', 'rules', `${id}.md`);
    if (!existsSync(doc)) continue;
    files.set(doc, withRuleHeader(readFileSync(doc, 'utf8'), id, rule));
  }
  return files;
}

export function staleFiles(input) {
  return [...expectedFiles(input)].filter(([file, content]) => readFileSync(file, 'utf8') !== content).map(([file]) => path.relative(input.root ?? ROOT, file));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { rules } = await import(path.join(ROOT, 'dist', 'index.js'));
  const { codemods } = await import(path.join(ROOT, 'dist', 'codemods', 'index.js'));
  const check = process.argv.includes('--check');
  const stale = staleFiles({ rules, codemods });
  if (check) {
    if (stale.length) {
      console.error(`Stale generated docs (run \`npm run docs\`):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('docs are up to date');
  } else {
    for (const [file, content] of expectedFiles({ rules, codemods })) writeFileSync(file, content);
    console.log(stale.length ? `updated ${stale.join(', ')}` : 'docs are up to date');
  }
}
