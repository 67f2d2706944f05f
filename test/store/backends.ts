import { afterEach, beforeEach } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../../src/store/sqlite/db.ts";
import type { SqliteDatabase } from "../../src/store/sqlite/sqlite-binding.ts";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { Clock } from "../../src/clock.ts";
import type { Store } from "../../src/store/types.ts";
import { createPostgresBackend } from "./postgres-backend.ts";

/**
 * The store backends the conformance suite (test/store/*.test.ts) runs against. Each test gets a
 * fresh database; `open()` may be called again for a second connection to the same database,
 * which stands for another LightTrace node (or process) writing at the same time.
 * PostgreSQL (test/store/postgres-backend.ts) runs on the tests' private server, one database per test.
 */
export interface StoreBackend {
  name: string;
  create(): Promise<TestDatabase>;
}

/** What a store enforces on write, as the server configures it (both backends take the same), and its clock. */
export interface StoreLimits {
  maxStoredTraceSpans?: number;
  maxTraceAgeDays?: number;
  /** the times the store sets itself (creation and edit times); the system clock when absent */
  clock?: Clock;
}

export interface TestDatabase {
  /** a new connection to this database, as a Store (with the server's defaults unless `limits` says otherwise) */
  open(limits?: StoreLimits): Promise<Store>;
  /** makes every further write through `store` fail for lack of space (the real error of a full disk), until `freeStorage` */
  exhaustStorage(store: Store): Promise<void>;
  freeStorage(store: Store): Promise<void>;
  /** closes every store opened and removes the database */
  destroy(): Promise<void>;
}

/**
 * A fresh database of `backend` for every test of the enclosing describe, handed to `onCreated`
 * (which opens the stores it needs) and destroyed after the test, failed or not.
 */
export function freshDatabasePerTest(backend: StoreBackend, onCreated: (database: TestDatabase) => Promise<void>): void {
  let database: TestDatabase | undefined;
  beforeEach(async () => {
    database = await backend.create();
    await onCreated(database);
  });
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });
}

const sqlite: StoreBackend = {
  name: "sqlite",
  async create() {
    const dir = mkdtempSync(join(tmpdir(), "lighttrace-conformance-"));
    const opened = new Map<Store, SqliteDatabase>();
    return {
      async open(limits = {}) {
        const db = openDb(dir, { synchronous: "normal" });
        const store = createSqliteStore(db, limits);
        opened.set(store, db);
        return store;
      },
      // the file may not grow (max_page_count), and its free space is filled: SQLite answers
      // SQLITE_FULL to the next write that needs a page, as on a full disk
      async exhaustStorage(store) {
        const db = opened.get(store)!;
        db.exec("CREATE TABLE IF NOT EXISTS conformance_filler (data BLOB)");
        db.pragma(`max_page_count = ${Number(db.pragma("page_count", { simple: true })) + 1}`);
        const fill = db.prepare("INSERT INTO conformance_filler (data) VALUES (zeroblob(?))");
        for (const size of [65_536, 4_096, 512, 64, 1]) {
          try {
            for (;;) fill.run(size);
          } catch (err) {
            if ((err as { code?: string }).code !== "SQLITE_FULL") throw err;
          }
        }
      },
      async freeStorage(store) {
        const db = opened.get(store)!;
        db.pragma("max_page_count = 4294967294");
        db.exec("DROP TABLE conformance_filler");
      },
      async destroy() {
        for (const store of opened.keys()) await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const STORE_BACKENDS: StoreBackend[] = [sqlite, createPostgresBackend()];
