import { hostname } from "node:os";
import { storeFeedback } from "./feedback/store-feedback.ts";
import { applyOwnershipToNewIssue } from "./ownership/owners.ts";
import type { Config } from "./config.ts";
import { resolvePublicUrl } from "./config.ts";
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import { createCheckpointer, type Checkpointer } from "./store/sqlite/checkpointer.ts";
import { createOffThreadRetention } from "./store/sqlite/retention-off-thread.ts";
import { sqliteAddonPath } from "./store/sqlite/sqlite-binding.ts";
import type { Store } from "./store/types.ts";
import { openStore } from "./runtime/open-store.ts";
import { createSingleNodeCluster, type Cluster } from "./cluster/cluster.ts";
import { createPgCluster } from "./cluster/pg-cluster.ts";
import { withPublishedWrites } from "./cluster/publishing-store.ts";
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
import { defaultPoolSize, IngestWorkerPool, WORKER_RESOURCE_LIMITS } from "./ingest/workers/pool.ts";
import { availableParallelism } from "node:os";
import type { NodeRequestHandler } from "./api/node-handler.ts";
import { createHttpServer, listen } from "./http/server.ts";
import { bootstrapInstallation, type BootstrapResult } from "./bootstrap.ts";
import { locateUiAssets } from "./assets.ts";
import { createStaticHandler } from "./http/static.ts";
import { createHostAllowList } from "./http/security.ts";
import { AlertDispatcher } from "./alerts/dispatcher.ts";
import { createEmailChannel } from "./alerts/channels/email.ts";
import { MonitorProcessor } from "./process/monitor-checkins.ts";
import { MonitorClock } from "./monitors/clock.ts";
import { createCronHandler } from "./ingest/cron-route.ts";

