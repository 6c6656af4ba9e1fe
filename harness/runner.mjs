// The runtime harness's entry in the child process:
//   node runner.mjs <fixture.mjs> [...args]      (the preload comes in through NODE_OPTIONS)
// Imports the fixture, awaits its default export, waits until the spans started in this thread
// have ended (bounded by OTEL_CONTEXT_HARNESS_SETTLE_MS, default 300 ms), writes main()'s return
// value to OTEL_CONTEXT_HARNESS_RESULT_FILE, and exits (also when the fixture left handles open).
// Exit codes: 0 ok, 1 main() threw/rejected, 2 the fixture has no default-exported function.
// The runner is the leader of its own process group (spawned detached).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSpanCount } from './collect.mjs';

// The harness keeps our stdin open and never writes to it: when it closes, the test process that
// started us is gone (killed, crashed), so take the whole process group down instead of lingering.
process.stdin.on('end', killOwnGroup);
process.stdin.on('error', killOwnGroup);
process.stdin.resume();

function killOwnGroup() {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(137);
  }
}

const [fixture, ...args] = process.argv.slice(2);
// The fixture sees itself as the main script: process.argv = [node, fixture, ...args].
process.argv = [process.argv[0], fixture, ...args];

async function settle() {
  const budget = Number(process.env.OTEL_CONTEXT_HARNESS_SETTLE_MS ?? 300);
  const deadline = Date.now() + budget;
  await new Promise((resolve) => setImmediate(resolve));
  await sleep(5);
  while (openSpanCount() > 0 && Date.now() < deadline) await sleep(5);
}

function writeResult(value) {
  const file = process.env.OTEL_CONTEXT_HARNESS_RESULT_FILE;
  if (!file || value === undefined) return;
  try {
    fs.writeFileSync(file, JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } catch (error) {
    process.stderr.write(`otel-context harness: main() returned a value that is not JSON-serialisable: ${error}\n`);
  }
}

let code = 0;
try {
  const mod = await import(pathToFileURL(fixture).href);
  const main = typeof mod.default === 'function' ? mod.default : mod.default?.default;
  if (typeof main !== 'function') {
    process.stderr.write(`otel-context harness: ${fixture} has no default-exported function (export default async function main() {...})\n`);
    code = 2;
  } else {
    writeResult(await main());
  }
} catch (error) {
  process.stderr.write(`otel-context harness: the fixture failed:\n${error?.stack ?? error}\n`);
  code = 1;
}
await settle();
process.exit(code);
