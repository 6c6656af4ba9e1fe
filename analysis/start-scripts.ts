import path from 'node:path';

/** One `node` (or tsx/ts-node) command of a package.json script. */
export interface NodeCommand {
  /** The script's name (`start`, `dev`, ...). */
  script: string;
  /** The file it runs, as written (`dist/server.js`). */
  entry: string | undefined;
  /** `--require`/`-r` and `--import` preloads, in order, also from `NODE_OPTIONS`. */
  preloads: ReadonlyArray<{ flag: 'require' | 'import'; specifier: string }>;
  /** `--loader`/`--experimental-loader` hooks. */
  loaders: readonly string[];
  /** Variables the command sets for node (`OTEL_NODE_ENABLED_INSTRUMENTATIONS=http node ...`). */
  env: Readonly<Record<string, string>>;
}

const RUNNERS = /^(node|nodemon|tsx|ts-node|ts-node-dev|node-dev|ts-node-esm)$/;
const VALUE_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader', '--env-file', '--watch-path', '--inspect-port', '--title', '--conditions', '-C', '--input-type', '--stack-size', '--max-old-space-size']);

/** The node commands a package's scripts run. */
export function nodeCommands(scripts: Readonly<Record<string, string>> | undefined): NodeCommand[] {
  const out: NodeCommand[] = [];
  for (const [script, text] of Object.entries(scripts ?? {})) {
    if (typeof text !== 'string') continue;
    for (const command of text.split(/&&|\|\||;|\|/)) {
      const parsed = parseCommand(script, command);
      if (parsed) out.push(parsed);
    }
  }
  return out;
}

function parseCommand(script: string, command: string): NodeCommand | undefined {
  // NODE_OPTIONS='--require ./x' keeps its flags: unquote, then read its words as flags.
  const tokens = command.replace(/["']/g, ' ').split(/\s+/).filter(Boolean);
  const preloads: Array<{ flag: 'require' | 'import'; specifier: string }> = [];
  const loaders: string[] = [];
  const env: Record<string, string> = {};
  let runner = false;
  let entry: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i];
    const nodeOptions = /^NODE_OPTIONS=(.*)$/.exec(token);
    if (nodeOptions) {
      if (!nodeOptions[1]) continue;
      token = nodeOptions[1];
    }
    const assignment = !runner && !nodeOptions ? /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(token) : null;
    if (assignment) {
      env[assignment[1]] = assignment[2];
      continue;
    }
    if (!runner && !token.startsWith('-') && RUNNERS.test(path.basename(token))) {
      runner = true;
      continue;
    }
    const [flag, inline] = token.includes('=') && token.startsWith('-') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    if (VALUE_FLAGS.has(flag)) {
      const value = inline ?? tokens[++i];
      if (!value) continue;
      if (flag === '--require' || flag === '-r') preloads.push({ flag: 'require', specifier: value });
      else if (flag === '--import') preloads.push({ flag: 'import', specifier: value });
      else if (flag === '--loader' || flag === '--experimental-loader') loaders.push(value);
      continue;
    }
    if (token.startsWith('-')) continue;
    if (runner && entry === undefined && /[./]/.test(token)) entry = token;
  }
  return runner || preloads.length > 0 ? { script, entry, preloads, loaders, env } : undefined;
}

const BUILD_DIRS = /^(dist|build|lib|out|src)\//;

/**
 * A path in the package without build folders and extension, to match a script's built file
 * (`dist/server.js`) with its source (`src/server.ts`).
 */
export function sourceKey(relative: string): string {
  let p = relative.replace(/\\/g, '/').replace(/^\.\//, '');
  while (BUILD_DIRS.test(p)) p = p.replace(BUILD_DIRS, '');
  return p.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
}
