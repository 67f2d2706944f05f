import type { Logger } from "../logger.ts";
import { PgClusterSession } from "../store/postgres/cluster-session.ts";
import { PgAttemptCounters, PgIssueMinuteCounters, PgMinuteCounters } from "../store/postgres/cluster-counters.ts";
import { createPgPool, parsePostgresUrl } from "../store/postgres/connection.ts";
import type { Cluster, ClusterTopic } from "./cluster.ts";
import { CLUSTER_TOPICS } from "./cluster.ts";

/** NOTIFY channels: cache invalidations (payload: the topic) and committed alerts. */
export const INVALIDATE_CHANNEL = "lighttrace_invalidate";
export const ALERTS_CHANNEL = "lighttrace_alerts";

export interface PgClusterOptions {
  logger: Logger;
  /** ms between election attempts and leader heartbeats: a dead leader is replaced within about this */
  checkIntervalMs: number;
  /** shown in pg_stat_activity and the logs */
  nodeName: string;
}

/**
 * Nodes sharing one PostgreSQL database. Each keeps one dedicated connection (PgClusterSession):
 * every `checkIntervalMs` a follower tries the leader lock and the leader proves it still holds
 * it (heartbeat). A killed leader's socket closes, the server frees the lock, and the next
 * follower to try takes it, so the once-only loops resume within one interval. A leader whose
 * connection fails steps down at once (it cannot know whether it still holds the lock). Messages
 * go out as NOTIFY on the same connection; each node LISTENs to them there.
 */
export function createPgCluster(url: string, opts: PgClusterOptions): Cluster {
  const { logger } = opts;
  const handlers = new Map<ClusterTopic, (() => void)[]>();
  let session: PgClusterSession | undefined;
  let connecting: Promise<void> | undefined;
  let leading = false;
  let roles: { lead(): void; follow(): Promise<void> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let ticking: Promise<void> | undefined;
  let warnedUnreachable = false;
  // shared counters run on their own small pool: a sign-in or a quota check never waits behind ingest's connections
  const counterPool = createPgPool(parsePostgresUrl(url), { maxConnections: 4, applicationName: `lighttrace node ${opts.nodeName} counters` });
  counterPool.on("error", (err) => logger.warn("a PostgreSQL connection was lost", { error: err.message }));

  const deliver = (topic: ClusterTopic) => {
    for (const handler of handlers.get(topic) ?? []) {
      try {
        handler();
      } catch (err) {
        logger.warn("a cluster message handler failed", { topic, error: err });
      }
    }
  };

  const stepDown = async (why: string) => {
    if (!leading) return;
    leading = false;
    if (closed) logger.info("this node is no longer the leader", { node: opts.nodeName, reason: why });
    else logger.warn("this node is no longer the leader", { node: opts.nodeName, reason: why });
    await roles?.follow();
  };

  const connect = async () => {
    const s = await PgClusterSession.connect(url, { applicationName: `lighttrace node ${opts.nodeName}`, queryTimeoutMs: Math.max(5_000, opts.checkIntervalMs * 2) });
    s.onLost((err) => {
      if (session === s) session = undefined;
      void stepDown(`lost the connection to PostgreSQL: ${err.message}`);
    });
    s.onNotification((channel, payload) => {
      if (channel === ALERTS_CHANNEL) deliver("alerts");
      else if (channel === INVALIDATE_CHANNEL && (CLUSTER_TOPICS as readonly string[]).includes(payload)) deliver(payload as ClusterTopic);
    });
    try {
      await s.listen(INVALIDATE_CHANNEL);
      await s.listen(ALERTS_CHANNEL);
    } catch (err) {
      await s.close();
      throw err;
    }
    if (closed) {
      await s.close();
      return;
    }
    session = s;
    warnedUnreachable = false;
    // messages sent while this node had no connection are lost: forget what they would have cleared
    for (const topic of CLUSTER_TOPICS) if (topic !== "alerts") deliver(topic);
  };

  const tick = async () => {
    if (closed) return;
    try {
      if (!session || session.isLost) {
        connecting ??= connect().finally(() => (connecting = undefined));
        await connecting;
      }
      const s = session;
      if (!s) return;
      if (leading) await s.heartbeat();
      else if (await s.tryLead()) {
        if (closed) return;
        leading = true;
        logger.info("this node is the leader: it runs alert dispatch, digests and retention", { node: opts.nodeName });
        roles?.lead();
      }
    } catch (err) {
      if (leading) await stepDown(`heartbeat failed: ${(err as Error).message}`);
      else if (!warnedUnreachable) {
        warnedUnreachable = true;
        logger.warn("cluster connection to PostgreSQL failed; retrying", { error: (err as Error).message });
      }
    }
  };

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      ticking = tick().finally(() => {
        ticking = undefined;
        schedule();
      });
    }, opts.checkIntervalMs);
    timer.unref();
  };

  return {
    kind: "postgres",
    loginAttempts: new PgAttemptCounters(counterPool),
    minuteCounts: new PgMinuteCounters(counterPool),
    issueRates: new PgIssueMinuteCounters(counterPool),
    start(r) {
      roles = r;
      ticking = tick().finally(() => {
        ticking = undefined;
        schedule();
      });
    },
    isLeader: () => leading,
    publish(topic) {
      const s = session;
      if (!s || s.isLost) {
        deliver(topic); // at least this node; the others fall back on their caches' TTLs
        return;
      }
      const [channel, payload] = topic === "alerts" ? [ALERTS_CHANNEL, ""] : [INVALIDATE_CHANNEL, topic];
      s.notify(channel, payload).catch((err: unknown) => {
        logger.debug("cluster message not sent", { topic, error: (err as Error).message });
        deliver(topic);
      });
    },
    subscribe(topic, handler) {
      handlers.set(topic, [...(handlers.get(topic) ?? []), handler]);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await ticking;
      await connecting?.catch(() => undefined);
      await stepDown("shutting down");
      await session?.close();
      session = undefined;
      await counterPool.end().catch(() => undefined);
    },
  };
}
