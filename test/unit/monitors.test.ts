import { describe, expect, it } from "vitest";
import { describeSchedule, nextScheduledMs, normalizeCrontab, previousScheduledMs } from "../../src/monitors/schedule.ts";
import { InvalidMonitorConfigError, parseMonitorConfig, webConfigToSdk } from "../../src/monitors/config.ts";
import { InvalidCheckInError, parseCheckIn, slugifyMonitorSlug } from "../../src/monitors/check-in.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe("monitor schedules", () => {
  it("finds the next crontab run after the reference minute, in the monitor's timezone", () => {
    expect(iso(nextScheduledMs({ type: "crontab", value: "0 3 * * *" }, "UTC", at("2026-09-01T03:00:40Z")))).toBe("2026-09-02T03:00:00.000Z");
    expect(iso(nextScheduledMs({ type: "crontab", value: "0 3 * * *" }, "Europe/Berlin", at("2026-09-01T00:00:00Z")))).toBe("2026-09-01T01:00:00.000Z");
    expect(iso(nextScheduledMs({ type: "crontab", value: "*/15 * * * *" }, "UTC", at("2026-09-01T03:07:00Z")))).toBe("2026-09-01T03:15:00.000Z");
  });

  it("keeps a daily 02:30 job across DST: the skipped local time runs at the first valid minute, the repeated one once", () => {
    const daily = { type: "crontab" as const, value: "30 2 * * *" };
    // Europe/Berlin springs forward on 2026-03-29 02:00 → 03:00 and falls back on 2026-10-25 03:00 → 02:00
    const spring = [at("2026-03-27T12:00:00Z")];
    for (let i = 0; i < 3; i++) spring.push(nextScheduledMs(daily, "Europe/Berlin", spring[spring.length - 1]!));
    expect(spring.slice(1).map(iso)).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
    const fall = [at("2026-10-23T12:00:00Z")];
    for (let i = 0; i < 3; i++) fall.push(nextScheduledMs(daily, "Europe/Berlin", fall[fall.length - 1]!));
    expect(fall.slice(1).map(iso)).toEqual(["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
  });

  it("counts intervals from the reference minute; days and longer in wall-clock time across DST", () => {
    expect(iso(nextScheduledMs({ type: "interval", value: 5, unit: "minute" }, "UTC", at("2026-09-01T03:00:59Z")))).toBe("2026-09-01T03:05:00.000Z");
    expect(iso(nextScheduledMs({ type: "interval", value: 2, unit: "hour" }, "Europe/Berlin", at("2026-03-29T00:30:00Z")))).toBe("2026-03-29T02:30:00.000Z");
    // 03:00 local before and after the spring change: 23 hours apart
    expect(iso(nextScheduledMs({ type: "interval", value: 1, unit: "day" }, "Europe/Berlin", at("2026-03-28T02:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(nextScheduledMs({ type: "interval", value: 1, unit: "week" }, "America/New_York", at("2026-10-28T14:00:00Z")))).toBe("2026-11-04T15:00:00.000Z");
    expect(iso(nextScheduledMs({ type: "interval", value: 1, unit: "month" }, "UTC", at("2026-01-31T10:00:00Z")))).toBe("2026-02-28T10:00:00.000Z");
    expect(iso(nextScheduledMs({ type: "interval", value: 1, unit: "year" }, "UTC", at("2026-05-01T00:00:00Z")))).toBe("2027-05-01T00:00:00.000Z");
  });

  it("names the latest run at or before a time (several runs missed in one gap count once)", () => {
    const hourly = { type: "crontab" as const, value: "0 * * * *" };
    expect(iso(previousScheduledMs(hourly, "UTC", at("2026-09-01T04:00:00Z"), at("2026-09-01T07:30:00Z")))).toBe("2026-09-01T07:00:00.000Z");
    expect(iso(previousScheduledMs(hourly, "UTC", at("2026-09-01T04:00:00Z"), at("2026-09-01T07:00:00Z")))).toBe("2026-09-01T07:00:00.000Z");
    expect(iso(previousScheduledMs(hourly, "UTC", at("2026-09-01T04:00:00Z"), at("2026-09-01T07:59:59Z")))).toBe("2026-09-01T07:00:00.000Z");
    expect(iso(previousScheduledMs(hourly, "UTC", at("2026-09-01T04:00:00Z"), at("2026-09-01T03:00:00Z")))).toBe("2026-09-01T04:00:00.000Z");
    // a minutely job after two months down: found at once, not walked minute by minute
    expect(iso(previousScheduledMs({ type: "crontab", value: "* * * * *" }, "UTC", at("2026-07-01T00:00:00Z"), at("2026-09-01T07:30:30Z")))).toBe("2026-09-01T07:30:00.000Z");
    expect(iso(previousScheduledMs({ type: "interval", value: 7, unit: "minute" }, "UTC", at("2026-09-01T00:00:00Z"), at("2026-09-01T01:00:00Z")))).toBe("2026-09-01T00:56:00.000Z");
    expect(iso(previousScheduledMs({ type: "interval", value: 1, unit: "day" }, "Europe/Berlin", at("2026-03-27T02:00:00Z"), at("2026-03-30T12:00:00Z")))).toBe("2026-03-30T01:00:00.000Z");
    expect(iso(previousScheduledMs({ type: "crontab", value: "30 2 * * *" }, "Europe/Berlin", at("2026-03-28T01:30:00Z"), at("2026-03-29T05:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("accepts 5-field crontabs and Sentry's @names only, and says why others are refused", () => {
    expect(normalizeCrontab("  0  3 * *   MON ")).toBe("0 3 * * MON");
    expect(normalizeCrontab("@daily")).toBe("0 0 * * *");
    expect(() => normalizeCrontab("0 0 3 * * *")).toThrow(/not a 5-field crontab/);
    expect(() => normalizeCrontab("61 * * * *")).toThrow(/not a valid crontab/);
    expect(describeSchedule({ type: "crontab", value: "0 3 * * *" }, "Europe/Berlin")).toBe("every day at 03:00 (Europe/Berlin)");
    expect(describeSchedule({ type: "interval", value: 5, unit: "minute" }, "UTC")).toBe("every 5 minutes");
  });
});

describe("monitor_config", () => {
  it("resolves defaults (margin 1, max runtime 30, UTC, thresholds 1) and keeps what was given", () => {
    expect(parseMonitorConfig({ schedule: { type: "crontab", value: "0 * * * *" } })).toEqual({
      schedule: { type: "crontab", value: "0 * * * *" }, checkinMarginMin: 1, maxRuntimeMin: 30, timezone: "UTC", failureIssueThreshold: 1, recoveryThreshold: 1, owner: null,
    });
    expect(parseMonitorConfig({ schedule: { type: "interval", value: 2, unit: "hour" }, checkin_margin: 5, max_runtime: 60, timezone: "Europe/Berlin", failure_issue_threshold: 3, recovery_threshold: 2, owner: "team:ops", extra: 1 }))
      .toMatchObject({ checkinMarginMin: 5, maxRuntimeMin: 60, timezone: "Europe/Berlin", failureIssueThreshold: 3, recoveryThreshold: 2, owner: "team:ops" });
  });

  it("names the field that is wrong", () => {
    const bad = (config: unknown) => {
      try {
        parseMonitorConfig(config);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidMonitorConfigError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({})).toMatch(/^monitor_config\.schedule: /);
    expect(bad({ schedule: { type: "crontab", value: "* * *" } })).toMatch(/^monitor_config\.schedule: .*5-field/);
    expect(bad({ schedule: { type: "interval", value: 5, unit: "fortnight" } })).toMatch(/^monitor_config\.schedule\.unit: /);
    expect(bad({ schedule: { type: "crontab", value: "0 * * * *" }, timezone: "Mars/Olympus" })).toMatch(/^monitor_config\.timezone: "Mars\/Olympus" is not a known time zone/);
    expect(bad({ schedule: { type: "crontab", value: "0 * * * *" }, failure_issue_threshold: 0 })).toMatch(/^monitor_config\.failure_issue_threshold: /);
    expect(bad({ schedule: { type: "crontab", value: "0 * * * *" }, checkin_margin: 40_321 })).toMatch(/^monitor_config\.checkin_margin: /);
  });

  it("reads the web API's shape (schedule_type + schedule string or [n, unit])", () => {
    expect(webConfigToSdk({ schedule_type: "interval", schedule: [1, "hour"], checkin_margin: 3 })).toEqual({ schedule: { type: "interval", value: 1, unit: "hour" }, checkin_margin: 3 });
    expect(webConfigToSdk({ schedule_type: "crontab", schedule: "0 * * * *" })).toEqual({ schedule: { type: "crontab", value: "0 * * * *" } });
  });
});

describe("check_in items as Relay accepts them", () => {
  it("normalises the id, rewrites missed to unknown, defaults the environment and keeps only the trace id of the contexts", () => {
    expect(parseCheckIn({ check_in_id: "A460C25F-F255-4577-B920-FCFACAE4E5EB", monitor_slug: "nightly", status: "missed", environment: "", contexts: { trace: { trace_id: "8f431b7aa08441bbbd5a0100fd91f9fe" } } }))
      .toEqual({ checkInId: "a460c25ff2554577b920fcfacae4e5eb", monitorSlug: "nightly", status: "unknown", durationSec: null, environment: "production", release: null, traceId: "8f431b7aa08441bbbd5a0100fd91f9fe", config: null });
    expect(parseCheckIn({ check_in_id: "00000000000000000000000000000000", monitor_slug: "x", status: "ok", duration: 1.5 })).toMatchObject({ checkInId: null, durationSec: 1.5 });
    expect(parseCheckIn({ monitor_slug: "x", status: "ok" }).checkInId).toBeNull();
  });

  it("slugifies and cuts the slug to 50 characters; the path's slug wins", () => {
    expect(slugifyMonitorSlug("Nightly Report!")).toBe("nightly-report");
    expect(parseCheckIn({ monitor_slug: "a".repeat(80), status: "ok" }).monitorSlug).toBe("a".repeat(50));
    expect(parseCheckIn({ monitor_slug: "body", status: "ok" }, "path-slug").monitorSlug).toBe("path-slug");
  });

  it("refuses what Relay refuses, naming the field", () => {
    const refused = (raw: unknown) => {
      try {
        parseCheckIn(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidCheckInError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refused({ monitor_slug: "x" })).toBe("status: is required");
    expect(refused({ monitor_slug: "x", status: "done" })).toMatch(/^status: "done" is not one of/);
    expect(refused({ monitor_slug: "", status: "ok" })).toMatch(/^monitor_slug: /);
    expect(refused({ monitor_slug: "!!!", status: "ok" })).toMatch(/^monitor_slug: /);
    expect(refused({ monitor_slug: "x", status: "ok", environment: "e".repeat(65) })).toMatch(/^environment: longer than 64/);
    expect(refused({ monitor_slug: "x", status: "ok", check_in_id: "nope" })).toMatch(/^check_in_id: /);
    expect(refused({ monitor_slug: "x", status: "ok", duration: -1 })).toMatch(/^duration: /);
    expect(refused({ monitor_slug: "x", status: "ok", monitor_config: { schedule: { type: "crontab", value: "bad" } } })).toMatch(/^monitor_config\.schedule: /);
  });
});
