import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/sqlite/db.ts";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { IngestQueue, QueueFullError } from "../../src/process/ingest-queue.ts";
import { BatchCommitter } from "../../src/process/commit-batch.ts";
import { createProject } from "../../src/projects/create-project.ts";
import { normalizeEvent } from "../../src/events/normalize.ts";
import { prepareEvent } from "../../src/process/prepare-event.ts";
import { DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { silentLogger } from "../../src/logger.ts";
import type { IngestJob } from "../../src/process/types.ts";
import { errorEvent } from "../_helpers/envelopes.ts";
import { tempDir, track } from "../_helpers/harness.ts";

describe("IngestQueue (group commit) on a real database", () => {
  /** A fresh database per test, closed and removed when the test ends. */
  const setup = async (limits: { maxQueuedEvents: number; maxQueuedBytes: number }, wait: { moreComing?: () => boolean; maxCommitWaitMs?: number } = {}) => {
    const dir = tempDir("lighttrace-queue-");
    const store = track(createSqliteStore(openDb(dir, { synchronous: "normal" })));
    const org = await store.ensureOrganization("o", "O");
    const { project } = await createProject(store, { slug: "p", name: "p", platform: null, organizationId: org.id });
    const batches: number[] = [];
    const queue = new IngestQueue(store, { ...limits, maxBatchSize: 100, logger: silentLogger, committer: new BatchCommitter({ store }), onCommitted: (o) => batches.push(o.length), ...wait });
    const job = (): IngestJob => ({
      projectId: project.id,
      events: [prepareEvent(normalizeEvent(errorEvent(), { receivedAtMs: Date.now(), newEventId: () => "0".repeat(32) }), DEFAULT_GROUPING_CONFIG)],
      itemCounts: new Map(),
      receivedAtMs: Date.now(),
    });
    return { store, queue, job, batches };
  };

  it("commits jobs submitted together in one batch and answers each", async () => {
    const { store, queue, job, batches } = await setup({ maxQueuedEvents: 100, maxQueuedBytes: 1 << 20 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => queue.submit(job())));
    expect(outcomes.flat().filter((o) => o.isNewIssue)).toHaveLength(1);
    expect(outcomes.flat().every((o) => o.issueId === outcomes[0]![0]!.issueId && !o.isDuplicate)).toBe(true);
    expect(batches).toEqual([10]);
    expect((await store.getIssue(outcomes[0]![0]!.issueId))!.eventCount).toBe(10);
    await queue.drain();
    await store.close();
  });

  it("refuses work beyond its bounds instead of growing memory", async () => {
    const { store, queue, job } = await setup({ maxQueuedEvents: 2, maxQueuedBytes: 1 << 20 });
    const accepted = [queue.submit(job()), queue.submit(job())];
    await expect(queue.submit(job())).rejects.toBeInstanceOf(QueueFullError);
    expect((await Promise.all(accepted)).flat()).toHaveLength(2);
    await expect(queue.submit(job())).resolves.toHaveLength(1);
    await store.close();
  });

  it("drain waits for jobs still being encoded", async () => {
    const { store, queue, job } = await setup({ maxQueuedEvents: 100, maxQueuedBytes: 1 << 20 });
    const pending = queue.submit(job());
    await queue.drain();
    expect(queue.depth).toBe(0);
    await pending;
    await store.close();
  });

  it("waits for jobs still on their way and commits them with the first; goes once nothing more is coming", async () => {
    let onTheirWay = 2;
    const { store, queue, job, batches } = await setup({ maxQueuedEvents: 100, maxQueuedBytes: 1 << 20 }, { moreComing: () => onTheirWay > 0, maxCommitWaitMs: 60_000 });
    const submitted = [queue.submit(job())];
    await new Promise((r) => setTimeout(r, 5));
    onTheirWay--;
    submitted.push(queue.submit(job()));
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([]); // still waiting: one more is on its way
    onTheirWay--;
    submitted.push(queue.submit(job())); // the last one: the batch goes at once, not after the minute
    expect((await Promise.all(submitted)).flat()).toHaveLength(3);
    expect(batches).toEqual([3]);
    await store.close();
  });

  it("waits no longer than maxCommitWaitMs, and not at all once a batch is full", async () => {
    const { store, queue, job, batches } = await setup({ maxQueuedEvents: 200, maxQueuedBytes: 1 << 20 }, { moreComing: () => true, maxCommitWaitMs: 5 });
    expect(await queue.submit(job())).toHaveLength(1);
    expect(batches).toEqual([1]);
    // a full batch (maxBatchSize 100) goes without waiting, the rest waits its few ms
    const full = Array.from({ length: 101 }, () => queue.submit(job()));
    expect((await Promise.all(full)).flat()).toHaveLength(101);
    expect(batches).toEqual([1, 100, 1]);
    await store.close();
  });
});
