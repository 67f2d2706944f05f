import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { bombPassed, selftestBombs } from "../../src/cli/selftest.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { runCli, startChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("lighttrace backup copies the SQLite file (PostgreSQL: pg_dump)");

describe("selftest bomb", () => {
  it("answers gzip, deflate and br bombs with 413 and flat memory", async () => {
    // 256 MiB each here (2.5x the decompressed cap) to keep CI short; `lighttrace selftest bomb` sends 1 GiB
    const results = await selftestBombs({ decompressedBytes: 256 * 1024 * 1024 });
    expect(results.map((r) => r.encoding)).toEqual(["gzip", "deflate", "br"]);
    for (const r of results) {
      expect(r.status, r.encoding).toBe(413);
      expect(r.detail).toContain("decompressed body exceeds the limit");
      expect(bombPassed(r), `${r.encoding}: RSS grew ${r.rssGrowthBytes} bytes`).toBe(true);
    }
  }, 60_000);
});

describe("lighttrace backup", () => {
  it("copies the database while the server ingests, and the copy is consistent", async () => {
    const dataDir = tempDir("lighttrace-backup-");
    const server = await startChildServer(dataDir);
    const projects = JSON.parse((await runCli(["projects", "list", "--data", dataDir, "--json"])).stdout);
    const dsn = new URL(projects[0].dsn);
    const url = `${server.url}/api/${dsn.pathname.slice(1)}/envelope/?sentry_key=${dsn.username}`;
    let acknowledged = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const res = await fetch(url, { method: "POST", body: new Uint8Array(eventEnvelope(errorEvent())) });
        if (res.status === 200) acknowledged++;
        await res.arrayBuffer();
      }
    };
    const senders = [sender(), sender(), sender(), sender()];
    while (acknowledged < 200) await new Promise((r) => setTimeout(r, 10));
    const before = acknowledged;
    const file = join(dataDir, "backup.db");
    const run = await runCli(["backup", file, "--data", dataDir, "--json"]);
    stop = true;
    await Promise.all(senders);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.integrity).toBe("ok");
    expect(report.events).toBeGreaterThanOrEqual(before);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    const events = Number(copy.prepare("SELECT count(*) FROM events").pluck().get());
    const counted = Number(copy.prepare("SELECT sum(event_count) FROM issues").pluck().get());
    copy.close();
    expect(events).toBe(report.events);
    // the copy is one snapshot: stored events and issue counters agree
    expect(counted).toBe(events);
    // an existing file is never overwritten
    const again = await runCli(["backup", file, "--data", dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  }, 60_000);
});
