import type { SessionTotals } from "../../sessions/health.ts";

/**
 * Release-health storage. Sessions are pre-aggregated on write so the health query reads a few
 * hundred rows whatever the traffic:
 *
 * - `session_states`: the merge state of each session (by sid) while updates may still come;
 *   pruned once sessions are older than Relay accepts (5 days).
 * - `session_hourly`: per (project, release, environment, start hour) the session counts by worst
 *   outcome, plus two user "marks": `user_marks` = users whose latest session started in this hour,
 *   `crashed_user_marks` = users whose latest crashed session started in it. Summing marks over a
 *   window that ends now gives exact distinct users (and crashed users) in it.
 * - `session_users`: each user's latest session hour and latest crash hour, to move their marks.
 */
export interface SessionHealthRow extends SessionTotals {
  projectId: number;
  release: string;
  environment: string;
}

export interface SessionBucket {
  hour: number;
  sessions: number;
  errored: number;
  abnormal: number;
  crashed: number;
}

export interface SessionReleaseBucket extends SessionBucket {
  release: string;
  environment: string;
}
