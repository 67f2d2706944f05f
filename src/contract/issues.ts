/** Wire types of issues (Sentry's "groups"): lists, detail, tags and status changes. */

import type { ApiIssueGrouping } from "./grouping.ts";
import type { ApiAssignee } from "./activity.ts";

export type ApiIssueStatus = "unresolved" | "resolved" | "ignored";

/** `[[bucket start in epoch seconds, event count], …]`, oldest first, every bucket present. */
export type ApiStatsSeries = [number, number][];

/** Sentry's `statusDetails`: how a resolved issue was resolved (empty otherwise). */
export interface ApiStatusDetails {
  inRelease?: string;
  inNextRelease?: boolean;
  actor?: null;
}

/** An issue as every endpoint returns it (list, detail, status change, release detail). */
export interface ApiIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  permalink: string;
  logger: null;
  level: string;
  status: ApiIssueStatus;
  statusDetails: ApiStatusDetails;
  substatus: string | null;
  isPublic: boolean;
  platform: string;
  project: { id: string; name: string; slug: string; platform: string | null };
  type: string;
  issueType: "error";
  issueCategory: "error";
  metadata: { type?: string; value?: string; filename?: string; function?: string; title?: string };
  numComments: number;
  /** user feedback attached to the issue */
  userReportCount: number;
  /** Sentry's assignee shape, or null */
  assignedTo: ApiAssignee | null;
  isBookmarked: boolean;
  isSubscribed: boolean;
  hasSeen: boolean;
  annotations: string[];
  isUnhandled: boolean;
  /** a string, as Sentry sends it */
  count: string;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  firstRelease: { version: string } | null;
  lastRelease: { version: string } | null;
  regressedAt: string | null;
  /** with `statsPeriod` / `groupStatsPeriod`: the event series of that period */
  stats?: Record<string, ApiStatsSeries>;
  /** LightTrace: the last hour is well above the issue's own hourly baseline */
  isSpiking: boolean;
  lastHourCount: number;
  baselinePerHour: number;
}

/** `GET /issues/{id}/`: the issue with its series, tag keys, grouping and release facts. */
export interface ApiIssueDetail extends ApiIssue {
  stats: { "24h": ApiStatsSeries; "30d": ApiStatsSeries };
  tags: { key: string; name: string; totalValues: number }[];
  /** LightTrace: the grouping mechanism and the readable key the issue was grouped by */
  grouping: { mechanism: string; key: string };
  /** LightTrace: every key that leads to the issue, oldest (the one that made it) first */
  groupings: ApiIssueGrouping[];
  participants: [];
  activity: [];
  seenBy: [];
  pluginActions: [];
  pluginContexts: [];
  pluginIssues: [];
  /** LightTrace: events per release, oldest release first */
  releaseCounts: ApiIssueReleaseCount[];
  /** LightTrace: for an issue resolved in a release, whether the fix holds */
  resolution: ApiResolutionCheck | null;
}

export interface ApiIssueReleaseCount {
  version: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface ApiResolutionCheck {
  type: "inRelease" | "inNextRelease";
  release: string;
  resolvedAt: string;
  /** events from the fix release or newer (each would reopen the issue) */
  fixedReleaseEventCount: number;
  lastFixedReleaseEvent: { release: string; at: string } | null;
  lastOlderReleaseEvent: { release: string; at: string } | null;
  /** no event from the fix release or newer since then */
  quietSince: string;
}

/** `PUT /issues/?id=…` (bulk): the status applied. */
export interface ApiBulkStatusChange {
  status: string;
  statusDetails: ApiStatusDetails;
}

export interface ApiTagValue {
  key: string;
  name: string;
  value: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface ApiTagKey {
  key: string;
  name: string;
  totalValues: number;
  uniqueValues: number;
  topValues: ApiTagValue[];
}

/** `GET /organizations/{org}/shortids/{short_id}/`: the issue a short id names. */
export interface ApiShortIdLookup {
  organizationSlug: string;
  projectSlug: string;
  groupId: string;
  shortId: string;
  group: ApiIssue;
}
