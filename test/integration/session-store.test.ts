import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../src/store/sqlite/db.ts";
import { createSessionQueries, createSessionWriter } from "../../src/store/sqlite/sessions.ts";
import type { SessionUpdate } from "../../src/sessions/parse.ts";

/** The session store on a real SQLite file: user marks over windows, and what pruning forgets. */
describe("session store", () => {
  const dir = mkdtempSync(join(tmpdir(), "lighttrace-sessions-"));
  const db = openDb(dir, { synchronous: "normal" });
  db.prepare("INSERT INTO organizations (slug, name, created_at) VALUES ('o', 'o', 0)").run();
  db.prepare("INSERT INTO projects (organization_id, slug, name, created_at) VALUES (1, 'p', 'p', 0)").run();
  const write = createSessionWriter(db);
  const read = createSessionQueries(db);
  const tx = db.transaction((updates: SessionUpdate[], nowMs: number) => write(1, updates, [], nowMs));
  const update = (sid: string, did: string, startedMs: number, status: SessionUpdate["status"] = "exited"): SessionUpdate => ({
    sid, did, init: true, seq: 0, started: startedMs / 1000, timestamp: startedMs / 1000, status, errors: status === "crashed" ? 1 : 0,
    release: "app@1.0.0", environment: "production",
  });
  const H = 3_600_000;
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts a user once per window by their latest session, crashed by their latest crash", () => {
    const t0 = Math.floor(Date.now() / H) * H - 100 * H;
    tx([update("a", "u1", t0, "crashed"), update("b", "u1", t0 + 50 * H), update("c", "u2", t0 + 50 * H)], t0 + 50 * H);
    const since = (h: number) => read.sessionHealth([1], Math.floor((t0 + h * H) / H))[0]!;
    // from t0: u1 and u2, u1 crashed; from t0 + 1 h: the crash is outside, both users still in
    expect(since(0)).toMatchObject({ sessions: 3, crashed: 1, users: 2, crashedUsers: 1 });
    expect(since(1)).toMatchObject({ sessions: 2, crashed: 0, users: 2, crashedUsers: 0 });
  });

  it("forgets users whose latest session is older than the longest window, keeping the counts", () => {
    const count = () => db.prepare("SELECT count(*) FROM session_users").pluck().get();
    expect(count()).toBe(2);
    const later = Math.floor(Date.now() / H) * H + 92 * 24 * H;
    tx([update("d", "u3", later)], later);
    expect(count()).toBe(1);
    expect(read.sessionHealth([1], 0)[0]).toMatchObject({ sessions: 4, users: 3 });
  });
});
