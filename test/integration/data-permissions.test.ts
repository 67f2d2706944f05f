import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { systemClock } from "../../src/clock.ts";
import { startServer, type RunningServer } from "../../src/lighttrace.ts";
import { runCli } from "../_helpers/child-server.ts";

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/**
 * The data directory holds every event: other local users must not read it. The directory is
 * 0700 and the database with its -wal and -shm files 0600, whether LightTrace creates them or finds
 * them more open (an install from before this rule).
 */
describe("data directory permissions", () => {
  let root: string;
  let server: RunningServer | undefined;
  const start = async (dataDir: string) => {
    const errors: string[] = [];
    server = await startServer(loadConfig({}, { port: 0, dataDir }), { logger: createLogger("warn", (l) => errors.push(l)), clock: systemClock });
    const key = server.bootstrap.firstProject?.key.publicKey;
    if (key) {
      const res = await fetch(`${server.url}/api/${server.bootstrap.firstProject!.project.id}/store/?sentry_key=${key}`, { method: "POST", body: '{"message":"private"}' });
      expect(res.status).toBe(200);
    }
    return errors;
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "lighttrace-perms-"));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("creates the directory 0700 and the database, -wal and -shm 0600", async () => {
    const dataDir = join(root, "fresh", "data");
    const errors = await start(dataDir);
    expect(mode(dataDir)).toBe("700");
    for (const file of ["lighttrace.db", "lighttrace.db-wal", "lighttrace.db-shm"]) expect(mode(join(dataDir, file)), file).toBe("600");
    await server!.close();
    server = undefined;
    expect(errors).toEqual([]);
  });

  it("tightens a directory and database files it finds readable by others", async () => {
    const dataDir = join(root, "old");
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    for (const file of ["lighttrace.db", "lighttrace.db-wal", "lighttrace.db-shm"]) {
      if (!existsSync(join(dataDir, file))) writeFileSync(join(dataDir, file), "");
      chmodSync(join(dataDir, file), 0o644);
    }
    const errors = await start(dataDir);
    expect(mode(dataDir)).toBe("700");
    for (const file of ["lighttrace.db", "lighttrace.db-wal", "lighttrace.db-shm"]) expect(mode(join(dataDir, file)), file).toBe("600");
    await server!.close();
    server = undefined;
    expect(errors).toEqual([]);
  });

  it("writes backups 0600", async () => {
    const dataDir = join(root, "fresh", "data");
    const target = join(root, "backup.db");
    const run = await runCli(["backup", target, "--data", dataDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(mode(target)).toBe("600");
  });
});
