import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";
import { startTestServer } from "../_helpers/server.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("the modes of the SQLite file and its -wal/-shm");

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const DB_FILES = ["lighttrace.db", "lighttrace.db-wal", "lighttrace.db-shm"];

/** Serves `dataDir`, stores one event (so the WAL has been written) and stops. */
const serveOnce = async (dataDir: string) => {
  const t = await startTestServer({}, undefined, { dataDir });
  const res = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, { method: "POST", body: '{"message":"private"}' });
  expect(res.status).toBe(200);
  return t;
};

/**
 * The data directory holds every event: other local users must not read it. The directory is
 * 0700 and the database with its -wal and -shm files 0600, whether LightTrace creates them or finds
 * them more open (an install from before this rule).
 */
describe("data directory permissions", () => {
  it("creates the directory 0700 and the database, -wal and -shm 0600", async () => {
    const dataDir = join(tempDir("lighttrace-perms-"), "fresh", "data");
    await serveOnce(dataDir);
    expect(mode(dataDir)).toBe("700");
    for (const file of DB_FILES) expect(mode(join(dataDir, file)), file).toBe("600");
  });

  it("tightens a directory and database files it finds readable by others", async () => {
    const dataDir = join(tempDir("lighttrace-perms-"), "old");
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    for (const file of DB_FILES) {
      if (!existsSync(join(dataDir, file))) writeFileSync(join(dataDir, file), "");
      chmodSync(join(dataDir, file), 0o644);
    }
    await serveOnce(dataDir);
    expect(mode(dataDir)).toBe("700");
    for (const file of DB_FILES) expect(mode(join(dataDir, file)), file).toBe("600");
  });

  it("writes backups 0600", async () => {
    const root = tempDir("lighttrace-perms-");
    const dataDir = join(root, "data");
    await (await serveOnce(dataDir)).close();
    const target = join(root, "backup.db");
    const run = await runCli(["backup", target, "--data", dataDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(mode(target)).toBe("600");
  });
});
