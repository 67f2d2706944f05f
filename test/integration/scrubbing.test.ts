import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { isCardNumber } from "../../src/events/scrub.ts";

const CARD = "4111 1111 1111 1111";

/** An event carrying secrets in every place an SDK puts user data. */
function secretEvent(): Record<string, unknown> {
  return errorEvent({
    request: {
      url: "https://shop.example/pay?order=7&api_key=abc123",
      method: "POST",
      headers: { Authorization: "Bearer s3cr3t", "X-Request-Id": "r-1", Cookie: "sid=xyz" },
      cookies: { sessionid: "xyz", theme: "dark" },
      query_string: "order=7&password=hunter2",
      data: { username: "ann", password: "hunter2", card: CARD, nested: { client_secret: "cs_1" } },
    },
    extra: { apiKey: "k-1", note: `paid with ${CARD}`, count: 3, plain: "ok" },
    contexts: { payment: { token: "tok_1", amount: 12 }, os: { name: "Linux" } },
    breadcrumbs: [{ category: "http", message: `charged ${CARD}`, data: { Authorization: "Basic eA==", status: 200 } }],
    exception: {
      values: [{
        type: "PaymentError", value: "declined",
        stacktrace: { frames: [{ function: "charge", filename: "pay.js", in_app: true, vars: { passwd: "p", credentials: { user: "u" }, amount: 12 } }] },
      }],
    },
  });
}

describe("data scrubbing at ingest", () => {
  let t: TestServer;
  let url: string;
  const storeAndRead = async (event: Record<string, unknown>) => {
    const res = await fetch(url, { method: "POST", body: new Uint8Array(eventEnvelope(event)) });
    expect(res.status).toBe(200);
    // the stored event as written to the database (what the UI and API are built from)
    const stored = await t.server.store.getEvent(t.projectId, event.event_id as string);
    return JSON.parse(JSON.stringify(stored!.event));
  };

  beforeAll(async () => {
    t = await startTestServer();
    url = `${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it("filters sensitive keys and card numbers by default", async () => {
    const ev = await storeAndRead(secretEvent());
    const text = JSON.stringify(ev);
    for (const secret of ["s3cr3t", "hunter2", "abc123", "k-1", "tok_1", "cs_1", "Basic eA==", "4111"]) expect(text).not.toContain(secret);
    const headers = Object.fromEntries(ev.request.headers);
    expect(headers).toMatchObject({ Authorization: "[Filtered]", Cookie: "[Filtered]", "X-Request-Id": "r-1" });
    expect(Object.fromEntries(ev.request.cookies)).toEqual({ sessionid: "[Filtered]", theme: "dark" });
    expect(Object.fromEntries(ev.request.query_string)).toEqual({ order: "7", password: "[Filtered]" });
    expect(ev.request.data).toEqual({ username: "ann", password: "[Filtered]", card: "[Filtered]", nested: { client_secret: "[Filtered]" } });
    expect(ev.request.url).toBe("https://shop.example/pay?order=7&api_key=%5BFiltered%5D");
    expect(ev.extra).toEqual({ apiKey: "[Filtered]", note: "paid with [Filtered]", count: 3, plain: "ok" });
    expect(ev.contexts.payment).toEqual({ token: "[Filtered]", amount: 12 });
    expect(ev.contexts.os.name).toBe("Linux");
    const crumb = ev.breadcrumbs.values.find((b: { category: string }) => b.category === "http");
    expect(crumb.message).toBe("charged [Filtered]");
    expect(crumb.data).toEqual({ Authorization: "[Filtered]", status: 200 });
    expect(ev.exception.values[0].stacktrace.frames[0].vars).toEqual({ passwd: "[Filtered]", credentials: "[Filtered]", amount: 12 });
  });

  it("honours a project's extra sensitive fields, and can be turned off per project", async () => {
    const path = "/api/0/projects/lighttrace/my-project/limits/";
    expect((await t.api(path, { method: "PUT", body: JSON.stringify({ sensitiveFields: ["order"] }) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // ingest caches project settings for a second
    const withExtra = await storeAndRead(secretEvent());
    expect(Object.fromEntries(withExtra.request.query_string)).toEqual({ order: "[Filtered]", password: "[Filtered]" });

    expect((await t.api(path, { method: "PUT", body: JSON.stringify({ scrubData: false, sensitiveFields: [] }) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    const raw = await storeAndRead(secretEvent());
    expect(raw.request.data.password).toBe("hunter2");
    expect(raw.extra.note).toBe(`paid with ${CARD}`);
  });

  it("recognises card numbers by the Luhn check, not by length alone", () => {
    expect(isCardNumber("4111111111111111")).toBe(true);
    expect(isCardNumber("5500-0000-0000-0004")).toBe(true);
    expect(isCardNumber("4111111111111112")).toBe(false);
    expect(isCardNumber("1234")).toBe(false);
  });
});
