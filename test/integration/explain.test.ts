import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runCli } from "../_helpers/child-server.ts";
import { loadConfig } from "../../src/config.ts";
import { chatCompletionsUrl } from "../../src/explain/llm-client.ts";
import { databaseUrlFor } from "../_helpers/test-backend.ts";
import { redactDatabaseUrl } from "../../src/store/postgres/connection.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PII = ["ada@example.com", "203.0.113.77", "s3cr3t-session", "sk_live_51HqLyjWDarjtT1zdp7dc", "4111 1111 1111 1111", "Bearer eyJhbGciOiJIUzI1NiJ9"];

/** An error event full of facts and of PII that must not leave the process. */
function piiEvent() {
  return errorEvent({
    platform: "node",
    release: "checkout@7.1.0",
    environment: "production",
    user: { id: "user-42", email: "ada@example.com", ip_address: "203.0.113.77" },
    tags: { region: "eu-west" },
    contexts: { trace: { trace_id: TRACE, span_id: "a1b2c3d4e5f60718" } },
    request: {
      method: "POST", url: "https://shop.example/api/checkout?coupon=SPRING",
      headers: { Authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijk", Cookie: "sid=s3cr3t-session", "X-Forwarded-For": "203.0.113.77", Accept: "application/json" },
    },
    breadcrumbs: { values: [
      { timestamp: Date.now() / 1000 - 2, category: "payment", message: "charging card 4111 1111 1111 1111 with key sk_live_51HqLyjWDarjtT1zdp7dc", level: "info" },
      { timestamp: Date.now() / 1000 - 1, category: "http", type: "http", data: { method: "POST", url: "https://payments.example/v1/charges", status_code: 502 } },
    ] },
    exception: { values: [{
      type: "TypeError", value: "Cannot read properties of undefined (reading 'id')",
      mechanism: { type: "onunhandledrejection", handled: false },
      stacktrace: { frames: [
        { filename: "/srv/checkout/node_modules/express/lib/router/route.js", function: "Route.dispatch", lineno: 119, in_app: false },
        { filename: "/srv/checkout/src/payments.js", function: "recordCharge", lineno: 57, colno: 22, in_app: true,
          pre_context: ["async function recordCharge(order, res) {", "  const charge = await res.json();"], context_line: "  await db.insert({ order: order.id, charge: charge.data.id });", post_context: ["}"] },
      ] },
    }] },
  });
}

describe("Explain: offline analyser and an OpenAI-compatible LLM", () => {
  let llm: Server;
  let llmUrl: string;
  let mode: "ok" | "slow" | "error" | "garbage" | "stream" = "ok";
  // the streaming LLM holds its answer's second half until the test has seen the first half arrive
  let releaseRest: () => void = () => {};
  const requests: { headers: Record<string, unknown>; body: any }[] = [];
  let t: TestServer;
  let issueId: string;
  let eventId: string;

  beforeAll(async () => {
    // a real local HTTP server speaking the chat-completions API
    llm = createServer((req, res) => {
      let text = "";
      req.on("data", (d) => (text += d));
      req.on("end", () => {
        requests.push({ headers: req.headers, body: JSON.parse(text) });
        if (mode === "slow") return void setTimeout(() => res.end("{}"), 3000);
        if (mode === "error") {
          res.writeHead(500, { "Content-Type": "application/json" });
          return void res.end(JSON.stringify({ error: { message: "model 'tiny' is not loaded" } }));
        }
        if (mode === "garbage") return void res.end("<html>proxy error</html>");
        if (mode === "stream") {
          const chunk = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`;
          res.writeHead(200, { "Content-Type": "text/event-stream" });
          res.write(chunk("### What broke\n"));
          res.write(chunk("`charge.data` was "));
          const rest = new Promise<void>((r) => (releaseRest = r));
          return void rest.then(() => res.end(chunk("undefined.") + "data: [DONE]\n\n"));
        }
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({
          id: "chatcmpl-1", object: "chat.completion", model: "tiny",
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "### What broke\n`charge.data` was undefined.\n### Likely root cause\nThe payment API answered 502." } }],
        }));
      });
    });
    await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
    llmUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
    t = await startTestServer({ aiUrl: llmUrl, aiModel: "tiny", aiKey: "test-key-123", aiTimeoutMs: 500 });
    const ev = piiEvent();
    eventId = ev.event_id as string;
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    issueId = (await t.api("/api/0/organizations/lighttrace/issues/?query=")).body[0].id;
  });
  afterAll(async () => {
    await t.close();
    llm.close();
  });

  it("shows the exact prompt before sending anything: the facts, and no PII", async () => {
    const preview = await t.api(`/api/0/issues/${issueId}/explain/?eventId=${eventId}`);
    expect(preview.status).toBe(200);
    expect(preview.body.llm).toEqual({ enabled: true, model: "tiny", endpoint: `${llmUrl}/chat/completions`, problem: null });
    expect(preview.body.cached).toBeNull();
    expect(requests).toHaveLength(0);
    const prompt: string = preview.body.prompt.user;
    for (const fact of [
      "TypeError: Cannot read properties of undefined (reading 'id')", "recordCharge at /srv/checkout/src/payments.js:57:22  <-- crashed here",
      "await db.insert({ order: order.id, charge: charge.data.id });", "Release: checkout@7.1.0", `Trace id: ${TRACE}`, "User id: user-42",
      "POST https://shop.example/api/checkout?coupon=SPRING", "https://payments.example/v1/charges", "502", "region=eu-west",
      "Authorization: [redacted]", "Cookie: [redacted]", "X-Forwarded-For: [ip]",
    ]) expect(prompt).toContain(fact);
    // ingest's own data scrubbing may get to the card number first ([Filtered]); either way it is gone
    expect(prompt).toMatch(/charging card \[(card|Filtered)\] with key \[(token|Filtered)\]/);
    for (const secret of PII) expect(prompt).not.toContain(secret);
    expect(preview.body.prompt.system).toContain("### Likely root cause");
  });

  it("asks the LLM with the redacted prompt, caches per issue + event, regenerates on request", async () => {
    const first = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({ eventId }) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      provider: "llm", model: "tiny", cached: false, eventId, issueId,
      explanation: "### What broke\n`charge.data` was undefined.\n### Likely root cause\nThe payment API answered 502.",
      culprit: { filename: "/srv/checkout/src/payments.js", lineNo: 57, function: "recordCharge" },
    });
    expect(first.body.findings.map((f: any) => f.kind)).toEqual(["crash-site", "error-class", "upstream-failure", "unhandled", "first-release", "new"]);
    expect(requests).toHaveLength(1);
    const sent = requests[0]!;
    expect(sent.headers.authorization).toBe("Bearer test-key-123");
    expect(sent.body.model).toBe("tiny");
    expect(sent.body.messages.map((m: any) => m.role)).toEqual(["system", "user"]);
    const preview = await t.api(`/api/0/issues/${issueId}/explain/?eventId=${eventId}`);
    expect(sent.body.messages[1].content).toBe(preview.body.prompt.user);
    const wire = JSON.stringify(sent.body);
    for (const secret of PII) expect(wire).not.toContain(secret);

    const cached = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({}) });
    expect(cached.body).toMatchObject({ provider: "llm", cached: true, eventId });
    expect(requests).toHaveLength(1);
    const again = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({ eventId, regenerate: true }) });
    expect(again.body.cached).toBe(false);
    expect(requests).toHaveLength(2);

    // an explanation cached before findings carried their evidence is not served: it is made again
    const stale = { ...again.body, findings: again.body.findings.map(({ evidence: _e, confidence: _c, ...f }: any) => f) };
    await t.server.store.saveExplanation({ issueId: Number(issueId), eventId, provider: "llm", result: JSON.stringify(stale), createdAtSec: Date.now() / 1000 });
    expect((await t.api(`/api/0/issues/${issueId}/explain/?eventId=${eventId}`)).body.cached).toBeNull();
    const remade = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({ eventId }) });
    expect(remade.body.cached).toBe(false);
    expect(remade.body.findings.every((f: any) => typeof f.evidence === "string" && f.evidence.length > 0)).toBe(true);
    expect(requests).toHaveLength(3);
  });

  it("falls back to the offline analysis and says why in words: error, timeout, not a completion", async () => {
    const explain = () => t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({ regenerate: true }) });
    mode = "error";
    const failed = await explain();
    expect(failed.body.provider).toBe("offline");
    expect(failed.body.llmError).toBe(`the AI endpoint at ${new URL(llmUrl).origin} answered HTTP 500: model 'tiny' is not loaded`);
    expect(failed.body.explanation).toContain("_Offline analysis: built-in rules, no AI involved._");
    expect(failed.body.explanation).toContain("One of `order` or `charge.data` was undefined: the failing line reads `.id` from each.");
    mode = "slow";
    const slow = await explain();
    expect(slow.body.llmError).toBe(`the AI endpoint at ${new URL(llmUrl).origin} did not answer within 500 ms`);
    mode = "garbage";
    expect((await explain()).body.llmError).toBe(`the AI endpoint at ${new URL(llmUrl).origin} did not answer with JSON (got "<html>proxy error</html>")`);
    mode = "ok";
    // failures are not cached: the last good LLM answer is still what the cache holds
    expect((await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: "{}" })).body).toMatchObject({ provider: "llm", cached: true });
  });

  it("streams the LLM's answer as server-sent events while it arrives (?stream=1)", async () => {
    mode = "stream";
    const res = await fetch(`${t.url}/api/0/issues/${issueId}/explain/?stream=1`, {
      method: "POST", headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json" }, body: JSON.stringify({ eventId, regenerate: true }),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    // 1. the first pieces arrive while the LLM is still holding back the rest of its answer
    while (!text.includes("`charge.data` was ")) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(text).not.toContain("event: result");
    releaseRest();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const events = text.trim().split("\n\n").map((block) => {
      const [event, data] = block.split("\n");
      return { event: event!.slice("event: ".length), data: JSON.parse(data!.slice("data: ".length)) };
    });
    expect(events.map((e) => e.event)).toEqual(["delta", "delta", "delta", "result"]);
    const deltas = events.filter((e) => e.event === "delta").map((e) => e.data.text).join("");
    expect(deltas).toBe("### What broke\n`charge.data` was undefined.");
    expect(events[3]!.data).toMatchObject({ provider: "llm", model: "tiny", cached: false, explanation: deltas });
    expect(requests[requests.length - 1]!.body.stream).toBe(true);
    mode = "ok";
    // offline answers stream as one result event
    const offline = await (await fetch(`${t.url}/api/0/issues/${issueId}/explain/?stream=1`, {
      method: "POST", headers: { Authorization: `Bearer ${t.token}` }, body: JSON.stringify({ provider: "offline", regenerate: true }),
    })).text();
    expect(offline).toMatch(/^event: result\ndata: \{"provider":"offline"/);
  });

  it("validates input in words", async () => {
    const bad = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({ eventId: "nope" }) });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/^invalid field "eventId": an event id, or latest/);
    const extra = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: JSON.stringify({ foo: 1 }) });
    expect(extra.status).toBe(400);
    expect((await t.api(`/api/0/issues/999999/explain/`, { method: "POST", body: "{}" })).status).toBe(404);
    expect((await fetch(`${t.url}/api/0/issues/${issueId}/explain/`, { method: "POST" })).status).toBe(401);
  });

  it("offline only when no endpoint is configured, and says so when it is unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const t2 = await startTestServer({ aiUrl: `http://127.0.0.1:${deadPort}/v1?key=k-123`, aiModel: "m" });
    try {
      const ev = piiEvent();
      await fetch(`${t2.url}/api/${t2.projectId}/envelope/?sentry_key=${t2.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
      const id = (await t2.api("/api/0/organizations/lighttrace/issues/?query=")).body[0].id;
      // the endpoint is shown without the query string (some hosted APIs take their key there)
      const preview = await t2.api(`/api/0/issues/${id}/explain/`);
      expect(preview.body.llm.endpoint).toBe(`http://127.0.0.1:${deadPort}/v1/chat/completions`);
      const res = await t2.api(`/api/0/issues/${id}/explain/`, { method: "POST", body: "{}" });
      expect(res.body.provider).toBe("offline");
      expect(res.body.llmError).toBe(`could not connect to the AI endpoint at http://127.0.0.1:${deadPort}: connection refused (is the server running?)`);
      const offline = await t2.api(`/api/0/issues/${id}/explain/`, { method: "POST", body: JSON.stringify({ provider: "offline" }) });
      expect(offline.body).toMatchObject({ provider: "offline", cached: false });
      expect(offline.body.llmError).toBeUndefined();
    } finally {
      await t2.close();
    }
  });

  it("refuses credentials inside LIGHTTRACE_AI_URL, naming the setting to use", () => {
    expect(() => loadConfig({ LIGHTTRACE_AI_URL: "https://user:secret@llm.example/v1" })).toThrow(
      "invalid aiUrl (LIGHTTRACE_AI_URL): no credentials in the URL: put the key in LIGHTTRACE_AI_KEY");
    expect(chatCompletionsUrl("https://llm.example/openai/v1/?api-version=2")).toBe("https://llm.example/openai/v1/chat/completions?api-version=2");
    expect(chatCompletionsUrl("http://127.0.0.1:11434/v1/chat/completions")).toBe("http://127.0.0.1:11434/v1/chat/completions");
  });

  it("prints the explanation in a terminal: lighttrace explain <issue-id>", async () => {
    const offline = await runCli(["explain", issueId, "--data", t.dataDir, "--offline", "--regenerate"]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain(`Issue ${issueId}, event ${eventId} — offline analysis`);
    expect(offline.stdout).toContain("Culprit: /srv/checkout/src/payments.js:57 in recordCharge");
    expect(offline.stdout).toContain("[upstream-failure] A request failed just before the error");
    const json = JSON.parse((await runCli(["explain", issueId, "--data", t.dataDir, "--json"])).stdout);
    expect(json).toMatchObject({ provider: "offline", cached: true });
    const prompt = await runCli(["explain", issueId, "--data", t.dataDir, "--show-prompt"], { LIGHTTRACE_AI_URL: llmUrl, LIGHTTRACE_AI_MODEL: "tiny" });
    expect(prompt.stdout).toContain(`# sent to ${llmUrl}/chat/completions (model tiny)`);
    expect(prompt.stdout).toContain("User id: user-42");
    for (const secret of PII) expect(prompt.stdout).not.toContain(secret);
    const missing = await runCli(["explain", "424242", "--data", t.dataDir]);
    // the store's location: the data directory, or on PostgreSQL the database URL without its password
    const databaseUrl = await databaseUrlFor(t.dataDir);
    expect(missing).toMatchObject({ code: 1, stderr: `error: no issue 424242 in ${databaseUrl ? redactDatabaseUrl(databaseUrl) : t.dataDir}\n` });
  });
});
