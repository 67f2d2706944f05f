import { describe, expect, it } from "vitest";
import { createHostAllowList, hostnameOf, isLoopbackHost, isSameOriginRequest } from "../../src/http/security.ts";
import { autoSignInRefusal } from "../../src/api/auto-sign-in.ts";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../../src/api/passwords.ts";

describe("Host allow-list (DNS rebinding)", () => {
  const allowed = createHostAllowList("127.0.0.1", () => "https://errors.example.com");
  it.each([
    ["127.0.0.1:8000", true],
    ["localhost:8000", true],
    ["app.localhost", true],
    ["[::1]:8000", true],
    ["192.168.1.20:8000", true],
    ["errors.example.com", true],
    ["ERRORS.example.com.", true],
    ["evil.example:8000", false],
    ["errors.example.com.evil.example", false],
    ["evil.example/x", false],
    ["evil@127.0.0.1", false],
    ["", false],
    [undefined, false],
  ])("%s → %s", (host, ok) => {
    expect(allowed(host)).toBe(ok);
  });
  it("normalises Host values", () => {
    expect(hostnameOf("[::1]:8000")).toBe("::1");
    expect(hostnameOf("Example.COM:80")).toBe("example.com");
  });
});

describe("isSameOriginRequest (CSRF)", () => {
  const pub = "http://127.0.0.1:8000";
  it("accepts this server's origin and refuses others, ports included", () => {
    expect(isSameOriginRequest({ origin: "http://127.0.0.1:8000", host: "127.0.0.1:8000" }, pub)).toBe(true);
    expect(isSameOriginRequest({ origin: "http://localhost:8000", host: "localhost:8000" }, pub)).toBe(true);
    expect(isSameOriginRequest({ origin: "http://localhost:3000", host: "localhost:8000" }, pub)).toBe(false);
    expect(isSameOriginRequest({ origin: "http://evil.example", host: "127.0.0.1:8000" }, pub)).toBe(false);
    expect(isSameOriginRequest({ origin: "null", host: "127.0.0.1:8000" }, pub)).toBe(false);
    expect(isSameOriginRequest({ host: "127.0.0.1:8000" }, pub)).toBe(false);
  });
  it("falls back to the Referer, and to the public URL behind a Host-rewriting proxy", () => {
    expect(isSameOriginRequest({ referer: "http://127.0.0.1:8000/issues/1/", host: "127.0.0.1:8000" }, pub)).toBe(true);
    expect(isSameOriginRequest({ origin: "https://errors.example.com", host: "127.0.0.1:8000" }, "https://errors.example.com")).toBe(true);
  });
  it("compares the scheme too: plain HTTP to the Host, https only where the public URL says so", () => {
    expect(isSameOriginRequest({ origin: "https://127.0.0.1:8000", host: "127.0.0.1:8000" }, pub)).toBe(false);
    expect(isSameOriginRequest({ origin: "https://localhost:8000", host: "localhost:8000" }, pub)).toBe(false);
    expect(isSameOriginRequest({ referer: "https://localhost:8000/issues/", host: "localhost:8000" }, pub)).toBe(false);
    const tls = "https://errors.example.com";
    expect(isSameOriginRequest({ origin: "https://errors.example.com", host: "errors.example.com" }, tls)).toBe(true);
    expect(isSameOriginRequest({ origin: "http://errors.example.com", host: "errors.example.com" }, tls)).toBe(false);
    expect(isSameOriginRequest({ origin: "http://errors.example.com", host: "127.0.0.1:8000" }, tls)).toBe(false);
    expect(isSameOriginRequest({ origin: "http://localhost", host: "LOCALHOST:80" }, pub)).toBe(true);
  });
});

describe("loopback auto sign-in", () => {
  it("needs a loopback listener, a loopback Host and no proxy headers", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("127.0.0.2")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    expect(isLoopbackHost("10.0.0.5")).toBe(false);
    const local = { host: "127.0.0.1", publicUrl: "", openLocal: "auto" } as const;
    const may = (config: Parameters<typeof autoSignInRefusal>[0], headers: Record<string, string>, localPort = 8000) =>
      autoSignInRefusal(config, { headers: new Headers(headers), localPort }) === undefined;
    expect(may(local, { host: "localhost:8000" })).toBe(true);
    expect(may(local, { host: "127.0.0.1:8000" })).toBe(true);
    expect(may(local, { host: "127.0.0.1:8000" }, 8001)).toBe(false);
    expect(may({ ...local, host: "0.0.0.0" }, { host: "localhost:8000" })).toBe(false);
    expect(may(local, { host: "errors.example.com" })).toBe(false);
    expect(may(local, { host: "127.0.0.1:8000", "x-forwarded-for": "203.0.113.1" })).toBe(false);
    expect(may(local, { host: "127.0.0.1:8000", via: "1.1 nginx" })).toBe(false);
    expect(may({ ...local, publicUrl: "https://errors.example.com" }, { host: "127.0.0.1:8000" })).toBe(false);
    expect(may({ ...local, publicUrl: "http://localhost:8000" }, { host: "127.0.0.1:8000" })).toBe(true);
    expect(may({ ...local, publicUrl: "https://errors.example.com", openLocal: "on" }, { host: "127.0.0.1:8000" })).toBe(true);
    expect(may({ ...local, openLocal: "off" }, { host: "127.0.0.1:8000" })).toBe(false);
    expect(may({ ...local, host: "::1" }, { host: "[::1]:8000" })).toBe(true);
    expect(may({ ...local, host: "::1" }, { host: "127.0.0.1:8000" })).toBe(false);
  });
});

describe("scrypt passwords", () => {
  it("verifies the right password only", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(await verifyPassword("anything", DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("anything", "md5$abc")).toBe(false);
  });
});
