import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";

describe("@sentry/node against a real server", () => {
  let t: TestServer;
  let issues: any[];

  beforeAll(async () => {
    t = await startTestServer();
    const run = await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: t.dsn, SCENARIO: "basic" });
    expect(run.code, run.stderr).toBe(0);
    issues = (await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=&limit=100`)).body;
  });
  afterAll(async () => {
    await t.close();
  });

  const byTitle = (prefix: string) => issues.find((i) => i.title.startsWith(prefix));

  it("groups the same throw site into one issue with an exact count, users and release", () => {
    const parse = issues.filter((i) => i.title.startsWith("SyntaxError") && i.count === "5");
    expect(parse).toHaveLength(1);
    const issue = parse[0];
    expect(issue.culprit).toBe("parseConfig(node-errors)");
    expect(issue.level).toBe("error");
    expect(issue.status).toBe("unresolved");
    expect(issue.userCount).toBe(3);
    expect(issue.firstRelease).toEqual({ version: "api@2.4.1" });
    expect(issue.metadata.type).toBe("SyntaxError");
    expect(issue.metadata.function).toBe("parseConfig");
    expect(issue.project.slug).toBe("my-project");
    expect(issue.shortId).toMatch(/^MY-PROJECT-[0-9A-Z]+$/);
  });

  it("keeps different throw sites apart and groups varying messages from one site", () => {
    const range = byTitle("RangeError");
    // like Sentry, title and metadata follow the latest event (the SDK may send the two in either
    // order within the same millisecond)
    expect(range.title).toMatch(/^RangeError: amount (150|250) exceeds the card limit$/);
    expect(`RangeError: ${range.metadata.value}`).toBe(range.title);
    expect(range.count).toBe("2");
    expect(range.userCount).toBe(1);
    expect(range.culprit).toBe("chargeCard(node-errors)");
  });

  it("honours a custom fingerprint with {{ default }}", async () => {
    const syntaxIssues = issues.filter((i) => i.title.startsWith("SyntaxError"));
    expect(syntaxIssues.map((i) => i.count).sort()).toEqual(["1", "5"]);
    const custom = syntaxIssues.find((i) => i.count === "1");
    const detail = (await t.api(`/api/0/issues/${custom.id}/`)).body;
    expect(detail.grouping.mechanism).toBe("lt-v2");
    expect(detail.grouping.key.split("\n").slice(0, 2)).toEqual(["fingerprint", "config-parse"]);
    expect(detail.grouping.key).toContain("node-errors | parseConfig | return JSON.parse(text);");
  });

  it("treats captureMessage as a message event grouped by its normalised text", async () => {
    const msg = byTitle("cache warmed");
    expect(msg.title).toBe("cache warmed in 35 ms");
    expect(msg.level).toBe("warning");
    expect(msg.type).toBe("default");
    const detail = (await t.api(`/api/0/issues/${msg.id}/`)).body;
    expect(detail.grouping.key).toBe("message\ncache warmed in <duration>");
    const event = (await t.api(`/api/0/issues/${msg.id}/events/latest/`)).body;
    expect(event.message).toBe("cache warmed in 35 ms");
    expect(event.entries.map((e: any) => e.type)).toContain("message");
    expect(event.entries.map((e: any) => e.type)).not.toContain("exception");
  });

  it("stores tags, user, breadcrumbs, contexts and frames in Sentry's API shapes", async () => {
    const issue = issues.find((i) => i.title.startsWith("SyntaxError") && i.count === "5");
    const event = (await t.api(`/api/0/issues/${issue.id}/events/latest/`)).body;
    expect(event.groupID).toBe(issue.id);
    expect(event.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(event.platform).toBe("node");
    expect(event.release).toEqual({ version: "api@2.4.1" });
    expect(event.environment).toBe("staging");
    expect(event.user).toMatchObject({ id: "user-1", email: "user1@example.com" });
    const tags = Object.fromEntries(event.tags.map((t: any) => [t.key, t.value]));
    expect(tags).toMatchObject({ team: "billing", release: "api@2.4.1", environment: "staging", level: "error", user: "id:user-1", handled: "yes" });
    expect(tags["runtime.name"]).toBe("node");
    expect(event.contexts.runtime.name).toBe("node");
    expect(event.sdk.name).toBe("sentry.javascript.node");
    const exception = event.entries.find((e: any) => e.type === "exception").data.values[0];
    expect(exception.type).toBe("SyntaxError");
    const frames = exception.stacktrace.frames;
    const crash = frames.filter((f: any) => f.inApp).at(-1);
    expect(crash.function).toBe("parseConfig");
    expect(crash.module).toBe("node-errors");
    expect(crash.lineNo).toBeGreaterThan(0);
    expect(crash.context.find(([n]: [number]) => n === crash.lineNo)[1]).toContain("JSON.parse(text)");
    const crumbs = event.entries.find((e: any) => e.type === "breadcrumbs").data.values;
    expect(crumbs.some((b: any) => b.category === "checkout" && b.message === "step 4")).toBe(true);
    expect(event.previousEventID).toMatch(/^[0-9a-f]{32}$/);
    expect(event.nextEventID).toBeNull();
  });

  it("counts tag values per issue", async () => {
    const issue = issues.find((i) => i.title.startsWith("SyntaxError") && i.count === "5");
    const tags = (await t.api(`/api/0/issues/${issue.id}/tags/`)).body;
    const user = tags.find((k: any) => k.key === "user");
    expect(user.uniqueValues).toBe(3);
    expect(user.totalValues).toBe(5);
    expect(user.topValues[0]).toMatchObject({ value: "id:user-0", count: 2 });
    const team = tags.find((k: any) => k.key === "team");
    expect(team.topValues).toEqual([expect.objectContaining({ value: "billing", count: 5 })]);
  });

  it("records an unhandled crash with mechanism handled=no", async () => {
    const run = await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: t.dsn, SCENARIO: "unhandled" });
    expect(run.code).not.toBe(0);
    const issue = await eventually(async () => {
      const list = (await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=TypeError`)).body;
      return list[0];
    });
    expect(issue.title).toBe("TypeError: Cannot read properties of undefined (reading 'total')");
    expect(issue.isUnhandled).toBe(true);
    const event = (await t.api(`/api/0/issues/${issue.id}/events/latest/`)).body;
    const tags = Object.fromEntries(event.tags.map((x: any) => [x.key, x.value]));
    expect(tags.handled).toBe("no");
    expect(tags.mechanism).toMatch(/onuncaughtexception/i);
    const crumbs = event.entries.find((e: any) => e.type === "breadcrumbs").data.values;
    expect(crumbs.some((b: any) => b.message === "about to crash")).toBe(true);
  });

  it("reopens a resolved issue as a regression when it happens again", async () => {
    const issue = issues.find((i) => i.title.startsWith("SyntaxError") && i.count === "5");
    const resolved = await t.api(`/api/0/issues/${issue.id}/`, { method: "PUT", body: JSON.stringify({ status: "resolved" }) });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe("resolved");
    const before = (await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=is:unresolved SyntaxError`)).body;
    expect(before.map((i: any) => i.id)).not.toContain(issue.id);

    const run = await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: t.dsn, SCENARIO: "again", RELEASE: "api@2.4.2" });
    expect(run.code, run.stderr).toBe(0);
    const after = (await t.api(`/api/0/issues/${issue.id}/`)).body;
    expect(after.status).toBe("unresolved");
    expect(after.substatus).toBe("regressed");
    expect(after.count).toBe("6");
    expect(after.lastRelease).toEqual({ version: "api@2.4.2" });
    expect(after.firstRelease).toEqual({ version: "api@2.4.1" });
    expect(after.regressedAt).not.toBeNull();
  });
});
