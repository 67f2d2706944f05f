import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { startReverseProxy, type ReverseProxy } from "../_helpers/proxy.ts";
import { rawRequest } from "../_helpers/raw-http.ts";

const PUBLIC_URL = "https://errors.example.com";
const LOGIN_REQUIRED = { user: null, detail: "Sign in to continue.", loginRequired: true };

/**
 * Signing in as the local admin without a password is for a developer on their own machine. A
 * server with a public URL on another host is reached through something (a reverse proxy, a
 * tunnel) that the server cannot always see: there it is off unless `--open-local` says otherwise,
 * and even then any proxy header or a Host that is not the loopback address it listens on turns it off.
 */
describe("auto sign-in behind a reverse proxy that adds no headers (nginx's default proxy_pass)", () => {
  let t: TestServer;
  let proxy: ReverseProxy;

  beforeAll(async () => {
    t = await startTestServer({ publicUrl: PUBLIC_URL });
    proxy = await startReverseProxy(t.server.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await t.close();
  });

  it("gives an outside visitor no login and no way to change the project's limits", async () => {
    const who = await fetch(`${proxy.url}/api/0/auth/login/`);
    expect(who.status).toBe(200);
    expect(who.headers.get("set-cookie")).toBe(null);
    expect(await who.json()).toEqual({ ...LOGIN_REQUIRED, localSignIn: false });

    const local = await fetch(`${proxy.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: PUBLIC_URL } });
    expect(local.status).toBe(403);
    expect(local.headers.get("set-cookie")).toBe(null);
    expect((await local.json()).detail).toBe(
      "Automatic sign-in is off: this server has a public URL (LIGHTTRACE_PUBLIC_URL) on another host, so requests may come through a proxy; "
      + "start it with --open-local to allow it anyway. Sign in with a password.",
    );

    const change = await fetch(`${proxy.url}/api/0/projects/lighttrace/my-project/limits/`, {
      method: "PUT", headers: { Origin: PUBLIC_URL, "Content-Type": "application/json" }, body: JSON.stringify({ monthlyQuota: 1 }),
    });
    expect(change.status).toBe(401);
    expect((await t.api("/api/0/projects/lighttrace/my-project/limits/")).body.overrides.monthlyQuota).toBe(null);
  });

  it("is off for a browser on the machine itself too, since the public URL is set", async () => {
    const who = await fetch(`${t.localUrl}/api/0/auth/login/`);
    expect(who.status).toBe(200);
    expect(await who.json()).toEqual({ ...LOGIN_REQUIRED, localSignIn: false });
  });
});

describe("auto sign-in with --open-local and a public URL", () => {
  let t: TestServer;
  let direct: string;

  beforeAll(async () => {
    t = await startTestServer({ publicUrl: PUBLIC_URL, openLocal: "on" });
    direct = t.localUrl;
  });
  afterAll(async () => {
    await t.close();
  });

  it("signs in a browser that addresses the loopback name and port the server listens on", async () => {
    const who = await fetch(`${direct}/api/0/auth/login/`);
    expect(await who.json()).toEqual({ ...LOGIN_REQUIRED, localSignIn: true });
    const local = await fetch(`${direct}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: direct } });
    expect(local.status).toBe(200);
    expect(await local.json()).toEqual({ user: { id: "1", email: "local-admin@localhost", isLocalAdmin: true }, autoSignedIn: true });
    const cookie = local.headers.get("set-cookie")!.split(";")[0]!;
    const again = await fetch(`${direct}/api/0/auth/login/`, { headers: { Cookie: cookie } });
    expect(again.status).toBe(200);
    expect((await again.json()).user.email).toBe("local-admin@localhost");
  });

  it("refuses requests that carry any proxy header, or a Host that is not the listen address", async () => {
    const port = t.server.port;
    const refused = [
      { Via: "1.1 proxy.example" },
      { Forwarded: "for=203.0.113.9" },
      { "X-Forwarded-Proto": "https" },
      { "X-Forwarded-Host": "errors.example.com" },
      { "X-Real-IP": "203.0.113.9" },
    ];
    for (const extra of refused) {
      const res = await rawRequest(port, "POST", "/api/0/auth/login/local/", { Host: `127.0.0.1:${port}`, Origin: direct, ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(403);
      expect(JSON.parse(res.body).detail).toMatch(/^Automatic sign-in is off: the request came through a proxy \(/);
    }
    for (const host of ["errors.example.com", `127.0.0.1:${port + 1}`, `[::1]:${port}`, `127.0.0.2:${port}`]) {
      // same origin as the browser sees it (the public URL is https), so only the Host check is left to refuse
      const origin = host === "errors.example.com" ? PUBLIC_URL : `http://${host}`;
      const res = await rawRequest(port, "POST", "/api/0/auth/login/local/", { Host: host, Origin: origin });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body).detail, host).toMatch(/^Automatic sign-in is off: the request's Host is not the loopback address this server listens on/);
    }
    // localhost is a loopback name every browser resolves itself
    const viaLocalhost = await rawRequest(port, "POST", "/api/0/auth/login/local/", { Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    expect(viaLocalhost.status).toBe(200);
  });

  it("refuses a cross-origin sign-in and never signs in on GET", async () => {
    const evil = await fetch(`${direct}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: "http://evil.example" } });
    expect(evil.status).toBe(403);
    const before = await t.server.store.listUsers();
    for (let i = 0; i < 3; i++) expect((await fetch(`${direct}/api/0/auth/login/`)).headers.get("set-cookie")).toBe(null);
    expect(await t.server.store.listUsers()).toEqual(before);
  });
});

describe("auto sign-in turned off with --no-open-local", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ openLocal: "off" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("asks a loopback browser for a password", async () => {
    expect(await (await fetch(`${t.url}/api/0/auth/login/`)).json()).toEqual({ ...LOGIN_REQUIRED, localSignIn: false });
    const local = await fetch(`${t.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: t.url } });
    expect(local.status).toBe(403);
    expect((await local.json()).detail).toBe("Automatic sign-in is off: it was turned off (--no-open-local, LIGHTTRACE_OPEN_LOCAL=off). Sign in with a password.");
  });
});
