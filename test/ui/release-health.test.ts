import { describe, expect, it } from "vitest";
import { formatPercent, healthClass } from "../../ui/lib/release-health.ts";
import { parseRoute, releasePath, releasesPath } from "../../ui/lib/routes.ts";

describe("release health formatting", () => {
  it("keeps 99.99 % and 100 % apart and shows a dash without sessions", () => {
    expect(formatPercent(100)).toBe("100 %");
    expect(formatPercent(99.999)).toBe("99.99 %");
    expect(formatPercent(75)).toBe("75.00 %");
    expect(formatPercent(null)).toBe("—");
  });
  it("colours rates: good from 99.5 %, fair from 98 %", () => {
    expect([healthClass(99.5), healthClass(98.2), healthClass(90), healthClass(null)]).toEqual(["good", "fair", "poor", "none"]);
  });
  it("routes releases by version, encoded", () => {
    expect(releasePath("web@1.2.0")).toBe("/releases/web%401.2.0/");
    expect(parseRoute(releasePath("web@1.2.0"))).toEqual({ name: "release", version: "web@1.2.0" });
    expect(parseRoute(releasesPath("shop"))).toEqual({ name: "releases", project: "shop" });
    expect(parseRoute("/releases/")).toEqual({ name: "releases" });
  });
});
