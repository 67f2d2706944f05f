import { describe, expect, it } from "vitest";
import { triageBadges } from "../../ui/lib/triage.ts";
import { computeSpike, isSpikingRate } from "../../src/store/triage.ts";

const NOW = Date.parse("2024-05-01T12:15:00Z"); // a quarter into the clock hour
const HOUR = Math.floor(NOW / 3_600_000);

describe("triageBadges", () => {
  const base = { firstSeen: "2024-04-01T00:00:00Z", status: "unresolved" as const, substatus: "ongoing", regressedAt: null, isSpiking: false };
  it("badges new, regressed and spiking issues", () => {
    expect(triageBadges(base, NOW)).toEqual([]);
    expect(triageBadges({ ...base, firstSeen: "2024-05-01T00:00:00Z" }, NOW)).toEqual(["new"]);
    expect(triageBadges({ ...base, substatus: "regressed", regressedAt: "2024-04-29T00:00:00Z", isSpiking: true }, NOW)).toEqual(["regressed", "spiking"]);
  });
  it("drops the regressed badge after 7 days or once resolved again", () => {
    expect(triageBadges({ ...base, substatus: "regressed", regressedAt: "2024-04-20T00:00:00Z" }, NOW)).toEqual([]);
    expect(triageBadges({ ...base, status: "resolved", substatus: "regressed", regressedAt: "2024-04-30T00:00:00Z" }, NOW)).toEqual([]);
  });
});

describe("computeSpike (the server's rule)", () => {
  it("counts the current hour plus the still-recent part of the previous one", () => {
    const s = computeSpike([{ hour: HOUR, count: 6 }, { hour: HOUR - 1, count: 8 }], NOW);
    expect(s.lastHourCount).toBe(12); // 6 + 8 × 0.75
    expect(s.baselinePerHour).toBe(0);
    expect(s.isSpiking).toBe(true);
  });

  it("compares against the issue's own mean over the 24 hours before", () => {
    const steady = Array.from({ length: 24 }, (_, i) => ({ hour: HOUR - 2 - i, count: 4 }));
    expect(computeSpike([...steady, { hour: HOUR, count: 15 }], NOW)).toEqual({ lastHourCount: 15, baselinePerHour: 4, isSpiking: false });
    expect(computeSpike([...steady, { hour: HOUR, count: 20 }], NOW).isSpiking).toBe(true);
  });

  it("ignores buckets outside the window and needs a minimum of events", () => {
    expect(computeSpike([{ hour: HOUR - 40, count: 1000 }, { hour: HOUR, count: 9 }], NOW)).toEqual({ lastHourCount: 9, baselinePerHour: 0, isSpiking: false });
    expect(isSpikingRate(10, 2)).toBe(true);
    expect(isSpikingRate(10, 2.01)).toBe(false);
  });
});
