/**
 * bench:ingest-stages — where an ingested event's CPU goes, stage by stage, in one process: the
 * bench:ingest bodies (scripts/bench-envelopes.mjs) through what an ingest worker runs
 * (src/ingest/workers/process-body.ts, whole and stage by stage) and through what the main thread
 * runs per batch (planning + the SQLite write of src/process/commit-batch.ts, batches of 32 jobs as
 * bench:ingest's 32 connections make them). Thread CPU µs per event, median of the rounds; on a
 * machine shared with other work thread CPU is the steadier figure.
 * Also the WAL the measured commits wrote per event (--wal-tables: by table and index).
 * Usage: node scripts/bench-ingest-stages.ts [--rounds 5] [--events 2000] [--batch 32] [--only worker|commit] [--wal-tables]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
// @ts-expect-error a plain .mjs module without types
import { buildEnvelopes, eventIdSource, fillBody } from "./bench-envelopes.mjs";
import { processBody } from "../src/ingest/workers/process-body.ts";
import type { BodySpec } from "../src/ingest/workers/protocol.ts";
import { toIngestJob } from "../src/ingest/workers/request-job.ts";
import type { ProjectConfigSnapshot } from "../src/process/project-config.ts";
import { EnvelopeParser } from "../src/ingest/envelope.ts";
import { normalizeEvent } from "../src/events/normalize.ts";
import { tooDeeplyNestedField } from "../src/events/nesting.ts";
import { prepareEvent } from "../src/process/prepare-event.ts";
import { encodeEventData } from "../src/store/event-codec.ts";
import { DEFAULT_GROUPING_CONFIG } from "../src/grouping/mechanisms.ts";
import { openDb } from "../src/store/sqlite/db.ts";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { createProject } from "../src/projects/create-project.ts";
import { BatchCommitter } from "../src/process/commit-batch.ts";
import { AlertDecider } from "../src/process/decide-alerts.ts";
import type { IngestJob } from "../src/process/types.ts";
import { DEFAULT_SENSITIVE_FIELDS, scrubEvent } from "../src/events/scrub.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" }, events: { type: "string", default: "2000" }, batch: { type: "string", default: "32" }, only: { type: "string" },
    "wal-tables": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(opts.rounds);
const EVENTS = Number(opts.events);
const BATCH = Number(opts.batch);
const nextId = eventIdSource();
const envelopes: unknown[] = buildEnvelopes(EVENTS, 120, "0123456789abcdef0123456789abcdef");
const config: ProjectConfigSnapshot = { grouping: DEFAULT_GROUPING_CONFIG, hasSourceMaps: false, scrub: { sensitiveFields: DEFAULT_SENSITIVE_FIELDS } };
const spec = (projectId: number): BodySpec => ({
  endpoint: "envelope", encoding: "", maxCompressedBytes: 20 << 20, maxDecompressedBytes: 100 << 20, maxEventBytes: 1 << 20, maxEnvelopeItemBytes: 20 << 20,
  projectId, receivedAtMs: Date.now(), awaitHeaderAuth: false,
});
const bodies = (): Buffer[] => envelopes.map((e) => fillBody(e, nextId()) as Buffer);
const cpuUs = () => { const u = process.threadCpuUsage(); return u.user + u.system; };
console.log(`bench:ingest-stages — ${EVENTS} bench:ingest bodies, ${ROUNDS} rounds, batches of ${BATCH}; load average ${_load()}`);

const results = new Map<string, number[]>();
const walKb: number[] = [];
const record = (name: string, us: number) => { const r = results.get(name) ?? []; r.push(us / EVENTS); results.set(name, r); };

for (let round = 0; round < ROUNDS; round++) {
  if (opts.only !== "commit") await _workerStages();
  if (opts.only !== "worker") await _commitStages();
}
console.log("stage                                   µs/event (median; min)");
for (const [name, r] of results) {
  const s = [...r].sort((a, b) => a - b);
  console.log(`  ${name.padEnd(38)} ${s[s.length >> 1]!.toFixed(1).padStart(8)}  (${s[0]!.toFixed(1)})`);
}
if (walKb.length) console.log(`WAL written by the measured commits: ${walKb.map((k) => k.toFixed(1)).join(" / ")} KB per event`);
console.log(`load average after: ${_load()}`);


// --- Internal ---

async function _workerStages(): Promise<void> {
  let input = bodies();
  let t = cpuUs();
  for (const b of input) await processBody(spec(1), config, _once(b));
  record("worker: processBody (all stages)", cpuUs() - t);

  input = bodies();
  t = cpuUs();
  const payloads = input.map((b) => {
    const p = new EnvelopeParser(() => 1 << 20, { maxKeptBytes: 20 << 20 });
    p.push(b);
    return p.end().items[0]!.payload!;
  });
  record("  envelope split", cpuUs() - t);
  t = cpuUs();
  const texts = payloads.map((p) => p.toString("utf8"));
  record("  utf8 decode", cpuUs() - t);
  t = cpuUs();
  const raws = texts.map((s) => JSON.parse(s) as unknown);
  record("  JSON.parse", cpuUs() - t);
  t = cpuUs();
  for (const r of raws) tooDeeplyNestedField(r);
  record("  nesting check", cpuUs() - t);
  t = cpuUs();
  const events = raws.map((r) => normalizeEvent(r, { receivedAtMs: Date.now(), newEventId: () => randomUUID().replace(/-/g, "") }));
  record("  normalizeEvent", cpuUs() - t);
  t = cpuUs();
  const scrubbed = events.map((e) => scrubEvent(e, config.scrub!));
  record("  scrubEvent", cpuUs() - t);
  t = cpuUs();
  const prepared = scrubbed.map((e) => prepareEvent(e, config.grouping));
  record("  prepareEvent", cpuUs() - t);
  t = cpuUs();
  for (const p of prepared) encodeEventData(p.payload);
  record("  encodeEventData", cpuUs() - t);
}

async function _commitStages(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lighttrace-stages-"));
  const db = openDb(dir, { synchronous: "normal" });
  try {
    const store = createSqliteStore(db, { maxStoredTraceSpans: 100_000 });
    const org = await store.ensureOrganization("bench", "Bench");
    const { project } = await createProject(store, { slug: "bench", name: "Bench", platform: null, organizationId: org.id });
    const jobs = async () => {
      const out: IngestJob[] = [];
      for (const b of bodies()) out.push(await toIngestJob(await processBody(spec(project.id), config, _once(b)), undefined));
      return out;
    };
    const committer = new BatchCommitter({ store, alerts: new AlertDecider(store) });
    const commitAll = async (all: IngestJob[]) => { for (let i = 0; i < all.length; i += BATCH) await committer.commit(all.slice(i, i + BATCH)); };
    // the first pass opens the issues and meets every tag value; measured is the steady state after it
    await commitAll(await jobs());
    // checkpoints by hand, so the WAL holds exactly what the measured commits wrote
    db.pragma("wal_autocheckpoint = 0");
    db.pragma("wal_checkpoint(TRUNCATE)");
    const again = await jobs();
    const t = cpuUs();
    await commitAll(again);
    record("main: commit (plan + SQLite write)", cpuUs() - t);
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const wal = readFileSync(join(dir, "lighttrace.db-wal"));
    const frames = (wal.length - 32) / (pageSize + 24);
    walKb.push((frames * pageSize) / 1024 / EVENTS);
    if (opts["wal-tables"]) {
      // which table or index each WAL frame's page belongs to
      const owner = new Map((db.prepare("SELECT pageno, name FROM dbstat").all() as { pageno: number; name: string }[]).map((r) => [r.pageno, r.name]));
      const counts = new Map<string, number>();
      for (let off = 32; off + pageSize + 24 <= wal.length; off += pageSize + 24) {
        const name = owner.get(wal.readUInt32BE(off)) ?? "(freed or new)";
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      console.log(`WAL KB per event by table: ${[...counts].sort((x, y) => y[1] - x[1]).map(([n, c]) => `${n} ${((c * pageSize) / 1024 / EVENTS).toFixed(2)}`).join(", ")}`);
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* _once(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

function _load(): string {
  return (process.getBuiltinModule("node:os").loadavg() as number[]).map((n) => n.toFixed(2)).join(" ");
}
