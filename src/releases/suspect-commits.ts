import type { ReleaseCommitWithFiles } from "../store/model/releases.ts";

/** A stack frame as the event API shapes it (only what matching reads); outermost first in a list. */
export interface SuspectFrame {
  filename: string | null;
  absPath: string | null;
  module: string | null;
  function: string | null;
  lineNo: number | null;
  inApp: boolean;
}

/** A release whose commits may have caused the issue; `distance` 0 is the first release. */
export interface CandidateRelease {
  version: string;
  distance: number;
  commits: ReleaseCommitWithFiles[];
}

/** How stack paths map to repository paths (the project's source-link settings). */
export interface PathMapping { stackRoot: string; sourceRoot: string }

/** A commit that touched the file of a crashing in-app frame. */
export interface SuspectCommit {
  commit: ReleaseCommitWithFiles;
  release: string;
  /** 0: the first release; 1: the release before it; … */
  releaseDistance: number;
  /** 0: the crashing (innermost in-app) frame; 1: its caller; … */
  frameDistance: number;
  /** the commit's files that matched, each with the frame it matched */
  matches: { path: string; frame: SuspectFrame; score: number }[];
}

/** At most this many in-app frames are matched, innermost first (Sentry: 25). */
export const SUSPECT_FRAME_LIMIT = 25;

/**
 * The commits of the candidate releases that touched the files of the crashing in-app frames:
 * a repository path matches a frame path when their last path segments agree (the more, the
 * better; per frame only the best-scoring files count, and a lone file name only matches a
 * top-level file, as Sentry does). Ordered closest first (the crashing frame's file before its
 * callers'), then by release (the first release before older ones), then newest commit first.
 * Deleted files are skipped: the crashing code cannot live in them. Pure.
 */
export function findSuspectCommits(frames: readonly SuspectFrame[], releases: readonly CandidateRelease[], mapping?: PathMapping): SuspectCommit[] {
  const inApp = frames.filter((f) => f.inApp);
  const chosen = (inApp.length ? inApp : frames).slice(-SUSPECT_FRAME_LIMIT).reverse();
  const found = new Map<string, SuspectCommit>();
  chosen.forEach((frame, frameDistance) => {
    const path = repositoryPathOfFrame(frame, mapping);
    if (!path) return;
    const hits: { release: CandidateRelease; commit: ReleaseCommitWithFiles; file: string; score: number }[] = [];
    let best = 0;
    for (const release of releases) {
      for (const commit of release.commits) {
        for (const file of commit.files) {
          if (file.type === "D") continue;
          const score = _pathMatchScore(file.path, path);
          if (score === 0 || score < best) continue;
          if (score > best) {
            best = score;
            hits.length = 0;
          }
          hits.push({ release, commit, file: file.path, score });
        }
      }
    }
    for (const hit of hits) {
      const key = `${hit.release.version}\u0000${hit.commit.id}`;
      const existing = found.get(key);
      if (existing) {
        if (!existing.matches.some((m) => m.path === hit.file && m.frame === frame)) existing.matches.push({ path: hit.file, frame, score: hit.score });
        continue;
      }
      found.set(key, { commit: hit.commit, release: hit.release.version, releaseDistance: hit.release.distance, frameDistance, matches: [{ path: hit.file, frame, score: hit.score }] });
    }
  });
  return [...found.values()].sort((a, b) =>
    a.frameDistance - b.frameDistance || a.releaseDistance - b.releaseDistance || (b.commit.timestampSec ?? 0) - (a.commit.timestampSec ?? 0));
}

/**
 * The repository-relative path a frame's file probably has: the stack root replaced by the source
 * root when configured, URL schemes and hosts (`webpack://app/`, `app:///`, `https://cdn/`),
 * `./` and `../` prefixes dropped; Java-style frames (a module and a bare `Cart.java`) become
 * `com/acme/Cart.java`. Undefined for dependencies and runtime internals.
 */
export function repositoryPathOfFrame(frame: SuspectFrame, mapping?: PathMapping): string | undefined {
  let p = (frame.filename ?? frame.absPath ?? "").replace(/\\/g, "/").replace(/[?#].*$/, "");
  if (mapping?.stackRoot && p.startsWith(mapping.stackRoot)) p = mapping.sourceRoot.replace(/\/*$/, "/").replace(/^\/$/, "") + p.slice(mapping.stackRoot.length);
  if (!p || /(^|\/)(node_modules|site-packages|dist-packages|vendor)\//.test(p) || /^(node|internal|native|bun):/.test(p) || p.startsWith("<")) return undefined;
  p = p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*\//i, "").replace(/^(\.\.?\/|~\/)+/, "").replace(/^\/+/, "");
  if (frame.module && /^[\w$]+\.(java|kt|scala|groovy)$/.test(p) && frame.module.includes(".")) {
    p = `${frame.module.split(".").slice(0, -1).join("/")}/${p}`;
  }
  return p || undefined;
}

// --- Internal ---

/** Number of equal trailing path segments; a single-segment match counts only for a top-level file. */
function _pathMatchScore(repoPath: string, framePath: string): number {
  const a = repoPath.split("/").filter(Boolean).reverse();
  const b = framePath.split("/").filter(Boolean).reverse();
  let score = 0;
  while (score < a.length && score < b.length && a[score] === b[score]) score++;
  if (score === 1 && a.length > 1) return 0;
  return score;
}
