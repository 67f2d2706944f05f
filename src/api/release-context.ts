import { addTotals, EMPTY_TOTALS, type SessionTotals } from "../sessions/health.ts";
import type { ApiDeploySummary } from "../contract/index.ts";
import { buildHealthData, healthSeries, healthWindow, totalsByRelease } from "../sessions/release-health-data.ts";
import type { SessionReleaseBucket } from "../store/model/sessions.ts";
import type { ApiDeps } from "./context.ts";
import { serializeDeploySummaries, type ReleaseProjectFigures } from "./serialize/releases.ts";

/**
 * Everything the release list and detail need about a set of projects, read once per request
 * (a handful of indexed reads of pre-aggregated tables, whatever the number of releases).
 */
export interface ReleaseContext {
  projectIds: number[];
  environments: string[];
  nowMs: number;
  statsKey: string;
  /** version → earliest first-seen over the projects (seconds) */
  firstSeen: Map<string, number>;
  perProject: Map<number, ProjectReleaseData>;
  deploysByRelease: Map<number, ApiDeploySummary[]>;
}

interface ProjectReleaseData {
  summary: Map<string, SessionTotals>;
  last24h: Map<string, SessionTotals>;
  project24h: SessionTotals;
  buckets: SessionReleaseBucket[];
  events: Map<string, number>;
  events24h: Map<string, number>;
  projectEvents24h: number;
  issues: Map<string, { newIssues: number; regressedIssues: number }>;
}

export async function loadReleaseContext(
  deps: ApiDeps,
  projectIds: number[],
  q: { environment: string[]; healthStatsPeriod: string; summaryStatsPeriod: string },
): Promise<ReleaseContext> {
  const nowMs = deps.clock.now();
  const hourNow = Math.floor(nowMs / 3_600_000);
  const stats = healthWindow(q.healthStatsPeriod);
  const summaryHours = healthWindow(q.summaryStatsPeriod).hours;
  const envs = q.environment;
  const inEnv = (e: string) => !envs.length || envs.includes(e);
  const firstSeen = new Map<string, number>();
  const perProject = new Map<number, ProjectReleaseData>();
  for (const projectId of projectIds) {
    const [summaryRows, dayRows, buckets, events, events24h, issueCounts, releases] = await Promise.all([
      deps.store.sessionHealth([projectId], hourNow - summaryHours + 1),
      deps.store.sessionHealth([projectId], hourNow - 23),
      deps.store.sessionBuckets(projectId, hourNow - stats.hours + 1 - stats.bucketHours),
      deps.store.releaseEventCounts([projectId], 0),
      deps.store.releaseEventCounts([projectId], hourNow - 23),
      deps.store.releaseIssueCounts([projectId]),
      deps.store.projectReleases(projectId),
    ]);
    for (const r of releases) firstSeen.set(r.version, Math.min(firstSeen.get(r.version) ?? Number.POSITIVE_INFINITY, r.firstSeen));
    const last24h = totalsByRelease(dayRows, envs);
    const sumEvents = (rows: typeof events) => {
      const m = new Map<string, number>();
      for (const r of rows) if (inEnv(r.environment)) m.set(r.release, (m.get(r.release) ?? 0) + r.events);
      return m;
    };
    const day = sumEvents(events24h);
    perProject.set(projectId, {
      summary: totalsByRelease(summaryRows, envs),
      last24h,
      project24h: [...last24h.values()].reduce((a, t) => addTotals(a, t), EMPTY_TOTALS),
      buckets,
      events: sumEvents(events),
      events24h: day,
      projectEvents24h: [...day.values()].reduce((a, n) => a + n, 0),
      issues: new Map(issueCounts.map((c) => [c.release, c])),
    });
  }
  return { projectIds, environments: envs, nowMs, statsKey: q.healthStatsPeriod, firstSeen, perProject, deploysByRelease: new Map() };
}

/** Deploys of the releases about to be shown, per environment (latest first). */
export async function loadDeploySummaries(deps: ApiDeps, ctx: ReleaseContext, releaseIds: number[]): Promise<void> {
  for (const id of releaseIds) ctx.deploysByRelease.set(id, serializeDeploySummaries(await deps.store.listDeploys(id)));
}

/** One project's figures for one release: health, chart, events, new and regressed issues. */
export function releaseProjectFigures(ctx: ReleaseContext, projectId: number, version: string): ReleaseProjectFigures {
  const d = ctx.perProject.get(projectId)!;
  const series = healthSeries(d.buckets, version, ctx.environments, healthWindow(ctx.statsKey), ctx.nowMs);
  return {
    projectId,
    healthData: buildHealthData({
      summary: d.summary.get(version), last24h: d.last24h.get(version), project24h: d.project24h,
      events24h: d.events24h.get(version) ?? 0, projectEvents24h: d.projectEvents24h, series, statsKey: ctx.statsKey,
    }),
    healthSeries: series,
    eventCount: d.events.get(version) ?? 0,
    eventCount24h: d.events24h.get(version) ?? 0,
    newGroups: d.issues.get(version)?.newIssues ?? 0,
    regressedGroups: d.issues.get(version)?.regressedIssues ?? 0,
  };
}
