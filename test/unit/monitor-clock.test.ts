import { describe, expect, it } from "vitest";
import { DOWNTIME_GAP_SEC, LAST_TICK_SETTING, MonitorClock } from "../../src/monitors/clock.ts";
import { createLogger } from "../../src/logger.ts";

/** The clock loop alone: which windows it calls "down", where it remembers its last tick, and that only a leader ticks. */
describe("monitor clock", () => {
  const setup = (leader = true) => {
    let nowMs = Date.UTC(2026, 8, 1, 3, 0, 0);
    const settings = new Map<string, string>();
    const calls: { nowMs: number; downAtExpected: boolean; downLongBefore: boolean }[] = [];
    const clock = new MonitorClock({
      clock: { now: () => nowMs },
      logger: createLogger("error", () => undefined),
      store: { getSetting: async (k) => settings.get(k), setSetting: async (k, v) => void settings.set(k, v) },
      isLeader: () => leader,
      tick: async (ms, wasDown) => {
        // a run due 60 s ago, and one due a day ago
        calls.push({ nowMs: ms, downAtExpected: wasDown(ms / 1000 - 60, ms / 1000 - 59), downLongBefore: wasDown(ms / 1000 - 86_400, ms / 1000 - 86_399) });
        return { missed: 0, unknown: 0, timeouts: 0, failureEvents: 0 };
      },
    });
    return { clock, settings, calls, advance: (ms: number) => void (nowMs += ms) };
  };

  it("ticks, remembers the tick, and calls nothing down while ticks come every minute", async () => {
    const { clock, settings, calls, advance } = setup();
    await clock.runOnce();
    advance(60_000);
    await clock.runOnce();
    expect(calls.map((c) => c.downAtExpected)).toEqual([false, false]);
    expect(Number(settings.get(LAST_TICK_SETTING))).toBe(calls[1]!.nowMs / 1000);
  });

  it("after a gap longer than the downtime limit, runs due within the gap are 'down'; earlier ones are not", async () => {
    const { clock, calls, advance } = setup();
    await clock.runOnce();
    advance((DOWNTIME_GAP_SEC + 1) * 1000);
    await clock.runOnce();
    expect(calls[1]).toMatchObject({ downAtExpected: true, downLongBefore: false });
    advance(60_000);
    await clock.runOnce();
    expect(calls[2]!.downAtExpected).toBe(false);
  });

  it("does nothing on a node that is not the leader", async () => {
    const { clock, settings, calls } = setup(false);
    expect(await clock.runOnce()).toBeUndefined();
    expect(calls).toEqual([]);
    expect(settings.size).toBe(0);
  });
});
