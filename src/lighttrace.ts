import { closeSync, openSync, unlinkSync } from "node:fs";
import { makeDirs } from "./make-dirs.ts";
import { join } from "node:path";
import type { Config } from "./config.ts";
import { resolvePublicUrl } from "./config.ts";
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import { openDb } from "./store/sqlite/db.ts";
import { createCheckpointer } from "./store/sqlite/checkpointer.ts";
import { sqliteAddonPath } from "./store/sqlite/sqlite-binding.ts";
import { createSqliteStore } from "./store/sqlite/sqlite-store.ts";
import type { Store } from "./store/types.ts";
import { IngestQueue } from "./process/ingest-queue.ts";
import { BatchCommitter } from "./process/commit-batch.ts";
import { AlertDecider } from "./process/decide-alerts.ts";
import { LimitEnforcer } from "./process/limit-enforcer.ts";
import { KeyCache } from "./ingest/key-cache.ts";
import { createIngestHandler } from "./ingest/routes.ts";
import { Symbolicator } from "./sourcemaps/symbolicate.ts";
import { SourceMapCache } from "./sourcemaps/map-cache.ts";
import { SOURCE_MAP_CACHE_WEIGHT } from "./sourcemaps/limits.ts";
import { createJobSymbolicator } from "./process/symbolicate-job.ts";
import { ProjectGroupingConfigs } from "./process/grouping-configs.ts";
import { ProjectConfigCache } from "./process/project-config.ts";
import { IngestWorkerPool, WORKER_RESOURCE_LIMITS } from "./ingest/workers/pool.ts";
import { availableParallelism } from "node:os";
import type { NodeRequestHandler } from "./api/node-handler.ts";
import { createHttpServer, listen } from "./http/server.ts";
import { bootstrapInstallation, type BootstrapResult } from "./bootstrap.ts";
import { locateUiAssets } from "./assets.ts";
import { createStaticHandler } from "./http/static.ts";
import { createHostAllowList } from "./http/security.ts";
import { AlertDispatcher } from "./alerts/dispatcher.ts";
import { createEmailChannel } from "./alerts/channels/email.ts";

export interface RunningServer {
  port: number;
  url: string;
  store: Store;
  bootstrap: BootstrapResult;
  /** sends the alert outbox (tests wait on `alerts.idle()`) */
  alerts: AlertDispatcher;
  /** ingest worker threads running now (they start on demand and stop when idle) */
  ingestWorkers(): number;
  /** Stops accepting, finishes in-flight requests, commits the queue, closes the database. */
  close(): Promise<void>;
}

/**
 * Composition root: config → store → ingest queue → HTTP server. No logic of its own beyond wiring
 * and the shutdown order (stop accepting → drain requests → drain queue → checkpoint → close db).
 */
