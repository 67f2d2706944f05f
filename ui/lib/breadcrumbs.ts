import type { ApiBreadcrumb } from "../../src/contract/index.ts";

/**
 * Index of the breadcrumb to highlight: the last one at or before the event's time (the step that
 * led to the error). Crumbs without a timestamp count as "before" when they are in order; when no
 * crumb is before the event, none is highlighted (-1).
 * @example lastBreadcrumbBefore(crumbs, event.dateCreated) // 4
 */
export function lastBreadcrumbBefore(crumbs: ApiBreadcrumb[], eventIso: string): number {
  const eventMs = Date.parse(eventIso);
  for (let i = crumbs.length - 1; i >= 0; i--) {
    const t = crumbs[i]!.timestamp;
    if (t === null || Number.isNaN(eventMs) || Date.parse(t) <= eventMs) return i;
  }
  return -1;
}

/** A crumb's one-line description: its message, else a summary of its data (HTTP crumbs: method url status). */
export function describeBreadcrumb(crumb: ApiBreadcrumb): string {
  if (crumb.message) return crumb.message;
  const d = crumb.data ?? {};
  if (typeof d.url === "string") {
    const status = d.status_code !== undefined ? ` [${String(d.status_code)}]` : "";
    return `${typeof d.method === "string" ? d.method + " " : ""}${d.url}${status}`;
  }
  const entries = Object.entries(d);
  return entries.length ? entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") : "";
}
