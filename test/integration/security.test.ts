import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";
import { SCOPES_BY_LEVEL, scopeLevel, type ScopeLevel } from "../../src/api/scopes.ts";

describe("security: token scopes and secure headers", () => {
  let t: TestServer;
  const tokens: Partial<Record<ScopeLevel, string>> = {};
  const call = async (level: ScopeLevel, method: string, path: string, body?: unknown) => {
    const res = await fetch(t.url + path, {
      method, headers: { Authorization: `Bearer ${tokens[level]}`, "Content-Type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  beforeAll(async () => {
    t = await startTestServer();
    // the webhook test's target does not resolve: its delivery fails on purpose (and is retried)
    t.tolerateLog(/alert delivery failed.*ENOTFOUND hooks\.chat\.example/);
    for (const level of ["read", "write", "admin"] as const) {
      const token = mintApiToken(t.url, "lighttrace", Math.floor(Date.now() / 1000));
      await t.server.store.createApiToken({ name: level, tokenHash: hashApiToken(token), tokenHint: tokenHint(token), scopes: [...SCOPES_BY_LEVEL[level]] });
      tokens[level] = token;
    }
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(errorEvent())) });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it("derives a level from Sentry scope names", () => {
    expect(scopeLevel(["org:read", "event:read"])).toBe("read");
    expect(scopeLevel(["org:ci"])).toBe("write");
    expect(scopeLevel([...SCOPES_BY_LEVEL.write])).toBe("write");
    expect(scopeLevel(["org:read", "event:admin"])).toBe("admin");
  });

  it("lets a read token read and nothing else", async () => {
    const issues = await call("read", "GET", "/api/0/projects/lighttrace/my-project/issues/");
    expect(issues.status).toBe(200);
    const issueId = issues.body[0].id;
    const change = await call("read", "PUT", `/api/0/issues/${issueId}/`, { status: "resolved" });
    expect(change.status).toBe(403);
    expect(change.body.detail).toContain('scope is "read"');
    expect(change.body.detail).toContain('needs "write"');
    expect((await call("read", "GET", "/api/0/")).body.auth.scopes).toEqual([...SCOPES_BY_LEVEL.read]);
  });

  it("lets a write token change issues but not installation settings; admin may", async () => {
    const issueId = (await call("write", "GET", "/api/0/projects/lighttrace/my-project/issues/")).body[0].id;
    expect((await call("write", "PUT", `/api/0/issues/${issueId}/`, { status: "resolved" })).status).toBe(200);
    const limits = await call("write", "PUT", "/api/0/projects/lighttrace/my-project/limits/", { monthlyQuota: 10 });
    expect(limits.status).toBe(403);
    expect(limits.body.detail).toContain('needs "admin"');
    expect((await call("write", "GET", "/api/0/projects/lighttrace/my-project/limits/")).status).toBe(200);
    expect((await call("admin", "PUT", "/api/0/projects/lighttrace/my-project/limits/", { monthlyQuota: 10 })).status).toBe(200);
  });

  it("shows webhook URLs (often secrets) only to admin tokens", async () => {
    const secret = "https://hooks.chat.example/services/T000/B000/s3cr3t-t0k3n";
    const created = await call("admin", "POST", "/api/0/projects/lighttrace/my-project/rules/", {
      name: "to chat", triggers: { newIssue: true }, actions: [{ type: "webhook", url: secret, format: "slack" }],
    });
    expect(created.status).toBe(201);
    const paths = ["/api/0/projects/lighttrace/my-project/rules/", `/api/0/projects/lighttrace/my-project/rules/${created.body.id}/`, "/api/0/organizations/lighttrace/workflows/"];
    for (const level of ["read", "write"] as const) {
      for (const path of paths) {
        const res = await call(level, "GET", path);
        expect(res.status, path).toBe(200);
        const text = JSON.stringify(res.body);
        expect(text, `${level} ${path}`).not.toContain("s3cr3t");
        expect(text, `${level} ${path}`).toContain("https://hooks.chat.example/[redacted]");
      }
    }
    for (const path of paths) expect(JSON.stringify((await call("admin", "GET", path)).body), path).toContain(secret);
    // a new issue makes the rule fire: the delivery (and its error, once the send fails) shows the URL only to admins
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, {
      method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ exception: { values: [{ type: "RangeError", value: "webhook redaction" }] } }))),
    });
    expect(res.status).toBe(200);
    const deliveries = "/api/0/projects/lighttrace/my-project/alert-deliveries/";
    await eventually(async () => (await call("admin", "GET", deliveries)).body.find((d: any) => d.action.type === "webhook" && d.lastError));
    for (const level of ["read", "write"] as const) {
      const text = JSON.stringify((await call(level, "GET", deliveries)).body);
      expect(text).toContain("https://hooks.chat.example/[redacted]");
      expect(text).not.toContain("s3cr3t");
    }
    expect(JSON.stringify((await call("admin", "GET", deliveries)).body)).toContain(secret);
  });

  it("refuses webhook targets that embed a private IPv4 address in IPv6", async () => {
    for (const host of ["[::127.0.0.1]", "[::a9fe:a9fe]", "[64:ff9b::127.0.0.1]", "[64:ff9b::a00:1]", "[::ffff:0:127.0.0.1]", "[2002:7f00:1::]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]"]) {
      const res = await call("admin", "POST", "/api/0/projects/lighttrace/my-project/rules/", {
        name: "embedded", triggers: { newIssue: true }, actions: [{ type: "webhook", url: `http://${host}:8080/hook`, format: "json" }],
      });
      expect(res.status, host).toBe(400);
      expect(res.body.detail, host).toMatch(/private or loopback/);
    }
  });

  it("rejects unknown tokens and stores tokens only as hashes", async () => {
    const bad = await fetch(`${t.url}/api/0/projects/`, { headers: { Authorization: `Bearer ${tokens.admin}x` } });
    expect(bad.status).toBe(401);
    const listed = await t.server.store.listApiTokens();
    expect(JSON.stringify(listed)).not.toContain(tokens.admin!);
    expect(await t.server.store.findApiTokenByHash(hashApiToken(tokens.admin!))).toMatchObject({ name: "admin" });
  });

  it("serves the UI with CSP (frame-ancestors 'none'), X-Frame-Options and nosniff", async () => {
    const res = await fetch(`${t.url}/issues/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
