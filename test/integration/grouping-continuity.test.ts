import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeEvent } from "../../src/events/normalize.ts";
import { computeLegacyV1Key, LEGACY_V1_MECHANISM } from "../../src/grouping/legacy-lt-v1.ts";
import { DEFAULT_GROUPING_CONFIG, hashGroupingKey } from "../../src/grouping/mechanisms.ts";
import { prepareEvent } from "../../src/process/prepare-event.ts";
import { BatchCommitter } from "../../src/process/commit-batch.ts";
import { hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";
import { SCOPES_BY_LEVEL } from "../../src/api/scopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

/** A Flask view failing inside a library that Debian's sentry-python 1.9 marks in-app. */
function pythonEvent(view: string, libLine: string, message = "'SKU-1'"): Record<string, unknown> {
  const frame = (module: string, fn: string, path: string, line: string) => ({
    module, function: fn, abs_path: path, filename: path.split("/").pop(), context_line: line, lineno: 10, in_app: true,
  });
  return {
    platform: "python", level: "error",
    exception: { values: [{ type: "KeyError", value: message, stacktrace: { frames: [
      frame("flask.app", "dispatch_request", "/usr/lib/python3/dist-packages/flask/app.py", "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)"),
      frame("shop.views", view, "/srv/shop/shop/views.py", "price = prices.lookup(sku)"),
      frame("prices", "lookup", "/usr/lib/python3/dist-packages/prices/__init__.py", libLine),
    ] } }] },
  };
}

describe("grouping continuity: upgrades and rule changes never split an issue", () => {
  let t: TestServer;
  const send = async (event: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/store/`, {
      method: "POST", headers: { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${t.publicKey}` }, body: JSON.stringify(event),
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    return (await t.server.store.getEvent(t.projectId, id))!;
  };
  const rules = (body: unknown, token = t.token) => fetch(`${t.url}/api/0/projects/lighttrace/my-project/grouping-rules/`, {
    method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("an issue made by lt-v1 keeps receiving its bug's events after the upgrade, and records both mechanisms", async () => {
    // what LightTrace before lt-v2 stored: the issue under its lt-v1 key (library frames included)
    const raw = pythonEvent("price", "return TABLE[key]");
    const old = prepareEvent(normalizeEvent(raw, { receivedAtMs: Date.now() - 3_600_000, newEventId: () => "a".repeat(32) }), DEFAULT_GROUPING_CONFIG);
    const legacyKey = computeLegacyV1Key(old.event);
    old.grouping = { hash: hashGroupingKey(legacyKey), key: legacyKey, mechanism: LEGACY_V1_MECHANISM };
    delete old.fallbackGroupings;
    const stored = { ...old, payload: await t.server.store.encodeEventPayload(old.payload) };
    const { results: [outcomes] } = await new BatchCommitter({ store: t.server.store }).commit([{ projectId: t.projectId, events: [stored], itemCounts: new Map(), receivedAtMs: Date.now() - 3_600_000 }]);
    const oldIssueId = (outcomes as { issueId: number }[])[0]!.issueId;

    // after the upgrade the same bug keys differently (the library frames are no longer in-app) …
    const next = await send(pythonEvent("price", "return TABLE[key]"));
    expect(next.issueId).toBe(oldIssueId);
    // … and after a library upgrade too: the issue claimed its lt-v2 key
    const upgraded = await send(pythonEvent("price", "value = TABLE[key]  # 2.0"));
    expect(upgraded.issueId).toBe(oldIssueId);

    const detail = (await t.api(`/api/0/issues/${oldIssueId}/`)).body;
    expect(detail.grouping.mechanism).toBe("lt-v1");
    expect(detail.groupings.map((g: any) => g.mechanism)).toEqual(["lt-v1", "lt-v2"]);
    expect(detail.groupings[1].key).toBe("exception (in-app frames)\nKeyError\n  shop.views | price | price = prices.lookup(sku)");
    const info = (await t.api(`/api/0/projects/lighttrace/my-project/events/${upgraded.eventId}/grouping-info/`)).body;
    expect(info.matchedKey).toEqual({ hash: detail.groupings[1].hash, mechanism: "lt-v2", current: true });
    expect(info.earlierKeys.map((k: any) => k.mechanism)).toEqual(["lt-v1"]);
  });

  it("a change of the project's rules keeps existing issues; new issues do not claim old keys", async () => {
    const first = await send(pythonEvent("refund", "return TABLE[key]"));
    const changed = await rules({ stackRules: "# the view is a thin wrapper\nstack.function:refund -group\n" });
    expect(changed.status).toBe(200);
    expect(changed.body.previousStackRules.map((p: any) => p.rules)).toEqual([""]);
    await new Promise((r) => setTimeout(r, 1_100)); // ingest caches a project's rules for a second

    const second = await send(pythonEvent("refund", "return TABLE[key]"));
    expect(second.issueId).toBe(first.issueId);
    const keys = (await t.api(`/api/0/issues/${first.issueId}/`)).body.groupings.map((g: any) => g.key);
    expect(keys).toHaveLength(2);
    // with the view out, only library frames are left: the key falls back to all frames
    expect(keys[1].split("\n")[0]).toBe("exception (all frames)");

    // a bug first seen under the new rules is a new issue, which claims only its current key
    const fresh = await send(pythonEvent("checkout", "return TABLE[key]"));
    expect(fresh.issueId).not.toBe(first.issueId);
    expect((await t.api(`/api/0/issues/${fresh.issueId}/`)).body.groupings.map((g: any) => g.mechanism)).toEqual(["lt-v2"]);

    // reverting the rules: events find the issues by the keys the now-previous rules made
    expect((await rules({ groupingEnhancements: "" })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await send(pythonEvent("checkout", "return TABLE[key]"))).issueId).toBe(fresh.issueId);
    expect((await send(pythonEvent("refund", "return TABLE[key]"))).issueId).toBe(first.issueId);
  });

  it("validates rules: a 400 names the bad line; only admin tokens change them", async () => {
    const bad = await rules({ stackRules: "stack.module:com.acme.** +app\n\nstack.modul:foo -app\n" });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('invalid stack-trace rule on line 3 ("stack.modul:foo -app"): unknown matcher "stack.modul"');
    expect((await rules({ stackRules: "family:javascript" })).body.detail).toContain("line 1");
    expect((await rules({ stackRules: "stack.abs_path:**/x/** +ap" })).body.detail).toContain('"+ap" is not an action');
    expect((await rules({ stackRules: 42 })).status).toBe(400);
    expect((await rules({})).status).toBe(400);

    const write = mintApiToken(t.url, "lighttrace", Math.floor(Date.now() / 1000));
    await t.server.store.createApiToken({ name: "w", tokenHash: hashApiToken(write), tokenHint: tokenHint(write), scopes: [...SCOPES_BY_LEVEL.write] });
    expect((await rules({ stackRules: "" }, write)).status).toBe(403);

    // Sentry's project-details field sets the same rules (and is refused just as strictly)
    const viaProject = await t.api("/api/0/projects/lighttrace/my-project/", { method: "PUT", body: JSON.stringify({ groupingEnhancements: "stack.module:acme.* +app" }) });
    expect(viaProject.status).toBe(200);
    const badViaProject = await t.api("/api/0/projects/lighttrace/my-project/", { method: "PUT", body: JSON.stringify({ name: "Renamed", groupingEnhancements: "stack.module:acme.* +aap" }) });
    expect(badViaProject.status).toBe(400);
    expect(badViaProject.body.detail).toContain("line 1");
    expect((await t.api("/api/0/projects/lighttrace/my-project/")).body.name).not.toBe("Renamed");
    const writeViaProject = await fetch(`${t.url}/api/0/projects/lighttrace/my-project/`, {
      method: "PUT", headers: { Authorization: `Bearer ${write}`, "Content-Type": "application/json" }, body: JSON.stringify({ groupingEnhancements: "" }),
    });
    expect(writeViaProject.status).toBe(403);

    const shown = (await t.api("/api/0/projects/lighttrace/my-project/grouping-rules/")).body;
    expect(shown.stackRules).toBe("stack.module:acme.* +app");
    expect(shown.mechanism).toBe("lt-v2");
    expect(shown.builtinStackRules).toContain("stack.abs_path:**/node_modules/** -app");
    expect(shown.stackRules).toBe(shown.groupingEnhancements);
  });
});
