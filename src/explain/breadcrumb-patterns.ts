import type { FactCrumb } from "./event-facts.ts";
import type { Finding } from "./types.ts";

/** Clicks on the same element closer together than this count as a repeated click (seconds). */
export const REPEAT_CLICK_WINDOW_S = 2;
/** Breadcrumbs this long before the error are considered "just before" it (seconds). */
export const JUST_BEFORE_S = 10;

/**
 * Breadcrumb patterns that point at a cause:
 * - the same element clicked twice or more in quick succession just before the error → a possible
 *   double submission or race between two in-flight requests;
 * - an HTTP breadcrumb (fetch / xhr / http) that failed (status ≥ 400 or no response) just before
 *   → the error is probably the consequence of an upstream failure.
 * Crumbs without timestamps are taken as "just before" when they are among the last five.
 */
export function findBreadcrumbPatterns(crumbs: FactCrumb[], errorTime: number): Finding[] {
  const recent = crumbs.filter((c, i) => (c.timestamp !== null ? errorTime - c.timestamp <= JUST_BEFORE_S && c.timestamp <= errorTime + 1 : i >= crumbs.length - 5));
  const findings: Finding[] = [];

  const clicks = recent.filter((c) => c.category === "ui.click" || (c.type === "user" && c.category?.startsWith("ui.")));
  for (let i = clicks.length - 1; i > 0; i--) {
    const last = clicks[i]!;
    const target = last.message ?? "";
    const same = clicks.filter((c) => (c.message ?? "") === target && (last.timestamp === null || c.timestamp === null || last.timestamp - c.timestamp <= REPEAT_CLICK_WINDOW_S));
    if (same.length >= 2) {
      const span = last.timestamp !== null && same[0]!.timestamp !== null ? ` within ${_seconds(last.timestamp - same[0]!.timestamp)}` : "";
      findings.push({
        kind: "double-submit",
        title: "Repeated click just before the error: possible double submission or race",
        detail: `\`${target || "the same element"}\` was clicked ${same.length} times${span}${last.timestamp !== null ? `, the last ${_seconds(errorTime - last.timestamp)} before the error` : ""}. ` +
          "Two overlapping submissions can race: the second may act on state the first one changed or cleared. Disable the control while the action is in flight, or make the action idempotent.",
      });
      break;
    }
  }

  const http = recent.filter((c) => c.category === "fetch" || c.category === "xhr" || c.category === "http" || c.type === "http");
  const failed = [...http].reverse().find((c) => {
    const status = Number(c.data?.status_code);
    return (Number.isFinite(status) && status >= 400) || c.level === "error";
  });
  if (failed) {
    const method = typeof failed.data?.method === "string" ? failed.data.method : "";
    const url = typeof failed.data?.url === "string" ? failed.data.url : failed.message ?? "";
    const status = failed.data?.status_code !== undefined ? `answered ${String(failed.data.status_code)}` : "failed without a response";
    findings.push({
      kind: "upstream-failure",
      title: "A request failed just before the error: probably an upstream failure",
      detail: `\`${[method, url].filter(Boolean).join(" ")}\` ${status}${failed.timestamp !== null ? ` ${_seconds(errorTime - failed.timestamp)} before the error` : " just before the error"}. ` +
        "The error is likely the consequence: the code went on with a missing or error response. Look at that service's errors at the same time, and handle the failed response explicitly.",
    });
  }
  return findings;
}

// --- Internal ---

function _seconds(s: number): string {
  const v = Math.max(0, s);
  return v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(1)} s`;
}
