import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runSdkScript } from "../_helpers/sdk.ts";

// Debian's python3-sentry-sdk (1.9.x) posts gzip-compressed JSON to /store/ with X-Sentry-Auth.
describe("python sentry_sdk against a real server (/store/)", () => {
  let t: TestServer;
  let issues: any[];

  beforeAll(async () => {
    t = await startTestServer();
    const run = await runSdkScript("python", "python-errors.py", { SENTRY_DSN: t.dsn });
    expect(run.code, run.stderr).toBe(0);
    issues = (await t.api(`/api/0/organizations/lighttrace/issues/?query=`)).body;
  });
  afterAll(async () => {
    await t.close();
  });

  it("groups the three JSONDecodeErrors from one site into one issue", async () => {
    const issue = issues.find((i) => i.metadata.type === "JSONDecodeError");
    expect(issue.count).toBe("3");
    expect(issue.userCount).toBe(1);
    // this SDK marks the stdlib json frames in-app; the built-in stack-trace rules re-mark them
    // (…/lib/python3.x/…), so the culprit is the application's frame
    expect(issue.culprit).toBe("__main__ in load");
    expect(issue.platform).toBe("python");
    expect(issue.firstRelease).toEqual({ version: "py@1.0.0" });
    const detail = (await t.api(`/api/0/issues/${issue.id}/`)).body;
    expect(detail.grouping.key).toContain("__main__ | load | return json.loads(text)");
  });

  it("keeps frame variables and the user", async () => {
    const issue = issues.find((i) => i.metadata.type === "JSONDecodeError");
    const event = (await t.api(`/api/0/issues/${issue.id}/events/oldest/`)).body;
    expect(event.user).toMatchObject({ id: "py-user", email: "py@example.com" });
    const frames = event.entries.find((e: any) => e.type === "exception").data.values[0].stacktrace.frames;
    const load = frames.find((f: any) => f.function === "load");
    expect(load.inApp).toBe(true);
    expect(load.vars).toMatchObject({ text: "'{bad 0'" });
    const tags = Object.fromEntries(event.tags.map((x: any) => [x.key, x.value]));
    expect(tags).toMatchObject({ team: "data", environment: "staging", "runtime.name": "CPython" });
  });

  it("turns capture_message into a message issue", () => {
    const msg = issues.find((i) => i.title === "nightly import finished with 12 warnings");
    expect(msg.level).toBe("warning");
    expect(msg.type).toBe("default");
    expect(msg.count).toBe("1");
  });
});
