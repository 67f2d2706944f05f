/**
 * Entry point of the checkpoint worker thread (bundled on its own, run with `eval: true`).
 * It opens a second connection to the database and moves WAL pages into the main file with
 * PASSIVE checkpoints, which never block the writer, so the ingest thread never pays for the
 * copy and the fsync. See checkpointer.ts for the main-thread side.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

interface CheckpointWorkerData {
  dbPath: string;
  addonPath: string | undefined;
  intervalMs: number;
}

const data = workerData as CheckpointWorkerData;
const db = new Database(data.dbPath, data.addonPath ? { nativeBinding: data.addonPath } : {});
db.pragma("busy_timeout = 1000");
// this connection never writes; it only checkpoints
db.pragma("wal_autocheckpoint = 0");

let running = false;
let lastReported = -1;
const timer = setInterval(() => {
  if (running) return;
  running = true;
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
    // report only progress: an idle WAL keeps its size until the writer restarts it
    if (row && row.log > 0 && row.log !== lastReported) parentPort!.postMessage({ type: "checkpointed", log: row.log, checkpointed: row.checkpointed });
    lastReported = row?.log ?? -1;
  } catch (err) {
    parentPort!.postMessage({ type: "error", message: (err as Error).message });
  } finally {
    running = false;
  }
}, data.intervalMs);

parentPort!.on("message", (msg: { type: string }) => {
  if (msg.type !== "stop") return;
  clearInterval(timer);
  try {
    db.close();
  } finally {
    parentPort!.postMessage({ type: "stopped" });
  }
});
