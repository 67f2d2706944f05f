/**
 * Organization releases (Sentry's model: one version per organization, listing its projects) and
 * what sentry-cli attaches to them: commits, head refs, deploys. The per-project `releases` table
 * with first/last event stays ingest's; a trigger (migration 003) creates the organization release
 * when an event names a version first, so this store sees both.
 */
export interface ReleaseStore {
  /** Creates the release or, when the version exists, adds the projects and fills the given fields (idempotent, as CI needs). */
  upsertRelease(input: ReleaseInput & { organizationId: number; version: string; projectIds: number[]; now: number }): Promise<{ release: ReleaseRecord; created: boolean }>;
  /** Updates an existing release; undefined when the version does not exist. Commits/refs replace the previous ones. */
  updateRelease(organizationId: number, version: string, changes: ReleaseChanges): Promise<ReleaseRecord | undefined>;
  getRelease(organizationId: number, version: string): Promise<ReleaseRecord | undefined>;
  /** Every release of the organization, newest first; `projectId` narrows to one project. */
  listReleases(organizationId: number, opts: { projectId?: number; offset: number; limit: number }): Promise<ReleaseRecord[]>;
  /** The newest other release that has commits (sentry-cli `set-commits` starts from it). */
  previousReleaseWithCommits(organizationId: number, version: string): Promise<ReleaseRecord | undefined>;
  /** The release's commits in the order sent (sentry-cli: newest first), each with the files it touched. */
  listReleaseCommits(releaseId: number): Promise<ReleaseCommitWithFiles[]>;
  listReleaseHeadCommits(releaseId: number): Promise<ReleaseHeadCommit[]>;
  addDeploy(releaseId: number, deploy: DeployInput): Promise<ReleaseDeploy>;
  listDeploys(releaseId: number): Promise<ReleaseDeploy[]>;
  /** Removes the release with its projects, commits, refs and deploys (events keep their release name). */
  deleteRelease(releaseId: number): Promise<void>;
}

export interface ReleaseInput {
  ref?: string | null;
  url?: string | null;
  /** seconds since epoch */
  dateStarted?: number | null;
  dateReleased?: number | null;
}

export interface ReleaseChanges extends ReleaseInput {
  projectIds?: number[];
  status?: "open" | "archived";
  commits?: ReleaseCommitInput[];
  headCommits?: ReleaseHeadCommit[];
}

export interface ReleaseCommit {
  id: string;
  repository: string | null;
  message: string | null;
  authorName: string | null;
  authorEmail: string | null;
  /** seconds since epoch */
  timestampSec: number | null;
}

/** A file a commit touched (sentry-cli's `patch_set`): repository-relative path and git's name-status letter (A added, M modified, D deleted, T type changed). */
export interface ReleaseCommitFile { path: string; type: string }

export interface ReleaseCommitWithFiles extends ReleaseCommit { files: ReleaseCommitFile[] }

/** A commit as set-commits sends it (no files when the client sent no patch set). */
export type ReleaseCommitInput = ReleaseCommitWithFiles;

export interface ReleaseHeadCommit { repository: string; commit: string; previousCommit: string | null }

export interface DeployInput {
  environment: string;
  name: string | null;
  url: string | null;
  dateStarted: number | null;
  /** seconds since epoch; the request time when the client sends none */
  dateFinished: number;
}

export interface ReleaseDeploy extends DeployInput { id: number }

export interface ReleaseRecord {
  id: number;
  organizationId: number;
  version: string;
  ref: string | null;
  url: string | null;
  /** seconds since epoch */
  dateCreated: number;
  dateStarted: number | null;
  dateReleased: number | null;
  status: "open" | "archived";
  projects: { id: number; slug: string; name: string; platform: string | null }[];
  /** from events (per-project `releases` rows), across the release's projects */
  firstEvent: number | null;
  lastEvent: number | null;
  /** issues first seen in this release */
  newGroups: number;
  commitCount: number;
  /** the first commit as sent (sentry-cli: the newest) */
  lastCommit: ReleaseCommit | null;
  deployCount: number;
  lastDeploy: ReleaseDeploy | null;
  /** distinct commit authors */
  authors: { name: string | null; email: string | null }[];
}
