import type { Breadcrumb, Frame, NormalizedEvent } from "../events/types.ts";
import type { Issue, Project } from "../store/types.ts";

/** Everything one alert message is made of, loaded by the dispatcher when it sends. */
export interface AlertFacts {
  trigger: string;
  project: Project;
  issue: Issue;
  /** the event that triggered the alert (absent if it was evicted meanwhile) */
  event: NormalizedEvent | undefined;
  details: Record<string, unknown> | null;
  /** link to the issue in the web UI */
  link: string;
}

const TRIGGER_WORDS: Record<string, string> = {
  new_issue: "New issue",
  regression: "Regression",
  spike: "Spike",
  users_affected: "Users affected",
  monitor_failure: "Monitor failure",
  monitor_recovery: "Monitor recovered",
};

export function triggerWord(trigger: string): string {
  return TRIGGER_WORDS[trigger] ?? trigger;
}

/** `[checkout-api] New issue: TypeError: Cannot read properties of undefined (reading 'orderId')` */
export function alertSubject(f: Pick<AlertFacts, "trigger" | "project" | "issue">): string {
  // `[nightly] Monitor failure: nightly-report`, not "New issue: Monitor failure: …"
  return `[${f.project.slug}] ${triggerWord(f.trigger)}: ${_oneLine(_subjectName(f), 200)}`;
}

/** The facts a reader needs to act, as label/value lines, in the order they are shown. */
export function alertSummary(f: AlertFacts): { headline: string; facts: [string, string][]; frames: string[]; breadcrumbs: string[]; tags: string[] } {
  const ev = f.event;
  const facts: [string, string][] = [];
  const trigger = _triggerLine(f);
  if (trigger) facts.push(["Why", trigger]);
  if (f.issue.culprit) facts.push(["Culprit", f.issue.culprit]);
  facts.push(["Events", String(f.issue.eventCount)], ["Users", String(f.issue.userCount)]);
  facts.push(["Release", ev?.release ?? f.issue.lastRelease ?? "(none)"], ["Environment", ev?.environment ?? "(none)"]);
  facts.push(["Level", ev?.level ?? f.issue.level]);
  facts.push(["First seen", new Date(f.issue.firstSeenSec * 1000).toISOString()], ["Last seen", new Date(f.issue.lastSeenSec * 1000).toISOString()]);
  const tags = (ev?.tags ?? []).slice(0, 20).map(([k, v]) => `${k}=${v}`);
  return {
    headline: `${triggerWord(f.trigger)} in ${f.project.name}: ${_oneLine(_subjectName(f), 300)}`,
    facts,
    frames: ev ? inAppFrames(ev, 5).map(_frameLine) : [],
    breadcrumbs: ev ? lastBreadcrumbs(ev, 5).map(_breadcrumbLine) : [],
    tags,
  };
}

/** Plain-text and HTML bodies of an alert email. */
export function alertBodies(f: AlertFacts): { text: string; html: string } {
  const s = alertSummary(f);
  const text: string[] = [s.headline, ""];
  for (const [k, v] of s.facts) text.push(`${(k + ":").padEnd(13)}${v}`);
  if (s.tags.length) text.push(`${"Tags:".padEnd(13)}${s.tags.join(", ")}`);
  if (s.frames.length) text.push("", "Stack trace (in-app frames, most recent first):", ...s.frames.map((l) => "  " + l));
  if (s.breadcrumbs.length) text.push("", "Last breadcrumbs:", ...s.breadcrumbs.map((l) => "  " + l));
  text.push("", `Open the issue: ${f.link}`, "", "— LightTrace");

  const rows = s.facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555">${_esc(k)}</th><td>${_esc(v)}</td></tr>`).join("");
  const tagRow = s.tags.length ? `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555">Tags</th><td>${s.tags.map(_esc).join(", ")}</td></tr>` : "";
  const html = [
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;color:#222">`,
    `<h2 style="font-size:17px;margin:0 0 12px">${_esc(s.headline)}</h2>`,
    `<table style="border-collapse:collapse;margin-bottom:12px">${rows}${tagRow}</table>`,
    s.frames.length ? `<h3 style="font-size:14px">Stack trace (in-app frames, most recent first)</h3><pre style="background:#f6f6f6;padding:8px">${s.frames.map(_esc).join("\n")}</pre>` : "",
    s.breadcrumbs.length ? `<h3 style="font-size:14px">Last breadcrumbs</h3><pre style="background:#f6f6f6;padding:8px">${s.breadcrumbs.map(_esc).join("\n")}</pre>` : "",
    `<p><a href="${_esc(f.link)}">Open the issue in LightTrace</a></p>`,
    `</body></html>`,
  ].join("");
  return { text: text.join("\n"), html };
}

