import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken, tokenHint } from "../../src/api/tokens.ts";
import { SCOPES_BY_LEVEL } from "../../src/api/scopes.ts";
import { BUNDLE } from "../_helpers/child-server.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { databaseEnvFor } from "../_helpers/test-backend.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/sdk/", import.meta.url));
const READ_TOKEN = "lt-mcp-read-only-token-0123456789";
const TOOL_NAMES = ["find_organizations", "find_projects", "search_issues", "get_issue_details", "search_events", "get_trace_details", "find_releases", "find_monitors", "update_issue", "add_issue_note", "get_issue_activity", "explain_issue"];

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };
const text = (r: unknown) => (r as ToolResult).content.map((c) => c.text).join("\n");

/**
 * The MCP server driven by the SDK's own client, over streamable HTTP at /mcp and over stdio
 * (`lighttrace mcp`, the built bundle), against a real server holding what a real @sentry/node
 * app sent: an error inside a traced request, its breadcrumbs and user, release sessions.
 */
describe("MCP: the SDK's client over HTTP and stdio against real SDK data", () => {
  let t: TestServer;
  let http: Client;
  let shortId: string;
  let issueId: string;
  let traceId: string;

  const connectHttp = async (token: string) => {
    const client = new Client({ name: "lighttrace-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    return client;
  };
  const connectStdio = async (args: string[]) => {
    const client = new Client({ name: "lighttrace-test", version: "1.0.0" });
    // on the data directory: its database with LIGHTTRACE_TEST_BACKEND=postgres (test/_helpers/test-backend.ts)
    const database = await databaseEnvFor(args.includes("--data") ? args[args.indexOf("--data") + 1] : undefined);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BUNDLE, "mcp", ...args], env: { PATH: process.env.PATH ?? "", ...database }, stderr: "pipe" }));
    return client;
  };

  beforeAll(async () => {
    t = await startTestServer();
    await t.server.store.createApiToken({ name: "agent (read)", tokenHash: hashApiToken(READ_TOKEN), tokenHint: tokenHint(READ_TOKEN), scopes: [...SCOPES_BY_LEVEL.read] });
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "./mcp-instrument.mjs", "mcp-shop.mjs"], { cwd: FIXTURES, env: { ...process.env, SENTRY_DSN: t.dsn }, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(run.code, run.stderr).toBe(0);
    const issue = await eventually(async () => {
      const found = (await t.api("/api/0/organizations/lighttrace/issues/?query=release:shop@1.2.0")).body[0];
      return found?.count === "2" ? found : undefined;
    });
    shortId = issue.shortId;
    issueId = issue.id;
    const latest = await eventually(async () => {
      const ev = (await t.api(`/api/0/issues/${issueId}/events/latest/`)).body;
      return ev.contexts?.trace?.trace_id ? ev : undefined;
    });
    traceId = latest.contexts.trace.trace_id;
    await eventually(async () => ((await t.api(`/api/0/organizations/lighttrace/events-trace/${traceId}/`)).status === 200 ? true : undefined));
    http = await connectHttp(t.token);
  });
  afterAll(async () => {
    await http?.close();
    await t.close();
  });

  it("lists the tools with Sentry's names, read-only ones marked", async () => {
    const { tools } = await http.listTools();
    expect(tools.map((x) => x.name)).toEqual(TOOL_NAMES);
    expect(tools.find((x) => x.name === "update_issue")?.annotations?.readOnlyHint).toBe(false);
    expect(tools.find((x) => x.name === "search_issues")?.annotations?.readOnlyHint).toBe(true);
    expect(JSON.stringify(tools.find((x) => x.name === "search_issues")?.inputSchema)).toContain("\"query\"");
  });

  it("finds organizations, projects and issues with raw Sentry search syntax", async () => {
    expect(text(await http.callTool({ name: "find_organizations", arguments: {} }))).toContain("`lighttrace`");
    expect(text(await http.callTool({ name: "find_projects", arguments: {} }))).toContain("`my-project`");
    const found = text(await http.callTool({ name: "search_issues", arguments: { query: "is:unresolved release:shop@1.2.0 reading", sort: "freq", limit: 5 } }));
    expect(found).toContain(`[${shortId}](${t.url}/issues/${issueId}/)`);
    expect(found).toContain("Cannot read properties of undefined (reading 'name')");
    expect(found).toMatch(/\| 2 \| 1 \|/); // 2 events, 1 user
    expect(text(await http.callTool({ name: "search_issues", arguments: { query: "is:resolved" } }))).toContain("No issues match.");
  });

  it("gives an issue's details by short id or URL: stack trace with source, breadcrumbs, user, tags, trace", async () => {
    for (const args of [{ issueId: shortId }, { issueUrl: `${t.url}/issues/${issueId}/` }, { issueId }]) {
      const details = text(await http.callTool({ name: "get_issue_details", arguments: args }));
      expect(details).toContain(`# ${shortId}: TypeError: Cannot read properties of undefined (reading 'name')`);
      expect(details).toContain("**Events**: 2 · **Users**: 1");
      expect(details).toContain("in release `shop@1.2.0`");
      expect(details).toMatch(/→ priceOrder at .*mcp-shop\.mjs:\d+/);
      expect(details).toContain("return `${customer.name} pays ${order.total}`;");
      expect(details).toContain("pricing order for /api/checkout");
      expect(details).toContain("id: `user-7`");
      expect(details).toContain("**environment**: production (2)");
      expect(details).toContain(`**Trace**: \`${traceId}\``);
      expect(details).toContain("None known (No Commits found for Release)");
    }
    const bad = await http.callTool({ name: "get_issue_details", arguments: { issueId: "MY-PROJECT-ZZZZ" } }) as ToolResult;
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain("LightTrace answered 404");
  });

  it("searches events, follows the trace, lists releases with crash-free rates", async () => {
    const events = text(await http.callTool({ name: "search_events", arguments: { query: `issue:${shortId}`, fields: ["id", "issue", "release", "user", "trace"] } }));
    expect(events.match(new RegExp(`\\[${shortId}\\]`, "g"))).toHaveLength(2);
    expect(events).toContain("id:user-7");
    const trace = text(await http.callTool({ name: "get_trace_details", arguments: { traceId } }));
    // @sentry/node names a route-less http server's transactions by method; the failed requests carry the error
    expect(trace).toMatch(new RegExp(`\\*\\*GET\\*\\* \\(http\\.\\w+, my-project\\) \\d+ ms, status error\\n\\s+- ⚠ \\[${shortId}\\]`));
    expect(trace).toContain("2 errors.");
    const releases = await eventually(async () => {
      const out = text(await http.callTool({ name: "find_releases", arguments: {} }));
      return out.includes("%") ? out : undefined;
    });
    expect(releases).toContain(`[shop@1.2.0](${t.url}/releases/shop%401.2.0/)`);
    // request-mode sessions of a server: handled errors leave them crash-free; they carry no users
    expect(releases).toMatch(/\| 1 \| 2 \| 100\.00% \| — \| 100% \| 0 \| — \|/);
  });

  it("finds cron monitors with their environments' state", async () => {
    expect(text(await http.callTool({ name: "find_monitors", arguments: {} }))).toContain("No monitors match.");
    const res = await fetch(`${t.url}/api/${t.projectId}/cron/nightly-report/${t.publicKey}/`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: "ok", environment: "prod", monitor_config: { schedule: { type: "crontab", value: "0 3 * * *" }, timezone: "Europe/Berlin" } }),
    });
    expect(res.status).toBe(202);
    const out = text(await http.callTool({ name: "find_monitors", arguments: { projectSlug: "my-project" } }));
    expect(out).toContain(`[nightly-report](${t.url}/crons/my-project/nightly-report/)`);
    expect(out).toMatch(/\| `nightly-report` \| my-project \| every day at 03:00 \(Europe\/Berlin\) \| prod: ok \|/);
  });

  it("explains offline, and updates the issue only with a write token", async () => {
    const explained = text(await http.callTool({ name: "explain_issue", arguments: { issueId: shortId, provider: "offline" } }));
    expect(explained).toContain("Offline analysis (built-in rules)");
    expect(explained).toMatch(/\*\*Culprit\*\*: `.*mcp-shop\.mjs:\d+` in `priceOrder`/);
    expect(explained).toContain("`customer` was undefined");

    const reader = await connectHttp(READ_TOKEN);
    const refused = await reader.callTool({ name: "update_issue", arguments: { issueId: shortId, status: "resolved" } }) as ToolResult;
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("LightTrace answered 403");
    expect(text(await reader.callTool({ name: "search_issues", arguments: {} }))).toContain(shortId);
    await reader.close();
    expect((await t.api(`/api/0/issues/${issueId}/`)).body.status).toBe("unresolved");

    const updated = text(await http.callTool({ name: "update_issue", arguments: { issueId: shortId, status: "resolvedInNextRelease" } }));
    expect(updated).toContain("is now **resolved** in the next release");
    expect((await t.api(`/api/0/issues/${issueId}/`)).body).toMatchObject({ status: "resolved", statusDetails: { inNextRelease: true } });
    await http.callTool({ name: "update_issue", arguments: { issueUrl: `${t.url}/issues/${issueId}/`, status: "unresolved" } });
    expect((await t.api(`/api/0/issues/${issueId}/`)).body.status).toBe("unresolved");

    // assignment, notes and the activity log
    const assigned = text(await http.callTool({ name: "update_issue", arguments: { issueId: shortId, assignedTo: "Oncall@Example.com", reason: "customer lookup returns undefined for guests" } }));
    expect(assigned).toContain("assigned to oncall@example.com");
    expect(assigned).toContain("The reason was added as a note.");
    expect((await t.api(`/api/0/issues/${issueId}/`)).body).toMatchObject({ assignedTo: { type: "user", id: "oncall@example.com", email: "oncall@example.com" }, numComments: 1 });
    expect(text(await http.callTool({ name: "add_issue_note", arguments: { issueId: shortId, text: "Guard: test/checkout.test.ts covers guests" } }))).toContain("2 notes now");
    const log = text(await http.callTool({ name: "get_issue_activity", arguments: { issueId: shortId } }));
    expect(log).toContain("**note**: Guard: test/checkout.test.ts covers guests");
    expect(log).toContain("**assigned** to oncall@example.com");
    expect(log).toContain("**set_resolved_in_release** (in the next release)");
    expect(log).toContain("**first_seen**");
    expect(text(await http.callTool({ name: "get_issue_activity", arguments: { issueId: shortId, includeComments: false } }))).not.toContain("**note**");
  });

  it("refuses /mcp without a valid Bearer token", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    expect((await fetch(`${t.url}/mcp`, { method: "POST", headers, body })).status).toBe(401);
    expect((await fetch(`${t.url}/mcp`, { method: "POST", headers: { ...headers, Authorization: "Bearer nope" }, body })).status).toBe(401);
  });

  it("serves the same tools over stdio: to a running server (--url) and on the data directory (--data)", async () => {
    const remote = await connectStdio(["--url", t.url, "--token", READ_TOKEN]);
    expect((await remote.listTools()).tools.map((x) => x.name)).toEqual(TOOL_NAMES);
    expect(text(await remote.callTool({ name: "get_issue_details", arguments: { issueId: shortId } }))).toContain(`# ${shortId}: TypeError`);
    const refused = await remote.callTool({ name: "update_issue", arguments: { issueId: shortId, status: "ignored" } }) as ToolResult;
    expect(text(refused)).toContain("LightTrace answered 403");
    await remote.close();

    const local = await connectStdio(["--data", t.dataDir, "--scope", "read"]);
    expect(text(await local.callTool({ name: "get_issue_details", arguments: { issueId: shortId } }))).toContain("pricing order for /api/checkout");
    const found = text(await local.callTool({ name: "search_issues", arguments: { query: "reading" } }));
    expect(found).toContain(shortId);
    expect(found).toContain(`${t.url}/issues/${issueId}/`);
    expect(text(await local.callTool({ name: "update_issue", arguments: { issueId: shortId, status: "ignored" } }))).toContain("LightTrace answered 403");
    await local.close();
  }, 90_000);

  it("writes nothing but protocol on stdout", async () => {
    const env = { ...process.env, ...(await databaseEnvFor(t.dataDir)) };
    const child = spawn(process.execPath, [BUNDLE, "mcp", "--data", t.dataDir], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const send = (msg: object) => child.stdin.write(JSON.stringify(msg) + "\n");
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_issue_details", arguments: { issueId: shortId } } });
    // a cold start of the bundle on a loaded machine can take a while
    await eventually(async () => (stdout.includes('"id":2') ? true : undefined), 60_000);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(JSON.parse(lines[1]!).result.content[0].text).toContain(`# ${shortId}`);
  }, 90_000);
});
