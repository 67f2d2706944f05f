import { describe, expect, it } from "vitest";
import { formatCount, formatDateTime, formatOffset, formatRelativeTime, formatValue, truncate } from "../../ui/format.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");

describe("formatRelativeTime", () => {
  it.each([
    ["2024-05-01T11:59:30Z", "just now"],
    ["2024-05-01T11:55:00Z", "5 min ago"],
    ["2024-05-01T09:00:00Z", "3 h ago"],
    ["2024-04-28T12:00:00Z", "3 d ago"],
    ["2024-04-10T12:00:00Z", "3 w ago"],
    ["2023-01-01T00:00:00Z", "1 y ago"],
    ["2024-05-01T12:10:00Z", "in 10 min"],
  ])("%s → %s", (iso, expected) => {
    expect(formatRelativeTime(iso, NOW)).toBe(expected);
  });
  it("shows a dash for missing or broken times", () => {
    expect(formatRelativeTime(null, NOW)).toBe("—");
    expect(formatRelativeTime("yesterday", NOW)).toBe("—");
  });
});

describe("formatCount", () => {
  it.each([
    [0, "0"], [999, "999"], [1000, "1k"], [1234, "1.2k"], [12_345, "12k"], [999_999, "999k"], [1_250_000, "1.2M"], ["42", "42"], [3_000_000_000, "3B"],
  ] as const)("%s → %s", (n, expected) => {
    expect(formatCount(n)).toBe(expected);
  });
});

describe("formatOffset", () => {
  it("gives a breadcrumb's time relative to the event", () => {
    expect(formatOffset("2024-05-01T10:00:00.000Z", "2024-05-01T10:00:02.350Z")).toBe("-2.35s");
    expect(formatOffset("2024-05-01T09:58:56.000Z", "2024-05-01T10:00:00.000Z")).toBe("-1m 04s");
    expect(formatOffset("2024-05-01T07:30:00.000Z", "2024-05-01T10:00:00.000Z")).toBe("-2h 30m");
    expect(formatOffset("2024-05-01T10:00:00.000Z", "2024-05-01T10:00:00.000Z")).toBe("0.00s");
    expect(formatOffset(null, "2024-05-01T10:00:00.000Z")).toBe("");
  });
});

describe("small formatters", () => {
  it("formats date-times, truncates and renders values", () => {
    expect(formatDateTime("2024-05-01T09:08:07Z", { utc: true })).toBe("2024-05-01 09:08:07");
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
    expect(formatValue({ a: [1, "x"] })).toBe('{"a":[1,"x"]}');
    expect(formatValue("plain")).toBe("plain");
    expect(formatValue(null)).toBe("null");
  });
});
