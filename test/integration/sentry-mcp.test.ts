import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { startSentryMcp, type SentryMcp } from "../_helpers/sentry-mcp.ts";

/**
 * The official Sentry MCP server (@sentry/mcp-server, run with the pinned Node, no LLM, no
 * telemetry) calling its tools against a real LightTrace holding real @sentry/node data: errors
 * with users, tags and breadcrumbs, a message, a release, an environment and a trace.
 */
describe("the Sentry MCP server against LightTrace", () => {
  let t: TestServer;
  let mcp: SentryMcp;
  const org = { organizationSlug: "lighttrace" };
  /** the issues the SDK script makes, by what they are */
  let cartInSpan: any;
  let cart: any;
  let coupon: any;
  let slow: any;
  let traceId: string;
  let spanEventId: string;

  beforeAll(async () => {
    t = await startTestServer();
    // a generous bound: @sentry/node's start-up is slow on a loaded machine
    const run = await runSdkScript("node", "node-tools.mjs", { SENTRY_DSN: t.dsn }, 90_000);
    expect(run.code, run.stderr).toBe(0);
    const issues: any[] = await eventually(async () => {
      const list = (await t.api("/api/0/organizations/lighttrace/issues/?query=&limit=100")).body;
      return Array.isArray(list) && list.reduce((n: number, i: any) => n + Number(i.count), 0) === 6 ? list : undefined;
    });
    cartInSpan = issues.find((i) => i.title.startsWith("TypeError") && i.count === "1");
    cart = issues.find((i) => i.title.startsWith("TypeError") && i.count === "3");
    coupon = issues.find((i) => i.title.startsWith("RangeError"));
    slow = issues.find((i) => i.title.startsWith("payment provider slow"));
    const latest = (await t.api(`/api/0/issues/${cartInSpan.id}/events/latest/`)).body;
    traceId = latest.contexts.trace.trace_id;
    spanEventId = latest.eventID;
    // the transaction is committed with the errors; wait until the trace reads back whole
    await eventually(async () => ((await t.api(`/api/0/organizations/lighttrace/trace-meta/${traceId}/`)).body?.span_count === 2 ? true : undefined));
    mcp = await startSentryMcp({ url: t.url, token: t.token });
  }, 150_000);
  afterAll(async () => {
    await mcp?.close();
    await t.close();
  });

  const ok = async (name: string, args: Record<string, unknown>) => {
    const r = await mcp.call(name, args);
    expect(r.isError, `${name} failed:\n${r.text}`).toBe(false);
    return r.text;
  };

  it("lists its tools and finds the catalog ones", async () => {
    const names = (await mcp.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["find_organizations", "find_projects", "search_issues", "search_events", "update_issue", "get_sentry_resource"]));
    const found = JSON.parse(await ok("search_sentry_tools", { query: "issue details", limit: 5 }));
    expect(found.results.map((r: any) => r.name)).toContain("get_issue_details");
  });

  it("whoami: the token the server was given", async () => {
    const me = JSON.parse(await ok("whoami", {}));
    expect(me.user).toEqual({ id: expect.stringMatching(/^token-\d+$/), name: 'API token "test"', email: "" });
  });

  it("finds the organization, its team, projects, DSNs and releases", async () => {
    const orgs = await ok("find_organizations", {});
    expect(orgs).toContain("lighttrace");
    expect(orgs).toContain(t.url);
    expect(await ok("find_teams", org)).toContain('"slug": "default"');
    expect(await ok("find_projects", org)).toContain('"slug": "my-project"');
    expect(await ok("find_dsns", { ...org, projectSlug: "my-project" })).toContain(t.dsn);
    const releases = JSON.parse(await ok("find_releases", org)).releases;
    expect(releases).toEqual([expect.objectContaining({ version: "1.2.0", newIssues: 4, projects: ["my-project"] })]);
  });

  it("search_issues: raw queries, sorts, periods, an event id and a short id", async () => {
    const warnings = await ok("search_issues", { ...org, query: "is:unresolved level:warning" });
    expect(warnings).toContain(coupon.shortId);
    expect(warnings).not.toContain(cart.shortId);
    const byFreq = await ok("search_issues", { ...org, query: "is:unresolved", sort: "freq", period: "7d" });
    expect(byFreq.indexOf(cart.shortId)).toBeLessThan(byFreq.indexOf(coupon.shortId));
    expect(byFreq).toContain(`${t.url}/organizations/lighttrace/issues/${cart.shortId}`);
    const byEvent = await ok("search_issues", { ...org, query: spanEventId });
    expect(byEvent).toContain("Found **1** issue");
    expect(byEvent).toContain(cartInSpan.shortId);
    expect(await ok("search_issues", { ...org, query: "region:eu-west checkout.step:cart" })).toContain(cart.shortId);
  });

  it("get_issue_details: the issue by short id with its latest event, stack trace and tags", async () => {
    const text = await ok("get_issue_details", { ...org, issueId: cart.shortId });
    expect(text).toContain(cart.title);
    expect(text).toContain("loadCart");
    expect(text).toContain("node-tools.mjs");
    expect(text).toContain("checkout.step");
  });

  it("get_sentry_resource follows LightTrace's own permalinks (Sentry-shaped) and event links", async () => {
    expect(coupon.permalink).toBe(`${t.url}/organizations/lighttrace/issues/${coupon.id}/`);
    expect(await ok("get_sentry_resource", { url: coupon.permalink })).toContain("coupon WINTER has expired");
    const eventUrl = `${t.url}/organizations/lighttrace/issues/${cartInSpan.shortId}/events/${spanEventId}/`;
    expect(await ok("get_sentry_resource", { url: eventUrl })).toContain(spanEventId);
    expect(await ok("get_sentry_resource", { resourceType: "trace", organizationSlug: "lighttrace", resourceId: traceId })).toContain("db.query");
  });

  it("get_event_stacktrace, get_issue_breadcrumbs and get_issue_tag_values read the latest event", async () => {
    // a Node error has an exception, not threads: the tool says so, as it does against Sentry
    expect(await ok("get_event_stacktrace", { ...org, issueId: cartInSpan.shortId })).toContain("No thread stacktraces were found for this event");
    expect(await ok("get_issue_breadcrumbs", { ...org, issueId: cartInSpan.shortId })).toContain("loading cart c2");
    const tags = JSON.parse(await ok("get_issue_tag_values", { ...org, issueId: cart.shortId, tagKey: "user" }));
    expect(tags.tag.topValues.map((v: any) => v.value).sort()).toEqual(["id:u-7", "id:u-8", "id:u-9"]);
  });

  it("search_issue_events filters an issue's events with Sentry's event search", async () => {
    const one = await ok("search_issue_events", { ...org, issueId: cart.shortId, query: "user.id:u-8" });
    expect(one).toContain("Found 1 error");
    expect(one).toContain("user=id:u-8");
    const all = await ok("search_issue_events", { ...org, issueId: cart.shortId, query: "environment:production" });
    expect(all).toContain("Found 3 errors");
  });

  it("search_events: error events, their fields and aggregates", async () => {
    const rows = await ok("search_events", { ...org, dataset: "errors", query: "level:warning" });
    expect(rows).toContain("Found 1 error");
    expect(rows).toContain("RangeError");
    expect(rows).toContain("grace@example.com");
    const byType = await ok("search_events", { ...org, dataset: "errors", fields: ["error.type", "count()", "count_unique(user.id)"], sort: "-count()" });
    const json = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(byType)![1]!);
    expect(json[0]).toEqual({ "error.type": ["TypeError"], "count()": 4, "count_unique(user.id)": 3 });
    const perIssue = await ok("search_events", { ...org, dataset: "errors", fields: ["issue", "title", "count()", "last_seen()"], sort: "-count()" });
    const top = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(perIssue)![1]!)[0];
    expect(top).toMatchObject({ issue: cart.shortId, title: cart.title, "count()": 3 });
    const refused = await mcp.call("search_events", { ...org, dataset: "errors", fields: ["avg(span.duration)"], sort: "-avg(span.duration)" });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('unsupported function "avg(span.duration)"');
  });

  it("get_trace_details and get_span_details read the trace", async () => {
    const trace = await ok("get_trace_details", { ...org, traceId });
    expect(trace).toContain("**Total Spans**: 2");
    expect(trace).toContain("http.server");
    expect(trace).toContain("db.query");
    const nodes = (await t.api(`/api/0/organizations/lighttrace/trace/${traceId}/`)).body;
    const db = nodes.find((n: any) => n.op === "http.server").children.find((n: any) => n.op === "db.query");
    expect(await ok("get_span_details", { ...org, traceId, spanId: db.span_id })).toContain("SELECT * FROM carts");
  });

  it("get_release_details shows deploys and commits", async () => {
    const put = await t.api("/api/0/organizations/lighttrace/releases/shop@1.2.0/", {
      method: "PUT", body: JSON.stringify({ commits: [{ id: "a".repeat(40), message: "fix cart lookup", author_name: "Ada", author_email: "ada@example.com" }] }),
    });
    expect(put.status).toBe(200);
    const deploy = await t.api("/api/0/organizations/lighttrace/releases/shop@1.2.0/deploys/", { method: "POST", body: JSON.stringify({ environment: "production" }) });
    expect(deploy.status).toBe(201);
    const text = await ok("get_release_details", { ...org, releaseVersion: "shop@1.2.0" });
    expect(text).toContain("fix cart lookup");
    expect(text).toContain("production");
  });

  it("find_alert_rules and get_alert_rule read the project's rules", async () => {
    const found = JSON.parse(await ok("find_alert_rules", { ...org, projectSlug: "my-project" }));
    expect(found.issueRules).toHaveLength(1);
    expect(found.metricRules).toEqual([]);
    const rule = found.issueRules[0];
    const detail = await ok("get_alert_rule", { ...org, kind: "issue", projectSlug: "my-project", ruleIdOrName: rule.id });
    expect(detail).toContain(rule.name);
  });

  it("update_issue assigns an issue to a team with a reason posted as a note, shown by get_issue_details", async () => {
    expect((await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ slug: "payments" }) })).status).toBe(201);
    expect(await ok("update_issue", { ...org, issueId: slow.shortId, assignedTo: "team:payments", reason: "payments owns the checkout flow" })).toContain("payments");
    // the reason is posted as a note (Sentry's /notes/) and shows in the activity
    const notes = (await t.api(`/api/0/issues/${slow.id}/comments/`)).body;
    expect(notes.map((n: { data: { text: string } }) => n.data.text)).toContain("payments owns the checkout flow");
    expect((await t.api(`/api/0/issues/${slow.id}/`)).body.assignedTo).toMatchObject({ type: "team", name: "payments" });
    expect(await ok("get_issue_details", { ...org, issueId: slow.shortId })).toContain("payments");
    expect((await t.api(`/api/0/issues/${slow.id}/`, { method: "PUT", body: JSON.stringify({ assignedTo: null }) })).body.assignedTo).toBeNull();
  });

  it("update_issue resolves and ignores by short id", async () => {
    await ok("update_issue", { ...org, issueId: slow.shortId, status: "resolved" });
    expect((await t.api(`/api/0/issues/${slow.id}/`)).body.status).toBe("resolved");
    await ok("update_issue", { ...org, issueId: slow.shortId, status: "ignored" });
    expect((await t.api(`/api/0/issues/${slow.id}/`)).body.status).toBe("ignored");
    await ok("update_issue", { ...org, issueId: slow.shortId, status: "unresolved" });
    expect((await t.api(`/api/0/issues/${slow.id}/`)).body.status).toBe("unresolved");
  });

  it("create_project, update_project, create_dsn and update_dsn manage projects and their keys", async () => {
    const text = await ok("create_project", { ...org, teamSlug: "default", name: "Checkout Web" });
    expect(text).toContain("checkout-web");
    const keys = (await t.api("/api/0/projects/lighttrace/checkout-web/keys/")).body;
    expect(text).toContain(keys[0].dsn.public);
    await ok("update_project", { ...org, projectSlug: "checkout-web", name: "Checkout Storefront", slug: "storefront", platform: "javascript" });
    expect((await t.api("/api/0/projects/lighttrace/storefront/")).body).toMatchObject({ name: "Checkout Storefront", slug: "storefront", platform: "javascript" });
    expect((await t.api("/api/0/projects/lighttrace/checkout-web/")).status).toBe(404);
    const created = await ok("create_dsn", { ...org, projectSlug: "storefront", name: "CI" });
    const ci = (await t.api("/api/0/projects/lighttrace/storefront/keys/")).body.find((k: any) => k.name === "CI");
    expect(created).toContain(ci.dsn.public);
    await ok("update_dsn", { ...org, projectSlug: "storefront", keyId: ci.id, name: "CI (off)", isActive: false });
    expect((await t.api("/api/0/projects/lighttrace/storefront/keys/")).body.find((k: any) => k.id === ci.id)).toMatchObject({ name: "CI (off)", isActive: false });
    // a disabled key no longer ingests
    const res = await fetch(`${t.url}/api/${ci.projectId}/store/?sentry_key=${ci.public}`, { method: "POST", body: JSON.stringify({ message: "x" }) });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("unknown or disabled DSN key");
  });

  it("team tools: the default team is every project's and cannot be removed; created teams are routing teams", async () => {
    expect(await ok("add_team_to_project", { ...org, projectSlug: "my-project", teamSlug: "default" })).toContain("default");
    const created = await mcp.call("create_team", { ...org, name: "ops" });
    expect(created.isError, created.text).toBeFalsy();
    expect((await t.api("/api/0/teams/lighttrace/ops/")).body).toMatchObject({ slug: "ops", memberEmails: [] });
    // the Sentry MCP server reads the project's teams first and keeps the last one itself
    const removed = await mcp.call("remove_team_from_project", { ...org, projectSlug: "my-project", teamSlug: "default" });
    expect(removed.isError).toBe(true);
    expect(removed.text).toContain("Cannot remove the last team assigned to a project");
    expect((await t.api("/api/0/projects/lighttrace/my-project/teams/default/", { method: "DELETE" })).body.detail).toContain("cannot be removed");
  });
});
