import { Worker } from "node:worker_threads";
import type { Logger } from "../../logger.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";

/** Replaced at build time with the bundled source of checkpoint-worker.ts (undefined when running from src). */
declare const __LIGHTTRACE_CHECKPOINT_WORKER__: string | undefined;

/** How often the worker looks at the WAL. */
const CHECKPOINT_INTERVAL_MS = 200;
/** SQLite's own default, in force whenever the worker is not running. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** Committed events within one burst that make the worker worth its ~13 MB. */
const START_AFTER_EVENTS = 500;
/** A worker idle this long exits; a quiet server goes back to SQLite's own checkpoints. */
const IDLE_STOP_MS = 60_000;

export interface Checkpointer {
  /** Called after each commit with the number of events it stored. */
  noteCommitted(events: number): void;
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the ingest thread under load. SQLite's automatic checkpoint runs
 * inside the commit that crosses 1000 WAL pages, so every few hundred events one request pays for
 * copying pages and an fsync (measured: ~15% of ingest throughput and most of p99). Once a burst
 * of events arrives, a worker thread with its own connection checkpoints every 200 ms instead and
 * the main connection's automatic checkpoint is off. After a minute without writes the worker
 * exits and automatic checkpoints return, so an idle server does not carry the thread. Without the
 * bundled worker source (tests running from src) automatic checkpoints simply stay.
 */
export function createCheckpointer(db: SqliteDatabase, addonPath: string | undefined, logger: Logger): Checkpointer {
  const source = typeof __LIGHTTRACE_CHECKPOINT_WORKER__ === "string" ? __LIGHTTRACE_CHECKPOINT_WORKER__ : undefined;
  let worker: Worker | undefined;
  let stopping: Promise<void> | undefined;
  let burstEvents = 0;
  let lastWriteAt = Date.now();
  let disabled = !source || db.memory;

  const restoreAutocheckpoint = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  const stopWorker = (): Promise<void> => {
    const w = worker;
    if (!w) return stopping ?? Promise.resolve();
    worker = undefined;
    restoreAutocheckpoint();
    stopping = new Promise<void>((resolve) => {
      const done = () => resolve();
      w.once("exit", done);
      w.on("message", (msg: { type: string }) => { if (msg.type === "stopped") void w.terminate().then(done); });
      w.postMessage({ type: "stop" });
      setTimeout(() => void w.terminate().then(done), 2000).unref();
    }).finally(() => { stopping = undefined; });
    return stopping;
  };
  const startWorker = () => {
    const w = new Worker(source!, { eval: true, workerData: { dbPath: db.name, addonPath, intervalMs: CHECKPOINT_INTERVAL_MS } });
    w.unref();
    const fail = (why: string) => {
      if (worker !== w) return;
      worker = undefined;
      disabled = true; // do not retry a worker that cannot run here
      restoreAutocheckpoint();
      logger.warn("checkpoint worker stopped; SQLite checkpoints on the ingest thread again", { reason: why });
    };
    w.on("error", (err) => fail(err.message));
    w.on("exit", (code) => { if (code !== 0) fail(`exit code ${code}`); });
    w.on("message", (msg: { type: string; message?: string; log?: number; checkpointed?: number }) => {
      if (msg.type === "error") logger.warn("checkpoint failed", { error: msg.message });
      else if (msg.type === "checkpointed") logger.debug("checkpointed", { walPages: msg.log, copied: msg.checkpointed });
    });
    worker = w;
    db.pragma("wal_autocheckpoint = 0");
    logger.debug("checkpoint worker started");
  };
  const idleTimer = setInterval(() => {
    if (worker && Date.now() - lastWriteAt > IDLE_STOP_MS) {
      burstEvents = 0;
      void stopWorker();
    }
  }, IDLE_STOP_MS / 4);
  idleTimer.unref();

  return {
    noteCommitted(events) {
      const now = Date.now();
      if (now - lastWriteAt > IDLE_STOP_MS) burstEvents = 0;
      lastWriteAt = now;
      if (disabled || worker || stopping) return;
      burstEvents += events;
      if (burstEvents >= START_AFTER_EVENTS) startWorker();
    },
    stop() {
      disabled = true;
      clearInterval(idleTimer);
      return stopWorker();
    },
  };
}
