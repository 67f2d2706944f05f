import { Worker } from "node:worker_threads";
import type { Logger } from "../../logger.ts";
import type { IssueStoredCount } from "../model/retention.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import { createRetentionQueries } from "./retention.ts";
import type { RetentionOp, RetentionReply, RetentionRequest } from "./retention-worker.ts";
import { translateSqliteError } from "./sqlite-errors.ts";

/** Replaced at build time with the bundled source of retention-worker.ts (undefined when running from src). */
declare const __LIGHTTRACE_RETENTION_WORKER__: string | undefined;

/**
 * The worker's V8 heap: it holds a project's per-issue counts at most, so a small young generation
 * (V8 would size it by the machine's memory) keeps the thread's share of RSS small.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

/** The retention queries, as the retention runner (src/process/retention.ts) calls them. */
export interface OffThreadRetention {
  storedEventCount(projectId: number): Promise<number>;
  issueStoredCounts(projectId: number): Promise<IssueStoredCount[]>;
  deleteOldestEvents(issueId: number, limit: number): Promise<number>;
  deleteEventsOlderThan(projectId: number, cutoff: number, limit: number): Promise<number>;
  releaseFreePages(): Promise<{ freedPages: number }>;
  stop(): Promise<void>;
}

/**
 * Retention's queries on a worker thread with its own connection, started with the first pass
 * (a project that never reaches its cap or age limit never starts it). At the cap eviction
 * deletes about one stored event per event ingested; on the ingest thread that cost ~45% on top
 * of the commit (measured in-process: 76 µs per event on top of 165 µs). Here the ingest thread
 * only waits for SQLite's write lock when a chunk of deletes is committing, which the runner keeps
 * short. When the worker cannot run, the queries run on the given connection, as before.
 */
export function createOffThreadRetention(db: SqliteDatabase, addonPath: string | undefined, logger: Logger): OffThreadRetention {
  const inThread = createRetentionQueries(db);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let worker: Worker | undefined;
  let failed = db.memory;
  let stopped = false;
  let nextId = 1;

  const fail = (w: Worker, why: string) => {
    if (worker !== w) return;
    worker = undefined;
    failed = true; // not retried: the queries run in this thread from now on
    logger.warn("retention worker stopped; retention runs on the ingest thread", { reason: why });
    for (const p of pending.values()) p.reject(new Error(`the retention worker stopped: ${why}`));
    pending.clear();
  };
  const start = (): Worker => {
    const source = typeof __LIGHTTRACE_RETENTION_WORKER__ === "string" ? __LIGHTTRACE_RETENTION_WORKER__ : undefined;
    const options = { workerData: { dbPath: db.name, addonPath }, name: "lighttrace-retention", resourceLimits: WORKER_LIMITS };
    const w = source ? new Worker(source, { ...options, eval: true }) : new Worker(new URL("./retention-worker.ts", import.meta.url), options);
    w.unref();
    w.on("message", (reply: RetentionReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) return p.resolve(reply.value);
      const err = Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {});
      p.reject(translateSqliteError(err) as Error);
    });
    w.on("error", (err) => fail(w, err.message));
    w.on("exit", (code) => fail(w, `exit code ${code}`));
    return w;
  };
  const call = <T>(op: RetentionOp, args: number[], local: () => T): Promise<T> => {
    if (failed || stopped) return Promise.resolve().then(local);
    worker ??= start();
    const id = nextId++;
    const request: RetentionRequest = { id, op, args };
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker!.postMessage(request);
    });
  };

  return {
    storedEventCount: (projectId) => call("storedEventCount", [projectId], () => inThread.storedEventCount(projectId)),
    issueStoredCounts: (projectId) => call("issueStoredCounts", [projectId], () => inThread.issueStoredCounts(projectId)),
    deleteOldestEvents: (issueId, limit) => call("deleteOldestEvents", [issueId, limit], () => inThread.deleteOldestEvents(issueId, limit)),
    deleteEventsOlderThan: (projectId, cutoff, limit) => call("deleteEventsOlderThan", [projectId, cutoff, limit],
      () => inThread.deleteEventsOlderThan(projectId, cutoff, limit)),
    releaseFreePages: () => call("releaseFreePages", [], () => inThread.releaseFreePages()),
    async stop() {
      stopped = true;
      const w = worker;
      worker = undefined;
      if (!w) return;
      w.removeAllListeners("exit");
      // the worker closes its connection, says so, and is terminated; one that does not answer is terminated anyway
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => resolve(), 2000);
        w.on("message", (msg: { type?: string }) => {
          if (msg.type !== "stopped") return;
          clearTimeout(timer);
          resolve();
        });
        w.postMessage({ type: "stop" });
      });
      await w.terminate();
    },
  };
}
