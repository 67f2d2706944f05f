import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { appendForwardedFor, startReverseProxy, type ReverseProxy } from "../_helpers/proxy.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";

/**
 * Behind `trustProxy` reverse proxies, the client IP is the rightmost X-Forwarded-For hop no trusted
 * proxy added: what the client itself put in the header is ignored, on ingest and on the API alike.
 * Hops are told apart by loopback addresses: the client connects from 127.0.0.5, the proxy
 * (which appends what it saw, like nginx's $proxy_add_x_forwarded_for) from 127.0.0.9.
 */
describe("client IP behind one trusted proxy", () => {
  let t: TestServer;
  let proxy: ReverseProxy;

  beforeAll(async () => {
    t = await startTestServer({ trustProxy: 1, host: "0.0.0.0" });
    proxy = await startReverseProxy(t.server.port, { addHeaders: appendForwardedFor, localAddress: "127.0.0.9" });
  });
  afterAll(async () => {
    await proxy?.close();
    await t.close();
  });

  it("fills {{auto}} with the address the proxy saw, not one the client wrote", async () => {
    const event = errorEvent({ user: { id: "u1", ip_address: "{{auto}}" } });
    const res = await _post(proxy.port, `/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, eventEnvelope(event), { "X-Forwarded-For": "6.6.6.6" });
    expect(res).toBe(200);
    const stored = await eventually(async () => {
      const r = await t.api(`/api/0/projects/lighttrace/my-project/events/${event.event_id}/`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(stored.user.ip_address).toBe("127.0.0.5");
  });

  it("counts sign-in attempts against the address the proxy saw, whatever the client writes", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) {
      statuses.push(await _post(proxy.port, "/api/0/auth/login/", JSON.stringify({ email: `user-${i}@example.com`, password: "guess" }), {
        "Content-Type": "application/json", Origin: `http://127.0.0.1:${t.server.port}`, "X-Forwarded-For": `198.51.100.${i}`,
      }));
    }
    expect(statuses.slice(0, 50).every((s) => s === 401)).toBe(true);
    expect(statuses[50]).toBe(429);
  }, 120_000); // 50 scrypt checks
});

// --- Internal ---

/** POSTs from 127.0.0.5, the "client" address. */
function _post(port: number, path: string, body: Buffer | string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path, headers, localAddress: "127.0.0.5" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}
