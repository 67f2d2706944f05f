import { hotUntilSec } from "../src/store/triage.ts";

/**
 * The triage state of a seeded issue (`issues.hot_until`) as the write path would have left it
 * at its last event: new for a day, regressed for a week, a spike candidate when its last two
 * clock hours hold enough events.
 */
export function seedHotUntil(issue, hourly, nowSec) {
  const lastHour = Math.floor(issue.lastSeen / 3600);
  const recentHoursCount = hourly.filter((h) => h.hour >= lastHour - 1).reduce((sum, h) => sum + h.count, 0);
  return hotUntilSec({
    newIssueFirstSeenSec: issue.substatus === "new" ? issue.firstSeen : null,
    regressedAtSec: issue.regressedAt,
    recentHoursCount,
    nowMs: Math.min(nowSec, Math.max(issue.lastSeen, ...hourly.map((h) => h.hour * 3600))) * 1000,
  });
}
