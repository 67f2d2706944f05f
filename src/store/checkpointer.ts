import { Worker } from "node:worker_threads";
import type { Logger } from "../logger.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";

/** Replaced at build time with the bundled source of checkpoint-worker.ts (undefined when running from src). */
declare const __LIGHTTRACE_CHECKPOINT_WORKER__: string | undefined;

/** How often the worker looks at the WAL. */
const CHECKPOINT_INTERVAL_MS = 200;
/** SQLite's own default, restored if the worker ever stops working. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the ingest thread. SQLite's automatic checkpoint runs inside the
 * commit that crosses 1000 WAL pages, so every few hundred events one request pays for copying
 * pages and an fsync (measured: ~15% of ingest throughput and most of p99). Here a worker thread
 * with its own connection checkpoints every 200 ms instead, and the main connection's automatic
 * checkpoint is turned off — but only once the worker runs; if it fails, automatic checkpoints
 * come back. Returns undefined (automatic checkpoints stay) when the worker source is not built in,
 * as when tests run from src.
 */
export function startCheckpointer(db: SqliteDatabase, addonPath: string | undefined, logger: Logger): Checkpointer | undefined {
  const source = typeof __LIGHTTRACE_CHECKPOINT_WORKER__ === "string" ? __LIGHTTRACE_CHECKPOINT_WORKER__ : undefined;
  if (!source || db.memory) return undefined;
  const worker = new Worker(source, { eval: true, workerData: { dbPath: db.name, addonPath, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.unref();
  let healthy = true;
  const fallBack = (why: string) => {
    if (!healthy) return;
    healthy = false;
    logger.warn("checkpoint worker stopped; SQLite checkpoints on the ingest thread again", { reason: why });
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on("error", (err) => fallBack(err.message));
  worker.on("exit", (code) => { if (code !== 0) fallBack(`exit code ${code}`); });
  worker.on("message", (msg: { type: string; message?: string; log?: number; checkpointed?: number }) => {
    if (msg.type === "error") logger.warn("checkpoint failed", { error: msg.message });
    else if (msg.type === "checkpointed") logger.debug("checkpointed", { walPages: msg.log, copied: msg.checkpointed });
  });
  db.pragma("wal_autocheckpoint = 0");
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        healthy = false;
        const done = () => resolve();
        worker.once("exit", done);
        worker.on("message", (msg: { type: string }) => { if (msg.type === "stopped") void worker.terminate().then(done); });
        worker.postMessage({ type: "stop" });
        setTimeout(() => void worker.terminate().then(done), 2000).unref();
      }),
  };
}
