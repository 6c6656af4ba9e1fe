// Runs one command as a child process and measures it: wall time (here), CPU time and peak RSS
// (`/usr/bin/time` when present, else `process.resourceUsage()` written by a preload at exit).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TIME = '/usr/bin/time';
const MARK = 'OTEL_BENCH_TIME';
const hasTime = existsSync(TIME);
const preload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rusage-preload.cjs');

export const measureMethod = hasTime ? '/usr/bin/time (GNU time: %e %U %S %M)' : 'process.resourceUsage() at exit';

/**
 * `node <nodeArgs> <args>` in `cwd`. Resolves to `{ code, wallMs, cpuMs, maxRssMiB, stdout, stderr }`.
 * stdout/stderr are kept (the last 64 KiB of each) for diagnostics.
 */
export function measureNode(args, { cwd, env = process.env, nodeArgs = [] } = {}) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'otel-bench-rusage-'));
  const rusageFile = path.join(scratch, 'rusage.json');
  const nodeCmd = [process.execPath, ...nodeArgs, ...args];
  const [cmd, cmdArgs] = hasTime
    ? [TIME, ['-f', `${MARK} %e %U %S %M`, ...nodeCmd]]
    : [nodeCmd[0], ['--require', preload, ...nodeCmd.slice(1)]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, cmdArgs, { cwd, env: { ...env, OTEL_BENCH_RUSAGE: rusageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const keep = (s, chunk) => (s + chunk).slice(-65536);
    child.stdout.on('data', (c) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c) => (stderr = keep(stderr, c)));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      let cpuMs;
      let maxRssMiB;
      if (hasTime) {
        const line = stderr.split('\n').reverse().find((l) => l.startsWith(MARK));
        if (line) {
          const [, , user, sys, rssKiB] = line.split(' ');
          cpuMs = (Number(user) + Number(sys)) * 1000;
          maxRssMiB = Number(rssKiB) / 1024;
        }
        stderr = stderr
          .split('\n')
          .filter((l) => !l.startsWith(MARK) && !/^Command exited with non-zero status/.test(l))
          .join('\n');
      } else if (existsSync(rusageFile)) {
        const r = JSON.parse(readFileSync(rusageFile, 'utf8'));
        cpuMs = (r.userCPUTime + r.systemCPUTime) / 1000;
        maxRssMiB = r.maxRSS / 1024;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ code, wallMs, cpuMs, maxRssMiB, stdout, stderr });
    });
  });
}
