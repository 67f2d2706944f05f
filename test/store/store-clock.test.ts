import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_RULE } from "../../src/alert-rules/rule-schema.ts";
import type { Store } from "../../src/store/types.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

/** A time no test machine's clock shows: a store that read the system clock would not write it. */
const CLOCK_MS = 1_500_000_000_250;
const CLOCK_SEC = CLOCK_MS / 1000;

/** Conformance: the times a store sets itself come from the clock it was given, never the system clock (every backend). */
describe.each(STORE_BACKENDS)("the store's clock ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let nowMs = CLOCK_MS;
  beforeEach(async () => {
    nowMs = CLOCK_MS;
    database = await backend.create();
    store = await database.open({ clock: { now: () => nowMs } });
  });
  afterEach(() => database.destroy());

  it("dates the organization, projects, keys, tokens and users by the injected clock", async () => {
    const org = await store.ensureOrganization("acme", "Acme");
    expect(org.createdAtSec).toBe(CLOCK_SEC);
    const { project, key } = await store.createProject({ slug: "web", name: "Web", platform: null, organizationId: org.id, defaultAlertRules: [] });
    expect([project.createdAtSec, key.createdAtSec]).toEqual([CLOCK_SEC, CLOCK_SEC]);
    nowMs += 60_000;
    expect((await store.createProjectKey(project.id, "second")).createdAtSec).toBe(CLOCK_SEC + 60);
    expect((await store.createApiToken({ name: "ci", tokenHash: "c".repeat(64), tokenHint: "…cccccc", scopes: ["org:read"] })).createdAtSec).toBe(CLOCK_SEC + 60);
    expect((await store.createUser({ email: "ann@example.com", passwordHash: "scrypt$x" })).createdAtSec).toBe(CLOCK_SEC + 60);
    expect((await store.ensureLocalAdmin()).createdAtSec).toBe(CLOCK_SEC + 60);
  });

  it("dates alert rules and their edits by the injected clock", async () => {
    const org = await store.ensureOrganization("acme", "Acme");
    const { project } = await store.createProject({ slug: "web", name: "Web", platform: null, organizationId: org.id, defaultAlertRules: [] });
    const rule = await store.alerts.createRule(project.id, { name: DEFAULT_RULE.name, status: "active", definition: DEFAULT_RULE.definition });
    expect([rule.createdAtSec, rule.updatedAtSec]).toEqual([CLOCK_SEC, CLOCK_SEC]);
    nowMs += 3_600_000;
    const edited = await store.alerts.updateRule(rule.id, { name: "renamed", status: "disabled", definition: DEFAULT_RULE.definition });
    expect([edited?.createdAtSec, edited?.updatedAtSec]).toEqual([CLOCK_SEC, CLOCK_SEC + 3600]);
  });
});
