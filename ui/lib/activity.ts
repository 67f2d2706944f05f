import type { ApiActivity, ApiAssignee } from "../../src/contract/index.ts";

/** The post-incident lesson a note box starts from (issue 18): three questions, one line each. */
export const LESSON_TEMPLATE = "What broke: \nWhy the tests missed it: \nThe test that now guards it: ";

/** One line for an activity entry, without who and when (the timeline shows those beside it). */
export function describeActivity(a: ApiActivity): string {
  const d = a.data;
  const text = (key: string) => (typeof d[key] === "string" ? (d[key] as string) : "");
  switch (a.type) {
    case "first_seen": return "First seen";
    case "set_regression": return text("version") ? `Regressed in ${text("version")}` : "Regressed";
    case "set_resolved": return "Resolved";
    case "set_resolved_in_release": return d.inNextRelease ? "Resolved in the next release" : `Resolved in ${text("version")}`;
    case "set_unresolved": return "Reopened";
    case "set_ignored": return "Ignored";
    case "assigned": return `Assigned to ${text("assigneeType") === "team" ? "#" : ""}${text("assigneeName") || text("assigneeEmail") || text("assignee")}`
      + (text("rule") ? ` by the ownership rule \`${text("rule")}\`` : "");
    case "unassigned": return "Unassigned";
    case "note": return "Note";
    case "alert_sent": return `Alert mail sent to ${text("recipients") || "its recipients"}`;
    default: return a.type;
  }
}

/** Who did it: the user's email, or LightTrace itself (ingest, rules) or an API token. */
export function activityActor(a: ApiActivity): string {
  return a.user?.email ?? "LightTrace";
}

/** `assignedTo` as the picker shows it: `#billing`, an email, or "Unassigned". */
export function assigneeLabel(a: ApiAssignee | null): string {
  if (!a) return "Unassigned";
  return a.type === "team" ? `#${a.name}` : a.email ?? a.name;
}

/**
 * When the current open period started (ISO), from its activity (newest first): the last
 * first-seen, regression or reopen; undefined when it is not open or nothing says so.
 */
export function openPeriodStart(activity: ApiActivity[], status: string): string | undefined {
  if (status !== "unresolved") return undefined;
  return activity.find((a) => a.type === "first_seen" || a.type === "set_regression" || a.type === "set_unresolved")?.dateCreated;
}

/**
 * A duration for people: seconds, minutes, hours or days, one decimal below ten.
 * @example formatDuration(5400) // "1.5 h"
 */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [[86_400, "d"], [3600, "h"], [60, "min"]];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const n = seconds / size;
      return `${n < 10 ? Math.round(n * 10) / 10 : Math.round(n)} ${unit}`;
    }
  }
  return `${Math.max(0, Math.round(seconds))} s`;
}
