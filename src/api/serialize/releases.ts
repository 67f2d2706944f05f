import type {
  ApiCommit, ApiDeploy, ApiDeploySummary, ApiHealthData, ApiHealthPoint, ApiIssue, ApiRelease, ApiReleaseDetail, ApiReleaseListItem, ApiRepository,
} from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { ReleaseCommit, ReleaseDeploy, ReleaseRecord } from "../../store/model/releases.ts";
import type { SourceLinkSettings } from "../../store/model/source-links.ts";

/** One project's figures for one release (src/api/release-context.ts computes them). */
export interface ReleaseProjectFigures {
  projectId: number;
  healthData: ApiHealthData;
  healthSeries: ApiHealthPoint[];
  eventCount: number;
  eventCount24h: number;
  newGroups: number;
  regressedGroups: number;
}

/** What the release list adds to a release: the figures of the projects in scope, when it was first seen, deploys. */
export interface ReleaseListExtras {
  /** the release's projects within the request's scope */
  figures: ReleaseProjectFigures[];
  /** seconds since epoch: the earliest of its creation and its first event (Infinity when unknown) */
  firstSeenSec: number;
  /** `health=1`: add healthData and the chart per project */
  health: boolean;
  deploysByEnvironment: ApiDeploySummary[];
}

/**
 * A release in Sentry's API shape. sentry-cli deserialises `version`, `dateCreated` (mandatory),
 * `dateReleased`, `lastEvent`, `newGroups`, `projects[{slug,name}]` and `lastCommit{id}`.
 */
export function serializeRelease(r: ReleaseRecord): ApiRelease {
  return {
    id: r.id,
    version: r.version,
    shortVersion: shortVersion(r.version),
    versionInfo: null,
    ref: r.ref,
    url: r.url,
    status: r.status,
    dateCreated: toIsoString(r.dateCreated),
    dateStarted: r.dateStarted === null ? null : toIsoString(r.dateStarted),
    dateReleased: r.dateReleased === null ? null : toIsoString(r.dateReleased),
    firstEvent: r.firstEvent === null ? null : toIsoString(r.firstEvent),
    lastEvent: r.lastEvent === null ? null : toIsoString(r.lastEvent),
    newGroups: r.newGroups,
    commitCount: r.commitCount,
    lastCommit: r.lastCommit ? serializeCommit(r.lastCommit) : null,
    deployCount: r.deployCount,
    lastDeploy: r.lastDeploy ? serializeDeploy(r.lastDeploy) : null,
    authors: r.authors.map((a) => ({ name: a.name, email: a.email })),
    projects: r.projects.map((p) => ({ id: p.id, slug: p.slug, name: p.name, platform: p.platform, platforms: p.platform ? [p.platform] : [], newGroups: 0 })),
    data: {},
  };
}

/** A release of the list: LightTrace's additions are first seen, event counts, regressions, adoption and deploys per environment. */
export function serializeReleaseListItem(r: ReleaseRecord, extras: ReleaseListExtras): ApiReleaseListItem {
  const base = serializeRelease(r);
  const figuresOf = new Map(extras.figures.map((f) => [f.projectId, f]));
  const sum = (k: "eventCount" | "eventCount24h" | "regressedGroups") => extras.figures.reduce((n, f) => n + f[k], 0);
  return {
    ...base,
    projects: base.projects.map((p) => {
      const f = figuresOf.get(p.id);
      return { ...p, newGroups: f?.newGroups ?? 0, ...(extras.health && f ? { healthData: f.healthData, healthSeries: f.healthSeries } : {}) };
    }),
    firstSeen: Number.isFinite(extras.firstSeenSec) ? toIsoString(extras.firstSeenSec) : base.dateCreated,
    eventCount: sum("eventCount"),
    eventCount24h: sum("eventCount24h"),
    regressedGroups: sum("regressedGroups"),
    adoption: extras.figures.length === 1 ? extras.figures[0]!.healthData.adoption : null,
    deploysByEnvironment: extras.deploysByEnvironment,
  };
}

/** The release detail: the list item (health always on) with deploys and the issues new and regressed in it. */
export function serializeReleaseDetail(
  r: ReleaseRecord, extras: Omit<ReleaseListExtras, "health">, deploys: ReleaseDeploy[], issues: { newIssues: ApiIssue[]; regressedIssues: ApiIssue[] },
): ApiReleaseDetail {
  return { ...serializeReleaseListItem(r, { ...extras, health: true }), deploys: deploys.map(serializeDeploy), ...issues };
}

export function serializeCommit(c: ReleaseCommit): ApiCommit {
  return {
    id: c.id,
    message: c.message,
    dateCreated: c.timestampSec === null ? null : toIsoString(c.timestampSec),
    repository: c.repository ? { name: c.repository } : null,
    author: c.authorName || c.authorEmail ? { name: c.authorName, email: c.authorEmail } : null,
  };
}

export function serializeDeploy(d: ReleaseDeploy): ApiDeploy {
  return {
    id: String(d.id),
    environment: d.environment,
    name: d.name,
    url: d.url,
    dateStarted: d.dateStarted === null ? null : toIsoString(d.dateStarted),
    dateFinished: toIsoString(d.dateFinished),
  };
}

/** Deploys per environment, the most recently deployed environment first. */
export function serializeDeploySummaries(deploys: ReleaseDeploy[]): ApiDeploySummary[] {
  const byEnv = new Map<string, { count: number; lastSec: number }>();
  for (const d of deploys) {
    const e = byEnv.get(d.environment) ?? { count: 0, lastSec: 0 };
    byEnv.set(d.environment, { count: e.count + 1, lastSec: Math.max(e.lastSec, d.dateFinished) });
  }
  return [...byEnv].sort((a, b) => b[1].lastSec - a[1].lastSec)
    .map(([environment, e]) => ({ environment, deployCount: e.count, lastDeployed: toIsoString(e.lastSec) }));
}

/** A repository in Sentry's shape, from a project's source-link settings; the provider named after the host, never a commit-fetching integration id (see listRepositories). */
export function serializeRepository(s: SourceLinkSettings, host: string): ApiRepository {
  const provider = host.includes("github") ? { id: "lighttrace:github", name: "GitHub" }
    : host.includes("gitlab") ? { id: "lighttrace:gitlab", name: "GitLab" }
    : { id: "lighttrace:custom", name: "Custom" };
  return {
    id: String(s.projectId), name: s.repository, url: s.repositoryUrl, provider, status: "active", dateCreated: toIsoString(s.updatedAtSec),
    integrationId: null, externalSlug: s.repository,
  };
}

/** Sentry's short form: a 40-hex commit version shortens to 12 characters; `pkg@1.2.3` to `1.2.3`. */
export function shortVersion(version: string): string {
  if (/^[0-9a-f]{40}$/i.test(version)) return version.slice(0, 12);
  const at = version.lastIndexOf("@");
  return at > 0 && at < version.length - 1 ? version.slice(at + 1) : version;
}
