// Summarizes a V8 .cpuprofile (node --cpu-prof) for the benchmark's findings: self time per
// package, and inclusive time per plugin file and per plugin function (a sample counts once for
// each distinct plugin function on its stack, so nested calls are not double counted).
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distUrl = `file://${path.join(repoRoot, 'dist')}/`;

function category(url, functionName) {
  // V8's pseudo-frames: (garbage collector), (program), (idle), (root).
  if (!url) return /^\(.*\)$/.test(functionName) ? functionName : '(native)';
  if (url.startsWith(distUrl)) return `plugin ${url.slice(distUrl.length).split('/')[0]}/`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node internals';
  return 'other';
}

export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusiveFn = new Map();
  const inclusiveFile = new Map();
  let total = 0;
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    total += us;
    const leaf = byId.get(profile.samples[i]);
    add(self, category(leaf.callFrame.url, leaf.callFrame.functionName), us);
    const fns = new Set();
    const files = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const { url, functionName, lineNumber } = byId.get(id).callFrame;
      if (!url.startsWith(distUrl)) continue;
      const rel = url.slice(distUrl.length);
      fns.add(`${functionName || '(anonymous)'} ${rel}:${lineNumber + 1}`);
      files.add(rel);
    }
    for (const f of fns) add(inclusiveFn, f, us);
    for (const f of files) add(inclusiveFile, f, us);
  }
  const rows = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ what: k, ms: us / 1000, share: us / total }));
  return { totalMs: total / 1000, self: rows(self, 12), files: rows(inclusiveFile, top), functions: rows(inclusiveFn, top) };
}

export function formatProfileSummary(s) {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const table = (title, rows) => [`${title}`, ...rows.map((r) => `  ${r.ms.toFixed(0).padStart(8)} ms ${pct(r.share).padStart(6)}  ${r.what}`)].join('\n');
  return [
    `sampled ${s.totalMs.toFixed(0)} ms`,
    table('self time by package:', s.self),
    table('inclusive time per plugin file:', s.files),
    table('inclusive time per plugin function:', s.functions),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatProfileSummary(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25))));
}
