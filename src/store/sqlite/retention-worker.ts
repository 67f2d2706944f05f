/**
 * Entry point of the retention worker thread (bundled on its own and run with `eval: true`, or
 * from this file when running from source). It runs the retention queries (src/store/sqlite/
 * retention.ts) on a connection of its own, so evicting events at a project's cap costs the
 * ingest thread nothing but the wait for SQLite's write lock while one short chunk commits.
 * See retention-off-thread.ts for the main-thread side.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { createRetentionQueries } from "./retention.ts";

interface RetentionWorkerData { dbPath: string; addonPath: string | undefined }
export type RetentionOp = "storedEventCount" | "issueStoredCounts" | "deleteOldestEvents" | "deleteEventsOlderThan" | "releaseFreePages";
export interface RetentionRequest { id: number; op: RetentionOp; args: number[] }
export type RetentionReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; code?: string };

const data = workerData as RetentionWorkerData;
const db = new Database(data.dbPath, data.addonPath ? { nativeBinding: data.addonPath } : {});
db.pragma("busy_timeout = 5000");
db.pragma("foreign_keys = ON");
const queries = createRetentionQueries(db);
const run: Record<RetentionOp, (...args: number[]) => unknown> = {
  storedEventCount: (projectId) => queries.storedEventCount(projectId!),
  issueStoredCounts: (projectId) => queries.issueStoredCounts(projectId!),
  deleteOldestEvents: (issueId, limit) => queries.deleteOldestEvents(issueId!, limit!),
  deleteEventsOlderThan: (projectId, cutoff, limit) => queries.deleteEventsOlderThan(projectId!, cutoff!, limit!),
  releaseFreePages: () => queries.releaseFreePages(),
};

parentPort!.on("message", (msg: RetentionRequest | { type: "stop" }) => {
  if ("type" in msg) {
    try {
      db.close();
    } finally {
      parentPort!.postMessage({ type: "stopped" }); // the main thread terminates this thread then
    }
    return;
  }
  let reply: RetentionReply;
  try {
    reply = { id: msg.id, ok: true, value: run[msg.op](...msg.args) };
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: msg.id, ok: false, message: e.message, ...(typeof e.code === "string" ? { code: e.code } : {}) };
  }
  parentPort!.postMessage(reply);
});
