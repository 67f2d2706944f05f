import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { parsePostgresUrl } from "../../src/store/postgres/connection.ts";
import { openPgStore } from "../../src/store/postgres/pg-store.ts";
import type { Store } from "../../src/store/types.ts";
import { createTestDatabase } from "../_helpers/postgres.ts";
import type { StoreBackend } from "./backends.ts";

/**
 * The PostgreSQL conformance backend: each test gets a fresh database on the tests' private server
 * (test/_helpers/postgres.ts); every `open()` is another pool, i.e. another node.
 *
 * A full disk is a real one: the `events` table moves to a tablespace on a small tmpfs, which a
 * file then fills, so PostgreSQL's next extension of it fails with ENOSPC (53100 disk_full). That
 * needs root (mount); without it `exhaustStorage` fails and says so, it never pretends.
 */
export function createPostgresBackend(): StoreBackend {
  return {
    name: "postgres",
    async create() {
      const database = await createTestDatabase();
      const opened: Store[] = [];
      let full: { dir: string; tablespace: string; filler: string } | undefined;
      const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
        const client = new pg.Client(parsePostgresUrl(database.url));
        await client.connect();
        try {
          return await work(client);
        } finally {
          await client.end();
        }
      };
      return {
        async open(limits = {}) {
          const store = await openPgStore(database.url, { maxConnections: 4, ...limits });
          opened.push(store);
          return store;
        },
        async exhaustStorage() {
          const dir = mkdtempSync(join(tmpdir(), "lighttrace-pgfull-"));
          try {
            execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m,uid=65534,gid=65534,mode=0700", "tmpfs", dir], { stdio: "pipe" });
          } catch (err) {
            rmdirSync(dir);
            throw new Error(`a real full disk for PostgreSQL needs a small tmpfs (run the tests as root): ${(err as Error).message}`);
          }
          const tablespace = `lt_full_${randomBytes(4).toString("hex")}`;
          await admin(async (c) => {
            await c.query(`CREATE TABLESPACE ${tablespace} LOCATION '${dir}'`);
            await c.query(`ALTER TABLE events SET TABLESPACE ${tablespace}`);
          });
          const filler = join(dir, "filler");
          _fill(filler);
          full = { dir, tablespace, filler };
        },
        async freeStorage() {
          if (full) unlinkSync(full.filler);
        },
        async destroy() {
          for (const store of opened) await store.close();
          await database.drop();
          if (full) {
            await _dropTablespace(database.url, full.tablespace);
            execFileSync("umount", [full.dir], { stdio: "pipe" });
            rmSync(full.dir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

// --- Internal ---

/** Writes zeros until the file system refuses (ENOSPC). */
function _fill(file: string): void {
  const fd = openSync(file, "w");
  try {
    for (const size of [1 << 16, 1 << 12, 512]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The tablespace outlives the test database: drop it through the server's maintenance database. */
async function _dropTablespace(url: string, tablespace: string): Promise<void> {
  const config = parsePostgresUrl(url);
  const client = new pg.Client({ ...config, database: "postgres" });
  await client.connect();
  try {
    await client.query(`DROP TABLESPACE IF EXISTS ${tablespace}`);
  } finally {
    await client.end();
  }
}
