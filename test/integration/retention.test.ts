import { statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { normalizeEvent } from "../../src/events/normalize.ts";
import { prepareEvent } from "../../src/process/prepare-event.ts";
import { DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { resolveLimits } from "../../src/process/project-limits.ts";
import { RetentionRunner, type RetentionQueries } from "../../src/process/retention.ts";
import type { PreparedEvent } from "../../src/process/types.ts";
import { DB_FILENAME, openDb } from "../../src/store/sqlite/db.ts";
import { sqliteAddonPath, type SqliteDatabase } from "../../src/store/sqlite/sqlite-binding.ts";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { createOffThreadRetention, type OffThreadRetention } from "../../src/store/sqlite/retention-off-thread.ts";
import { BatchCommitter } from "../../src/process/commit-batch.ts";
import { createProject } from "../../src/projects/create-project.ts";
import type { Store } from "../../src/store/types.ts";
import { bulkInsertEvents } from "../_helpers/bulk-events.ts";
import { ServerLog, tempDir, track } from "../_helpers/harness.ts";

const DAY = 86_400;

describe("retention", () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: Store;
  let projectId: number;
  // the retention runner's WARN/ERROR lines fail the test they come in (test/_helpers/harness.ts)
  const log = new ServerLog("retention runner");
  const logger = createLogger("warn", (line) => log.push(line));
  const base = Math.floor(Date.now() / 1000) - 40 * DAY;
  let counter = 0;

  /** One event through the real writer (prepared exactly as ingest prepares it). */
  const writeEvent = async (message: string, timestamp: number): Promise<PreparedEvent> => {
    const id = (++counter).toString(16).padStart(32, "f");
    const ev = prepareEvent(normalizeEvent({ event_id: id, message, level: "error", platform: "node", timestamp }, { receivedAtMs: timestamp * 1000, newEventId: () => id }), DEFAULT_GROUPING_CONFIG);
    const { results: [result] } = await new BatchCommitter({ store }).commit([{ projectId, events: [ev], itemCounts: new Map(), receivedAtMs: timestamp * 1000 }]);
    if (result instanceof Error) throw result;
    return ev;
  };
  const issueOf = async (eventId: string) => (await store.getEvent(projectId, eventId))!.issueId;
  let offThread: OffThreadRetention;
  const runner = (limits: Partial<ReturnType<typeof resolveLimits>>, queries?: RetentionQueries) => new RetentionRunner({
    store, ...(queries ? { queries } : {}), logger, now: () => Date.now(),
    limitsFor: async () => ({ ...resolveLimits(loadConfig({}), { eventsPerMinute: null, monthlyQuota: null, maxStoredEvents: null, maxEventAgeDays: null, scrubData: null, sensitiveFields: [] }), ...limits }),
  });

  beforeAll(async () => {
    dir = tempDir("lighttrace-retention-");
    db = openDb(dir, { synchronous: "normal" });
    store = track(createSqliteStore(db));
    offThread = createOffThreadRetention(db, sqliteAddonPath(), logger);
    track({ close: () => offThread.stop() });
    const org = await store.ensureOrganization("lighttrace", "LightTrace");
    projectId = (await createProject(store, { slug: "flood", name: "Flood", platform: "node", organizationId: org.id })).project.id;
  });

  it("1,000,000 events into 3 issues with a 10,000 cap, evicted on the retention worker's connection: size bounded, counts exact, first, regression and latest events kept", async () => {
    // 1. the first event of each issue, through the real writer
    const firsts = [await writeEvent("checkout failed", base), await writeEvent("login failed", base + 1), await writeEvent("search slow", base + 2)];
    const issues = await Promise.all(firsts.map((e) => issueOf(e.eventId)));
    // 2. a regression of the third issue: resolved, then seen again
    await store.setIssueStatus(issues[2]!, "resolved", base + 3);
    const regression = await writeEvent("search slow", base + 4);
    expect((await store.getIssue(issues[2]!))!.substatus).toBe("regressed");
    // 3. the flood: 999,996 more in 10 rounds (bulk-inserted: the writer's per-event path would take
    //    minutes on CI), 70% / 20% / 10% over the issues, retention after each round as the server
    //    runs it after every batch of commits
    // as the server runs it on SQLite: the queries on a worker thread with their own connection
    const retention = runner({ maxStoredEvents: 10_000 }, offThread);
    const flood = [700_000, 199_998, 99_998];
    let t = base + 10;
    let peakBytes = 0;
    let evicted = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 3; i++) {
        const n = flood[i]! / 10;
        bulkInsertEvents(db, { projectId, issueId: issues[i]!, count: Math.floor(n) + (round < flood[i]! % 10 ? 1 : 0), firstTimestamp: t, eventIdPrefix: `${round}${i}` });
        t += 1;
      }
      evicted += (await retention.run()).evictedByCap;
      peakBytes = Math.max(peakBytes, _dbBytes(dir));
    }
    // 4. the latest events, through the real writer
    const latest = [];
    for (let i = 0; i < 3; i++) latest.push(await writeEvent(["checkout failed", "login failed", "search slow"][i]!, Math.floor(Date.now() / 1000) - 60 + i));
    evicted += (await retention.run()).evictedByCap;
    db.pragma("wal_checkpoint(TRUNCATE)");

    // stored events within the cap (eviction goes down to 90% of it); every issue thinned to the same level
    expect(await store.storedEventCount(projectId)).toBeLessThanOrEqual(10_000);
    const stored = await store.issueStoredCounts(projectId);
    expect(stored.map((s) => s.storedEvents).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(8_990);
    for (const s of stored) expect(s.storedEvents).toBeGreaterThan(3_000);
    expect(evicted + (await store.storedEventCount(projectId))).toBe(1_000_003);
    // counters exact: 1,000,000 events in all, hourly buckets add up to the issue counts
    const counts = await Promise.all(issues.map(async (id) => (await store.getIssue(id))!.eventCount));
    expect(counts).toEqual([1 + 700_000 + 1, 1 + 199_998 + 1, 2 + 99_998 + 1]);
    expect(counts.reduce((a, b) => a + b)).toBe(1_000_000 + 3 /* the latest */);
    for (const id of issues) {
      const hourly = await store.hourlyCounts([id], 0);
      expect(hourly.reduce((n, h) => n + h.count, 0)).toBe((await store.getIssue(id))!.eventCount);
    }
    // first, regression and latest events still there
    for (const ev of [...firsts, regression, ...latest]) expect(await store.getEvent(projectId, ev.eventId)).toBeDefined();
    // the file shrank back (incremental vacuum): ~9k small events, not the 110k of a round
    const finalBytes = _dbBytes(dir);
    expect(finalBytes).toBeLessThan(peakBytes / 3);
    expect(finalBytes).toBeLessThan(12 * 1024 * 1024);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  }, 120_000);

  it("deletes events past the maximum age but keeps each issue's first event (the store's own queries, as on PostgreSQL)", async () => {
    const old = await writeEvent("aged out", base - 30 * DAY);
    const older = await writeEvent("aged out", base - 29 * DAY);
    const recent = await writeEvent("aged out", Math.floor(Date.now() / 1000) - 3600);
    const result = await runner({ maxStoredEvents: 0, maxEventAgeDays: 30 }).run();
    expect(result.evictedByAge).toBeGreaterThan(0);
    expect(await store.getEvent(projectId, old.eventId)).toBeDefined(); // the issue's first event
    expect(await store.getEvent(projectId, older.eventId)).toBeUndefined();
    expect(await store.getEvent(projectId, recent.eventId)).toBeDefined();
    expect((await store.getIssue(await issueOf(old.eventId)))!.eventCount).toBe(3);
  });
});

function _dbBytes(dir: string): number {
  const size = (f: string) => {
    try {
      return statSync(join(dir, f)).size;
    } catch {
      return 0;
    }
  };
  return size(DB_FILENAME) + size(DB_FILENAME + "-wal");
}
