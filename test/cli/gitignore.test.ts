import { describe, expect, it } from 'vitest';
import { IgnoreStack, parseGitignore } from '../../engine/gitignore.js';

const stackOf = (text: string, base = '/r') => IgnoreStack.empty().with(base, parseGitignore(text));

describe('gitignore matcher', () => {
  it.each([
    ['*.log', 'a.log', false, true],
    ['*.log', 'deep/x/a.log', false, true],
    ['*.log', 'a.logs', false, false],
    ['/root.js', 'root.js', false, true],
    ['/root.js', 'sub/root.js', false, false],
    ['build/', 'build', true, true],
    ['build/', 'build', false, false],
    ['build/', 'src/build', true, true],
    ['src/gen', 'src/gen', true, true],
    ['src/gen', 'other/src/gen', true, false],
    ['**/gen', 'a/b/gen', true, true],
    ['a/**/b', 'a/b', false, true],
    ['a/**/b', 'a/x/y/b', false, true],
    ['a/**', 'a/x/y', false, true],
    ['a/**', 'a', true, false],
    ['fo?.js', 'foo.js', false, true],
    ['fo?.js', 'fo/.js', false, false],
    ['[abc].js', 'b.js', false, true],
    ['[!abc].js', 'b.js', false, false],
    ['[!abc].js', 'd.js', false, true],
    ['\\#hash.js', '#hash.js', false, true],
    ['# comment', '# comment', false, false],
    ['trailing.js   ', 'trailing.js', false, true],
    ['space\\ ', 'space ', false, true],
    ['a.(js)+', 'a.(js)+', false, true],
  ])('%j on %j (dir: %j) -> %j', (pattern, rel, isDir, expected) => {
    expect(stackOf(pattern).ignores(`/r/${rel}`, isDir)).toBe(expected);
  });

  it('lets the last matching rule win, and negation re-include', () => {
    const stack = stackOf('*.js\n!keep.js\n');
    expect(stack.ignores('/r/x.js', false)).toBe(true);
    expect(stack.ignores('/r/keep.js', false)).toBe(false);
  });

  it('gives a nested .gitignore precedence over an outer one, relative to its own directory', () => {
    const stack = stackOf('*.gen.ts\n').with('/r/pkg', parseGitignore('!keep.gen.ts\n/local.ts\n'));
    expect(stack.ignores('/r/pkg/a.gen.ts', false)).toBe(true);
    expect(stack.ignores('/r/pkg/keep.gen.ts', false)).toBe(false);
    expect(stack.ignores('/r/pkg/local.ts', false)).toBe(true);
    expect(stack.ignores('/r/local.ts', false)).toBe(false);
    expect(stack.ignores('/r/pkg/sub/local.ts', false)).toBe(false);
  });
});
