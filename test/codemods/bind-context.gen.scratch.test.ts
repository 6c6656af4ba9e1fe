import { it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { runCodemod, fixturesRoot } from '../helpers/codemod-fixtures.js';

it('generate', () => {
  const dir = `${fixturesRoot}/codemods/bind-context`;
  for (const f of (process.env.CASES ?? '').split(',')) {
    const input = readFileSync(`${dir}/${f}.input.ts`, 'utf8');
    const res = runCodemod('bind-context', `${dir}/${f}.input.ts`, input);
    writeFileSync(`${dir}/${f}.output.ts`, res.output);
    console.log(f, res.todos);
  }
});
