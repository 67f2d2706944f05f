import type { ApiIssue } from "../../src/contract/index.ts";

export type TriageBadge = "new" | "regressed" | "spiking";

/** Same windows as the server's triage rule (src/store/triage.ts). */
const NEW_WINDOW_MS = 24 * 3600 * 1000;
const REGRESSED_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * The triage badges of an issue: new (first seen in the last 24 h), regressed (unresolved again
 * after a resolve, in the last 7 days), spiking (the server's last-hour-vs-baseline verdict).
 * @example triageBadges(issue, Date.now()) // ["new", "spiking"]
 */
export function triageBadges(issue: Pick<ApiIssue, "firstSeen" | "status" | "substatus" | "regressedAt" | "isSpiking">, nowMs: number): TriageBadge[] {
  const badges: TriageBadge[] = [];
  if (nowMs - Date.parse(issue.firstSeen) < NEW_WINDOW_MS) badges.push("new");
  if (issue.status === "unresolved" && issue.substatus === "regressed" && issue.regressedAt && nowMs - Date.parse(issue.regressedAt) < REGRESSED_WINDOW_MS) {
    badges.push("regressed");
  }
  if (issue.isSpiking) badges.push("spiking");
  return badges;
}