export async function startServer(config: Config, deps: { logger: Logger; clock: Clock }): Promise<RunningServer> {
  const { logger, clock } = deps;
  _checkDataDirWritable(config.dataDir);
  const db = openDb(config.dataDir, { synchronous: config.sqliteSynchronous });
  const checkpointer = createCheckpointer(db, sqliteAddonPath(), logger);
  const store = createSqliteStore(db, { maxStoredTraceSpans: config.maxStoredTraceSpans, maxTraceAgeDays: config.maxEventAgeDays });
  let publicUrl = resolvePublicUrl(config, config.port);
  const alertEmail = createEmailChannel(config);
  const alerts = new AlertDispatcher({ store, config, logger, clock, email: alertEmail, baseUrl: () => config.baseUrl || publicUrl });
  const limitEnforcer = new LimitEnforcer({ config, store, logger, now: () => clock.now() });
  const queue = new IngestQueue(store, {
    maxQueuedEvents: config.maxQueuedEvents,
    maxQueuedBytes: config.maxQueuedBytes,
    maxBatchSize: config.maxBatchSize,
    logger,
    committer: new BatchCommitter({ store, alerts: new AlertDecider(store) }),
    onCommitted: (outcomes, batch) => {
      checkpointer.noteCommitted(outcomes.length);
      limitEnforcer.retention.noteCommitted(outcomes.length);
      for (const o of outcomes) {
        if (o.isNewIssue) logger.info("new issue", { issueId: o.issueId, eventId: o.eventId });
        else if (o.isRegression) logger.info("issue regressed", { issueId: o.issueId, eventId: o.eventId });
      }
      for (const error of batch.alertErrors) logger.error("alert rules failed on an event (the event is stored)", { error });
      if (batch.alertsEnqueued > 0) alerts.wake();
    },
  });
  const symbolicator = new Symbolicator({ store, cache: new SourceMapCache(SOURCE_MAP_CACHE_WEIGHT) });
  const pool = new IngestWorkerPool({ size: config.ingestWorkers || availableParallelism(), logger, resourceLimits: WORKER_RESOURCE_LIMITS });
  const projectConfigs = new ProjectConfigCache({
    limits: limitEnforcer.limits, grouping: new ProjectGroupingConfigs(store, () => clock.now()), hasSourceMaps: (id) => symbolicator.projectHasArtifacts(id),
  });
  const symbolicate = createJobSymbolicator(symbolicator, async (projectId, event, before) => {
    const { snapshot } = await projectConfigs.snapshotFor(projectId);
    const { event: prepared, payload } = await pool.prepare(snapshot, { event, before: { grouping: before.grouping, ...(before.fallbackGroupings ? { fallbackGroupings: before.fallbackGroupings } : {}) } });
    const { payloadBytes: _bytes, sourceJson: _json, ...rest } = prepared;
    return { ...rest, payload };
  });
  const ingest = createIngestHandler({
    config, logger, clock, queue, keys: new KeyCache(store, () => clock.now()), limitEnforcer, projectConfigs, pool, symbolicate,
  });
  // The web API (h3, and through it Node's fetch classes) is loaded once the server is ready:
  // ingest and /health do not need it, and loading it is a large part of the start-up time.
  // API requests that arrive earlier wait for it.
  let resolveApi!: (handler: NodeRequestHandler) => void;
  let rejectApi!: (err: unknown) => void;
  const apiHandler = new Promise<NodeRequestHandler>((resolve, reject) => {
    resolveApi = resolve;
    rejectApi = reject;
  });
  const api = async (req: Parameters<NodeRequestHandler>[0], res: Parameters<NodeRequestHandler>[1]) => (await apiHandler)(req, res);
  let ready = false;
  const uiAssets = locateUiAssets(process.env);
  if (!uiAssets) logger.info("web UI build not found (run `npm run build`); serving the API only");
  const server = createHttpServer({
    ingest, api, logger, isReady: () => ready,
    isAllowedHost: createHostAllowList(config.host, () => publicUrl),
    ui: createStaticHandler(uiAssets),
    limits: { headersTimeoutMs: config.headersTimeoutMs, bodyIdleTimeoutMs: config.bodyIdleTimeoutMs, maxConnections: config.maxConnections },
  });

  let port: number;
  try {
    port = await listen(server, config.host, config.port);
  } catch (err) {
    await pool.close();
    await checkpointer.stop();
    await limitEnforcer.stop();
    await store.close();
    throw err;
  }
  publicUrl = resolvePublicUrl(config, port);
  limitEnforcer.start();
  const bootstrap = await bootstrapInstallation(store, config, publicUrl);
  alerts.start();
  ready = true;
  setImmediate(() => {
    import("./api/node-handler.ts").then(
      ({ createApiNodeHandler }) => resolveApi(createApiNodeHandler({ config, store, clock, logger, publicUrl: () => publicUrl, alertEmail, symbolicator })),
      (err: unknown) => {
        logger.error("the web API failed to load", { error: err });
        rejectApi(err);
      },
    );
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ready = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await queue.drain();
      await pool.close();
      await alerts.stop();
      await limitEnforcer.stop();
      await checkpointer.stop();
      try {
        db.pragma("wal_checkpoint(TRUNCATE)");
      } catch (err) {
        logger.warn("final checkpoint failed", { error: err });
      }
      await store.close();
    })();
    return closing;
  };
  return { port, url: publicUrl, store, bootstrap, alerts, ingestWorkers: () => pool.running, close };
}

// --- Internal ---

function _checkDataDirWritable(dataDir: string): void {
  const probe = join(dataDir, `.write-test-${process.pid}`);
  try {
    makeDirs(dataDir);
    closeSync(openSync(probe, "w"));
    unlinkSync(probe);
  } catch (err) {
    throw new Error(`data directory ${dataDir} is not writable: ${(err as Error).message}`);
  }
}
