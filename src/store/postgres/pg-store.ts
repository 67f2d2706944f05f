import { systemClock, type Clock } from "../../clock.ts";
import { DEFAULTS } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import { encodeEventData } from "../event-codec.ts";
import type { Store } from "../types.ts";
import { createPgPool, parsePostgresUrl, redactDatabaseUrl } from "./connection.ts";
import { migratePostgres } from "./migrate.ts";
import { PgDb } from "./pg-db.ts";
import { createPgAlertQueries } from "./alerts.ts";
import { createPgArtifactQueries } from "./artifacts.ts";
import { createPgEventQueries } from "./events.ts";
import { createPgEventSearch } from "./event-search.ts";
import { createPgExplanationQueries } from "./explanations.ts";
import { createPgGroupingQueries } from "./groupings.ts";
import { createPgIngestReads } from "./ingest-reads.ts";
import { createPgIngestWriter } from "./ingest-writer.ts";
import { createPgIssueQueries } from "./issues.ts";
import { createPgProjectLimitQueries } from "./project-limits.ts";
import { createPgProjectQueries } from "./projects.ts";
import { createPgReleaseQueries } from "./releases.ts";
import { createPgReleaseStatsQueries } from "./release-stats.ts";
import { createPgResolutionQueries } from "./resolutions.ts";
import { createPgRetentionQueries } from "./retention.ts";
import { createPgSessionQueries, createPgSessionWriter } from "./sessions.ts";
import { createPgSourceLinkQueries } from "./source-links.ts";
import { createPgTraceQueries, createPgTraceWriter } from "./traces.ts";
import { createPgUserQueries } from "./users.ts";
import { createPgMonitorQueries } from "./monitors.ts";
import { createPgActivityQueries } from "./activity.ts";
import { createPgTeamQueries } from "./teams.ts";
import { createPgOwnershipQueries } from "./ownership.ts";
import { createPgFeedbackQueries } from "./feedback.ts";

/** How a PostgreSQL store is opened. */
export interface PgStoreOptions {
  /** connections this process keeps to the server at most */
  maxConnections: number;
  logger?: Logger;
  /** shown in pg_stat_activity */
  applicationName?: string;
}

/** What the store itself enforces on write (as `createSqliteStore`'s options). */
export interface PgStoreLimits {
  /** spans kept across all projects (the oldest go first); DEFAULTS.maxStoredTraceSpans when absent */
  maxStoredTraceSpans?: number;
  /** spans received longer ago than this go too; 0 or absent = no age limit */
  maxTraceAgeDays?: number;
  /** where creation and edit times of projects, keys, tokens, users and alert rules come from; systemClock when absent */
  clock?: Clock;
}

/**
 * Connects to the server named by `url`, migrates the database (under an advisory lock, so nodes
 * started together do not race) and returns the Store. Errors name the URL without its password.
 */
export async function openPgStore(url: string, opts: PgStoreOptions & PgStoreLimits): Promise<Store> {
  const pool = createPgPool(parsePostgresUrl(url), { maxConnections: opts.maxConnections, applicationName: opts.applicationName });
  // an idle connection the server dropped (restart, failover) must not take the process down
  pool.on("error", (err) => opts.logger?.warn("a PostgreSQL connection was lost", { error: err.message }));
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open the PostgreSQL database ${redactDatabaseUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  return createPgStore(new PgDb(pool), opts);
}

/**
 * The PostgreSQL Store, assembled from one factory per module (see README.md beside this file for
 * how to add one); every Store method is implemented, as on SQLite.
 */
export function createPgStore(db: PgDb, limits: PgStoreLimits = {}): Store {
  const clock = limits.clock ?? systemClock;
  const alerts = createPgAlertQueries(db, clock);
  const ingestReads = createPgIngestReads(db);
  const executeWritePlan = createPgIngestWriter(db, {
    sessions: createPgSessionWriter(),
    traces: createPgTraceWriter({ maxStoredSpans: limits.maxStoredTraceSpans ?? DEFAULTS.maxStoredTraceSpans, maxAgeDays: limits.maxTraceAgeDays ?? 0 }),
  });
  const sessions = createPgSessionQueries(db);
  const traces = createPgTraceQueries(db);
  return {
    ...createPgProjectQueries(db, clock, alerts.insertRulesInTransaction),
    ...createPgUserQueries(db, clock),
    ...createPgIssueQueries(db),
    ...createPgEventQueries(db),
    ...createPgEventSearch(db),
    ...createPgResolutionQueries(db),
    ...createPgReleaseStatsQueries(db),
    ...createPgProjectLimitQueries(db),
    ...createPgMonitorQueries(db),
    ...createPgGroupingQueries(db),
    ...createPgReleaseQueries(db),
    ...createPgArtifactQueries(db),
    ...createPgSourceLinkQueries(db),
    ...createPgExplanationQueries(db),
    ...createPgRetentionQueries(db),
    ...createPgActivityQueries(db),
    ...createPgTeamQueries(db),
    ...createPgOwnershipQueries(db),
    ...createPgFeedbackQueries(db),
    readIngestState: (queries) => ingestReads.readIngestState(queries),
    readRegressionState: (projectId, issueIds, releases) => ingestReads.readRegressionState(projectId, issueIds, releases),
    issueEventTotals: (issueIds, fromHour, toHour) => ingestReads.issueEventTotals(issueIds, fromHour, toHour),
    alertRulesVersion: () => alerts.ingest.rulesVersion(),
    activeAlertRules: (projectId) => alerts.ingest.activeRules(projectId),
    executeWritePlan,
    sessionHealth: (projectIds, sinceHour) => sessions.sessionHealth(projectIds, sinceHour),
    sessionSeries: (projectId, release, sinceHour) => sessions.sessionSeries(projectId, release, sinceHour),
    sessionBuckets: (projectId, sinceHour) => sessions.sessionBuckets(projectId, sinceHour),
    getTrace: (traceId) => traces.getTrace(traceId),
    encodeEventPayload: async (json) => encodeEventData(json),
    alerts: alerts.store,
    // autovacuum returns space and there is no WAL file to fold in: nothing to do on PostgreSQL
    releaseFreePages: async () => ({ freedPages: 0 }),
    checkpoint: () => undefined,
    close: () => db.close(),
  };
}
