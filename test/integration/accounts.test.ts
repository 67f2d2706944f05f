import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";
import { hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";
import { hashPassword } from "../../src/api/passwords.ts";
import { SCOPES_BY_LEVEL, type ScopeLevel } from "../../src/api/scopes.ts";
import { LOGIN_LIFETIME_SEC } from "../../src/api/login-cookie.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("reads the logins table from the SQLite file");

const PASSWORD = "correct horse battery";

/**
 * Revoking a token, deleting a user and ending a user's logins through the web API (admin only), and
 * login rows: stored only by a sign-in, expired ones pruned. Through the real server over HTTP.
 */
describe("admin API: tokens, users and their logins", () => {
  let t: TestServer;
  let nowMs = Date.now();
  const clock = { now: () => nowMs };
  const tokens: Partial<Record<ScopeLevel, { id: number; value: string }>> = {};

  const as = (level: ScopeLevel | string, method: string, path: string, body?: unknown) =>
    fetch(t.url + path, {
      method,
      headers: { Authorization: `Bearer ${level in tokens ? tokens[level as ScopeLevel]!.value : level}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const newToken = async (name: string, level: ScopeLevel) => {
    const value = mintApiToken(t.url, "lighttrace", Math.floor(nowMs / 1000));
    const saved = await t.server.store.createApiToken({ name, tokenHash: hashApiToken(value), tokenHint: tokenHint(value), scopes: [...SCOPES_BY_LEVEL[level]] });
    return { id: saved.id, value };
  };
  const signIn = async (email: string, password = PASSWORD) => {
    const res = await fetch(`${t.url}/api/0/auth/login/`, {
      method: "POST", headers: { "Content-Type": "application/json", Origin: t.url }, body: JSON.stringify({ email, password }),
    });
    return { status: res.status, cookie: res.headers.get("set-cookie")?.split(";")[0] };
  };
  const withCookie = (cookie: string, method = "GET", path = "/api/0/organizations/") =>
    fetch(t.url + path, { method, headers: { Cookie: cookie, Origin: t.url } });
  const loginRows = () => {
    const db = new Database(join(t.dataDir, "lighttrace.db"), { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM logins").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    t = await startTestServer({}, clock);
    for (const level of ["read", "write", "admin"] as const) tokens[level] = await newToken(level, level);
    for (const email of ["ann@example.com", "bob@example.com"]) await t.server.store.createUser({ email, passwordHash: await hashPassword(PASSWORD) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("stores no login for cookie-less or forged-cookie requests, only for a sign-in", async () => {
    // (other tests sign in too: count from what is there)
    const before = loginRows();
    const cookieName = `lighttrace_session_${t.server.port}`;
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${t.url}/api/0/auth/login/`)).headers.get("set-cookie")).toBe(null);
      expect((await fetch(`${t.url}/api/0/auth/login/`, { headers: { Cookie: `${cookieName}=forged-${i}` } })).status).toBe(200);
      expect((await fetch(`${t.url}/api/0/organizations/`, { headers: { Cookie: `${cookieName}=forged-${i}` } })).status).toBe(401);
      expect((await fetch(`${t.url}/api/0/auth/`)).status).toBe(401);
    }
    expect(loginRows()).toBe(before);
    const local = await fetch(`${t.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: t.url } });
    expect(local.status).toBe(200);
    expect(loginRows()).toBe(before + 1);
  });

  it("prunes expired logins when someone signs in", async () => {
    // users of its own: another test deletes ann
    for (const email of ["carol@example.com", "dan@example.com"]) await t.server.store.createUser({ email, passwordHash: await hashPassword(PASSWORD) });
    const before = loginRows();
    expect((await signIn("carol@example.com")).status).toBe(200);
    expect(loginRows()).toBe(before + 1);
    nowMs += (LOGIN_LIFETIME_SEC + 60) * 1000;
    const fresh = await signIn("dan@example.com");
    expect(fresh.status).toBe(200);
    // every earlier login had expired: only the new one is left
    expect(loginRows()).toBe(1);
    expect((await withCookie(fresh.cookie!)).status).toBe(200);
  });

  it("lists and revokes API tokens for admins only, in Sentry's shapes", async () => {
    const listed = await as("admin", "GET", "/api/0/api-tokens/");
    expect(listed.status).toBe(200);
    const body = await listed.json();
    // (other tests add and use tokens of their own)
    expect(body.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(["test", "read", "write", "admin"]));
    const unused = await newToken("never-used", "read");
    const listedAgain = await (await as("admin", "GET", "/api/0/api-tokens/")).json();
    expect(listedAgain.find((x: { id: string }) => x.id === String(unused.id))).toEqual({
      id: String(unused.id), name: "never-used", scopes: [...SCOPES_BY_LEVEL.read], dateCreated: expect.any(String), expiresAt: null,
      tokenLastCharacters: unused.value.slice(-6), application: null, scopeLevel: "read", dateLastUsed: null,
    });
    expect(JSON.stringify(body)).not.toContain(tokens.admin!.value);
    for (const level of ["read", "write"] as const) {
      expect((await as(level, "GET", "/api/0/api-tokens/")).status).toBe(403);
      expect((await as(level, "DELETE", `/api/0/api-tokens/${tokens.admin!.id}/`)).status).toBe(403);
      expect((await as(level, "GET", "/api/0/organizations/lighttrace/org-auth-tokens/")).status).toBe(403);
    }
    const denied = await as("write", "DELETE", `/api/0/api-tokens/${tokens.admin!.id}/`);
    expect((await denied.json()).detail).toContain('needs "admin"');

    const leaked = await newToken("leaked", "write");
    expect((await as(leaked.value, "GET", "/api/0/organizations/")).status).toBe(200);
    expect((await as("admin", "DELETE", `/api/0/api-tokens/${leaked.id}/`)).status).toBe(204);
    const refused = await as(leaked.value, "GET", "/api/0/organizations/");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ detail: "Invalid token" });
    const again = await as("admin", "DELETE", `/api/0/api-tokens/${leaked.id}/`);
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ detail: "Invalid token ID" });

    // Sentry's collection form: DELETE /api-tokens/ {"tokenId"}
    const second = await newToken("second", "read");
    expect((await as("admin", "DELETE", "/api/0/api-tokens/", { tokenId: second.id })).status).toBe(204);
    expect((await as(second.value, "GET", "/api/0/organizations/")).status).toBe(401);
    const noId = await as("admin", "DELETE", "/api/0/api-tokens/", {});
    expect(noId.status).toBe(400);
    expect((await noId.json()).detail).toMatch(/^invalid field "tokenId"/);

    // the organization token spelling names the same tokens
    const third = await newToken("third", "admin");
    const orgTokens = await (await as("admin", "GET", "/api/0/organizations/lighttrace/org-auth-tokens/")).json();
    expect(orgTokens.find((x: { name: string }) => x.name === "third")).toEqual({
      id: String(third.id), name: "third", scopes: [...SCOPES_BY_LEVEL.admin], tokenLastCharacters: third.value.slice(-6), dateCreated: expect.any(String),
      dateLastUsed: null, projectLastUsedId: null,
    });
    expect((await as("admin", "DELETE", `/api/0/organizations/lighttrace/org-auth-tokens/${third.id}/`)).status).toBe(204);
    expect((await as(third.value, "GET", "/api/0/organizations/")).status).toBe(401);
    expect((await as("admin", "DELETE", `/api/0/organizations/other-org/org-auth-tokens/${tokens.read!.id}/`)).status).toBe(404);
    expect((await as("read", "GET", "/api/0/organizations/")).status).toBe(200);
  });

  it("signs a user out everywhere, keeping the account", async () => {
    const ann = (await t.server.store.findUserByEmail("ann@example.com"))!.user;
    const first = (await signIn("ann@example.com")).cookie!;
    const second = (await signIn("ann@example.com")).cookie!;
    const bob = (await signIn("bob@example.com")).cookie!;
    expect((await as("write", "DELETE", `/api/0/users/${ann.id}/logins/`)).status).toBe(403);
    const ended = await as("admin", "DELETE", `/api/0/users/${ann.id}/logins/`);
    expect(ended.status).toBe(200);
    expect(await ended.json()).toEqual({ endedLogins: 2 });
    for (const cookie of [first, second]) {
      const res = await withCookie(cookie);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: "Your sign-in has expired; sign in again." });
    }
    expect((await withCookie(bob)).status).toBe(200);
    // the password still works
    expect((await signIn("ann@example.com")).status).toBe(200);
  });

  it("deletes a user (admin token or a signed-in user from this origin), never the local admin", async () => {
    await t.server.store.ensureLocalAdmin(); // as a local sign-in makes it (another test does one)
    const users = await (await as("admin", "GET", "/api/0/users/")).json();
    // (other tests add users of their own)
    expect(users.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining(["ann@example.com", "bob@example.com", "local-admin@localhost"]));
    const ann = users.find((u: { email: string }) => u.email === "ann@example.com");
    expect(ann).toEqual({
      id: ann.id, name: "ann@example.com", username: "ann@example.com", email: "ann@example.com", isActive: true, hasPasswordAuth: true,
      dateJoined: expect.any(String), lastLogin: expect.any(String), isLocalAdmin: false,
    });
    expect(await (await as("admin", "GET", `/api/0/users/${ann.id}/`)).json()).toEqual(ann);
    expect((await as("read", "GET", "/api/0/users/")).status).toBe(403);

    const annCookie = (await signIn("ann@example.com")).cookie!;
    const bobCookie = (await signIn("bob@example.com")).cookie!;
    // bob, signed in, deletes ann; a cross-origin request with his cookie may not
    const crossOrigin = await fetch(`${t.url}/api/0/users/${ann.id}/`, { method: "DELETE", headers: { Cookie: bobCookie, Origin: "http://evil.example" } });
    expect(crossOrigin.status).toBe(403);
    expect((await withCookie(annCookie)).status).toBe(200);
    expect((await withCookie(bobCookie, "DELETE", `/api/0/users/${ann.id}/`)).status).toBe(204);
    expect((await withCookie(annCookie)).status).toBe(401);
    expect((await signIn("ann@example.com")).status).toBe(401);
    expect((await as("admin", "GET", `/api/0/users/${ann.id}/`)).status).toBe(404);
    expect((await as("admin", "DELETE", `/api/0/users/${ann.id}/`)).status).toBe(404);
    expect((await as("admin", "DELETE", "/api/0/users/not-a-number/")).status).toBe(404);

    const localAdmin = users.find((u: { isLocalAdmin: boolean }) => u.isLocalAdmin);
    const refused = await as("admin", "DELETE", `/api/0/users/${localAdmin.id}/`);
    expect(refused.status).toBe(400);
    expect((await refused.json()).detail).toMatch(/^the local admin is the passwordless user of automatic sign-in/);
    expect((await as("admin", "DELETE", `/api/0/users/${localAdmin.id}/logins/`)).status).toBe(200);
  });

  it("never lets a new user or token take over a deleted one's notes (ids are not reused)", async () => {
    const sent = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message: "notes survive their authors", level: "error" }),
    });
    expect(sent.status).toBe(200);
    const issueId = await eventually(async () => (await t.api("/api/0/projects/lighttrace/my-project/issues/")).body[0]?.id);
    const notes = `/api/0/issues/${issueId}/comments/`;

    // a token writes a note and is revoked; the next token created gets a new id and cannot edit it
    const writer = await newToken("writer", "write");
    const byToken = await as(writer.value, "POST", notes, { text: "from a script" });
    expect(byToken.status).toBe(201);
    const tokenNoteId = (await byToken.json()).id;
    expect((await as("admin", "DELETE", `/api/0/api-tokens/${writer.id}/`)).status).toBe(204);
    const successor = await newToken("successor", "write");
    expect(successor.id).toBeGreaterThan(writer.id);
    const tokenEdit = await as(successor.value, "PUT", `${notes}${tokenNoteId}/`, { text: "taken over" });
    expect(tokenEdit.status).toBe(403);

    // a user writes a note and is deleted; the next user gets a new id and cannot edit it
    const dave = await t.server.store.createUser({ email: "dave@example.com", passwordHash: await hashPassword(PASSWORD) });
    const daveCookie = (await signIn("dave@example.com")).cookie!;
    const byDave = await fetch(t.url + notes, {
      method: "POST", headers: { Cookie: daveCookie, Origin: t.url, "Content-Type": "application/json" }, body: JSON.stringify({ text: "from dave" }),
    });
    expect(byDave.status).toBe(201);
    const daveNoteId = (await byDave.json()).id;
    expect((await as("admin", "DELETE", `/api/0/users/${dave.id}/`)).status).toBe(204);
    const erin = await t.server.store.createUser({ email: "erin@example.com", passwordHash: await hashPassword(PASSWORD) });
    expect(erin.id).toBeGreaterThan(dave.id);
    const erinCookie = (await signIn("erin@example.com")).cookie!;
    const userEdit = await fetch(`${t.url}${notes}${daveNoteId}/`, {
      method: "PUT", headers: { Cookie: erinCookie, Origin: t.url, "Content-Type": "application/json" }, body: JSON.stringify({ text: "taken over" }),
    });
    expect(userEdit.status).toBe(403);
    const listed = await (await as("admin", "GET", notes)).json();
    expect(listed.map((n: { data: { text: string }; user: unknown }) => [n.data.text, n.user])).toEqual(
      expect.arrayContaining([["from dave", null], ["from a script", null]]),
    );
  });
});
