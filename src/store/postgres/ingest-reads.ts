import type { GroupedIssue, IngestStateQuery, IssueStatus, ProjectIngestState, RegressionState } from "../types.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";
import { PG_PROJECT_RELEASES_SQL } from "./resolutions.ts";

/**
 * The reads ingest plans a batch with (PostgreSQL side of `IngestStore`): each list travels as one
 * array parameter, so a batch costs a few index probes per project, not one query per event.
 */
export function createPgIngestReads(db: PgDb) {
  const stmt = {
    storedEventIds: pgStatement("ingest.storedEventIds", "SELECT event_id FROM events WHERE project_id = $1 AND event_id = ANY($2::text[])"),
    groupings: pgStatement("ingest.groupings", `SELECT g.hash, g.issue_id, i.status, i.status_changed_at FROM groupings g JOIN issues i ON i.id = g.issue_id
      WHERE g.project_id = $1 AND g.hash = ANY($2::text[])`),
    resolutions: pgStatement("ingest.resolutions", "SELECT issue_id, type, release, resolved_at FROM issue_resolutions WHERE issue_id = ANY($1::bigint[])"),
    releaseFirstSeen: pgStatement("ingest.releaseFirstSeen", `SELECT version, min(first_seen) AS first_seen FROM (${PG_PROJECT_RELEASES_SQL}) AS known
      WHERE version = ANY($2::text[]) GROUP BY version`),
    eventTotals: pgStatement("ingest.eventTotals", `SELECT issue_id, sum(event_count) AS total FROM issue_hourly_counts
      WHERE issue_id = ANY($1::bigint[]) AND hour >= $2 AND hour < $3 GROUP BY issue_id`),
  };

  return {
    async readIngestState(queries: IngestStateQuery[]): Promise<Map<number, ProjectIngestState>> {
      const out = new Map<number, ProjectIngestState>();
      await Promise.all(queries.map(async (q) => {
        const [stored, groups] = await Promise.all([
          q.eventIds.length ? db.rows<{ event_id: string }>(stmt.storedEventIds, [q.projectId, q.eventIds]) : [],
          q.hashes.length ? db.rows<{ hash: string; issue_id: number; status: IssueStatus; status_changed_at: number | null }>(stmt.groupings, [q.projectId, q.hashes]) : [],
        ]);
        const groupings = new Map<string, GroupedIssue>();
        for (const g of groups) groupings.set(g.hash, { issueId: g.issue_id, status: g.status, statusChangedAtSec: g.status_changed_at });
        out.set(q.projectId, { storedEventIds: new Set(stored.map((r) => r.event_id)), groupings });
      }));
      return out;
    },

    async readRegressionState(projectId: number, issueIds: number[], releases: string[]): Promise<RegressionState> {
      const resolutions: RegressionState["resolutions"] = new Map();
      const versions = new Set(releases);
      if (issueIds.length) {
        for (const r of await db.rows<{ issue_id: number; type: "in_release" | "in_next_release"; release: string; resolved_at: number }>(stmt.resolutions, [issueIds])) {
          resolutions.set(r.issue_id, { type: r.type, release: r.release, resolvedAtSec: r.resolved_at });
          versions.add(r.release);
        }
      }
      const releaseFirstSeenSec = new Map<string, number>();
      if (versions.size) {
        for (const r of await db.rows<{ version: string; first_seen: number }>(stmt.releaseFirstSeen, [projectId, [...versions]])) releaseFirstSeenSec.set(r.version, r.first_seen);
      }
      return { resolutions, releaseFirstSeenSec };
    },

    async issueEventTotals(issueIds: number[], fromHour: number, toHour: number): Promise<Map<number, number>> {
      if (issueIds.length === 0) return new Map();
      return new Map((await db.rows<{ issue_id: number; total: number }>(stmt.eventTotals, [issueIds, fromHour, toHour])).map((r) => [r.issue_id, r.total]));
    },
  };
}
