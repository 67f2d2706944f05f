import type { Store } from "../types.ts";
import type { ReleaseHead, ReleaseIssueCount } from "../model/release-stats.ts";
import type { PgDb } from "./pg-db.ts";

/** What the release list and detail show beside a release (events per release, new and regressed issues), on PostgreSQL. */
export function createPgReleaseStatsQueries(db: PgDb) {
  const methods = {
    releaseEventCounts: async (projectIds, sinceHour) =>
      (await db.rows(`SELECT project_id, release, environment, sum(event_count) AS events FROM release_hourly_events
        WHERE project_id = ANY($1::bigint[]) AND hour >= $2 GROUP BY project_id, release, environment`, [projectIds, sinceHour])).map((r) => ({
        projectId: Number(r.project_id), release: String(r.release), environment: String(r.environment), events: Number(r.events),
      })),
    async releaseIssueCounts(projectIds) {
      const out = new Map<string, ReleaseIssueCount>();
      const get = (projectId: number, release: string) => {
        const key = `${projectId}\u0000${release}`;
        let c = out.get(key);
        if (!c) out.set(key, c = { projectId, release, newIssues: 0, regressedIssues: 0 });
        return c;
      };
      const [fresh, regressed] = await Promise.all([
        db.rows(`SELECT project_id, first_release AS release, count(*) AS n FROM issues WHERE project_id = ANY($1::bigint[]) AND first_release IS NOT NULL
          GROUP BY project_id, first_release`, [projectIds]),
        db.rows("SELECT project_id, release, count(*) AS n FROM release_regressions WHERE project_id = ANY($1::bigint[]) GROUP BY project_id, release", [projectIds]),
      ]);
      for (const r of fresh) get(Number(r.project_id), String(r.release)).newIssues = Number(r.n);
      for (const r of regressed) get(Number(r.project_id), String(r.release)).regressedIssues = Number(r.n);
      return [...out.values()];
    },
    releaseHeads: async (organizationId, projectIds): Promise<ReleaseHead[]> =>
      (await db.rows(`SELECT DISTINCT r.id, r.version, r.date_created, r.status FROM org_releases r
        JOIN org_release_projects rp ON rp.release_id = r.id WHERE r.organization_id = $1 AND rp.project_id = ANY($2::bigint[])`, [organizationId, projectIds]))
        .map((r) => ({ id: Number(r.id), version: String(r.version), dateCreated: Number(r.date_created), status: String(r.status) })),
    async releaseIssueIds(projectId, release, limit) {
      const [fresh, regressed] = await Promise.all([
        db.rows<{ id: number }>("SELECT id FROM issues WHERE project_id = $1 AND first_release = $2 ORDER BY event_count DESC, id LIMIT $3", [projectId, release, limit]),
        db.rows<{ issue_id: number }>("SELECT issue_id FROM release_regressions WHERE project_id = $1 AND release = $2 ORDER BY regressed_at DESC LIMIT $3", [projectId, release, limit]),
      ]);
      return { newIssueIds: fresh.map((r) => r.id), regressedIssueIds: regressed.map((r) => r.issue_id) };
    },
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}
