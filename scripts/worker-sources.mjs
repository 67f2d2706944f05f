// The worker threads the server starts from source text (Worker `eval`): each is bundled on its
// own into one CommonJS string and handed to the server bundle through `define`. Shared by
// build.mjs (dist/lighttrace.mjs) and scripts/build-binary.mjs (the standalone executable).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { asciiSource } from "./ascii-source.mjs";

const WORKERS = {
  // WAL checkpoints on their own connection (src/store/sqlite/checkpointer.ts), better-sqlite3's JS included
  __LIGHTTRACE_CHECKPOINT_WORKER__: "src/store/sqlite/checkpoint-worker.ts",
  // retention's deletes on their own connection (src/store/sqlite/retention-off-thread.ts)
  __LIGHTTRACE_RETENTION_WORKER__: "src/store/sqlite/retention-worker.ts",
  // decode → parse → normalise → scrub → group → encode (src/ingest/workers/pool.ts)
  __LIGHTTRACE_INGEST_WORKER__: "src/ingest/workers/worker-main.ts",
};

/** `define` entries: each worker's global name → its bundled source as a JSON string literal. */
export async function workerSourceDefines(target) {
  const defines = {};
  for (const [name, entry] of Object.entries(WORKERS)) {
    const out = await build({
      entryPoints: [fileURLToPath(new URL(`../${entry}`, import.meta.url))],
      bundle: true,
      platform: "node",
      target,
      format: "cjs",
      write: false,
      minify: true,
      logLevel: "warning",
      // better-sqlite3's loader require()s a computed .node path; the workers are handed the addon
      logOverride: { "unsupported-require-call": "silent" },
    });
    // ASCII-only, so each worker's copy of its source is a one-byte string (./ascii-source.mjs)
    defines[name] = JSON.stringify(asciiSource(out.outputFiles[0].text, entry));
  }
  return defines;
}
