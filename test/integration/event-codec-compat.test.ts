import { join } from "node:path";
import { brotliCompressSync, constants, zstdDecompressSync } from "node:zlib";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isZstdFrame } from "../../src/store/event-codec.ts";
import { DB_FILENAME } from "../../src/store/sqlite/db.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("writes rows of earlier versions into the SQLite file");

/** The payload encoder of the versions before zstd (brotli quality 1, window 18). */
const oldEncode = (json: string) => brotliCompressSync(json, { params: {
  [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18,
  [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
} });

describe("stored payloads of every version read back", () => {
  let t: TestServer;
  let db: Database.Database;
  beforeAll(async () => {
    t = await startTestServer();
    db = new Database(join(t.dataDir, DB_FILENAME));
  });
  afterAll(async () => {
    db.close();
    await t.close();
  });

  const send = async (value: string) => {
    const ev = errorEvent({ exception: { values: [{ type: "CodecTest", value }] } });
    const res = await fetch(`${t.localUrl}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    return ev.event_id as string;
  };
  const readApi = async (eventId: string) => {
    const slug = (await t.server.store.getProject(t.projectId))!.slug;
    const res = await t.api(`/api/0/projects/lighttrace/${slug}/events/${eventId}/`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it("new rows are zstd; rows an earlier version stored as brotli, and plain JSON rows, read the same through the API", async () => {
    const ids = [await send("zstd row"), await send("brotli row"), await send("text row")];
    const rowData = db.prepare("SELECT data FROM events WHERE event_id = ?").pluck();
    const stored = ids.map((id) => rowData.get(id) as Buffer);
    for (const data of stored) expect(isZstdFrame(data)).toBe(true);
    const before = await Promise.all(ids.map(readApi));
    // what an older database holds: the same events, stored by the earlier codec or as text
    const setData = db.prepare("UPDATE events SET data = ? WHERE event_id = ?");
    setData.run(oldEncode(zstdDecompressSync(stored[1]!).toString("utf8")), ids[1]);
    setData.run(zstdDecompressSync(stored[2]!).toString("utf8"), ids[2]);
    expect(isZstdFrame(rowData.get(ids[1]) as Buffer)).toBe(false);
    expect(typeof rowData.get(ids[2])).toBe("string");
    const after = await Promise.all(ids.map(readApi));
    expect(after).toEqual(before);
    expect(after[1].entries.find((e: { type: string }) => e.type === "exception").data.values[0].value).toBe("brotli row");
  });
});
