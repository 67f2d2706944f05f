import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { ProjectConfigCache } from "../../src/process/project-config.ts";
import { ProjectGroupingConfigs } from "../../src/process/grouping-configs.ts";
import { ProjectLimitsCache } from "../../src/process/project-limits.ts";
import { NO_OVERRIDES } from "../../src/store/model/project-limits.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

describe("project settings snapshots for the ingest workers", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("keeps one version while the settings are unchanged and issues a new one when they change", async () => {
    let nowMs = 1_000_000;
    const limits = new ProjectLimitsCache(t.server.store, loadConfig({}, { dataDir: t.dataDir }), () => nowMs);
    let hasSourceMaps = false;
    const cache = new ProjectConfigCache({ limits, grouping: new ProjectGroupingConfigs(t.server.store, () => nowMs), hasSourceMaps: async () => hasSourceMaps });
    const store = t.server.store;

    const first = (await cache.snapshotFor(t.projectId)).snapshot;
    expect(first.config).toEqual({ hasSourceMaps: false, scrub: { sensitiveFields: [] }, grouping: { stackRules: "", previousStackRules: [] } });
    expect((await cache.snapshotFor(t.projectId)).snapshot).toBe(first);

    // the limits cache reloads after its TTL; the same content keeps the version
    nowMs += 2_000;
    expect((await cache.snapshotFor(t.projectId)).snapshot.version).toBe(first.version);

    // a settings change (seen after the TTL) is a new version carrying the new settings
    await store.setProjectLimits(t.projectId, { ...NO_OVERRIDES, sensitiveFields: ["order"] });
    expect((await cache.snapshotFor(t.projectId)).snapshot.version).toBe(first.version);
    nowMs += 2_000;
    const scrubbing = (await cache.snapshotFor(t.projectId)).snapshot;
    expect(scrubbing.version).toBeGreaterThan(first.version);
    expect(scrubbing.config.scrub).toEqual({ sensitiveFields: ["order"] });

    await store.setProjectLimits(t.projectId, { ...NO_OVERRIDES, scrubData: false });
    nowMs += 2_000;
    const off = (await cache.snapshotFor(t.projectId)).snapshot;
    expect(off.version).toBeGreaterThan(scrubbing.version);
    expect(off.config).toEqual({ hasSourceMaps: false, grouping: { stackRules: "", previousStackRules: [] } });

    // new stack-trace rules for grouping reach the workers the same way
    await store.setGroupingSettings(t.projectId, { stackRules: "stack.module:vendor.* -app", previousStackRules: [] }, nowMs / 1000);
    nowMs += 2_000;
    const rules = (await cache.snapshotFor(t.projectId)).snapshot;
    expect(rules.version).toBeGreaterThan(off.version);
    expect(rules.config.grouping.stackRules).toBe("stack.module:vendor.* -app");

    // an upload makes the project's events go through symbolication
    hasSourceMaps = true;
    const withMaps = (await cache.snapshotFor(t.projectId)).snapshot;
    expect(withMaps.version).toBeGreaterThan(rules.version);
    expect(withMaps.config.hasSourceMaps).toBe(true);
  });
});
