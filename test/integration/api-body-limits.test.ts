import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { openUpload } from "../_helpers/raw-http.ts";

const LIMIT = 1024 * 1024;
const TOO_LARGE = { detail: `request body too large: the limit is ${LIMIT} bytes` };

/**
 * Web-API JSON bodies are capped while they stream in: a large body is refused with 413 as soon as
 * it passes the cap (or at once when Content-Length says so), before sign-in as after, and never
 * buffered whole.
 */
describe("web API: JSON bodies are capped while streaming", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ host: "0.0.0.0" }); // not loopback: the login form is the way in
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses a chunked login body at the cap, while it is still arriving", async () => {
    const { req, response } = openUpload(t.server.port, "POST", "/api/0/auth/login/", { "Content-Type": "application/json", Origin: t.url });
    req.write(`{"email":"a@example.com","password":"`);
    for (let i = 0; i < 3; i++) req.write("x".repeat(512 * 1024));
    const res = await response;
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual(TOO_LARGE);
    req.destroy();
  });

  it("refuses a login body whose Content-Length is over the cap before reading it", async () => {
    const { req, response } = openUpload(t.server.port, "POST", "/api/0/auth/login/", {
      "Content-Type": "application/json", "Content-Length": String(300 * 1024 * 1024), Origin: t.url,
    });
    req.write(`{"email":"a@example.com",`);
    const res = await response;
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual(TOO_LARGE);
    req.destroy();
  });

  it("caps every token-authenticated JSON body the same way", async () => {
    const { req, response } = openUpload(t.server.port, "PUT", "/api/0/projects/lighttrace/my-project/limits/", {
      "Content-Type": "application/json", Authorization: `Bearer ${t.token}`,
    });
    req.write(`{"monthlyQuota":10,"pad":"`);
    for (let i = 0; i < 3; i++) req.write("x".repeat(512 * 1024));
    const res = await response;
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual(TOO_LARGE);
    req.destroy();
    // a body under the cap is read and validated as before
    const ok = await t.api("/api/0/projects/lighttrace/my-project/limits/", { method: "PUT", body: JSON.stringify({ monthlyQuota: 10 }) });
    expect(ok.status).toBe(200);
  });
});
