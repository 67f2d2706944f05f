import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";
import { createPgPool, parsePostgresUrl } from "../../src/store/postgres/connection.ts";
import { migratePostgres } from "../../src/store/postgres/migrate.ts";
import { startPostgresCluster } from "./postgres-cluster.ts";

/**
 * The tests' PostgreSQL. As vitest `globalSetup` this file only makes a coordination directory;
 * the server starts when a test first asks for a database (`createTestDatabase`), so runs that
 * never touch PostgreSQL pay nothing. The first worker to ask takes a lock (mkdir), starts a
 * private server (test/_helpers/postgres-cluster.ts: initdb as `nobody`, Unix socket only, fsync
 * off) and migrates a template database; every test database is then a copy of that template.
 * Teardown stops the server and removes everything, also after failures.
 *
 * `LIGHTTRACE_TEST_DATABASE_URL` (a URL of any database on a server where its user may create
 * databases) uses that server instead: the template and test databases are made there and dropped.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const coordination = mkdtempSync(join(tmpdir(), "lighttrace-pgtest-"));
  chmodSync(coordination, 0o755);
  project.provide("lighttracePostgres", { coordination, externalUrl: process.env.LIGHTTRACE_TEST_DATABASE_URL ?? "" });
  return async () => {
    const ready = _readReady(coordination);
    try {
      if (ready?.external) {
        const admin = new pg.Client(parsePostgresUrl(ready.adminUrl));
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${_quote(ready.template)} WITH (FORCE)`).finally(() => admin.end());
      } else if (existsSync(join(coordination, "lock"))) {
        // a starter that died half-way leaves a server without ready.json: stop whatever is there
        await _stopServer(join(coordination, "cluster"));
      }
    } finally {
      rmSync(coordination, { recursive: true, force: true });
    }
  };
}

/** A fresh, migrated database for one test file or test (dropped by `drop`). */
export interface TestPostgresDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a migrated database from the run's template (starting the server on first use). */
export async function createTestDatabase(): Promise<TestPostgresDatabase> {
  const server = await _server();
  const name = `lt_${process.pid}_${++_counter}_${randomBytes(3).toString("hex")}`;
  await server.admin.query(`CREATE DATABASE ${_quote(name)} TEMPLATE ${_quote(server.ready.template)}`);
  const url = server.ready.urlOf(name);
  return {
    url,
    name,
    drop: () => _dropDatabase(server.admin, name),
  };
}

/** The socket directory of the run's private server (undefined with LIGHTTRACE_TEST_DATABASE_URL). */
export async function testPostgresSocketDir(): Promise<string | undefined> {
  const server = await _server();
  return server.ready.external ? undefined : join(server.ready.coordination, "cluster");
}

declare module "vitest" {
  export interface ProvidedContext {
    lighttracePostgres: { coordination: string; externalUrl: string };
  }
}

// --- Internal ---

interface _Ready { external: boolean; adminUrl: string; template: string; coordination: string }
interface _Server { ready: _Ready & { urlOf(name: string): string }; admin: pg.Pool }

let _counter = 0;
let _serverPromise: Promise<_Server> | undefined;

function _server(): Promise<_Server> {
  return (_serverPromise ??= (async () => {
    const { coordination, externalUrl } = inject("lighttracePostgres");
    const ready = await _startOrWait(coordination, externalUrl);
    const admin = createPgPool(parsePostgresUrl(ready.adminUrl), { maxConnections: 2, applicationName: "lighttrace-tests" });
    admin.on("error", () => undefined);
    return { ready: { ...ready, urlOf: (name) => _withDatabase(ready.adminUrl, name) }, admin };
  })());
}

/** The first worker starts the server and writes ready.json; the others wait for it. */
async function _startOrWait(coordination: string, externalUrl: string): Promise<_Ready> {
  try {
    mkdirSync(join(coordination, "lock"));
  } catch {
    return _waitReady(coordination);
  }
  try {
    let adminUrl = externalUrl;
    if (!externalUrl) {
      const cluster = await startPostgresCluster({ dir: join(coordination, "cluster") });
      adminUrl = cluster.url("postgres");
    }
    const template = `lt_template_${randomBytes(4).toString("hex")}`;
    await _createTemplate(adminUrl, template);
    const ready: _Ready = { external: Boolean(externalUrl), adminUrl, template, coordination };
    writeFileSync(join(coordination, "ready.tmp"), JSON.stringify(ready));
    renameSync(join(coordination, "ready.tmp"), join(coordination, "ready.json"));
    return ready;
  } catch (err) {
    writeFileSync(join(coordination, "failed.txt"), (err as Error).message);
    throw err;
  }
}

/**
 * Drops a test database once its connections are gone. Closed pools' backends may take a moment
 * to exit; forcing them out at once would make their clients report a late FATAL error, so FORCE
 * is the last resort for a connection a test left open.
 */
async function _dropDatabase(admin: pg.Pool, name: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${_quote(name)}`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "55006") throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await admin.query(`DROP DATABASE IF EXISTS ${_quote(name)} WITH (FORCE)`);
}

async function _createTemplate(adminUrl: string, template: string): Promise<void> {
  const admin = new pg.Client(parsePostgresUrl(adminUrl));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${_quote(template)}`);
  } finally {
    await admin.end();
  }
  const pool = createPgPool(parsePostgresUrl(_withDatabase(adminUrl, template)), { maxConnections: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
}

async function _waitReady(coordination: string): Promise<_Ready> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ready = _readReady(coordination);
    if (ready) return ready;
    if (existsSync(join(coordination, "failed.txt"))) throw new Error(readFileSync(join(coordination, "failed.txt"), "utf8"));
    if (Date.now() > deadline) throw new Error("the test PostgreSQL server did not start within 180 s (another worker was starting it)");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function _readReady(coordination: string): _Ready | undefined {
  const file = join(coordination, "ready.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as _Ready) : undefined;
}

async function _stopServer(clusterDir: string): Promise<void> {
  if (!existsSync(join(clusterDir, "data"))) return;
  const { execFile } = await import("node:child_process");
  const { findPostgresBinDir } = await import("./postgres-cluster.ts");
  const binDir = await findPostgresBinDir();
  if (!binDir) return;
  const asRoot = process.getuid?.() === 0;
  const pgCtl = join(binDir, "pg_ctl");
  const args = ["-D", join(clusterDir, "data"), "-m", "fast", "-w", "-t", "60", "stop"];
  await new Promise<void>((resolve) => execFile(asRoot ? "runuser" : pgCtl, asRoot ? ["-u", "nobody", "--", pgCtl, ...args] : args, () => resolve()));
}

/** The admin URL with another database name (the path of the URL). */
function _withDatabase(url: string, name: string): string {
  const u = new URL(url.replace(/^postgres(ql)?:\/\/([^/]*)@\//, "postgres://$2@placeholder/"));
  const onSocket = u.hostname === "placeholder";
  u.pathname = "/" + encodeURIComponent(name);
  const text = u.toString();
  return onSocket ? text.replace("@placeholder/", "@/") : text;
}

function _quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
