import { describe, expect, it } from 'vitest';
import { relation, relations } from '../../testing/index.js';
import { T1, T2, span } from './spans.js';

describe('relation', () => {
  it('child: direct parent in the same trace', () => {
    expect(relation([span('p', T1, 1, undefined, 0), span('c', T1, 2, 1, 1)], 'c', 'p')).toBe('child');
  });

  it('sibling: same trace, under the expected parent\'s parent (probe 6h)', () => {
    const spans = [span('outer', T1, 1, undefined, 0), span('parent', T1, 2, 1, 1), span('child', T1, 3, 1, 2)];
    expect(relation(spans, 'child', 'parent')).toBe('sibling');
  });

  it('new-root: no parent at all (probe 6a)', () => {
    expect(relation([span('a', T1, 1, undefined, 0), span('b', T2, 2, undefined, 1)], 'b', 'a')).toBe('new-root');
  });

  it('other-trace: under a recorded span of another trace (probe 5c)', () => {
    const spans = [span('req:1', T1, 1, undefined, 0), span('req:2', T2, 2, undefined, 1), span('job:2', T1, 3, 1, 2)];
    expect(relation(spans, 'job:2', 'req:2')).toBe('other-trace');
  });

  it('dangling-parent: the parent id matches no recorded span (probe 9d, or an unended parent)', () => {
    expect(relation([span('p', T1, 1, undefined, 0), span('c', T2, 2, 0xbbbb, 1)], 'c', 'p')).toBe('dangling-parent');
    expect(relation([span('p', T1, 1, undefined, 0), span('c', T1, 2, 0xbbbb, 1)], 'c', 'p')).toBe('dangling-parent');
  });

  it('other-parent: same trace, some other recorded parent', () => {
    const spans = [span('root', T1, 1, undefined, 0), span('p', T1, 2, 1, 1), span('x', T1, 3, 2, 2), span('c', T1, 4, 3, 3)];
    expect(relation(spans, 'c', 'p')).toBe('other-parent');
  });

  it('missing / parent-missing', () => {
    const spans = [span('p', T1, 1, undefined, 0)];
    expect(relation(spans, 'nope', 'p')).toBe('missing');
    expect(relation(spans, 'p', 'nope')).toBe('parent-missing');
    expect(relation(spans, 'p', 'p')).toBe('parent-missing');
  });

  it('matchers: RegExp and predicates; among several parents the direct one wins', () => {
    const spans = [
      span('req', T1, 1, undefined, 0),
      span('req', T2, 2, undefined, 1),
      span('job', T2, 3, 2, 2),
    ];
    expect(relation(spans, 'job', 'req')).toBe('child');
    expect(relation(spans, /^jo/, (s) => s.traceId === T2 && s.name === 'req')).toBe('child');
    expect(relation(spans, 'job', (s) => s.traceId === T1)).toBe('other-trace');
  });

  it('relations(): one verdict per matching child, earliest first', () => {
    const spans = [
      span('req', T1, 1, undefined, 0),
      span('job', T1, 2, 1, 1),
      span('job', T2, 3, undefined, 2),
    ];
    expect(relations(spans, 'job', 'req')).toEqual(['child', 'new-root']);
    expect(relation(spans, 'job', 'req')).toBe('child');
  });
});
