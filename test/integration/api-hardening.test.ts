import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";

/**
 * Smaller findings of the outside security review, each through the real server: every API answer
 * says nosniff and no-store, the CSRF Origin check compares the scheme, and `?` and `[…]` in a tag
 * search are the characters themselves (only `*` is a wildcard).
 */
describe("web API hardening", () => {
  let t: TestServer;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestServer();
    for (const [message, code] of [["literal question mark", "a?c"], ["any third letter", "abc"], ["literal brackets", "x[1]"], ["plain x1", "x1"]]) {
      const res = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message, level: "error", tags: { code } }),
      });
      expect(res.status).toBe(200);
    }
    await eventually(async () => ((await t.api("/api/0/projects/lighttrace/my-project/issues/")).body.length === 4 ? true : undefined));
    const local = await fetch(`${t.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: t.url } });
    expect(local.status).toBe(200);
    cookie = local.headers.get("set-cookie")!.split(";")[0]!;
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers every API request with nosniff and no-store, errors and MCP included", async () => {
    const answers = [
      await fetch(`${t.url}/api/0/organizations/`, { headers: { Authorization: `Bearer ${t.token}` } }),
      await fetch(`${t.url}/api/0/projects/lighttrace/my-project/issues/`, { headers: { Cookie: cookie } }),
      await fetch(`${t.url}/api/0/organizations/`),
      await fetch(`${t.url}/api/0/no-such-endpoint/`, { headers: { Authorization: `Bearer ${t.token}` } }),
      await fetch(`${t.url}/api/0/auth/login/`),
      await fetch(`${t.url}/api/0/issues/1/`, { method: "PUT", headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json" }, body: "{" }),
      await fetch(`${t.url}/mcp`, {
        method: "POST",
        headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      }),
    ];
    answers.push(await fetch(`${t.url}/health`));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 200, 400, 200, 200]);
    for (const res of answers) {
      expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
      expect(res.headers.get("cache-control"), res.url).toBe("no-store");
    }
  });

  it("refuses a cookie-authenticated change from this host on another scheme (CSRF)", async () => {
    const issueId = (await t.api("/api/0/projects/lighttrace/my-project/issues/")).body[0].id;
    const put = (origin: string) => fetch(`${t.url}/api/0/issues/${issueId}/`, {
      method: "PUT", headers: { Cookie: cookie, Origin: origin, "Content-Type": "application/json" }, body: '{"status":"ignored"}',
    });
    const https = await put(t.url.replace(/^http:/, "https:"));
    expect(https.status).toBe(403);
    expect(await https.json()).toEqual({ detail: "Cross-origin request refused: the Origin header is missing or is not this server (browsing through an https proxy? set LIGHTTRACE_PUBLIC_URL to the address you browse to)." });
    expect((await t.api(`/api/0/issues/${issueId}/`)).body.status).toBe("unresolved");
    expect((await put(t.url)).status).toBe(200);
    expect((await t.api(`/api/0/issues/${issueId}/`, { method: "PUT", body: '{"status":"unresolved"}' })).status).toBe(200);
  });

  it("matches ? and [...] in a tag search literally; only * is a wildcard", async () => {
    const titles = async (query: string) => {
      const res = await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=${encodeURIComponent(query)}`);
      expect(res.status, query).toBe(200);
      return res.body.map((i: { title: string }) => i.title).sort();
    };
    expect(await titles("code:a?*")).toEqual(["literal question mark"]);
    expect(await titles("code:a?c")).toEqual(["literal question mark"]);
    expect(await titles("code:x[1]*")).toEqual(["literal brackets"]);
    expect(await titles("code:x*")).toEqual(["literal brackets", "plain x1"]);
    expect(await titles("code:*c")).toEqual(["any third letter", "literal question mark"]);
  });
});
