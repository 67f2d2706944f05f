import { z } from "zod";
import type { ApiProjectMttr, ApiTeamTimeToResolution } from "../contract/index.ts";
import { detectTimes, durationStats, MTTR_ACTIVITY_TYPES, openPeriods, resolveTimes, RESOLVE_TYPES, weekOf } from "../insights/mttr.ts";
import type { Store } from "../store/types.ts";
import { param, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { DEFAULT_TEAM_SLUG, requireTeam } from "./teams.ts";
import { parseStatsPeriod } from "./time-range.ts";

const periodQuery = z.object({ statsPeriod: z.string().max(20).optional() }).loose();
/** issues; how many of a team's issues the team insight reads at most */
const MAX_TEAM_ISSUES = 5000;

/**
 * Resolution insights computed from the activity log: `GET /projects/{org}/{project}/mttr/`
 * (time to resolve and to detect, mean / p50 / p90, weekly, against the period before) and Sentry's
 * team insight `GET /teams/{org}/{team}/time-to-resolution/` (`{"YYYY-MM-DD": {avg, count}}`,
 * every UTC day of the period) over the issues assigned to or owned by the team.
 */
export function mountMttrRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/mttr", async (event): Promise<ApiProjectMttr> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const statsPeriod = parseQuery(event, periodQuery).statsPeriod ?? "30d";
    const periodSec = parseStatsPeriod(statsPeriod);
    const nowSec = deps.clock.now() / 1000;
    const [from, prevFrom] = [nowSec - periodSec, nowSec - 2 * periodSec];
    const periods = openPeriods(await deps.store.activityForPeriods([project.id], MTTR_ACTIVITY_TYPES, [...RESOLVE_TYPES, "alert_sent"], prevFrom));
    const resolved = resolveTimes(periods, from, nowSec + 1);
    const weeks = new Map<string, number[]>();
    for (let week = from; week < nowSec + 7 * 86_400; week += 7 * 86_400) if (weekOf(week) <= weekOf(nowSec)) weeks.set(weekOf(week), []);
    for (const r of resolved) weeks.get(weekOf(r.resolvedAtSec))?.push(r.durationSec);
    return {
      statsPeriod,
      timeToResolve: durationStats(resolved.map((r) => r.durationSec)),
      timeToDetect: durationStats(detectTimes(periods, from, nowSec + 1)),
      weekly: [...weeks].map(([week, d]) => ({ week, timeToResolve: durationStats(d).mean, count: d.length })),
      previousPeriod: {
        timeToResolve: durationStats(resolveTimes(periods, prevFrom, from).map((r) => r.durationSec)),
        timeToDetect: durationStats(detectTimes(periods, prevFrom, from)),
      },
    };
  });
  route("GET", "/api/0/teams/:org/:team/time-to-resolution", async (event): Promise<ApiTeamTimeToResolution> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const periodSec = parseStatsPeriod(parseQuery(event, periodQuery).statsPeriod ?? "14d");
    const nowSec = deps.clock.now() / 1000;
    const from = nowSec - periodSec;
    const projects = await deps.store.listProjects();
    const issueIds = param(event, "team") === DEFAULT_TEAM_SLUG ? undefined : await _teamIssueIds(deps.store, (await requireTeam(deps, org.id, param(event, "team"))), projects.map((p) => p.id), deps.clock.now());
    const activity = await deps.store.activityForPeriods(projects.map((p) => p.id), MTTR_ACTIVITY_TYPES, RESOLVE_TYPES, from);
    const resolved = resolveTimes(openPeriods(issueIds ? activity.filter((a) => issueIds.has(a.issueId)) : activity), from, nowSec + 1);
    const out: ApiTeamTimeToResolution = {};
    for (let day = Math.floor(from / 86_400); day <= Math.floor(nowSec / 86_400); day++) out[new Date(day * 86_400_000).toISOString().slice(0, 10)] = { avg: 0, count: 0 };
    const byDay = new Map<string, number[]>();
    for (const r of resolved) {
      const day = new Date(r.resolvedAtSec * 1000).toISOString().slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), r.durationSec]);
    }
    for (const [day, d] of byDay) out[day] = { avg: durationStats(d).mean, count: d.length };
    return out;
  });
}

// --- Internal ---

/** A team's issues: assigned to the team or to one of its members, or owned by it under the ownership rules. */
async function _teamIssueIds(store: Store, team: { slug: string; memberEmails: string[] }, projectIds: number[], nowMs: number): Promise<Set<number>> {
  const base = { projectIds, tags: [], text: [], sort: "date" as const, offset: 0, limit: MAX_TEAM_ISSUES, nowMs };
  const [assigned, owned] = await Promise.all([
    store.listIssues({ ...base, assignees: [{ kind: "to", userIds: [], teamSlugs: [team.slug], emails: team.memberEmails, negate: false }] }),
    store.listIssues({ ...base, owners: [{ values: [`#${team.slug}`], negate: false }] }),
  ]);
  return new Set([...assigned, ...owned].map((i) => i.id));
}
