import { describe, expect, it } from "vitest";
import { ProjectQuota, rateLimitHeader, usageMonth } from "../../src/process/quota.ts";
import { planEviction } from "../../src/process/retention.ts";

describe("ProjectQuota", () => {
  const t0 = Date.UTC(2026, 10, 28, 7, 0, 10);
  const known = () => true;

  it("admits within the per-minute limit, then one event per issue per minute, and new issues always", () => {
    const q = new ProjectQuota();
    const limits = { eventsPerMinute: 2, monthlyQuota: 0 };
    expect(q.check(1, limits, ["a"], known, t0)).toEqual({ admitted: true, via: "within_limits" });
    expect(q.check(1, limits, ["a"], known, t0)).toEqual({ admitted: true, via: "within_limits" });
    expect(q.check(1, limits, ["a"], known, t0)).toEqual({ admitted: true, via: "trickle" });
    expect(q.check(1, limits, ["a"], known, t0 + 1000)).toEqual({ admitted: false, reason: "events_per_minute", retryAfter: 49 });
    expect(q.check(1, limits, ["new"], () => false, t0)).toEqual({ admitted: true, via: "new_issue" });
    // a second event of that new issue in the same minute is not its first any more
    expect(q.check(1, limits, ["new"], () => false, t0)).toMatchObject({ admitted: false });
    // other projects have their own windows
    expect(q.check(2, limits, ["a"], known, t0)).toMatchObject({ admitted: true, via: "within_limits" });
    // the next minute starts fresh
    expect(q.check(1, limits, ["a"], known, t0 + 60_000)).toMatchObject({ admitted: true, via: "within_limits" });
  });

  it("holds the monthly quota across minutes with a 60 s back-off, and resets with the month", () => {
    const q = new ProjectQuota();
    const limits = { eventsPerMinute: 0, monthlyQuota: 3 };
    q.seedMonth(1, t0, 2);
    expect(q.knowsMonth(1, t0)).toBe(true);
    expect(q.check(1, limits, ["a"], known, t0)).toMatchObject({ admitted: true, via: "within_limits" });
    expect(q.check(1, limits, ["a"], known, t0)).toMatchObject({ admitted: true, via: "trickle" });
    const refused = q.check(1, limits, ["a"], known, t0);
    expect(refused).toEqual({ admitted: false, reason: "monthly_quota", retryAfter: 60 });
    expect(rateLimitHeader(refused as { reason: "monthly_quota"; retryAfter: number })).toBe("60:error;default:project:monthly_quota");
    expect(q.check(1, limits, ["a"], known, t0 + 120_000)).toMatchObject({ admitted: true, via: "trickle" });
    const nextMonth = Date.UTC(2026, 11, 1, 0, 0, 1);
    expect(q.knowsMonth(1, nextMonth)).toBe(false);
    expect(q.check(1, limits, ["a"], known, nextMonth)).toMatchObject({ admitted: true, via: "within_limits" });
    expect(usageMonth(nextMonth)).toBe(202612);
  });

  it("asks for the month's stored count even after counting with the quota off (quota set later via the API)", () => {
    const q = new ProjectQuota();
    for (let i = 0; i < 3; i++) q.check(1, { eventsPerMinute: 0, monthlyQuota: 0 }, ["a"], known, t0);
    expect(q.knowsMonth(1, t0)).toBe(false);
    q.seedMonth(1, t0, 4_998); // committed this month, including from before a restart
    expect(q.knowsMonth(1, t0)).toBe(true);
    expect(q.check(1, { eventsPerMinute: 0, monthlyQuota: 5_000 }, ["a"], known, t0)).toMatchObject({ via: "within_limits" });
    expect(q.check(1, { eventsPerMinute: 0, monthlyQuota: 5_000 }, ["a"], known, t0)).toMatchObject({ via: "within_limits" });
    expect(q.check(1, { eventsPerMinute: 0, monthlyQuota: 5_000 }, ["a"], known, t0)).toMatchObject({ via: "trickle" });
  });

  it("refunds what was not stored", () => {
    const q = new ProjectQuota();
    const limits = { eventsPerMinute: 1, monthlyQuota: 0 };
    expect(q.check(1, limits, ["a"], known, t0)).toMatchObject({ admitted: true, via: "within_limits" });
    q.refund(1, 1, t0);
    expect(q.check(1, limits, ["b"], known, t0)).toMatchObject({ admitted: true, via: "within_limits" });
  });
});

describe("planEviction", () => {
  it("thins the most frequent issues first and never below first event + regressions + latest", () => {
    const plan = planEviction([
      { issueId: 1, storedEvents: 900, pinnedEvents: 1 },
      { issueId: 2, storedEvents: 80, pinnedEvents: 2 },
      { issueId: 3, storedEvents: 20, pinnedEvents: 1 },
    ], 300);
    // level 200: issue 1 keeps 200, issues 2 and 3 keep everything (80 + 20)
    expect(plan).toEqual([{ issueId: 1, evict: 700 }]);
  });

  it("spreads the cut over equally frequent issues and respects the floors", () => {
    const even = planEviction([
      { issueId: 1, storedEvents: 500, pinnedEvents: 1 },
      { issueId: 2, storedEvents: 500, pinnedEvents: 1 },
    ], 400);
    expect(even).toEqual([{ issueId: 1, evict: 300 }, { issueId: 2, evict: 300 }]);
    const floors = planEviction([
      { issueId: 1, storedEvents: 50, pinnedEvents: 10 },
      { issueId: 2, storedEvents: 50, pinnedEvents: 10 },
    ], 5);
    expect(floors).toEqual([{ issueId: 1, evict: 39 }, { issueId: 2, evict: 39 }]);
    expect(planEviction([{ issueId: 1, storedEvents: 10, pinnedEvents: 1 }], 10)).toEqual([]);
  });
});
