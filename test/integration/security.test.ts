import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
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
    for (const level of ["read", "write", "admin"] as const) {
      const token = mintApiToken(t.url, "lighttrace", Math.floor(Date.now() / 1000));
      await t.server.store.createApiToken({ name: level, tokenHash: hashApiToken(token), tokenHint: tokenHint(token), scopes: [...SCOPES_BY_LEVEL[level]] });
      tokens[level] = token;
    }
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(errorEvent())) });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    expect(t.errors).toEqual([]);
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
