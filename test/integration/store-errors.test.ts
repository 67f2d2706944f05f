import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatchCommitter } from "../../src/process/commit-batch.ts";
import { openDb } from "../../src/store/sqlite/db.ts";
import { StorageFullError } from "../../src/store/errors.ts";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { SqliteDatabase } from "../../src/store/sqlite/sqlite-binding.ts";

/**
 * The store lets out its own errors, never SQLite's codes: a database that cannot grow (here a real
 * SQLITE_FULL, provoked with max_page_count on the store's own connection) is a StorageFullError.
 */
describe("store errors on a real database", () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lighttrace-store-errors-"));
    db = openDb(dir, { synchronous: "normal" });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("turns SQLITE_FULL into StorageFullError, for thrown writes and for ingest jobs", async () => {
    const store = createSqliteStore(db);
    const org = await store.ensureOrganization("acme", "Acme");
    const { project } = await store.createProject({ slug: "web", name: "Web", platform: null, organizationId: org.id, defaultAlertRules: [] });
    db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);

    const write = store.createProject({ slug: "api", name: "x".repeat(64 * 1024), platform: null, organizationId: org.id, defaultAlertRules: [] });
    await expect(write).rejects.toBeInstanceOf(StorageFullError);
    await expect(write).rejects.toMatchObject({ cause: expect.objectContaining({ code: "SQLITE_FULL" }) });

    // an ingest batch: its write plan fails as a whole, with the same error for each job
    const { results } = await new BatchCommitter({ store }).commit([{ projectId: project.id, events: [], itemCounts: new Map([["x".repeat(200_000), 1]]), receivedAtMs: Date.now() }]);
    expect(results[0]).toBeInstanceOf(StorageFullError);

    // reads still work, and writes resume once the database may grow again
    expect((await store.listProjects()).map((p) => p.slug)).toEqual(["web"]);
    db.pragma("max_page_count = 1073741823");
    await store.createProject({ slug: "api", name: "API", platform: null, organizationId: org.id, defaultAlertRules: [] });
    expect((await store.listProjects()).map((p) => p.slug).sort()).toEqual(["api", "web"]);
  });
});
