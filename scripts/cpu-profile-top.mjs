// Summarises V8 CPU profiles (.cpuprofile, as written by `node --cpu-prof`, e.g. by
// `npm run bench:ingest -- --cpu-prof DIR`): per profile (one per thread), the share of samples
// spent in each function itself (self time) and, with --inclusive, including what it called.
// Usage: node scripts/cpu-profile-top.mjs FILE_OR_DIR... [--top 30] [--inclusive]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "30" }, inclusive: { type: "boolean", default: false } },
});
const files = positionals.flatMap((p) => (statSync(p).isDirectory()
  ? readdirSync(p).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(p, f)) : [p]));

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const self = new Map();
  const inclusive = new Map();
  for (const [id, count] of hits) {
    const label = _label(byId.get(id));
    self.set(label, (self.get(label) ?? 0) + count);
    // each function once per sample, however often it recurs on the stack
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const l = _label(byId.get(at));
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + count);
    }
  }
  const durationSec = (profile.endTime - profile.startTime) / 1e6;
  const idle = self.get("(idle)") ?? 0;
  console.log(`\n${basename(file)}: ${total} samples over ${durationSec.toFixed(1)} s, ${(100 * (1 - idle / total)).toFixed(1)}% busy`);
  const rows = [...(opts.inclusive ? inclusive : self)].sort((a, b) => b[1] - a[1]).slice(0, Number(opts.top));
  for (const [label, count] of rows) console.log(`  ${((100 * count) / total).toFixed(1).padStart(5)}%  ${label}`);
}

function _label(node) {
  const f = node.callFrame;
  const where = f.url ? ` ${f.url.replace(/^.*\/(dist|src|node_modules)\//, "$1/")}:${f.lineNumber + 1}` : "";
  return `${f.functionName || "(anonymous)"}${where}`;
}
