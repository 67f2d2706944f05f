import { describe, expect, it } from "vitest";
import { cronUrl, formatDurationMs, monitorHealth, monitorSnippet } from "../../ui/lib/monitors.ts";
import { monitorPath, monitorsPath, parseRoute } from "../../ui/lib/routes.ts";
import type { ApiMonitorConfig } from "../../src/contract/index.ts";

const CONFIG: ApiMonitorConfig = { schedule_type: "crontab", schedule: "0 3 * * *", checkin_margin: 5, max_runtime: 30, timezone: "Europe/Berlin", failure_issue_threshold: 1, recovery_threshold: 1, alert_rule_id: null };
const DSN = "http://3f2a9c91@127.0.0.1:8000/4";

describe("monitors UI helpers", () => {
  it("formats check-in durations", () => {
    expect([null, 850, 1250, 12_840, 185_000, 7_500_000].map(formatDurationMs)).toEqual(["—", "850 ms", "1.25 s", "12.8 s", "3 min 5 s", "2 h 5 min"]);
  });

  it("sums a monitor's state up over its environments", () => {
    const env = (status: "active" | "ok" | "error") => ({ name: "production", status, isMuted: false, dateCreated: "", lastCheckIn: null, nextCheckIn: null, nextCheckInLatest: null, activeIncident: null });
    expect(monitorHealth({ status: "active", isMuted: false, environments: [] }).word).toBe("waiting for first check-in");
    expect(monitorHealth({ status: "active", isMuted: false, environments: [env("ok"), env("error")] })).toEqual({ word: "failing", tone: "error" });
    expect(monitorHealth({ status: "active", isMuted: true, environments: [env("ok")] })).toEqual({ word: "ok (muted)", tone: "muted" });
    expect(monitorHealth({ status: "disabled", isMuted: false, environments: [env("error")] }).word).toBe("disabled");
  });

  it("builds Relay's DSN check-in URL and the setup snippets", () => {
    expect(cronUrl(DSN, "nightly report")).toBe("http://127.0.0.1:8000/api/4/cron/nightly%20report/3f2a9c91/");
    expect(monitorSnippet("node", DSN, "nightly", CONFIG)).toContain('Sentry.withMonitor("nightly"');
    expect(monitorSnippet("python", DSN, "nightly", CONFIG)).toContain('"schedule": {"type": "crontab", "value": "0 3 * * *"}');
    expect(monitorSnippet("cli", DSN, "nightly", CONFIG)).toContain("sentry-cli monitors run -s '0 3 * * *' --check-in-margin 5 --max-runtime 30 --timezone 'Europe/Berlin' nightly -- ./my-job.sh");
    expect(monitorSnippet("curl", DSN, "nightly", { ...CONFIG, schedule_type: "interval", schedule: [2, "hour"] })).toContain('"schedule":{"type":"interval","value":2,"unit":"hour"}');
  });

  it("routes the crons pages", () => {
    expect(parseRoute("/crons/")).toEqual({ name: "monitors" });
    expect(parseRoute("/projects/web/monitors/")).toEqual({ name: "monitors", project: "web" });
    expect(parseRoute("/organizations/acme/crons/web/nightly/")).toEqual({ name: "monitor", project: "web", slug: "nightly" });
    expect(monitorPath("web", "nightly")).toBe("/crons/web/nightly/");
    expect(monitorsPath()).toBe("/crons/");
  });
});
