import type { ApiIssue } from "./issues.ts";

/** Wire types of releases: what sentry-cli reads back, the list with health, and the detail. */

/**
 * A release as the write endpoints answer it. sentry-cli deserialises `version`, `dateCreated`
 * (mandatory), `dateReleased`, `lastEvent`, `newGroups`, `projects[{slug,name}]` and `lastCommit{id}`.
 */
export interface ApiRelease {
  id: number;
  version: string;
  shortVersion: string;
  versionInfo: null;
  ref: string | null;
  url: string | null;
  status: "open" | "archived";
  dateCreated: string;
  dateStarted: string | null;
  dateReleased: string | null;
  firstEvent: string | null;
  lastEvent: string | null;
  newGroups: number;
  commitCount: number;
  lastCommit: ApiCommit | null;
  deployCount: number;
  lastDeploy: ApiDeploy | null;
  authors: { name: string | null; email: string | null }[];
  projects: ApiReleaseProject[];
  data: Record<string, never>;
}

export interface ApiReleaseProject {
  id: number;
  slug: string;
  name: string;
  platform: string | null;
  platforms: string[];
  newGroups: number;
  /** with `health=1` (list) and always on the detail */
  healthData?: ApiHealthData;
  /** LightTrace: the health chart's points */
  healthSeries?: ApiHealthPoint[];
}

/** `GET …/releases/`: a release with LightTrace's figures (events, regressions, adoption, deploys). */
export interface ApiReleaseListItem extends ApiRelease {
  firstSeen: string;
  eventCount: number;
  eventCount24h: number;
  regressedGroups: number;
  /** % of the project's sessions (or events) in the last 24 h; null across several projects */
  adoption: number | null;
  deploysByEnvironment: ApiDeploySummary[];
}

/** `GET …/releases/{version}/`: the release with its deploys, new and regressed issues. */
export interface ApiReleaseDetail extends ApiReleaseListItem {
  deploys: ApiDeploy[];
  newIssues: ApiIssue[];
  regressedIssues: ApiIssue[];
}

export interface ApiDeploySummary {
  environment: string;
  deployCount: number;
  lastDeployed: string;
}

export interface ApiCommit {
  id: string;
  message: string | null;
  dateCreated: string | null;
  repository: { name: string } | null;
  author: { name: string | null; email: string | null } | null;
}

export interface ApiDeploy {
  id: string;
  environment: string;
  name: string | null;
  url: string | null;
  dateStarted: string | null;
  dateFinished: string;
}

/** `GET /organizations/{org}/repos/`: one per repository of the projects' source-link settings. */
export interface ApiRepository {
  id: string;
  name: string;
  url: string;
  provider: { id: string; name: string };
  status: string;
  dateCreated: string;
  integrationId: null;
  externalSlug: string;
}

/**
 * Sentry's `healthData` of one project's release: crash-free rates and counts over the summary
 * window, adoption over the last 24 h. Percentages are 0–100 (null without sessions).
 */
export interface ApiHealthData {
  crashFreeSessions: number | null;
  crashFreeUsers: number | null;
  sessionsCrashed: number;
  sessionsErrored: number;
  sessionsAbnormal: number;
  totalSessions: number;
  totalUsers: number;
  totalSessions24h: number;
  totalUsers24h: number;
  /** share (%) of the project's sessions in the last 24 h (of its events when it has no sessions) */
  adoption: number | null;
  sessionsAdoption: number | null;
  hasHealthData: boolean;
  durationP50: null;
  durationP90: null;
  /** `{ "<healthStatsPeriod>": [[bucket start in epoch seconds, sessions], …] }` */
  stats: Record<string, [number, number][]>;
}

/** One point of a release's health chart (LightTrace). */
export interface ApiHealthPoint {
  /** bucket start, seconds since epoch */
  time: number;
  sessions: number;
  errored: number;
  abnormal: number;
  crashed: number;
  crashFreeSessions: number | null;
}

/** `GET /projects/{org}/{project}/events/{event_id}/committers/`: suspect commits grouped by author. */
export interface ApiCommitters {
  committers: { author: { name: string | null; email: string | null }; commits: ApiSuspectCommit[] }[];
  /** LightTrace, with `?missing=empty`: why there can be none ("Release not found", "No Commits found for Release") */
  missing?: string;
}

/** A suspect commit in Sentry's commit shape, plus LightTrace's evidence fields. */
export interface ApiSuspectCommit {
  id: string;
  message: string | null;
  dateCreated: string | null;
  repository: { name: string; url: string | null } | null;
  pullRequest: null;
  suspectCommitType: "via commit in release";
  /** higher is more suspicious */
  score: number;
  /** 1 = most suspicious */
  rank: number;
  release: { version: string };
  /** 0: the issue's first release; 1: the release before it; … */
  releaseDistance: number;
  /** 0: the crashing (innermost in-app) frame; 1: its caller; … */
  frameDistance: number;
  files: { path: string; frame: { filename: string | null; function: string | null; lineNo: number | null } }[];
  /** the commit's page in its repository, when known */
  url: string | null;
}
