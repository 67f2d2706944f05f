import type { IngestStore } from "../store/types.ts";
import type { WritePlan } from "../store/write-plan.ts";
import { hotUntilSec } from "../store/triage.ts";
import type { IngestJob } from "./types.ts";

/**
 * The triage state of every issue a batch touches (`IssueDelta.hotUntilSec`): until when it may be
 * hot (src/store/triage.ts `hotUntilSec`), at the batch's time (its latest job's arrival). New
 * issues and regressions need nothing read; whether an existing issue reaches the spike threshold
 * needs its stored counts of the current and previous clock hour, read for the issues this batch
 * adds events to in those hours (and only when the batch alone does not reach it).
 */
export async function planTriageState(store: IngestStore, jobs: readonly IngestJob[], plan: Omit<WritePlan, "alerts">): Promise<void> {
  if (plan.issues.length === 0) return;
  const nowMs = Math.max(...jobs.map((j) => j.receivedAtMs));
  const currentHour = Math.floor(nowMs / 3_600_000);
  // 1. the batch's own events per issue in the current and previous hour
  const recent = new Map<number, number>();
  for (const h of plan.hourlyCounts) {
    if (h.hour === currentHour || h.hour === currentHour - 1) recent.set(h.issue, (recent.get(h.issue) ?? 0) + h.count);
  }
  // 2. what is stored for existing issues that have some (new issues are hot for a day anyway)
  const toRead = [...recent.keys()].flatMap((i) => {
    const issue = plan.issues[i]!;
    return issue.kind === "existing" && issue.regression === null ? [issue.issueId] : [];
  });
  const stored = toRead.length ? await store.issueEventTotals(toRead, currentHour - 1, currentHour + 1) : new Map<number, number>();
  // 3. the bound per issue
  plan.issues.forEach((issue, i) => {
    const existingId = issue.kind === "existing" ? issue.issueId : undefined;
    issue.hotUntilSec = hotUntilSec({
      newIssueFirstSeenSec: issue.kind === "new" ? issue.firstSeenSec : null,
      regressedAtSec: issue.kind === "existing" ? issue.regression?.atSec ?? null : null,
      recentHoursCount: (recent.get(i) ?? 0) + (existingId === undefined ? 0 : stored.get(existingId) ?? 0),
      nowMs,
    });
  });
}
