import type { ReleaseRef } from "../../releases/order.ts";
import type { Store } from "../types.ts";
import type { ResolutionType } from "../model/resolutions.ts";
import type { PgDb } from "./pg-db.ts";

/**
 * The releases of a project with the time each was first seen, by an event (per-project `releases`
 * rows) or by its creation (organization releases). Parameter $1: the project id. Ingest
 * (ingest-reads.ts) and the API order releases from this one source, as on SQLite.
 */
export const PG_PROJECT_RELEASES_SQL = `SELECT version, first_event AS first_seen FROM releases WHERE project_id = $1
  UNION ALL SELECT r.version, r.date_created FROM org_releases r JOIN org_release_projects rp ON rp.release_id = r.id
  WHERE rp.project_id = $1`;

/** "Resolved in a release" on PostgreSQL: set, read and explain resolutions; a project's and an issue's releases. */
export function createPgResolutionQueries(db: PgDb) {
  const methods = {
    async setIssueResolution(issueId, resolution, now) {
      if (!resolution) return void (await db.run("DELETE FROM issue_resolutions WHERE issue_id = $1", [issueId]));
      await db.run(`INSERT INTO issue_resolutions (issue_id, type, release, resolved_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (issue_id) DO UPDATE SET type = excluded.type, release = excluded.release, resolved_at = excluded.resolved_at`,
      [issueId, resolution.type, resolution.release, now]);
    },
    async getIssueResolution(issueId) {
      const r = await db.first<{ type: ResolutionType; release: string; resolved_at: number }>(`SELECT r.type, r.release, r.resolved_at
        FROM issue_resolutions r JOIN issues i ON i.id = r.issue_id
        WHERE r.issue_id = $1 AND i.status = 'resolved' AND r.resolved_at >= coalesce(i.status_changed_at, 0)`, [issueId]);
      return r ? { type: r.type, release: r.release, resolvedAtSec: r.resolved_at } : undefined;
    },
    projectReleases: async (projectId): Promise<ReleaseRef[]> =>
      (await db.rows<{ version: string; first_seen: number }>(`SELECT version, min(first_seen) AS first_seen FROM (${PG_PROJECT_RELEASES_SQL}) AS known
        GROUP BY version`, [projectId])).map((r) => ({ version: r.version, firstSeen: r.first_seen })),
    issueReleaseCounts: async (issueId) =>
      (await db.rows(`SELECT value, times_seen, first_seen, last_seen FROM issue_tag_values WHERE issue_id = $1 AND key = 'release'
        ORDER BY first_seen`, [issueId])).map((r) => ({ version: String(r.value), count: Number(r.times_seen), firstSeen: Number(r.first_seen), lastSeen: Number(r.last_seen) })),
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}
