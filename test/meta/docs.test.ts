import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rules } from '../../rules/index.js';
import { codemods } from '../../codemods/index.js';
import { staleFiles } from '../../scripts/generate-docs.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

const SECTIONS = ['## Why', '## ❌ Incorrect', '## ✅ Correct', '## Options', '## Without type information', '## When not to use it'];

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode & { description?: string }>;
  additionalProperties?: boolean;
  items?: SchemaNode | SchemaNode[];
}

function objectSchemas(schema: unknown): SchemaNode[] {
  const list = Array.isArray(schema) ? schema : schema ? [schema] : [];
  return (list as SchemaNode[]).filter((s) => s.type === 'object');
}

describe('every rule has its files, docs and metadata', () => {
  it('the generated README tables and rule doc headers are up to date (run `npm run docs`)', () => {
    expect(staleFiles({ rules, codemods })).toEqual([]);
  });

  for (const [id, rule] of Object.entries(rules)) {
    describe(id, () => {
      it('has a doc, a test file and a README row', () => {
        expect(existsSync(path.join(ROOT, 'docs/rules', `${id}.md`)), `docs/rules/${id}.md`).toBe(true);
        expect(existsSync(path.join(ROOT, 'test/rules', `${id}.test.ts`)), `test/rules/${id}.test.ts`).toBe(true);
        expect(read('README.md')).toContain(`| [${id}](docs/rules/${id}.md) |`);
      });

      it('has a doc with every section', () => {
        const doc = read(`docs/rules/${id}.md`);
        for (const section of SECTIONS) expect(doc, `${id}.md lacks "${section}"`).toContain(`\n${section}`);
      });

      it('has complete metadata', () => {
        const { meta } = rule;
        expect(['problem', 'suggestion', 'layout']).toContain(meta.type);
        expect(meta.docs?.description).toMatch(/^[A-Z][a-z]+ .*[^.]$/);
        expect(meta.docs?.url).toBe(`https://github.com/otel-context/eslint-plugin-otel-context/blob/main/docs/rules/${id}.md`);
        expect(Object.keys(meta.messages).length).toBeGreaterThan(0);
        for (const [messageId, text] of Object.entries(meta.messages)) {
          expect(messageId).toMatch(/^[a-z][A-Za-z0-9]*$/);
          expect(text, `${id}.${messageId} is a whole sentence`).toMatch(/[.!?]$/);
        }
        expect(meta.schema).toBeDefined();
        // Rules with options declare their defaults; rules without options declare none.
        const hasOptions = objectSchemas(meta.schema).some((s) => Object.keys(s.properties ?? {}).length > 0);
        if (hasOptions) expect(meta.defaultOptions).toBeDefined();
      });

      it('documents every option, and its schema is closed and described', () => {
        const doc = read(`docs/rules/${id}.md`);
        const options = doc.slice(doc.indexOf('## Options'), doc.indexOf('\n## ', doc.indexOf('## Options') + 3));
        for (const schema of objectSchemas(rule.meta.schema)) {
          expect(schema.additionalProperties, `${id}: additionalProperties: false`).toBe(false);
          for (const [name, prop] of Object.entries(schema.properties ?? {})) {
            expect(prop.description, `${id}: option ${name} has a description`).toBeTruthy();
            expect(options, `${id}.md documents option \`${name}\``).toContain(`\`${name}\``);
          }
        }
      });
    });
  }
});

describe('every codemod has its files', () => {
  for (const codemod of codemods) {
    it(`${codemod.id} has a doc and tests, and fixes only rules that exist`, () => {
      expect(existsSync(path.join(ROOT, 'docs/codemods', `${codemod.id}.md`)), `docs/codemods/${codemod.id}.md`).toBe(true);
      expect(existsSync(path.join(ROOT, 'test/codemods', `${codemod.id}.test.ts`)), `test/codemods/${codemod.id}.test.ts`).toBe(true);
      expect(codemod.description).toMatch(/^[A-Z].*[^.]$/);
      for (const r of codemod.rules) expect(Object.keys(rules)).toContain(r);
    });
  }
});
