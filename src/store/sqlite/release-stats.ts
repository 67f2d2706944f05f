import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ReleaseEventCount, ReleaseIssueCount, ReleaseHead } from "../model/release-stats.ts";

export function createReleaseStatsQueries(db: SqliteDatabase) {
  const stmt = {
    events: db.prepare(`SELECT release, environment, sum(event_count) AS events FROM release_hourly_events
      WHERE project_id = ? AND hour >= ? GROUP BY release, environment`),
    newIssues: db.prepare("SELECT first_release AS release, count(*) AS n FROM issues WHERE project_id = ? AND first_release IS NOT NULL GROUP BY first_release"),
    regressed: db.prepare("SELECT release, count(*) AS n FROM release_regressions WHERE project_id = ? GROUP BY release"),
    newIssueIds: db.prepare("SELECT id FROM issues WHERE project_id = ? AND first_release = ? ORDER BY event_count DESC, id LIMIT ?").pluck(),
    heads: db.prepare(`SELECT DISTINCT r.id, r.version, r.date_created, r.status FROM org_releases r
      JOIN org_release_projects rp ON rp.release_id = r.id WHERE r.organization_id = ? AND rp.project_id = ?`),
    regressedIssueIds: db.prepare("SELECT issue_id FROM release_regressions WHERE project_id = ? AND release = ? ORDER BY regressed_at DESC LIMIT ?").pluck(),
  };
  return {
    /** Events per (project, release, environment) since `sinceHour` (0 for all time). */
    releaseEventCounts(projectIds: readonly number[], sinceHour: number): ReleaseEventCount[] {
      return projectIds.flatMap((projectId) => (stmt.events.all(projectId, sinceHour) as Record<string, unknown>[]).map((r) => ({
        projectId, release: String(r.release), environment: String(r.environment), events: Number(r.events),
      })));
    },
    /** New and regressed issue counts per (project, release). */
    releaseIssueCounts(projectIds: readonly number[]): ReleaseIssueCount[] {
      const out = new Map<string, ReleaseIssueCount>();
      const get = (projectId: number, release: string) => {
        const key = `${projectId}\u0000${release}`;
        let c = out.get(key);
        if (!c) out.set(key, c = { projectId, release, newIssues: 0, regressedIssues: 0 });
        return c;
      };
      for (const projectId of projectIds) {
        for (const r of stmt.newIssues.all(projectId) as { release: string; n: number }[]) get(projectId, r.release).newIssues = r.n;
        for (const r of stmt.regressed.all(projectId) as { release: string; n: number }[]) get(projectId, r.release).regressedIssues = r.n;
      }
      return [...out.values()];
    },
    /** The releases of the given projects (id, version, creation, status), unordered. */
    releaseHeads(organizationId: number, projectIds: readonly number[]): ReleaseHead[] {
      const byId = new Map<number, ReleaseHead>();
      for (const projectId of projectIds) {
        for (const r of stmt.heads.all(organizationId, projectId) as Record<string, unknown>[]) {
          byId.set(Number(r.id), { id: Number(r.id), version: String(r.version), dateCreated: Number(r.date_created), status: String(r.status) });
        }
      }
      return [...byId.values()];
    },
    /** Ids of the issues first seen in the release (biggest first) and of those it regressed (latest first). */
    releaseIssueIds(projectId: number, release: string, limit: number): { newIssueIds: number[]; regressedIssueIds: number[] } {
      return {
        newIssueIds: stmt.newIssueIds.all(projectId, release, limit) as number[],
        regressedIssueIds: stmt.regressedIssueIds.all(projectId, release, limit) as number[],
      };
    },
  };
}
