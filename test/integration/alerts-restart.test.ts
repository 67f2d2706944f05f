import { describe, expect, it } from "vitest";
import { runCli, startChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { freePort, startTestSmtp } from "../_helpers/smtp.ts";

describe("alert outbox across kill -9", () => {
  it("delivers an alert that was pending when the server was killed, once, after the restart", async () => {
    const dataDir = tempDir("lighttrace-alerts-restart-");
    const port = await freePort(); // the SMTP server is down at first
    const env = { LIGHTTRACE_SMTP_URL: `smtp://127.0.0.1:${port}` };
    const flags = ["--alert-to", "ops@example.com"]; // `serve --alert-to`, the flag form of LIGHTTRACE_ALERT_TO
    let server = await startChildServer(dataDir, flags, env);
    // the SMTP server is down: the first attempts fail and are retried
    server.tolerateLog(/WARN  alert delivery failed, will retry/);
    const dsn = new URL(JSON.parse((await runCli(["projects", "list", "--data", dataDir, "--json"])).stdout)[0].dsn);
    const res = await fetch(`${server.url}/api/${dsn.pathname.slice(1)}/envelope/?sentry_key=${dsn.username}`, {
      method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ exception: { values: [{ type: "KilledWhilePending", value: "boom" }] } }))),
    });
    expect(res.status).toBe(200);
    const history = async () => JSON.parse((await runCli(["alerts", "history", "--data", dataDir, "--json"])).stdout);
    const pending = await eventually(async () => {
      const rows = await history();
      return rows[0]?.attempts >= 1 ? rows[0] : undefined;
    });
    expect(pending).toMatchObject({ status: "pending", trigger: "new_issue", lastError: expect.stringMatching(/connection refused/) });

    await server.stop("SIGKILL");

    const smtp = await startTestSmtp(port);
    server = await startChildServer(dataDir, flags, env);
    const mail = await eventually(async () => smtp.mails[0], 20_000);
    expect(mail.subject).toBe("[my-project] New issue: KilledWhilePending: boom");
    expect(mail.to).toMatchObject({ text: "ops@example.com" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.mails).toHaveLength(1);
    const rows = await history();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "sent", lastError: null });
  });
});
