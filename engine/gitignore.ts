import path from 'node:path';

/**
 * A `.gitignore` matcher (gitignore(5) pattern syntax), used where `git check-ignore` cannot
 * answer: outside a git work tree, or when git is missing or fails.
 */
export interface IgnoreRule {
  pattern: string;
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    // Trailing spaces are dropped unless escaped with a backslash.
    line = line.replace(/(?<!\\)\s+$/, '');
    if (line.endsWith('\\ ')) line = line.slice(0, -2) + ' ';
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    if (line === '') continue;
    // A slash at the start or in the middle anchors the pattern to the .gitignore's directory;
    // otherwise it matches at any depth.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = anchored ? line : `**/${line}`;
    rules.push({ pattern: line, negate, dirOnly, regex: new RegExp(`^${globToRegex(body)}$`) });
  }
  return rules;
}

function globToRegex(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const atEnd = i + 2 === glob.length;
      const beforeSlash = glob[i + 2] === '/';
      if (atStart && beforeSlash) {
        out += '(?:.*/)?'; // "**/" : zero or more directories
        i += 3;
        continue;
      }
      if (atStart && atEnd) {
        out += '.*'; // "/**" : everything inside
        i += 2;
        continue;
      }
      // Other consecutive asterisks are ordinary asterisks.
      while (glob[i] === '*') i++;
      out += '[^/]*';
      continue;
    }
    if (c === '*') {
      out += '[^/]*';
      i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1]);
      i += 2;
      continue;
    }
    if (c === '[') {
      const close = findClassEnd(glob, i);
      if (close > 0) {
        let body = glob.slice(i + 1, close);
        let negated = false;
        if (body.startsWith('!') || body.startsWith('^')) {
          negated = true;
          body = body.slice(1);
        }
        const escaped = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&');
        out += negated ? `[^/${escaped}]` : `[${escaped}]`;
        i = close + 1;
        continue;
      }
    }
    out += escapeRegex(c);
    i++;
  }
  return out;
}

function findClassEnd(glob: string, open: number): number {
  let i = open + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++; // a leading ] is literal
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The .gitignore files that apply in a directory, outermost first. */
export class IgnoreStack {
  private constructor(private readonly layers: readonly { base: string; rules: readonly IgnoreRule[] }[]) {}

  static empty(): IgnoreStack {
    return new IgnoreStack([]);
  }

  /** This stack plus the rules of a `.gitignore` in `base` (an absolute directory). */
  with(base: string, rules: readonly IgnoreRule[]): IgnoreStack {
    return rules.length === 0 ? this : new IgnoreStack([...this.layers, { base, rules }]);
  }

  /** Whether an absolute path is ignored; the deepest file and its last matching rule decide. */
  ignores(absolutePath: string, isDir: boolean): boolean {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { base, rules } = this.layers[l];
      const rel = path.relative(base, absolutePath).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) continue;
      for (let r = rules.length - 1; r >= 0; r--) {
        const rule = rules[r];
        if (rule.dirOnly && !isDir) continue;
        if (rule.regex.test(rel)) return !rule.negate;
      }
    }
    return false;
  }
}
