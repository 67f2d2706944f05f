/** Pure helpers of the Monitors pages: status words, durations and copy-paste check-in setup. */
import type { ApiCheckInStatus, ApiMonitor, ApiMonitorConfig } from "../../src/contract/index.ts";

export const CHECKIN_STATUS_WORDS: Record<ApiCheckInStatus, string> = {
  ok: "ok", error: "error", missed: "missed", timeout: "timeout", in_progress: "in progress", unknown: "unknown",
};

/** "ok", "failing", "waiting for first check-in", "disabled", "muted" — the monitor as a whole. */
export function monitorHealth(m: Pick<ApiMonitor, "status" | "isMuted" | "environments">): { word: string; tone: "ok" | "error" | "muted" } {
  if (m.status === "disabled") return { word: "disabled", tone: "muted" };
  if (m.environments.some((e) => e.status === "error")) return { word: m.isMuted ? "failing (muted)" : "failing", tone: "error" };
  if (m.environments.some((e) => e.status === "ok")) return { word: m.isMuted ? "ok (muted)" : "ok", tone: m.isMuted ? "muted" : "ok" };
  return { word: "waiting for first check-in", tone: "muted" };
}

/** A check-in's duration: "850 ms", "12.8 s", "3 min 5 s", "—" while running. */
export function formatDurationMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(ms / 60_000);
  const sec = Math.round((ms % 60_000) / 1000);
  return min < 60 ? `${min} min${sec ? ` ${sec} s` : ""}` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

export type MonitorSnippetPlatform = "node" | "python" | "cli" | "curl";

export const MONITOR_SNIPPET_PLATFORMS: { platform: MonitorSnippetPlatform; label: string }[] = [
  { platform: "node", label: "Node.js (@sentry/node)" },
  { platform: "python", label: "Python (sentry_sdk)" },
  { platform: "cli", label: "sentry-cli" },
  { platform: "curl", label: "curl (HTTP)" },
];

/**
 * How to make a job check in to the monitor `slug` (creating it with `config` on first use).
 * @example monitorSnippet("curl", dsn, "nightly", config) // "curl -X POST 'http://…/api/1/cron/nightly/<key>/' …"
 */
export function monitorSnippet(platform: MonitorSnippetPlatform, dsn: string, slug: string, config: ApiMonitorConfig): string {
  const q = JSON.stringify;
  const crontab = config.schedule_type === "crontab" ? String(config.schedule) : null;
  const [count, unit] = Array.isArray(config.schedule) ? config.schedule : [1, "hour"];
  const jsSchedule = crontab ? `{ type: "crontab", value: ${q(crontab)} }` : `{ type: "interval", value: ${count}, unit: ${q(unit)} }`;
  switch (platform) {
    case "node":
      return `import * as Sentry from "@sentry/node";

Sentry.init({ dsn: ${q(dsn)} });

await Sentry.withMonitor(${q(slug)}, async () => {
  // … the job …
}, {
  schedule: ${jsSchedule},
  checkinMargin: ${config.checkin_margin},
  maxRuntime: ${config.max_runtime},
  timezone: ${q(config.timezone)},
});`;
    case "python": {
      const pySchedule = crontab ? `{"type": "crontab", "value": ${q(crontab)}}` : `{"type": "interval", "value": ${count}, "unit": ${q(unit)}}`;
      return `import sentry_sdk
from sentry_sdk.crons import monitor

sentry_sdk.init(dsn=${q(dsn)})

@monitor(monitor_slug=${q(slug)}, monitor_config={
    "schedule": ${pySchedule},
    "checkin_margin": ${config.checkin_margin},
    "max_runtime": ${config.max_runtime},
    "timezone": ${q(config.timezone)},
})
def job():
    ...  # the job`;
    }
    case "cli":
      return `export SENTRY_DSN=${_sh(dsn)}
sentry-cli monitors run ${crontab ? `-s ${_sh(crontab)} ` : ""}--check-in-margin ${config.checkin_margin} --max-runtime ${config.max_runtime} --timezone ${_sh(config.timezone)} ${slug} -- ./my-job.sh`;
    case "curl": {
      const url = cronUrl(dsn, slug);
      return `# start (creates or updates the monitor)
curl -X POST ${_sh(url)} -H 'Content-Type: application/json' \\
  -d '${JSON.stringify({ status: "in_progress", monitor_config: { schedule: crontab ? { type: "crontab", value: crontab } : { type: "interval", value: count, unit }, checkin_margin: config.checkin_margin, max_runtime: config.max_runtime, timezone: config.timezone } })}'
# … the job …
curl ${_sh(`${url}?status=ok`)}      # or ?status=error`;
    }
  }
}

/** Relay's DSN-based check-in URL: `<origin>/api/<project>/cron/<slug>/<public key>/`. */
export function cronUrl(dsn: string, slug: string): string {
  try {
    const u = new URL(dsn);
    const project = u.pathname.split("/").filter(Boolean).pop() ?? "";
    return `${u.protocol}//${u.host}/api/${project}/cron/${encodeURIComponent(slug)}/${u.username}/`;
  } catch {
    return `<your DSN's origin>/api/<project>/cron/${slug}/<public key>/`;
  }
}

// --- Internal ---

function _sh(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}
