import type { Issue, Store } from "../store/types.ts";
import { commitUrl } from "../sourcemaps/source-links.ts";
import { compareReleases, type ReleaseRef } from "./order.ts";
import { findSuspectCommits, type CandidateRelease, type SuspectCommit, type SuspectFrame } from "./suspect-commits.ts";

/** Releases looked at: the first release and those before it back to the previous deploy, at most this many (Sentry: 5). */
export const MAX_SUSPECT_RELEASES = 5;
/** Suspect commits returned at most. */
export const MAX_SUSPECT_COMMITS = 10;

/** A suspect commit with where to read it. */
export interface SuspectCommitView extends SuspectCommit {
  /** the commit's page in its repository (from the project's source-link settings), when known */
  url: string | null;
  /** the repository as the source-link settings name it (sentry-cli --local sends the git remote's name, e.g. "origin") */
  repositoryName: string | null;
  repositoryUrl: string | null;
}

export type SuspectCommitsResult =
  | { status: "ok"; releases: string[]; suspects: SuspectCommitView[] }
  /** the issue has no first release */
  | { status: "no-release" }
  /** none of the releases looked at has commits (sentry-cli releases set-commits was not run) */
  | { status: "no-commits"; releases: string[] };

/**
 * The suspect commits of an issue's event: the commits of the issue's first release, and of the
 * releases before it that were not deployed yet (back to the previous deploy, at most
 * MAX_SUSPECT_RELEASES), that touched the files of the event's crashing in-app frames.
 * `frames` are the event's frames as the event API shows them (source-mapped), outermost first.
 */
export async function loadSuspectCommits(store: Store, issue: Issue, frames: readonly SuspectFrame[]): Promise<SuspectCommitsResult> {
  if (!issue.firstRelease) return { status: "no-release" };
  const org = await store.getOrganization();
  if (!org) return { status: "no-release" };
  const candidates = await _candidateReleases(store, org.id, issue);
  if (!candidates.length) return { status: "no-release" };
  const releases: CandidateRelease[] = [];
  for (const c of candidates) releases.push({ version: c.version, distance: c.distance, commits: await store.listReleaseCommits(c.id) });
  const versions = releases.map((r) => r.version);
  if (!releases.some((r) => r.commits.length)) return { status: "no-commits", releases: versions };
  const settings = await store.getSourceLinkSettings(issue.projectId);
  const repositories = await store.listSourceLinkSettings();
  const suspects = findSuspectCommits(frames, releases, settings).slice(0, MAX_SUSPECT_COMMITS).map((s) => {
    const repo = (s.commit.repository ? repositories.find((r) => r.repository.toLowerCase() === s.commit.repository!.toLowerCase()) : undefined) ?? settings;
    return {
      ...s, url: repo ? commitUrl(repo.repositoryUrl, s.commit.id) : null,
      repositoryName: repo?.repository ?? s.commit.repository, repositoryUrl: repo?.repositoryUrl ?? null,
    };
  });
  return { status: "ok", releases: versions, suspects };
}

// --- Internal ---

/** The first release, then older ones, newest first, stopping before one that was deployed. */
async function _candidateReleases(store: Store, organizationId: number, issue: Issue): Promise<{ id: number; version: string; distance: number }[]> {
  const heads = await store.releaseHeads(organizationId, [issue.projectId]);
  const firstSeen = new Map((await store.projectReleases(issue.projectId)).map((r) => [r.version, r.firstSeen]));
  const ref = (h: { version: string; dateCreated: number }): ReleaseRef => ({ version: h.version, firstSeen: Math.min(h.dateCreated, firstSeen.get(h.version) ?? Number.POSITIVE_INFINITY) });
  const ordered = [...heads].sort((a, b) => compareReleases(ref(b), ref(a)));
  const start = ordered.findIndex((h) => h.version === issue.firstRelease);
  if (start < 0) return [];
  const out = [{ id: ordered[start]!.id, version: ordered[start]!.version, distance: 0 }];
  for (let i = start + 1; i < ordered.length && out.length < MAX_SUSPECT_RELEASES; i++) {
    // that release was live before the issue's first release shipped: its commits are not new
    if ((await store.listDeploys(ordered[i]!.id)).length) break;
    out.push({ id: ordered[i]!.id, version: ordered[i]!.version, distance: out.length });
  }
  return out;
}
