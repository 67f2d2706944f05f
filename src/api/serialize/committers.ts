import type { ApiCommitters, ApiSuspectCommit } from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { SuspectCommitView } from "../../releases/load-suspect-commits.ts";

/** Suspect commits grouped by author, authors ordered by their best-ranked commit. */
export function serializeCommitters(suspects: SuspectCommitView[]): ApiCommitters {
  const byAuthor = new Map<string, ApiCommitters["committers"][number]>();
  suspects.forEach((s, rank) => {
    const key = (s.commit.authorEmail ?? s.commit.authorName ?? "").toLowerCase();
    let entry = byAuthor.get(key);
    if (!entry) {
      entry = { author: { name: s.commit.authorName, email: s.commit.authorEmail }, commits: [] };
      byAuthor.set(key, entry);
    }
    entry.commits.push(serializeSuspectCommit(s, rank));
  });
  return { committers: [...byAuthor.values()] };
}

/** One suspect commit in Sentry's commit shape plus LightTrace's evidence fields. */
export function serializeSuspectCommit(s: SuspectCommitView, rank: number): ApiSuspectCommit {
  return {
    id: s.commit.id,
    message: s.commit.message,
    dateCreated: s.commit.timestampSec === null ? null : toIsoString(s.commit.timestampSec),
    repository: s.repositoryName ? { name: s.repositoryName, url: s.repositoryUrl } : null,
    pullRequest: null,
    suspectCommitType: "via commit in release",
    // higher is more suspicious: Sentry scores by path match; here the rank order decides
    score: s.matches.reduce((best, m) => Math.max(best, m.score), 0),
    rank: rank + 1,
    release: { version: s.release },
    releaseDistance: s.releaseDistance,
    frameDistance: s.frameDistance,
    files: s.matches.map((m) => ({
      path: m.path,
      frame: { filename: m.frame.filename ?? m.frame.absPath, function: m.frame.function, lineNo: m.frame.lineNo },
    })),
    url: s.url,
  };
}
