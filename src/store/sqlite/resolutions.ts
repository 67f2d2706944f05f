import type { ReleaseRef } from "../../releases/order.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ResolutionType, StoredResolution, IssueReleaseCount } from "../model/resolutions.ts";

/**
 * The releases of a project with the time each was first seen: by an event (per-project
 * `releases` rows) or by its creation (sentry-cli `releases new`, store/releases.ts). One SQL
 * source, so ingest (src/store/sqlite/ingest-reads.ts) and the API order releases alike. Parameter: @projectId.
 */
export const PROJECT_RELEASES_SQL = `SELECT version, first_event AS first_seen FROM releases WHERE project_id = @projectId
  UNION ALL SELECT r.version, r.date_created FROM org_releases r JOIN org_release_projects rp ON rp.release_id = r.id
  WHERE rp.project_id = @projectId`;

/** The API's side: set, read and explain resolutions; a project's releases; an issue's releases. */
export function createResolutionQueries(db: SqliteDatabase) {
  const stmt = {
    set: db.prepare(`INSERT INTO issue_resolutions (issue_id, type, release, resolved_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (issue_id) DO UPDATE SET type = excluded.type, release = excluded.release, resolved_at = excluded.resolved_at`),
    clear: db.prepare("DELETE FROM issue_resolutions WHERE issue_id = ?"),
    get: db.prepare(`SELECT r.type, r.release, r.resolved_at FROM issue_resolutions r JOIN issues i ON i.id = r.issue_id
      WHERE r.issue_id = ? AND i.status = 'resolved' AND r.resolved_at >= coalesce(i.status_changed_at, 0)`),
    releases: db.prepare(`SELECT version, min(first_seen) AS first_seen FROM (${PROJECT_RELEASES_SQL}) GROUP BY version`),
    issueReleases: db.prepare(`SELECT value, times_seen, first_seen, last_seen FROM issue_tag_values WHERE issue_id = ? AND key = 'release'
      ORDER BY first_seen`),
  };
  return {
    setIssueResolution(issueId: number, resolution: { type: ResolutionType; release: string } | null, now: number): void {
      if (resolution) stmt.set.run(issueId, resolution.type, resolution.release, now);
      else stmt.clear.run(issueId);
    },
    getIssueResolution(issueId: number): StoredResolution | undefined {
      const r = stmt.get.get(issueId) as { type: ResolutionType; release: string; resolved_at: number } | undefined;
      return r ? { type: r.type, release: r.release, resolvedAtSec: r.resolved_at } : undefined;
    },
    projectReleases(projectId: number): ReleaseRef[] {
      return (stmt.releases.all({ projectId }) as { version: string; first_seen: number }[]).map((r) => ({ version: r.version, firstSeen: r.first_seen }));
    },
    issueReleaseCounts(issueId: number): IssueReleaseCount[] {
      return (stmt.issueReleases.all(issueId) as Record<string, unknown>[]).map((r) => ({
        version: String(r.value), count: Number(r.times_seen), firstSeen: Number(r.first_seen), lastSeen: Number(r.last_seen),
      }));
    },
  };
}
