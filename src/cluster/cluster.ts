import { MemoryAttemptLimiter, type AttemptLimiter } from "../api/attempt-limiter.ts";
import type { SharedIssueRates } from "../process/decide-alerts.ts";

/**
 * What a node knows about the other nodes sharing its database. SQLite has one process: it is
 * always the leader and its messages stay in the process. On PostgreSQL (src/cluster/pg-cluster.ts)
 * the leader holds an advisory lock and messages travel as NOTIFY.
 */
export interface Cluster {
  /** "single" on SQLite, "postgres" when nodes share a PostgreSQL database */
  readonly kind: "single" | "postgres";
  /**
   * Starts following the election: `lead` runs when this node becomes the leader (the once-only
   * loops start there), `follow` when it stops being it (they must stop before another node takes over).
   */
  start(roles: { lead(): void; follow(): Promise<void> }): void;
  /** Whether this node runs the once-only loops now. */
  isLeader(): boolean;
  /** Tells every node (this one included), best effort: caches expire on their own TTL when a message is lost. */
  publish(topic: ClusterTopic): void;
  /** Calls `handler` whenever any node publishes `topic`. */
  subscribe(topic: ClusterTopic, handler: () => void): void;
  /** Counters of sign-in attempts (the login throttle), shared by every node. */
  readonly loginAttempts: AttemptLimiter;
  /**
   * Error events per project and minute across every node (the per-minute limit); absent on SQLite,
   * where the process's own counter is the whole truth.
   */
  readonly minuteCounts?: SharedMinuteCounts;
  /** Events per issue and minute across every node (the spike trigger); absent on SQLite. */
  readonly issueRates?: SharedIssueRates;
  /** Steps down (releasing the lock) and stops listening. */
  close(): Promise<void>;
}

/** A counter per (project, minute) that every node adds to. */
export interface SharedMinuteCounts {
  /** Adds `n` (negative gives back) to the project's count for `minute` (minutes since the epoch); the new total. */
  add(projectId: number, minute: number, n: number): Promise<number>;
}

/**
 * `keys`: DSN keys changed (created, disabled); `limits`: a project's limits; `grouping`: its
 * stack-trace rules; `artifacts`: source maps were uploaded; `alerts`: outbox rows were committed
 * (wakes the leader's dispatcher at once instead of at its next timer).
 */
export const CLUSTER_TOPICS = ["keys", "limits", "grouping", "artifacts", "alerts"] as const;
export type ClusterTopic = (typeof CLUSTER_TOPICS)[number];

/** The one-process cluster of a SQLite installation: leader from the start, messages delivered in place. */
export function createSingleNodeCluster(): Cluster {
  const handlers = new Map<ClusterTopic, (() => void)[]>();
  let leading = false;
  let follow: (() => Promise<void>) | undefined;
  return {
    kind: "single",
    loginAttempts: new MemoryAttemptLimiter(),
    start(roles) {
      leading = true;
      follow = roles.follow;
      roles.lead();
    },
    isLeader: () => leading,
    publish(topic) {
      for (const handler of handlers.get(topic) ?? []) handler();
    },
    subscribe(topic, handler) {
      handlers.set(topic, [...(handlers.get(topic) ?? []), handler]);
    },
    async close() {
      if (leading) {
        leading = false;
        await follow?.();
      }
    },
  };
}
