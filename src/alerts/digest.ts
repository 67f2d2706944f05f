import type { Issue, Project } from "../store/types.ts";
import type { AlertRule } from "../alert-rules/rule-schema.ts";
import type { AlertStore } from "../store/model/alerts.ts";
import { triggerWord } from "./message.ts";

/** One line of a digest: an issue and why it is listed. */
export interface DigestItem {
  issue: Issue;
  trigger: string;
  link: string;
}

/**
 * A digest message: the alerts an action's hourly cap held back (`collapsed_digest`), or the
 * day's new and regressed issues (`daily_digest`). Plain text, HTML and a one-line summary for
 * webhooks.
 */
export function digestMessage(kind: string, project: Project, items: DigestItem[]): { subject: string; text: string; html: string } {
  const subject = kind === "daily_digest"
    ? `[${project.slug}] Daily digest: ${_count(items, "new_issue")} new, ${_count(items, "regression")} regressed`
    : `[${project.slug}] Digest: ${items.length} more alert${items.length === 1 ? "" : "s"} (hourly limit reached)`;
  const intro = kind === "daily_digest"
    ? `Issues of ${project.name} that were new or regressed in the last 24 hours:`
    : `These alerts of ${project.name} came in after the hourly limit of this alert action was reached:`;
  const lines = items.map((it) => `- ${triggerWord(it.trigger)}: ${it.issue.title} (${it.issue.eventCount} events, ${it.issue.userCount} users) ${it.link}`);
  const text = [intro, "", ...lines, "", "— LightTrace"].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px"><p>${_esc(intro)}</p><ul>${items
    .map((it) => `<li>${_esc(triggerWord(it.trigger))}: <a href="${_esc(it.link)}">${_esc(it.issue.title)}</a> (${it.issue.eventCount} events, ${it.issue.userCount} users)</li>`)
    .join("")}</ul></body></html>`;
  return { subject, text, html };
}

/**
 * Enqueues today's daily digest for every rule that wants one, once the configured UTC hour has
 * come. Idempotent (one outbox key per rule, day and action), so a restart never sends it twice.
 */
export async function enqueueDailyDigests(store: AlertStore, rules: AlertRule[], nowMs: number, digestHour: number): Promise<number> {
  const day = Math.floor(nowMs / 86_400_000);
  const hour = Math.floor((nowMs % 86_400_000) / 3_600_000);
  if (hour < digestHour) return 0;
  let added = 0;
  for (const rule of rules) if (await store.enqueueDailyDigest(rule, day, nowMs / 1000)) added++;
  return added;
}

// --- Internal ---

function _count(items: DigestItem[], trigger: string): number {
  return items.filter((i) => i.trigger === trigger).length;
}

function _esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
