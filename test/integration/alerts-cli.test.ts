import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../_helpers/child-server.ts";
import { freePort, startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

describe("lighttrace alerts CLI", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-alerts-cli-"));
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    expect((await runCli(["projects", "create", "shop", "--data", dataDir])).code).toBe(0);
  });
  afterAll(async () => {
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("adds, lists, disables and removes rules", async () => {
    const added = await runCli(["alerts", "add", "--project", "shop", "--name", "Billing checkout", "--new-issue", "--regression",
      "--spike", "100", "--spike-factor", "4", "--spike-window", "10", "--env", "production", "--tag", "team:billing", "--tag", "component:checkout",
      "--email", "a@example.com,b@example.com", "--slack", "https://hooks.slack.example.com/services/T0/B0/x", "--cooldown", "15", "--data", dataDir, "--json"]);
    expect(added.code, added.stderr).toBe(0);
    const rule = JSON.parse(added.stdout);
    expect(rule).toMatchObject({
      project: "shop", name: "Billing checkout", status: "active",
      triggers: { newIssue: true, regression: true, spike: { minEvents: 100, factor: 4, windowMinutes: 10 }, usersAffected: null },
      filters: { environments: ["production"], levels: [], tags: ["team:billing", "component:checkout"] },
      actions: [
        { type: "email", to: ["a@example.com", "b@example.com"], includeAdmins: false },
        { type: "webhook", url: "https://hooks.slack.example.com/services/T0/B0/x", format: "slack" },
      ],
      frequency: 15,
    });

    const list = await runCli(["alerts", "list", "--project", "shop", "--data", dataDir]);
    expect(list.stdout).toContain("New issues and regressions");
    expect(list.stdout).toContain("on new issue, regression → email the admins (cooldown 30 min)");
    expect(list.stdout).toContain("where env production, team:billing, component:checkout → email a@example.com, b@example.com; Slack webhook https://hooks.slack.example.com/services/T0/B0/x (cooldown 15 min)");

    expect((await runCli(["alerts", "disable", String(rule.id), "--data", dataDir])).stdout).toContain(`Alert rule ${rule.id} "Billing checkout" is now disabled.`);
    expect((await runCli(["alerts", "remove", String(rule.id), "--data", dataDir])).stdout).toContain(`Removed alert rule ${rule.id}`);
    const after = JSON.parse((await runCli(["alerts", "list", "--data", dataDir, "--json"])).stdout);
    expect(after.map((r: { name: string }) => r.name)).toEqual(["New issues and regressions"]);
  });

  it("refuses bad rules with a one-line reason", async () => {
    const cases: [string[], RegExp][] = [
      [["--project", "shop", "--new-issue"], /invalid rule \(actions\): a rule needs at least one action/],
      [["--project", "shop", "--email", "x@example.com"], /invalid rule \(triggers\): a rule needs at least one trigger/],
      [["--project", "shop", "--new-issue", "--email", "nope"], /invalid rule \(actions\.0\.to\.0\): not an email address/],
      [["--project", "shop", "--new-issue", "--webhook", "http://10.0.0.5/hook"], /private or loopback/],
      [["--project", "nope", "--new-issue", "--admins"], /no project "nope"/],
      [["--project", "shop", "--spike", "lots", "--admins"], /invalid --spike "lots": a whole number/],
    ];
    for (const [args, message] of cases) {
      const res = await runCli(["alerts", "add", ...args, "--data", dataDir]);
      expect(res.code, args.join(" ")).toBe(1);
      expect(res.stderr).toMatch(message);
    }
  });

  it("sends a test email and reports the SMTP result in words", async () => {
    const ok = await runCli(["alerts", "test", "--to", "me@example.com", "--smtp-url", smtp.url]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^Sent: 127\\.0\\.0\\.1:${smtp.port} accepted the message for me@example\\.com \\(250 .*\\)\\n$`));
    const port = await freePort();
    const down = await runCli(["alerts", "test", "--to", "me@example.com"], { LIGHTTRACE_SMTP_URL: `smtp://127.0.0.1:${port}` });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe(`Not sent: could not connect to 127.0.0.1:${port}: connection refused (is the SMTP server running on that port?)\n`);
    const unconfigured = await runCli(["alerts", "test", "--to", "me@example.com"], { LIGHTTRACE_SMTP_URL: "" });
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stdout).toMatch(/^Not sent: SMTP is not configured/);
    const badUrl = await runCli(["alerts", "test", "--to", "me@example.com", "--smtp-url", "http://mail"]);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/invalid smtpUrl \(LIGHTTRACE_SMTP_URL\): an smtp:\/\/ or smtps:\/\/ URL/);
    const noTo = await runCli(["alerts", "test"]);
    expect(noTo.code).toBe(1);
    expect(noTo.stderr).toMatch(/--to <address> is required/);
  });
});
