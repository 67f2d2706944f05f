import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type ConfigKey } from "../../src/config.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { systemClock, type Clock } from "../../src/clock.ts";
import { startServer, type RunningServer } from "../../src/lighttrace.ts";
import { formatDsn } from "../../src/bootstrap.ts";
import { ADMIN_SCOPES, hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";
import type { Project, ProjectKey } from "../../src/store/types.ts";
import { ServerLog, track } from "./harness.ts";
import { databaseUrlFor, releaseDatabaseFor } from "./test-backend.ts";

export interface TestServer {
  server: RunningServer;
  /** the server's public URL (what DSNs and cookies are built from) */
  url: string;
  /** where the test reaches it directly: http://127.0.0.1:<port> (differs from `url` when a public URL is set) */
  localUrl: string;
  dataDir: string;
  /** DSN of the first project */
  dsn: string;
  projectId: number;
  publicKey: string;
  token: string;
  /** GET/PUT the API with the token; returns status, parsed JSON and headers */
  api(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }>;
  /** the WARN/ERROR lines the server logged (the harness fails a test on any it did not declare) */
  errors: string[];
  /** the running test expects a WARN/ERROR line matching `pattern`: it fails if none comes before it ends */
  expectLog(pattern: RegExp): void;
  /** lines matching `pattern` may come at any time while this server runs (background work provoked on purpose) */
  tolerateLog(pattern: RegExp): void;
  /** stops the server and removes its data directory (unless the test gave one); idempotent */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** serve this directory (the caller's: kept on close) instead of a fresh one */
  dataDir?: string;
}

/**
 * Starts the real server on 127.0.0.1 with a free port and a fresh data directory, plus an API
 * token. It is closed and its directory removed when the test (or, started in `beforeAll`, the
 * file) ends, whatever happened; a WARN/ERROR line the test did not declare fails it
 * (test/_helpers/harness.ts).
 */
export async function startTestServer(overrides: Partial<Record<ConfigKey, unknown>> = {}, clock: Clock = systemClock, options: TestServerOptions = {}): Promise<TestServer> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "lighttrace-test-"));
  const removeDataDir = async () => {
    if (!ownsDataDir) return;
    rmSync(dataDir, { recursive: true, force: true });
    await releaseDatabaseFor(dataDir);
  };
  const log = new ServerLog(`server ${dataDir}`);
  const logger: Logger = createLogger("warn", (line) => log.push(line));
  // LIGHTTRACE_TEST_BACKEND=postgres: the directory's own database (test/_helpers/test-backend.ts)
  const databaseUrl = overrides.databaseUrl === undefined ? await databaseUrlFor(dataDir) : undefined;
  const config = loadConfig({}, { port: 0, dataDir, ...(databaseUrl ? { databaseUrl } : {}), ...overrides });
  let server: RunningServer;
  try {
    server = await startServer(config, { logger, clock });
  } catch (err) {
    await removeDataDir();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await server.close();
      } finally {
        await removeDataDir();
      }
    })());
  track({ close });
  const first = server.bootstrap.firstProject ?? (await _firstProject(server));
  const org = server.bootstrap.organization;
  const token = mintApiToken(server.url, org.slug, Math.floor(clock.now() / 1000));
  await server.store.createApiToken({ name: "test", tokenHash: hashApiToken(token), tokenHint: tokenHint(token), scopes: ADMIN_SCOPES });
  const localUrl = `http://127.0.0.1:${server.port}`;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(localUrl + path, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...(init.headers ?? {}) },
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    server,
    url: server.url,
    localUrl,
    dataDir,
    dsn: formatDsn(server.url, first.key),
    projectId: first.project.id,
    publicKey: first.key.publicKey,
    token,
    api,
    errors: log.lines,
    expectLog: (pattern) => log.expect(pattern),
    tolerateLog: (pattern) => log.tolerate(pattern),
    close,
  };
}

// --- Internal ---

/** A reused data directory's first project and its first key (a fresh one was created by bootstrap). */
async function _firstProject(server: RunningServer): Promise<{ project: Project; key: ProjectKey }> {
  const project = (await server.store.listProjects())[0];
  if (!project) throw new Error("the data directory has no project");
  const key = (await server.store.listProjectKeys(project.id))[0];
  if (!key) throw new Error(`project ${project.slug} has no key`);
  return { project, key };
}