/** The generic webhook payload (`format: "json"`). */
export function webhookJson(f: AlertFacts, idempotencyKey: string): Record<string, unknown> {
  return {
    idempotencyKey,
    trigger: f.trigger,
    text: alertSubject(f),
    project: { id: String(f.project.id), slug: f.project.slug, name: f.project.name },
    issue: {
      id: String(f.issue.id), title: f.issue.title, culprit: f.issue.culprit, level: f.issue.level, status: f.issue.status,
      count: f.issue.eventCount, userCount: f.issue.userCount,
      firstSeen: new Date(f.issue.firstSeenSec * 1000).toISOString(), lastSeen: new Date(f.issue.lastSeenSec * 1000).toISOString(),
      url: f.link,
    },
    event: f.event ? { eventId: f.event.event_id, release: f.event.release ?? null, environment: f.event.environment, level: f.event.level, tags: f.event.tags } : null,
    details: f.details,
  };
}

/** A Slack-compatible incoming-webhook payload (`format: "slack"`): mrkdwn text with a link. */
export function webhookSlack(f: AlertFacts): Record<string, unknown> {
  const s = alertSummary(f);
  const lines = [`*[${_slackEsc(f.project.slug)}] ${triggerWord(f.trigger)}:* <${f.link}|${_slackEsc(_oneLine(f.issue.title, 200))}>`];
  const keep = new Set(["Why", "Culprit", "Events", "Users", "Release", "Environment"]);
  lines.push(s.facts.filter(([k]) => keep.has(k)).map(([k, v]) => `${k}: ${_slackEsc(v)}`).join(" · "));
  if (s.frames[0]) lines.push("`" + s.frames[0].replace(/`/g, "'") + "`");
  return { text: lines.join("\n") };
}

/** In-app frames of the main exception, most recent call first (all frames when none is in-app). */
export function inAppFrames(ev: NormalizedEvent, limit: number): Frame[] {
  const values = ev.exception?.values ?? [];
  const main = values[values.length - 1];
  const frames = (main?.stacktrace?.frames ?? ev.stacktrace?.frames ?? []).slice().reverse();
  const inApp = frames.filter((f) => f.in_app === true);
  return (inApp.length ? inApp : frames).slice(0, limit);
}

export function lastBreadcrumbs(ev: NormalizedEvent, limit: number): Breadcrumb[] {
  return (ev.breadcrumbs?.values ?? []).slice(-limit);
}

// --- Internal ---

/** What the subject names: the issue's title, or for a monitor alert the monitor's name. */
function _subjectName(f: Pick<AlertFacts, "trigger" | "issue">): string {
  return f.trigger.startsWith("monitor_") ? f.issue.title.replace(/^Monitor failure: /, "") : f.issue.title;
}

function _triggerLine(f: AlertFacts): string | undefined {
  const d = f.details ?? {};
  if (f.trigger === "monitor_failure") {
    const monitor = f.event?.contexts?.monitor ?? {};
    return `${String(monitor["Failure reason"] ?? "the monitor failed")}; last successful check-in: ${String(monitor["Last successful check-in"] ?? "Never")}`;
  }
  if (f.trigger === "monitor_recovery") return `the monitor's check-ins are ok again (environment ${String(d.environment ?? "?")}); its issue was resolved`;
  if (f.trigger === "spike") return `${d.eventsInWindow} events in the last ${d.windowMinutes} min; the issue's usual rate is ${d.baseline} per ${d.windowMinutes} min`;
  if (f.trigger === "users_affected") return `${d.users} users affected in the last ${d.windowMinutes} min`;
  if (f.trigger === "regression") return "this issue was resolved and happened again";
  if (f.trigger === "new_issue") return "first time this error was seen";
  return undefined;
}

function _frameLine(f: Frame): string {
  const where = [f.filename ?? f.abs_path ?? f.module ?? "?", f.lineno, f.colno].filter((x) => x !== undefined).join(":");
  const line = `at ${f.function ?? "?"} (${where})`;
  return f.context_line ? `${line}\n      ${f.context_line.trim().slice(0, 160)}` : line;
}

function _breadcrumbLine(b: Breadcrumb): string {
  const time = b.timestamp ? new Date(b.timestamp * 1000).toISOString().slice(11, 19) : "--:--:--";
  const what = b.message ?? (b.data ? JSON.stringify(b.data).slice(0, 160) : "");
  return `${time} ${b.category ? `[${b.category}] ` : ""}${b.level && b.level !== "info" ? `(${b.level}) ` : ""}${_oneLine(what, 200)}`;
}

function _oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}

function _esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function _slackEsc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