export interface RunningServer {
  port: number;
  url: string;
  store: Store;
  bootstrap: BootstrapResult;
  /** sends the alert outbox (tests wait on `alerts.idle()`) */
  alerts: AlertDispatcher;
  /** the other nodes on the same database (SQLite: this process alone, always the leader) */
  cluster: Cluster;
  /** the cron monitors' once-a-minute tick, on the leader (tests run it with an injected clock: `monitorClock.runOnce()`) */
  monitorClock: MonitorClock;
  /** where the data lives, safe to print (a PostgreSQL URL without its password) */
  location: string;
  /** settles once the web API has loaded (or failed to), the last step of start-up */
  webApiLoaded: Promise<void>;
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
  const opened = await openStore(config, { purpose: "serve", logger, clock });
  // SQLite only: the WAL is folded into the database file off the hot path
  const checkpointer: Checkpointer | undefined = opened.backend === "sqlite" ? createCheckpointer(opened.db, sqliteAddonPath(), logger) : undefined;
  // SQLite only: eviction at a project's cap runs on its own connection in a worker thread
  const retentionQueries = opened.backend === "sqlite" ? createOffThreadRetention(opened.db, sqliteAddonPath(), logger) : undefined;
  const cluster = opened.backend === "postgres"
    ? createPgCluster(opened.url, { logger, checkIntervalMs: config.leaderCheckMs, nodeName: `${hostname()}:${process.pid}` })
    : createSingleNodeCluster();
  // writes other nodes cache the results of tell them so (SQLite: the one process's own caches)
  const store = withPublishedWrites(opened.store, (topic) => cluster.publish(topic));
  let publicUrl = resolvePublicUrl(config, config.port);
  const alertEmail = createEmailChannel(config);
  const alerts = new AlertDispatcher({ store, config, logger, clock, email: alertEmail, baseUrl: () => config.baseUrl || publicUrl });
  const limitEnforcer = new LimitEnforcer({ config, store, logger, now: () => clock.now(), ...(retentionQueries ? { retentionQueries } : {}), ...(cluster.minuteCounts ? { minuteCounts: cluster.minuteCounts } : {}) });
  const ownershipTasks = new Set<Promise<void>>();
  const pool = new IngestWorkerPool({ size: config.ingestWorkers || defaultPoolSize(availableParallelism()), logger, resourceLimits: WORKER_RESOURCE_LIMITS });
  const queue = new IngestQueue(store, {
    maxQueuedEvents: config.maxQueuedEvents,
    maxQueuedBytes: config.maxQueuedBytes,
    maxBatchSize: config.maxBatchSize,
    logger,
    // bodies still in the workers will be handed in within a job's processing time: a batch waits for them (briefly)
    moreComing: () => pool.jobsInFlight > 0,
    committer: new BatchCommitter({ store, alerts: new AlertDecider(store, cluster.issueRates
      ? { rates: cluster.issueRates, onError: (err) => logger.warn("shared issue rates unavailable; this node's own counts decide spikes meanwhile", { error: err }) }
      : undefined) }),
    onCommitted: (outcomes, batch) => {
      checkpointer?.noteCommitted(outcomes.length);
      if (cluster.isLeader()) limitEnforcer.retention.noteCommitted(outcomes.length);
      for (const o of outcomes) {
        if (o.isNewIssue) {
          logger.info("new issue", { issueId: o.issueId, eventId: o.eventId });
          // after the commit (the event is acknowledged either way); shutdown waits for it before closing the store
          const owning = applyOwnershipToNewIssue({ store, logger, nowSec: () => clock.now() / 1000 }, o.issueId, o.eventId);
          ownershipTasks.add(owning);
          void owning.finally(() => ownershipTasks.delete(owning));
        }
        else if (o.isRegression) logger.info("issue regressed", { issueId: o.issueId, eventId: o.eventId });
      }
      for (const error of batch.alertErrors) logger.error("alert rules failed on an event (the event is stored)", { error });
      // the leader sends; another node's commit wakes it through the cluster (its timers are the fallback)
      if (batch.alertsEnqueued > 0) {
        if (cluster.isLeader()) alerts.wake();
        else cluster.publish("alerts");
      }
    },
  });
  const symbolicator = new Symbolicator({ store, cache: new SourceMapCache(SOURCE_MAP_CACHE_WEIGHT) });
  const groupingConfigs = new ProjectGroupingConfigs(store, () => clock.now());
  const projectConfigs = new ProjectConfigCache({
    limits: limitEnforcer.limits, grouping: groupingConfigs, hasSourceMaps: (id) => symbolicator.projectHasArtifacts(id),
  });
  const symbolicate = createJobSymbolicator(symbolicator, async (projectId, event, before) => {
    const { snapshot } = await projectConfigs.snapshotFor(projectId);
    const { event: prepared, payload } = await pool.prepare(snapshot, { event, before: { grouping: before.grouping, ...(before.fallbackGroupings ? { fallbackGroupings: before.fallbackGroupings } : {}) } });
    const { payloadBytes: _bytes, sourceJson: _json, ...rest } = prepared;
    return { ...rest, payload };
  });
  const wakeAlerts = () => (cluster.isLeader() ? alerts.wake() : cluster.publish("alerts"));
  const monitors = new MonitorProcessor({ store, logger, submitEvents: (job) => queue.submit(job), onAlertsEnqueued: wakeAlerts });
  const checkIns = (projectId: number, items: Parameters<MonitorProcessor["ingest"]>[1], receivedAtMs: number) => monitors.ingest(projectId, items, receivedAtMs);
  const keys = new KeyCache(store, () => clock.now());
  const ingest = createIngestHandler({
    config, logger, clock, queue, keys, limitEnforcer, projectConfigs, pool, symbolicate, checkIns,
    feedback: async (projectId, items) => void (await storeFeedback(store, projectId, items)),
  });
  const cron = createCronHandler({ logger, clock, keys, checkIns });
  // missed runs and timeouts are marked once per installation: by the leader (below)
  const monitorClock = new MonitorClock({ tick: (nowMs, wasDown) => monitors.tick(nowMs, wasDown), store, clock, logger, isLeader: () => cluster.isLeader() });
  cluster.subscribe("keys", () => keys.clear());
  cluster.subscribe("limits", () => limitEnforcer.limits.clear());
  cluster.subscribe("grouping", () => groupingConfigs.clear());
  cluster.subscribe("artifacts", () => symbolicator.noteUpload());
  cluster.subscribe("alerts", () => alerts.wake());
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
    ingest, cron, api, logger, isReady: () => ready,
    isAllowedHost: createHostAllowList(config.host, () => publicUrl),
    ui: createStaticHandler(uiAssets),
    limits: { headersTimeoutMs: config.headersTimeoutMs, bodyIdleTimeoutMs: config.bodyIdleTimeoutMs, maxConnections: config.maxConnections },
  });

  let port: number;
  try {
    port = await listen(server, config.host, config.port);
  } catch (err) {
    await pool.close();
    await checkpointer?.stop();
    await limitEnforcer.stop();
    await retentionQueries?.stop();
    await store.close();
    throw err;
  }
  publicUrl = resolvePublicUrl(config, port);
  // retention runs on the leader only (below)
  limitEnforcer.start({ retention: false });
  const bootstrap = await bootstrapInstallation(store, config, publicUrl);
  // Once-only loops: on SQLite this process leads from the start; on PostgreSQL the node holding
  // the leader lock runs them, and another takes over (resending what was pending) when it dies.
  cluster.start({
    lead: () => {
      alerts.start();
      limitEnforcer.retention.start();
      monitorClock.start();
    },
    follow: async () => {
      await alerts.pause();
      await limitEnforcer.retention.stop();
      await monitorClock.stop();
    },
  });
  ready = true;
  setImmediate(() => {
    import("./api/node-handler.ts").then(
      ({ createApiNodeHandler }) => resolveApi(createApiNodeHandler({ config, store, clock, logger, publicUrl: () => publicUrl, alertEmail, symbolicator, loginAttempts: cluster.loginAttempts })),
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
      await monitorClock.stop();
      await queue.drain();
      await Promise.all(ownershipTasks);
      await pool.close();
      await cluster.close();
      await alerts.stop();
      await limitEnforcer.stop();
      await retentionQueries?.stop();
      await checkpointer?.stop();
      if (opened.backend === "sqlite") {
        try {
          opened.db.pragma("wal_checkpoint(TRUNCATE)");
        } catch (err) {
          logger.warn("final checkpoint failed", { error: err });
        }
      }
      await store.close();
    })();
    return closing;
  };
  return { port, url: publicUrl, store, bootstrap, alerts, cluster, monitorClock, location: opened.location,
    webApiLoaded: apiHandler.then(() => undefined, () => undefined), ingestWorkers: () => pool.running, close };
}
