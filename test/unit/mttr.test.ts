import { describe, expect, it } from "vitest";
import { detectTimes, durationStats, openPeriods, resolveTimes, weekOf } from "../../src/insights/mttr.ts";
import type { ActivityType, StoredActivity } from "../../src/store/model/activity.ts";

let id = 0;
const act = (issueId: number, type: ActivityType, createdAtSec: number): StoredActivity =>
  ({ id: ++id, issueId, projectId: 1, type, actor: null, data: {}, createdAtSec, updatedAtSec: null });

describe("MTTR from the activity log", () => {
  it("counts each open period: from first seen, the last regression or reopen, to the resolution", () => {
    const periods = openPeriods([
      act(1, "first_seen", 0), act(1, "alert_sent", 30), act(1, "alert_sent", 90), act(1, "set_resolved", 3600),
      act(1, "set_regression", 10_000), act(1, "alert_sent", 10_060), act(1, "set_resolved_in_release", 12_000),
      act(2, "first_seen", 100), act(2, "set_ignored", 200), act(2, "set_unresolved", 1000), act(2, "set_resolved", 1600),
      act(3, "first_seen", 500),
    ]);
    expect(periods).toEqual([
      { issueId: 1, startSec: 0, firstAlertAtSec: 30, resolvedAtSec: 3600 },
      { issueId: 1, startSec: 10_000, firstAlertAtSec: 10_060, resolvedAtSec: 12_000 },
      { issueId: 2, startSec: 1000, firstAlertAtSec: null, resolvedAtSec: 1600 },
      { issueId: 3, startSec: 500, firstAlertAtSec: null, resolvedAtSec: null },
    ]);
    expect(resolveTimes(periods, 0, 20_000).map((r) => r.durationSec)).toEqual([3600, 2000, 600]);
    expect(resolveTimes(periods, 5000, 20_000).map((r) => r.durationSec)).toEqual([2000]);
    expect(detectTimes(periods, 0, 20_000)).toEqual([30, 60]);
  });

  it("summarises durations as mean, nearest-rank median and p90", () => {
    expect(durationStats([])).toEqual({ mean: 0, p50: 0, p90: 0, count: 0 });
    expect(durationStats([600, 2000, 3600])).toEqual({ mean: 2067, p50: 2000, p90: 3600, count: 3 });
    expect(durationStats(Array.from({ length: 10 }, (_, i) => (i + 1) * 10))).toMatchObject({ p50: 50, p90: 90, mean: 55 });
  });

  it("names weeks by their UTC Monday", () => {
    expect(weekOf(Date.parse("2026-12-02T10:00:00Z") / 1000)).toBe("2026-11-30");
    expect(weekOf(Date.parse("2026-11-30T00:00:00Z") / 1000)).toBe("2026-11-30");
    expect(weekOf(Date.parse("2026-11-29T23:59:59Z") / 1000)).toBe("2026-11-23");
  });
});
