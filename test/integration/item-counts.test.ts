import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, makeEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";

/**
 * Items LightTrace does not process are counted per project and day: known item types by name,
 * anything else as "other", so made-up type names cannot each add a row (a 142 KB request used to
 * grow the data directory by 64 MB). Overlong type names are refused.
 */
describe("ingest: counting item types", () => {
  let t: TestServer;
  const post = (body: Buffer) => fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(body) });

  beforeAll(async () => {
    t = await startTestServer({ monthlyQuota: 1 });
  });
  afterAll(async () => {
    await t.close();
  });

  it("counts known types by name and made-up ones as other, over quota too", async () => {
    const madeUp = Array.from({ length: 300 }, () => ({ headers: { type: `x_${randomBytes(28).toString("hex")}` }, payload: "{}" }));
    const known = [{ headers: { type: "profile" }, payload: "{}" }, { headers: { type: "replay_event" }, payload: "{}" }];
    expect((await post(makeEnvelope({}, [...madeUp, ...known]))).status).toBe(200);
    // over the monthly quota (past the grace a new issue gets): the event is refused, the other items are still counted
    const withEvent = () => post(makeEnvelope({}, [{ headers: { type: "event" }, payload: JSON.stringify(errorEvent()) }, ...madeUp.slice(0, 5)]));
    let refused = 0;
    for (let sent = 0; refused === 0 && sent < 5; sent++) {
      const status = (await withEvent()).status;
      if (status === 429) refused = sent + 1;
      else expect(status).toBe(200);
    }
    expect(refused).toBeGreaterThan(0);
    const expectedOther = 300 + 5 * refused;
    const counts = await eventually(async () => {
      const rows = await t.server.store.itemCounts(t.projectId);
      return rows.find((r) => r.itemType === "other")?.count === expectedOther ? rows : undefined;
    });
    expect(counts.map((r) => [r.itemType, r.count]).sort()).toEqual([["other", expectedOther], ["profile", 1], ["replay_event", 1]]);
  });

  it("refuses an item type longer than 64 characters, naming the item", async () => {
    const res = await post(makeEnvelope({}, [{ headers: { type: "y".repeat(200) }, payload: "{}" }]));
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toBe("item header #1: \"type\" is 200 characters long; item types are at most 64");
  });
});
