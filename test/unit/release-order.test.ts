import { describe, expect, it } from "vitest";
import { compareReleases, latestRelease, parseSemver } from "../../src/releases/order.ts";
import { isRegression } from "../../src/process/regressions.ts";

const r = (version: string, firstSeen = 0) => ({ version, firstSeen });

describe("release ordering", () => {
  it("parses Sentry's semver-like versions behind an optional package", () => {
    expect(parseSemver("web@1.2.3-beta.1+42")).toEqual({ pkg: "web", numbers: [1, 2, 3, 0], prerelease: ["beta", "1"] });
    expect(parseSemver("2.0")).toEqual({ pkg: null, numbers: [2, 0, 0, 0], prerelease: [] });
    expect(parseSemver("my.app@1.2.3.4")?.numbers).toEqual([1, 2, 3, 4]);
    expect(parseSemver("da39a3ee5e6b4b0d3255bfef95601890afd80709")).toBeUndefined();
    expect(parseSemver("release-candidate")).toBeUndefined();
  });

  it("orders semver by number, not by text, and pre-releases before their release", () => {
    const sorted = ["web@1.10.0", "web@1.2.0", "web@1.2.0-rc.10", "web@1.2.0-rc.2", "web@1.9.9", "web@2.0.0-alpha"]
      .map((v, i) => r(v, 100 - i)).sort(compareReleases).map((x) => x.version);
    expect(sorted).toEqual(["web@1.2.0-rc.2", "web@1.2.0-rc.10", "web@1.2.0", "web@1.9.9", "web@1.10.0", "web@2.0.0-alpha"]);
  });

  it("falls back to first seen when either side is not semver or the packages differ", () => {
    expect(compareReleases(r("abc123", 10), r("def456", 20))).toBeLessThan(0);
    expect(compareReleases(r("zzz", 10), r("aaa", 20))).toBeLessThan(0);
    expect(compareReleases(r("web@9.0.0", 30), r("api@1.0.0", 20))).toBeGreaterThan(0);
    expect(compareReleases(r("web@9.0.0", 10), r("api@1.0.0", 20))).toBeLessThan(0);
    expect(latestRelease([r("web@1.10.0", 1), r("web@1.9.0", 2)])?.version).toBe("web@1.10.0");
    expect(latestRelease([])).toBeUndefined();
  });
});

describe("isRegression", () => {
  const fix = r("web@1.2.0", 50);
  it("resolved in a release: older releases do not reopen, the fix release and newer do", () => {
    const inRelease = { type: "in_release" as const, release: fix };
    expect(isRegression(inRelease, r("web@1.1.9", 40))).toBe(false);
    expect(isRegression(inRelease, r("web@1.2.0", 50))).toBe(true);
    expect(isRegression(inRelease, r("web@1.10.0", 60))).toBe(true);
  });
  it("resolved in the next release: only releases newer than the anchor reopen", () => {
    const inNext = { type: "in_next_release" as const, release: fix };
    expect(isRegression(inNext, r("web@1.2.0", 50))).toBe(false);
    expect(isRegression(inNext, r("web@1.2.1", 70))).toBe(true);
  });
  it("a plain resolution, or an event without release, always reopens", () => {
    expect(isRegression(undefined, r("web@1.0.0"))).toBe(true);
    expect(isRegression({ type: "in_release", release: fix }, undefined)).toBe(true);
  });
});
