/**
 * bench:symbolicate — source-map symbolication of a 30-frame JavaScript event against a ~5 MB
 * source map (esbuild output of a generated multi-module app, with sourcesContent):
 *  - cold: the first event, map read from SQLite, inflated, parsed and decoded (fresh cache);
 *  - warm: later events with the parsed map cached;
 * through LightTrace's Symbolicator (@jridgewell/trace-mapping), and the two libraries alone on the
 * same map and positions: @jridgewell/trace-mapping and source-map 0.8 (WebAssembly, async).
 * Targets: cold < 500 ms, warm < 2 ms per event. Figures are medians; the VM is noisy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { TraceMap, originalPositionFor, generatedPositionFor } from "@jridgewell/trace-mapping";
import { openDb } from "../src/store/sqlite/db.ts";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { createProject } from "../src/projects/create-project.ts";
import { Symbolicator } from "../src/sourcemaps/symbolicate.ts";
import { SourceMapCache } from "../src/sourcemaps/map-cache.ts";
import type { NormalizedEvent } from "../src/events/types.ts";
import { deflateRawSync } from "node:zlib";

const require = createRequire(import.meta.url);
const FRAMES = 30;
const TARGET_MAP_BYTES = 5 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), "lt-bench-symbolicate-"));
try {
  // 1. a generated app whose map is about 5 MB
  const { code, map } = await buildApp(work);
  console.log(`source map: ${(map.length / 1024 / 1024).toFixed(2)} MB, ${(code.length / 1024).toFixed(0)} KB minified code`);

  // 2. stored as an uploaded artifact, in a real database
  const store = createSqliteStore(openDb(join(work, "data"), { synchronous: "normal" }));
  const org = await store.ensureOrganization("bench", "Bench");
  const { project } = await createProject(store, { slug: "web", name: "web", platform: "javascript", organizationId: org.id });
  const debugId = "23a0335e-d4db-540e-a32c-b2e5bd9eb506";
  await store.storeArtifactBundle({
    organizationId: org.id, checksum: null, bundleId: null, release: "web@1", dist: null, projectIds: [project.id], consumedChunks: [], now: Date.now() / 1000,
    files: [{ url: "~/app.min.js.map", type: "source_map", debugId, sourcemap: null, size: map.length, stored: deflateRawSync(map), encoding: "deflate-raw" }],
  });

  // 3. 30 frames at real positions spread over the bundle
  const trace = new TraceMap(map.toString("utf8"));
  const sources = trace.sources.filter((s): s is string => !!s && s.includes("module"));
  const positions = Array.from({ length: FRAMES }, (_, i) => {
    const source = sources[Math.floor((i * sources.length) / FRAMES)]!;
    const gen = generatedPositionFor(trace, { source, line: 4, column: 4 });
    return { line: gen.line!, column: gen.column! };
  });
  const event = (): NormalizedEvent => ({
    event_id: "0".repeat(32), timestamp: 0, received: 0, type: "error", platform: "javascript", level: "error", environment: "production", tags: [],
    release: "web@1",
    debug_meta: { images: [{ type: "sourcemap", code_file: "https://shop.example/app.min.js", debug_id: debugId }] },
    exception: { values: [{ type: "Error", value: "x", stacktrace: { frames: positions.map((p) => ({
      filename: "https://shop.example/app.min.js", function: "x", lineno: p.line, colno: p.column + 1, in_app: true,
    })) } }] },
  });

  // 4. LightTrace's symbolicator: cold (new cache each time) and warm
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const symbolicator = new Symbolicator({ store, cache: new SourceMapCache(512 * 1024 * 1024) });
    const t0 = performance.now();
    const result = await symbolicator.symbolicate(project.id, event());
    cold.push(performance.now() - t0);
    if (result?.resolved !== FRAMES) throw new Error(`expected ${FRAMES} resolved frames, got ${JSON.stringify(result)}`);
  }
  const symbolicator = new Symbolicator({ store, cache: new SourceMapCache(512 * 1024 * 1024) });
  await symbolicator.symbolicate(project.id, event());
  const warm: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const ev = event();
    const t0 = performance.now();
    await symbolicator.symbolicate(project.id, ev);
    warm.push(performance.now() - t0);
  }
  const heapBefore = process.memoryUsage().heapUsed;
  console.log(`LightTrace Symbolicator (trace-mapping): cold ${ms(median(cold))} per 30-frame event (min ${ms(Math.min(...cold))}), warm ${ms(median(warm), 3)} (p99 ${ms(percentile(warm, 0.99), 3)})`);
  console.log(`  parsed-map cache weight estimate ${(symbolicator.cache.totalWeight / 1024 / 1024).toFixed(0)} MB; heap now ${(heapBefore / 1024 / 1024).toFixed(0)} MB`);

  // 5. the libraries alone: parse + 30 lookups (cold), 30 lookups (warm)
  const text = map.toString("utf8");
  const tmCold: number[] = [];
  let tm: TraceMap | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    tm = new TraceMap(text);
    for (const p of positions) originalPositionFor(tm, p);
    tmCold.push(performance.now() - t0);
  }
  const tmWarm = timeMany(2000, () => { for (const p of positions) originalPositionFor(tm!, p); });
  console.log(`@jridgewell/trace-mapping: cold ${ms(median(tmCold))}, warm ${ms(median(tmWarm), 3)} per 30 lookups`);

  const { SourceMapConsumer } = require("source-map") as typeof import("source-map");
  const smCold: number[] = [];
  let consumer: import("source-map").BasicSourceMapConsumer | undefined;
  for (let i = 0; i < 5; i++) {
    consumer?.destroy();
    const t0 = performance.now();
    consumer = (await new SourceMapConsumer(text)) as import("source-map").BasicSourceMapConsumer;
    for (const p of positions) consumer.originalPositionFor({ line: p.line, column: p.column });
    smCold.push(performance.now() - t0);
  }
  const smWarm = timeMany(2000, () => { for (const p of positions) consumer!.originalPositionFor({ line: p.line, column: p.column }); });
  console.log(`source-map 0.8 (wasm):    cold ${ms(median(smCold))}, warm ${ms(median(smWarm), 3)} per 30 lookups`);
  consumer?.destroy();
  await store.close();

  const ok = median(cold) < 500 && median(warm) < 2;
  console.log(ok ? "targets met (cold < 500 ms, warm < 2 ms)" : "TARGETS MISSED (cold < 500 ms, warm < 2 ms)");
} finally {
  rmSync(work, { recursive: true, force: true });
}

// --- Internal ---

async function buildApp(dir: string): Promise<{ code: Buffer; map: Buffer }> {
  let modules = 900;
  for (;;) {
    const src = join(dir, `src-${modules}`);
    mkdirSync(src, { recursive: true });
    const imports: string[] = [];
    for (let m = 0; m < modules; m++) {
      const fns = Array.from({ length: 12 }, (_, f) => `export function handler${m}_${f}(input: { items: number[]; name: string }): number {
  let total = 0;
  for (const item of input.items) total += item * ${f + 1};
  if (total > ${1000 + m}) throw new Error("limit exceeded in module ${m} for " + input.name);
  return total + input.name.length;
}`);
      writeFileSync(join(src, `module${m}.ts`), `// module ${m}: generated for bench:symbolicate\n` + fns.join("\n\n") + "\n");
      imports.push(`import * as m${m} from "./module${m}.ts";`);
    }
    writeFileSync(join(src, "main.ts"), imports.join("\n") + `\n(globalThis as any).app = [${Array.from({ length: modules }, (_, m) => `m${m}`).join(", ")}];\n`);
    const out = await build({ entryPoints: [join(src, "main.ts")], bundle: true, minify: true, sourcemap: "external", write: false, outdir: join(dir, "out"), logLevel: "silent" });
    const map = Buffer.from(out.outputFiles.find((f) => f.path.endsWith(".map"))!.contents);
    const code = Buffer.from(out.outputFiles.find((f) => f.path.endsWith(".js"))!.contents);
    if (map.length >= TARGET_MAP_BYTES) return { code, map };
    modules = Math.ceil(modules * (TARGET_MAP_BYTES / map.length) * 1.02);
  }
}

function timeMany(n: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function median(xs: number[]): number {
  return percentile(xs, 0.5);
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function ms(x: number, digits = 1): string {
  return `${x.toFixed(digits)} ms`;
}
