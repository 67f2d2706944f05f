import { describe, expect, it } from "vitest";
import { runCli, startChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";

describe("cron monitors across kill -9", () => {
  it("keeps an acknowledged in-progress check-in and its monitor, and closes it after the restart", async () => {
    const dataDir = tempDir("lighttrace-monitors-kill-");
    let server = await startChildServer(dataDir);
    const projects = JSON.parse((await runCli(["projects", "list", "--data", dataDir, "--json"])).stdout);
    const dsn = new URL(projects[0].dsn);
    const cron = (base: string) => `${base}/api/${dsn.pathname.slice(1)}/cron/backup-job/${dsn.username}/`;
    const checkInId = "5f6d1c7a-2e3b-4c5d-8e9f-0a1b2c3d4e5f";
    const started = await fetch(cron(server.url), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ check_in_id: checkInId, status: "in_progress", monitor_config: { schedule: { type: "crontab", value: "0 2 * * *" }, max_runtime: 120 } }),
    });
    expect(started.status).toBe(202);
    expect(await server.stop("SIGKILL")).toBeNull();

    server = await startChildServer(dataDir);
    expect((await fetch(`${cron(server.url)}?status=ok&check_in_id=${checkInId}&duration=42.5`)).status).toBe(202);
    const token = JSON.parse((await runCli(["tokens", "create", "--data", dataDir, "--json"])).stdout).token;
    const get = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const monitor = await get("/api/0/organizations/lighttrace/monitors/backup-job/");
    expect(monitor).toMatchObject({ slug: "backup-job", config: { schedule: "0 2 * * *", max_runtime: 120 }, environments: [{ name: "production", status: "ok" }] });
    const checkIns = await get("/api/0/organizations/lighttrace/monitors/backup-job/checkins/");
    expect(checkIns.map((c: { id: string; status: string; duration: number }) => [c.id, c.status, c.duration])).toEqual([[checkInId, "ok", 42_500]]);
    expect(await server.stop("SIGTERM")).toBe(0);
  });
});
