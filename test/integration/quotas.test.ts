import { describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope, makeEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { runCli, startChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";

/** A clock tests move by hand: quota windows are minutes and months. */
function manualClock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const issueEvent = (type: string) => errorEvent({ exception: { values: [{ type, value: "quota test", stacktrace: { frames: [{ function: type, filename: "q.js", in_app: true }] } }] } });

describe("quotas and rate limits", () => {
  const limitsPath = `/api/0/projects/lighttrace/my-project/limits/`;
  const outcomesPath = `/api/0/projects/lighttrace/my-project/outcomes/`;

  /** A server of the test's own (installation defaults as `serve --monthly-quota` sets them), on a
   * clock 5 s into a minute, so a test never straddles a window boundary by accident. */
  async function startQuotaServer(monthlyQuota: number) {
    const clock = manualClock(Math.floor(Date.now() / 60_000) * 60_000 + 5_000);
    const t: TestServer = await startTestServer({ monthlyQuota }, clock);
    const url = `${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`;
    const send = async (body: Buffer) => {
      const res = await fetch(url, { method: "POST", body: new Uint8Array(body) });
      const json = await res.json();
      return { status: res.status, body: json, headers: res.headers };
    };
    return { t, clock, send };
  }

  it("shows defaults and overrides, and validates changes", async () => {
    const { t } = await startQuotaServer(6);
    const before = await t.api(limitsPath);
    expect(before.status).toBe(200);
    expect(before.body.effective).toMatchObject({ eventsPerMinute: 0, monthlyQuota: 6, maxStoredEvents: 10_000, scrubData: true });
    expect(before.body.overrides.eventsPerMinute).toBeNull();
    const bad = await t.api(limitsPath, { method: "PUT", body: JSON.stringify({ eventsPerMinute: -1 }) });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("eventsPerMinute");
    const unknown = await t.api(limitsPath, { method: "PUT", body: JSON.stringify({ eventsPerHour: 3 }) });
    expect(unknown.status).toBe(400);
    const put = await t.api(limitsPath, { method: "PUT", body: JSON.stringify({ eventsPerMinute: 3 }) });
    expect(put.status).toBe(200);
    expect(put.body.effective).toMatchObject({ eventsPerMinute: 3, monthlyQuota: 6 });
    expect(put.body.defaults.eventsPerMinute).toBe(0);
  });

  // One story on purpose: the month's quota is what the per-minute limit let through before it.
  it("answers 429 per minute with Retry-After, then enforces the monthly quota counting only accepted events, kept in the database", async () => {
    const { t, clock, send } = await startQuotaServer(6);
    expect((await t.api(limitsPath, { method: "PUT", body: JSON.stringify({ eventsPerMinute: 3 }) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // the ingest side caches limits for a second
    for (let i = 0; i < 3; i++) expect((await send(eventEnvelope(issueEvent("QuotaA")))).status).toBe(200);
    // over the per-minute limit: the issue's first over-limit event this minute is the trickle
    expect((await send(eventEnvelope(issueEvent("QuotaA")))).status).toBe(200);
    const refused = await send(eventEnvelope(issueEvent("QuotaA")));
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toContain("limit of 3 events per minute");
    const retry = Number(refused.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(55);
    expect(refused.headers.get("x-sentry-rate-limits")).toBe(`${retry}:error;default:project:events_per_minute`);
    // a new issue's first event is always admitted
    expect((await send(eventEnvelope(issueEvent("QuotaB")))).status).toBe(200);
    expect((await send(eventEnvelope(issueEvent("QuotaB")))).status).toBe(429);
    // sessions and client reports are not error events: never limited
    const session = makeEnvelope({}, [{ headers: { type: "session" }, payload: JSON.stringify({ sid: "a", init: true, status: "ok", started: new Date().toISOString(), attrs: { release: "app@1.0" } }) }]);
    expect((await send(session)).status).toBe(200);

    clock.advance(60_000); // next minute: the per-minute window is fresh, the month is not
    // 5 accepted so far this month (3, the trickle, issue B's first); one more fits
    expect((await send(eventEnvelope(issueEvent("QuotaA")))).status).toBe(200);
    // the month is full now; the trickle still admits one event per issue this minute
    expect((await send(eventEnvelope(issueEvent("QuotaB")))).status).toBe(200);
    expect((await send(eventEnvelope(issueEvent("QuotaA")))).status).toBe(200);
    const overMonth = await send(eventEnvelope(issueEvent("QuotaA")));
    expect(overMonth.status).toBe(429);
    expect(overMonth.headers.get("retry-after")).toBe("60");
    expect(overMonth.headers.get("x-sentry-rate-limits")).toBe("60:error;default:project:monthly_quota");
    expect(overMonth.body.detail).toContain("monthly quota of 6 events");
    const outcomes = await eventually(async () => {
      const res = await t.api(outcomesPath); // refused counts are written every 2 s
      return res.body.rateLimitedTotal === 3 ? res.body : undefined;
    });
    expect(outcomes.acceptedThisMonth).toBe(8);
    expect(outcomes.monthlyQuota).toBe(6);
    expect(outcomes.rateLimited).toEqual([
      { reason: "events_per_minute", category: "error", quantity: 2 },
      { reason: "monthly_quota", category: "error", quantity: 1 },
    ]);
    // the month's count lives in the database, not only in memory
    const count = await t.server.store.monthlyUsage(t.projectId, Number(new Date(clock.now()).toISOString().slice(0, 7).replace("-", "")));
    expect(count).toBe(8);
  });

  it("stores what SDKs report they dropped, per reason, also from a refused envelope", async () => {
    const { t, send } = await startQuotaServer(1);
    // fill the month (1 event) and use the issue's trickle, so the next event of it is refused
    expect((await send(eventEnvelope(issueEvent("QuotaA")))).status).toBe(200);
    expect((await send(eventEnvelope(issueEvent("QuotaA")))).status).toBe(200);
    const report = {
      timestamp: Date.now() / 1000,
      discarded_events: [
        { reason: "ratelimit_backoff", category: "error", quantity: 4 },
        { reason: "sample_rate", category: "transaction", quantity: 10 },
        { reason: "before_send", category: "error", quantity: 1 },
        { reason: "", category: "error", quantity: 1 }, // malformed entry: skipped, the envelope still succeeds
      ],
    };
    const envelope = makeEnvelope({}, [{ headers: { type: "client_report" }, payload: JSON.stringify(report) }]);
    expect((await send(envelope)).status).toBe(200);
    // a report riding with a refused event is still stored
    const withEvent = makeEnvelope({}, [
      { headers: { type: "event" }, payload: JSON.stringify(issueEvent("QuotaA")) },
      { headers: { type: "client_report" }, payload: JSON.stringify({ discarded_events: [{ reason: "ratelimit_backoff", category: "error", quantity: 2 }] }) },
    ]);
    expect((await send(withEvent)).status).toBe(429);
    const outcomes = (await t.api(outcomesPath)).body;
    expect(outcomes.clientDiscardedTotal).toBe(17);
    expect(outcomes.clientDiscarded).toEqual([
      { reason: "sample_rate", category: "transaction", quantity: 10 },
      { reason: "ratelimit_backoff", category: "error", quantity: 6 },
      { reason: "before_send", category: "error", quantity: 1 },
    ]);
  });
});

describe("installation defaults from the command line and the environment", () => {
  it("serve --monthly-quota and LIGHTTRACE_EVENTS_PER_MINUTE set every project's defaults; bad values are refused", async () => {
    const dataDir = tempDir("lighttrace-quota-cli-");
    const server = await startChildServer(dataDir, ["--monthly-quota", "5000"], { LIGHTTRACE_EVENTS_PER_MINUTE: "120" });
    const token = JSON.parse((await runCli(["tokens", "create", "--scope", "read", "--data", dataDir, "--json"])).stdout).token;
    const limits = await (await fetch(`${server.url}/api/0/projects/lighttrace/my-project/limits/`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(limits.defaults).toMatchObject({ eventsPerMinute: 120, monthlyQuota: 5000, maxStoredEvents: 10_000, scrubData: true });
    const bad = await runCli(["serve", "--monthly-quota", "lots", "--data", dataDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--monthly-quota");
  });
});
