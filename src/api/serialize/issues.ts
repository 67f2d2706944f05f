import type {
  ApiAssignee, ApiIssue, ApiIssueDetail, ApiIssueReleaseCount, ApiResolutionCheck, ApiStatsSeries, ApiStatusDetails, ApiTagKey,
} from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { IssueReleaseCount, StoredResolution } from "../../store/model/resolutions.ts";
import type { Issue, Project, SpikeStats, TagKeySummary } from "../../store/types.ts";
import type { IssueGrouping } from "../../store/model/groupings.ts";
import { serializeIssueGrouping } from "./grouping.ts";
import { issuePermalink, type ApiLinks } from "./links.ts";

/** What an issue's serialized form needs besides the issue: every caller passes all of it, so every endpoint's issue has one shape. */
export interface IssueExtras {
  /** the spike verdict (undefined: no events in the last 25 h) */
  spike: SpikeStats | undefined;
  statusDetails: ApiStatusDetails;
  /** with `statsPeriod`: that period's series */
  stats?: Record<string, ApiStatsSeries>;
  assignedTo: ApiAssignee | null;
  numComments: number;
  userReportCount: number;
}

/** What issue detail adds: series, tag keys and the release facts. */
export interface IssueDetailExtras extends IssueExtras {
  stats: { "24h": ApiStatsSeries; "30d": ApiStatsSeries };
  tags: TagKeySummary[];
  releaseCounts: ApiIssueReleaseCount[];
  resolution: ApiResolutionCheck | null;
  groupings: IssueGrouping[];
}

/** `MY-APP-1A`: the project slug and a per-project counter in base 36, as Sentry does. */
export function formatShortId(project: Project, shortId: number): string {
  return `${project.slug.toUpperCase()}-${shortId.toString(36).toUpperCase()}`;
}

export function serializeIssue(issue: Issue, project: Project, links: ApiLinks, extras: IssueExtras): ApiIssue {
  return {
    id: String(issue.id),
    shortId: formatShortId(project, issue.shortId),
    title: issue.title,
    culprit: issue.culprit,
    permalink: issuePermalink(links, issue.id),
    logger: null,
    level: issue.level,
    status: issue.status,
    statusDetails: extras.statusDetails,
    substatus: issue.status === "unresolved" ? issue.substatus : issue.status === "ignored" ? "archived_forever" : null,
    isPublic: false,
    platform: issue.platform,
    project: { id: String(project.id), name: project.name, slug: project.slug, platform: project.platform },
    type: issue.type,
    issueType: "error",
    issueCategory: "error",
    metadata: issue.metadata,
    numComments: extras.numComments,
    userReportCount: extras.userReportCount,
    assignedTo: extras.assignedTo,
    isBookmarked: false,
    isSubscribed: false,
    hasSeen: false,
    annotations: [],
    isUnhandled: issue.isUnhandled,
    count: String(issue.eventCount),
    userCount: issue.userCount,
    firstSeen: toIsoString(issue.firstSeenSec),
    lastSeen: toIsoString(issue.lastSeenSec),
    firstRelease: issue.firstRelease ? { version: issue.firstRelease } : null,
    lastRelease: issue.lastRelease ? { version: issue.lastRelease } : null,
    regressedAt: issue.regressedAtSec === null ? null : toIsoString(issue.regressedAtSec),
    ...(extras.stats ? { stats: extras.stats } : {}),
    // LightTrace's addition to Sentry's shape: the spike verdict the triage view badges
    isSpiking: extras.spike?.isSpiking ?? false,
    lastHourCount: extras.spike?.lastHourCount ?? 0,
    baselinePerHour: extras.spike?.baselinePerHour ?? 0,
  };
}

export function serializeIssueDetail(issue: Issue, project: Project, links: ApiLinks, extras: IssueDetailExtras): ApiIssueDetail {
  return {
    ...serializeIssue(issue, project, links, extras),
    stats: extras.stats,
    tags: extras.tags.map((t) => ({ key: t.key, name: t.key, totalValues: t.totalValues })),
    grouping: { mechanism: issue.groupingMechanism, key: issue.groupingKey },
    groupings: extras.groupings.map(serializeIssueGrouping),
    participants: [],
    activity: [],
    seenBy: [],
    pluginActions: [],
    pluginContexts: [],
    pluginIssues: [],
    releaseCounts: extras.releaseCounts,
    resolution: extras.resolution,
  };
}

export function serializeTagKey(t: TagKeySummary): ApiTagKey {
  return {
    key: t.key,
    name: t.key,
    totalValues: t.totalValues,
    uniqueValues: t.uniqueValues,
    topValues: t.topValues.map((v) => ({
      key: t.key, name: v.value, value: v.value, count: v.count, firstSeen: toIsoString(v.firstSeenSec), lastSeen: toIsoString(v.lastSeenSec),
    })),
  };
}

/** Sentry's statusDetails of a stored resolution (empty when the issue was not resolved in a release). */
export function serializeStatusDetails(resolution: StoredResolution | undefined): ApiStatusDetails {
  if (!resolution) return {};
  return resolution.type === "in_release" ? { inRelease: resolution.release, actor: null } : { inNextRelease: true, actor: null };
}

export function serializeReleaseCount(c: IssueReleaseCount): ApiIssueReleaseCount {
  return { version: c.version, count: c.count, firstSeen: toIsoString(c.firstSeen), lastSeen: toIsoString(c.lastSeen) };
}

/**
 * Whether a resolution in a release holds: `fixed` are the per-release counts whose events would
 * reopen the issue (the fix release or newer), `older` the rest.
 */
export function serializeResolutionCheck(resolution: StoredResolution, fixed: IssueReleaseCount[], older: IssueReleaseCount[]): ApiResolutionCheck {
  const latest = (counts: IssueReleaseCount[]) => counts.reduce<IssueReleaseCount | undefined>((a, c) => (!a || c.lastSeen > a.lastSeen ? c : a), undefined);
  const lastFixed = latest(fixed);
  const lastOlder = latest(older);
  return {
    type: resolution.type === "in_release" ? "inRelease" : "inNextRelease",
    release: resolution.release,
    resolvedAt: toIsoString(resolution.resolvedAtSec),
    fixedReleaseEventCount: fixed.reduce((n, c) => n + c.count, 0),
    lastFixedReleaseEvent: lastFixed ? { release: lastFixed.version, at: toIsoString(lastFixed.lastSeen) } : null,
    lastOlderReleaseEvent: lastOlder ? { release: lastOlder.version, at: toIsoString(lastOlder.lastSeen) } : null,
    quietSince: toIsoString(Math.max(resolution.resolvedAtSec, lastFixed?.lastSeen ?? 0)),
  };
}
