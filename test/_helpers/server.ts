import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type ConfigKey } from "../../src/config.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { systemClock, type Clock } from "../../src/clock.ts";
import { startServer, type RunningServer } from "../../src/lighttrace.ts";
import { formatDsn } from "../../src/bootstrap.ts";
import { ADMIN_SCOPES, hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";

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
  /** logged lines at warn/error: tests fail when the server logged an unexpected error */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Starts the real server on 127.0.0.1 with a free port and a fresh data directory (removed on
 * close), plus an API token. The server logs into `errors` so tests can assert none happened.
 */
export async function startTestServer(overrides: Partial<Record<ConfigKey, unknown>> = {}, clock: Clock = systemClock): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-test-"));
  const errors: string[] = [];
  const logger: Logger = createLogger("warn", (line) => errors.push(line));
  const config = loadConfig({}, { port: 0, dataDir, ...overrides });
  const server = await startServer(config, { logger, clock });
  const first = server.bootstrap.firstProject!;
  const org = server.bootstrap.organization;
  const token = mintApiToken(server.url, org.slug, Math.floor(Date.now() / 1000));
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
    errors,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
