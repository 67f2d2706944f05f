import { describe, expect, it } from "vitest";
import type { ApiBreadcrumb } from "../../src/contract/index.ts";
import { describeBreadcrumb, lastBreadcrumbBefore } from "../../ui/lib/breadcrumbs.ts";

const crumb = (timestamp: string | null, message: string | null, data: Record<string, unknown> | null = null): ApiBreadcrumb => ({
  type: "default", category: "test", level: "info", message, data, timestamp, event_id: null,
});

describe("lastBreadcrumbBefore", () => {
  const crumbs = [
    crumb("2024-05-01T10:00:00.000Z", "a"),
    crumb("2024-05-01T10:00:01.000Z", "b"),
    crumb("2024-05-01T10:00:02.000Z", "c"),
    crumb("2024-05-01T10:00:05.000Z", "after the error (console.error from the handler)"),
  ];
  it("picks the last crumb at or before the event", () => {
    expect(lastBreadcrumbBefore(crumbs, "2024-05-01T10:00:02.500Z")).toBe(2);
    expect(lastBreadcrumbBefore(crumbs, "2024-05-01T10:00:02.000Z")).toBe(2);
    expect(lastBreadcrumbBefore(crumbs, "2024-05-01T10:00:09.000Z")).toBe(3);
  });
  it("highlights nothing when every crumb is later, and treats untimed crumbs as in order", () => {
    expect(lastBreadcrumbBefore(crumbs, "2024-05-01T09:00:00.000Z")).toBe(-1);
    expect(lastBreadcrumbBefore([crumb(null, "x"), crumb(null, "y")], "2024-05-01T09:00:00.000Z")).toBe(1);
    expect(lastBreadcrumbBefore([], "2024-05-01T09:00:00.000Z")).toBe(-1);
  });
});

describe("describeBreadcrumb", () => {
  it("uses the message, else summarises HTTP or other data", () => {
    expect(describeBreadcrumb(crumb(null, "clicked Pay"))).toBe("clicked Pay");
    expect(describeBreadcrumb(crumb(null, null, { method: "POST", url: "/api/pay", status_code: 502 }))).toBe("POST /api/pay [502]");
    expect(describeBreadcrumb(crumb(null, null, { from: "/cart", to: "/pay" }))).toBe("from=/cart to=/pay");
    expect(describeBreadcrumb(crumb(null, null, null))).toBe("");
  });
});
