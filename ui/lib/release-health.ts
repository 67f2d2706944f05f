import type { ApiHealthData, ApiReleaseListItem } from "../../src/contract/index.ts";

/**
 * "99.52 %" for a crash-free rate, "—" without sessions; rates under 100 keep two decimals so
 * 99.99 % and 100 % stay apart.
 * @example formatPercent(99.95123) // "99.95 %"
 */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value >= 100) return "100 %";
  return `${(Math.floor(value * 100) / 100).toFixed(2)} %`;
}

/** A release's health in the given project (or its first project). */
export function releaseHealth(release: ApiReleaseListItem, projectSlug?: string): ApiHealthData | undefined {
  const p = projectSlug ? release.projects.find((x) => x.slug === projectSlug) : release.projects[0];
  return p?.healthData;
}

/** Health class for colouring: good ≥ 99.5 %, fair ≥ 98 %, else poor. */
export function healthClass(value: number | null | undefined): "good" | "fair" | "poor" | "none" {
  if (value === null || value === undefined) return "none";
  return value >= 99.5 ? "good" : value >= 98 ? "fair" : "poor";
}
